"""Staff tokens for the tests: made straight in the database (no API call), as Authorization headers."""

import httpx
from sqlalchemy import select

from calendar_service.db.engine import create_engine, create_session_maker
from calendar_service.db.tables import Calendar
from calendar_service.staff.tokens import TokenService
from tests.support.clock import FIXED_NOW


def bearer(token: str) -> dict[str, str]:
    """The Authorization header carrying a staff token."""
    return {"Authorization": f"Bearer {token}"}


async def make_token(url: str, role: str, calendars: list[str] | None = None) -> str:
    """A new staff token (its secret) with this role, limited to these calendars (made if missing)."""
    engine = create_engine(url, pool=False)
    try:
        async with create_session_maker(engine)() as session, session.begin():
            for slug in calendars or []:  # a token may only name calendars that exist
                if await session.scalar(select(Calendar.id).where(Calendar.slug == slug)) is None:
                    session.add(
                        Calendar(slug=slug, name=slug, timezone="UTC", created_at=FIXED_NOW, updated_at=FIXED_NOW)
                    )
            await session.flush()
            _, token = await TokenService(session).create(
                name=f"test {role}", role=role, calendars=calendars or [], now=FIXED_NOW
            )
    finally:
        await engine.dispose()
    return token


async def token_id(http: httpx.AsyncClient, admin: dict[str, str], headers: dict[str, str]) -> int:
    """The id /api/staff/tokens lists for the token in `headers`."""
    secret = headers["Authorization"].removeprefix("Bearer ")
    listed = (await http.get("/api/staff/tokens", headers=admin)).json()["items"]
    return int(next(t["id"] for t in listed if t["prefix"] == secret[:12]))
