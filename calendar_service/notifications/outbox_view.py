"""Staff view of the outbox: what was (or will be) sent to whom."""

from msgspec import Struct
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from calendar_service.db.tables import OutboxMessage
from calendar_service.domain.access import Staff, require_admin
from calendar_service.domain.timezones import iso_utc
from calendar_service.errors import InvalidInput


class OutboxItem(Struct, kw_only=True):
    id: int
    kind: str
    recipient: str
    subject: str
    body: str
    ics: str | None
    ics_method: str | None
    created_at: str
    sent_at: str | None
    attempts: int
    last_error: str | None


class OutboxList(Struct):
    items: list[OutboxItem]


class OutboxView:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list(self, staff: Staff, recipient: str | None, limit: int) -> OutboxList:
        require_admin(staff, "read the outbox")
        if not 1 <= limit <= 1000:
            raise InvalidInput("limit: from 1 to 1000", "limit")
        stmt = select(OutboxMessage).order_by(col(OutboxMessage.id).desc()).limit(limit)
        if recipient:
            stmt = stmt.where(col(OutboxMessage.recipient) == recipient)
        rows = (await self.session.scalars(stmt)).all()
        return OutboxList(
            items=[
                OutboxItem(
                    id=m.id or 0,
                    kind=m.kind,
                    recipient=m.recipient,
                    subject=m.subject,
                    body=m.body,
                    ics=m.ics,
                    ics_method=m.ics_method,
                    created_at=iso_utc(m.created_at),
                    sent_at=iso_utc(m.sent_at) if m.sent_at else None,
                    attempts=m.attempts,
                    last_error=m.last_error,
                )
                for m in rows
            ]
        )
