"""Staff bearer tokens: created by the CLI, stored as SHA-256, checked per request.

Tokens are 256-bit random values, so a fast hash is enough (no password
stretching needed); the stored prefix lets staff tell tokens apart.
"""

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.db.tables import StaffToken
from calendar_service.domain.access import Staff, valid_role
from calendar_service.errors import InvalidInput, Unauthorized

TOKEN_PREFIX = "cst_"  # noqa: S105 - a public prefix, not a secret


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, *, name: str, role: str, calendars: list[str], now: datetime) -> tuple[StaffToken, str]:
        try:
            valid_role(role, calendars)
        except ValueError as exc:
            raise InvalidInput(str(exc), "role") from None
        if not name.strip():
            raise InvalidInput("name: give the token a name saying whose it is", "name")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        row = StaffToken(
            name=name.strip(),
            role=role,
            token_hash=hash_token(token),
            prefix=token[:12],
            calendars=list(calendars),
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return row, token

    async def list(self) -> list[StaffToken]:
        return list((await self.session.scalars(select(StaffToken).order_by(StaffToken.id))).all())

    async def revoke(self, token_id: int, now: datetime) -> StaffToken:
        row = await self.session.get(StaffToken, token_id)
        if row is None:
            raise InvalidInput(f"no token with id {token_id}", "id")
        row.revoked_at = row.revoked_at or now
        await self.session.flush()
        return row

    async def authenticate(self, authorization: str | None) -> Staff:
        if not authorization:
            raise Unauthorized("this needs a staff token: send 'Authorization: Bearer <token>'")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("send the staff token as 'Authorization: Bearer <token>'")
        row = await self.session.scalar(select(StaffToken).where(StaffToken.token_hash == hash_token(token.strip())))
        if row is None or row.revoked_at is not None or row.id is None:
            raise Unauthorized("this staff token is not valid (unknown or revoked); ask an admin for a new one")
        return Staff(id=row.id, name=row.name, role=row.role, calendars=tuple(row.calendars))
