"""Writing messages into the outbox, in the caller's transaction.

A message exists exactly when the change it reports was committed: both are
in one transaction. A worker sends them later with retries (SMTP_URL); until
then, and without SMTP, staff can read them.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.db.tables import OutboxMessage


@dataclass(frozen=True, slots=True)
class Message:
    kind: str
    recipient: str
    subject: str
    body: str
    ics: bytes | None = None
    ics_method: str | None = None


class _Row(TypedDict):
    """An outbox row's columns, as OutboxMessage(...) and the multi-row INSERT take them."""

    kind: str
    registration_id: int | None
    recipient: str
    subject: str
    body: str
    ics: str | None
    ics_method: str | None
    created_at: datetime
    next_attempt_at: datetime


def _values(message: Message, now: datetime, registration_id: int | None) -> _Row:
    return {
        "kind": message.kind,
        "registration_id": registration_id,
        "recipient": message.recipient,
        "subject": message.subject[:300],
        "body": message.body,
        "ics": message.ics.decode() if message.ics else None,
        "ics_method": message.ics_method,
        "created_at": now,
        "next_attempt_at": now,
    }


def enqueue(session: AsyncSession, message: Message, now: datetime, registration_id: int | None = None) -> None:
    session.add(OutboxMessage(**_values(message, now, registration_id)))


async def enqueue_many(session: AsyncSession, messages: list[tuple[Message, int | None]], now: datetime) -> None:
    """Several messages in one multi-row INSERT (a batch of registrations), in the caller's transaction."""
    if messages:
        rows = [_values(message, now, registration_id) for message, registration_id in messages]
        await session.execute(insert(OutboxMessage.__table__), rows)  # type: ignore[attr-defined]  # SQLModel leaves __table__ untyped
