"""Writing an import plan through the EventService, one transaction per event.

An event whose UID is new is created, then its overrides are put. An event
whose UID we already have (the same file imported again, or a later export
of the same calendar) is updated in place: fields from the file, overrides
made to match the file (ones no longer there are restored). If that changes
nothing, the transaction is rolled back and the event counts as unchanged,
so re-importing a file bumps no SEQUENCE and wakes no subscriber. An event
we hold in another calendar is skipped, never moved. A refused event rolls
back alone; the rest go on.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import msgspec
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from calendar_service.db.tables import Calendar, Event
from calendar_service.domain.access import Staff
from calendar_service.domain.ics_import import ImportedEvent
from calendar_service.errors import DomainError
from calendar_service.events.schemas import EventCreate, EventRead, EventUpdate, OverrideRead, OverrideWrite
from calendar_service.events.service import EventService
from calendar_service.settings import Settings

COMMAND_LINE = Staff(id=0, name="command line", role="admin")
Outcome = Literal["imported", "updated", "unchanged", "skipped"]
_VOLATILE = ("updated_at", "sequence", "created_at")


@dataclass(frozen=True, slots=True)
class Result:
    outcome: Outcome
    title: str
    slug: str
    detail: str = ""


class _Unchanged(Exception):
    """Raised inside an update's transaction to roll it back: the file changes nothing."""


def _comparable(read: EventRead) -> dict[str, Any]:
    data: dict[str, Any] = msgspec.to_builtins(read)
    return {key: value for key, value in data.items() if key not in _VOLATILE}


def _override_body(override: dict[str, Any]) -> OverrideWrite:
    return msgspec.convert({k: v for k, v in override.items() if k != "original_local_start"}, OverrideWrite)


def _override_key(override: dict[str, Any]) -> tuple[Any, ...]:
    return override.get("start"), override.get("end"), override.get("title"), override.get("status")


def _read_key(current: OverrideRead) -> tuple[Any, ...]:
    return current.start, current.end, current.title, current.status


class Importer:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: Settings, calendar: str, now: datetime):
        self.sessions, self.settings, self.calendar, self.now = sessions, settings, calendar, now

    def _service(self, session: AsyncSession) -> EventService:
        s = self.settings
        return EventService(session, s.base_url, self.now, s.uid_domain, s.organizer_email)

    async def existing(self, session: AsyncSession, uid: str | None) -> tuple[str, str] | None:
        """(event slug, calendar slug) of the event holding this UID, if any."""
        if not uid:
            return None
        query = (
            select(col(Event.slug), col(Calendar.slug))
            .join(Calendar, col(Calendar.id) == col(Event.calendar_id))
            .where(col(Event.uid) == uid)
        )
        found = await session.execute(query)
        row = found.first()
        return (row[0], row[1]) if row else None

    async def preview(self, item: ImportedEvent) -> Result:
        """What `apply` would do, without writing (for --dry-run)."""
        title = str(item.body.get("title", ""))
        async with self.sessions() as session:
            found = await self.existing(session, item.body.get("uid"))
        if found is None:
            return Result("imported", title, str(item.body.get("slug") or "(new)"), "would be created")
        if found[1] != self.calendar:
            return Result("skipped", title, found[0], f"its UID is already an event of calendar '{found[1]}'")
        return Result("updated", title, found[0], "would be updated from the file (if anything changed)")

    async def apply(self, item: ImportedEvent) -> Result:
        title = str(item.body.get("title", ""))
        try:
            async with self.sessions() as session, session.begin():
                return await self._write(session, item, title)
        except _Unchanged as unchanged:
            return Result("unchanged", title, str(unchanged), "already as in the file")
        except DomainError as exc:
            return Result("skipped", title, "", f"refused: {exc.message}")
        except msgspec.ValidationError as exc:
            return Result("skipped", title, "", f"refused: {exc}")
        except IntegrityError as exc:
            return Result("skipped", title, "", f"the database refused it: {str(exc.orig).splitlines()[0]}")

    async def _write(self, session: AsyncSession, item: ImportedEvent, title: str) -> Result:
        service = self._service(session)
        found = await self.existing(session, item.body.get("uid"))
        if found is None:
            read = await service.create(msgspec.convert(item.body, EventCreate), COMMAND_LINE)
            for override in item.overrides:
                await service.put_occurrence(
                    read.slug, override["original_local_start"], _override_body(override), COMMAND_LINE
                )
            moved = f", {len(item.overrides)} occurrence(s) changed" if item.overrides else ""
            return Result("imported", title, read.slug, f"created{moved}")
        slug, calendar = found
        if calendar != self.calendar:
            return Result("skipped", title, slug, f"its UID is already an event of calendar '{calendar}'")
        before = await service.get(slug, COMMAND_LINE)
        changes = {k: v for k, v in item.body.items() if k not in ("uid", "slug")}
        await service.update(slug, msgspec.convert(changes, EventUpdate), COMMAND_LINE)
        wanted = {override["original_local_start"]: override for override in item.overrides}
        held = {current.original_start: current for current in before.overrides}
        for original in held.keys() - wanted.keys():
            await service.delete_occurrence(slug, original, COMMAND_LINE)
        for original, override in wanted.items():
            if original not in held or _override_key(override) != _read_key(held[original]):
                await service.put_occurrence(slug, original, _override_body(override), COMMAND_LINE)
        after = await service.get(slug, COMMAND_LINE)
        if _comparable(before) == _comparable(after):
            raise _Unchanged(slug)
        return Result("updated", title, slug, f"updated (sequence {before.sequence} -> {after.sequence})")
