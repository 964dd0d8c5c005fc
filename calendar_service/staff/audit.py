"""The audit trail: every staff write recorded with actor, time, target and diff, in the same transaction.

An entry is written by the service that makes the change, inside its unit of
work: a change that rolls back leaves no entry, and no change is committed
without one. Exports of personal data are recorded too (the export itself
changes nothing, but who took the list out is what a data-protection officer asks).
"""

from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from calendar_service.db.tables import AuditEntry
from calendar_service.domain.access import Staff, require_admin
from calendar_service.domain.audit import diff_of
from calendar_service.domain.timezones import iso_utc
from calendar_service.errors import InvalidInput
from calendar_service.staff.schemas import AuditEntryRead, AuditList

MAX_PAGE = 500


def as_plain(value: Any) -> Any:
    """A schema (msgspec Struct) or mapping as plain JSON-ready data, for diffs."""
    if value is None:
        return None
    return msgspec.to_builtins(value)


class AuditLog:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session = session
        self.now = now

    def record(
        self,
        staff: Staff | None,
        action: str,
        target_type: str,
        target_id: object,
        *,
        calendar: str | None = None,
        before: Any = None,
        after: Any = None,
        detail: dict[str, Any] | None = None,
    ) -> AuditEntry:
        """Add an entry to the current unit of work (`staff` None: the command line or the system)."""
        entry = AuditEntry(
            at=self.now,
            actor_id=staff.id if staff and staff.id > 0 else None,
            actor_name=staff.name if staff else "command line",
            actor_role=staff.role if staff else "system",
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            calendar=calendar,
            diff=diff_of(as_plain(before), as_plain(after)),
            detail=detail or {},
        )
        self.session.add(entry)
        return entry

    async def list(
        self,
        staff: Staff,
        *,
        actor: str | None = None,
        action: str | None = None,
        target_type: str | None = None,
        target_id: str | None = None,
        calendar: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        before_id: int | None = None,
        limit: int = 100,
    ) -> AuditList:
        """Newest first; `before_id` pages backwards (pass the last id of the previous page)."""
        require_admin(staff, "read the audit log")
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"limit: between 1 and {MAX_PAGE}", "limit")
        stmt = select(AuditEntry)
        if actor:
            stmt = (
                stmt.where(col(AuditEntry.actor_name) == actor)
                if not actor.isdigit()
                else stmt.where(col(AuditEntry.actor_id) == int(actor))
            )
        if action:
            # "event" matches event.create, event.update, …; "event.update" matches itself.
            stmt = stmt.where((col(AuditEntry.action) == action) | col(AuditEntry.action).startswith(f"{action}."))
        if target_type:
            stmt = stmt.where(col(AuditEntry.target_type) == target_type)
        if target_id:
            stmt = stmt.where(col(AuditEntry.target_id) == target_id)
        if calendar:
            stmt = stmt.where(col(AuditEntry.calendar) == calendar)
        if since:
            stmt = stmt.where(col(AuditEntry.at) >= since)
        if until:
            stmt = stmt.where(col(AuditEntry.at) < until)
        if before_id:
            stmt = stmt.where(col(AuditEntry.id) < before_id)
        rows = (await self.session.scalars(stmt.order_by(col(AuditEntry.id).desc()).limit(limit + 1))).all()
        items = [
            AuditEntryRead(
                id=r.id or 0,
                at=iso_utc(r.at),
                actor_id=r.actor_id,
                actor_name=r.actor_name,
                actor_role=r.actor_role,
                action=r.action,
                target_type=r.target_type,
                target_id=r.target_id,
                calendar=r.calendar,
                diff=r.diff,
                detail=r.detail,
            )
            for r in rows[:limit]
        ]
        more = len(rows) > limit
        return AuditList(items=items, next_before_id=items[-1].id if more and items else None)
