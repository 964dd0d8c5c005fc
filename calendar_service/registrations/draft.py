"""A registration decided but not yet written: a plain row (no ORM object) for the batch's one INSERT."""

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class Draft:
    """The `registration` table's row as a batch writes it; `id` is set from INSERT … RETURNING."""

    event_id: int
    token_hash: str
    feed_token: str
    name: str
    email: str
    email_key: str
    active_email: str
    attendance_mode: str
    answers: dict[str, Any]
    consent: bool
    status: str
    confirm_token_hash: str | None
    confirm_expires_at: datetime | None
    holds_seat: bool
    created_at: datetime
    updated_at: datetime
    waitlisted_at: datetime | None
    confirmed_at: datetime | None
    id: int | None = None

    def row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in COLUMNS}


COLUMNS = tuple(f.name for f in fields(Draft) if f.name != "id")
