"""Staff bearer tokens: created by the CLI or an admin, stored as SHA-256, checked per request.

Tokens are 256-bit random values, so a fast hash is enough (no password
stretching needed); the stored prefix lets staff tell tokens apart. A token
may expire; `last_used_at` is refreshed at most once a minute, so checking a
token does not turn every read into a write. A token may name its holder's
email (normalised like a registrant's): scholarship assignment then treats
that person's own application as a conflict of interest.
"""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from calendar_service.db.tables import Calendar, StaffToken
from calendar_service.domain.access import Staff, valid_role
from calendar_service.domain.registration import normalize_email
from calendar_service.domain.timezones import iso_utc
from calendar_service.domain.tokens import hash_token
from calendar_service.errors import InvalidInput, NotFound, Unauthorized
from calendar_service.staff.schemas import TokenRead

TOKEN_PREFIX = "cst_"  # noqa: S105 - a public prefix, not a secret
LAST_USED_GRANULARITY = timedelta(minutes=1)


def token_read(row: StaffToken, secret: str | None = None) -> TokenRead:
    return TokenRead(
        id=row.id or 0,
        name=row.name,
        role=row.role,
        prefix=row.prefix,
        calendars=list(row.calendars),
        created_at=iso_utc(row.created_at),
        expires_at=iso_utc(row.expires_at) if row.expires_at else None,
        last_used_at=iso_utc(row.last_used_at) if row.last_used_at else None,
        revoked_at=iso_utc(row.revoked_at) if row.revoked_at else None,
        email=row.email,
        token=secret,
    )


class TokenService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(
        self,
        *,
        name: str,
        role: str,
        calendars: list[str],
        now: datetime,
        expires_in_days: int | None = None,
        email: str | None = None,
    ) -> tuple[StaffToken, str]:
        try:
            valid_role(role, calendars)
        except ValueError as exc:
            raise InvalidInput(str(exc), "role") from None
        if not name.strip():
            raise InvalidInput("name: give the token a name saying whose it is", "name")
        if calendars:
            known = set(
                (await self.session.scalars(select(col(Calendar.slug)).where(col(Calendar.slug).in_(calendars)))).all()
            )
            unknown = [slug for slug in calendars if slug not in known]
            if unknown:
                raise InvalidInput(
                    f"calendars: no calendar {', '.join(repr(u) for u in unknown)}; GET /api/calendars lists them",
                    "calendars",
                )
        if expires_in_days is not None and expires_in_days < 1:
            raise InvalidInput(
                "expires_in_days: at least 1 (or leave it out for a token that does not expire)", "expires_in_days"
            )
        address = normalize_email(email).address if email else None
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        row = StaffToken(
            name=name.strip(),
            role=role,
            token_hash=hash_token(token),
            prefix=token[:12],
            calendars=list(dict.fromkeys(calendars)),  # each named once, in the order given
            created_at=now,
            expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
            email=address,
        )
        self.session.add(row)
        await self.session.flush()
        return row, token

    async def list(self) -> list[StaffToken]:
        return list((await self.session.scalars(select(StaffToken).order_by(col(StaffToken.id)))).all())

    async def revoke(self, token_id: int, now: datetime) -> StaffToken:
        row = await self.session.get(StaffToken, token_id)
        if row is None:
            raise NotFound(f"no token with id {token_id}; GET /api/staff/tokens lists them")
        row.revoked_at = row.revoked_at or now
        await self.session.flush()
        return row

    async def authenticate(self, authorization: str | None, now: datetime | None = None) -> Staff:
        if not authorization:
            raise Unauthorized("this needs a staff token: send 'Authorization: Bearer <token>'")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("send the staff token as 'Authorization: Bearer <token>'")
        row = await self.session.scalar(
            select(StaffToken).where(col(StaffToken.token_hash) == hash_token(token.strip()))
        )
        if row is None or row.revoked_at is not None or row.id is None:
            raise Unauthorized("this staff token is not valid (unknown or revoked); ask an admin for a new one")
        if now is not None and row.expires_at is not None and row.expires_at <= now:
            raise Unauthorized(f"this staff token expired at {iso_utc(row.expires_at)}; ask an admin for a new one")
        if now is not None and (row.last_used_at is None or now - row.last_used_at >= LAST_USED_GRANULARITY):
            await self.session.execute(
                update(StaffToken)
                .where(col(StaffToken.id) == row.id)
                .values(last_used_at=now)
                .execution_options(synchronize_session=False)
            )
        return Staff(id=row.id, name=row.name, role=row.role, calendars=tuple(row.calendars))
