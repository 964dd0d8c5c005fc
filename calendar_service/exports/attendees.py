"""The attendee export: one row per registration, streamed as CSV, XLSX or JSON.

Decisions:
- Authorisation and the audit entry happen in the request's unit of work,
  before the first byte: an export of personal data is always on record.
- Rows are read after that, on the read-only engine or a read-only SQLite
  connection of their own, in keyset pages (`pages.py`), so 100,000
  registrations never sit in memory and no write lock is held while a
  client downloads.
- Times appear twice: in the event's zone (named in the column header) and
  in UTC. CSV and JSON carry text; XLSX carries real dates.
- One column per custom question, in the event's question order, headed by
  its label; multi-choice answers are joined with "; ".
"""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from calendar_service.db.tables import Calendar, Event, Registration
from calendar_service.domain import registration as rules
from calendar_service.domain.access import Staff, require_calendar_editor
from calendar_service.domain.attendance import Programme
from calendar_service.domain.exports import acsv_pages, ajson_chunks, export_filename
from calendar_service.domain.timezones import get_zone
from calendar_service.errors import InvalidInput, NotFound
from calendar_service.exports.keyset import Selection, attendee_pages
from calendar_service.exports.stream import FORMATS, ExportStream
from calendar_service.exports.xlsx import axlsx_chunks
from calendar_service.registrations.attendance import AttendanceService
from calendar_service.staff.audit import AuditLog

MODES = ("in_person", "online")


@dataclass(frozen=True, slots=True)
class _Shape:
    zone: str
    questions: list[dict[str, Any]]
    programme: Programme | None

    def header(self) -> list[str]:
        z = self.zone
        cols = ["id", "name", "email", "status", "attendance_mode", "waitlist_position", "scholarship"]
        for label in ("registered_at", "confirmed_at", "checked_in_at"):
            cols += [f"{label} ({z})", f"{label} (UTC)"]
        if self.programme is not None:
            cols += ["sessions_attended", "sessions_total", "completed"]
        return cols + [q["label"] for q in self.questions]

    def keys(self) -> list[str]:
        cols = ["id", "name", "email", "status", "attendance_mode", "waitlist_position", "scholarship"]
        for label in ("registered_at", "confirmed_at", "checked_in_at"):
            cols += [label, f"{label}_utc"]
        if self.programme is not None:
            cols += ["sessions_attended", "sessions_total", "completed"]
        return cols


class AttendeeExport:
    def __init__(self, session: AsyncSession, read_session_maker: Callable[[], AsyncSession], now: datetime) -> None:
        self.session = session
        self.read_session_maker = read_session_maker
        self.now = now

    async def prepare(
        self,
        slug: str,
        staff: Staff,
        *,
        fmt: str = "csv",
        status: str | None = None,
        mode: str | None = None,
        bom: bool = False,
    ) -> ExportStream:
        if fmt not in FORMATS:
            raise InvalidInput(f"format: use one of {', '.join(FORMATS)}", "format")
        if status is not None and status not in rules.STATUSES:
            raise InvalidInput(f"status: use one of {', '.join(rules.STATUSES)}", "status")
        if mode is not None and mode not in MODES:
            raise InvalidInput(f"mode: use one of {', '.join(MODES)}", "mode")
        event = await self.session.scalar(select(Event).where(col(Event.slug) == slug))
        if event is None:
            raise NotFound(f"no event '{slug}'; GET /api/events lists events")
        calendar = await self.session.get_one(Calendar, event.calendar_id)
        require_calendar_editor(staff, calendar.slug)
        series = bool(event.rrule or event.rdates)
        plan = await AttendanceService(self.session, self.now).plan(event) if series else None
        questions = [dict(q) for q in rules.RegistrationSettings.of(event.registration).questions]
        shape = _Shape(event.timezone, questions, plan)
        selection = Selection(event.id or 0, status, mode)
        count = int(
            await self.session.scalar(select(func.count()).select_from(Registration).where(*selection.filters())) or 0
        )
        AuditLog(self.session, self.now).record(
            staff,
            "export.attendees",
            "event",
            event.slug,
            calendar=calendar.slug,
            detail={"format": fmt, "status": status, "mode": mode, "bom": bom, "rows": count},
        )
        filename = export_filename(event.slug, "attendees", self.now.date(), fmt)
        chunks = self._render(fmt, shape, selection, bom, event.slug)
        return ExportStream(filename, FORMATS[fmt], count, chunks)

    def _render(self, fmt: str, shape: _Shape, selection: Selection, bom: bool, slug: str) -> AsyncIterator[bytes]:
        keys = [q["key"] for q in shape.questions]
        zone = get_zone(shape.zone)
        pages = attendee_pages(self.read_session_maker, selection, zone, fmt, keys, shape.programme)
        if fmt == "csv":
            return acsv_pages(shape.header(), pages, bom=bom, rendered=True)
        if fmt == "xlsx":
            return axlsx_chunks(shape.header(), _flatten(pages), sheet_title=slug)
        return ajson_chunks(self._records(shape, pages))

    async def _records(self, shape: _Shape, pages: AsyncIterator[list[list[object]]]) -> AsyncIterator[dict[str, Any]]:
        keys = shape.keys()
        question_keys = [q["key"] for q in shape.questions]
        async for page in pages:
            for row in page:
                record = dict(zip(keys, row[: len(keys)], strict=True))
                record["answers"] = dict(zip(question_keys, row[len(keys) :], strict=True))
                yield record


async def _flatten(pages: AsyncIterator[list[list[object]]]) -> AsyncIterator[list[object]]:
    async for page in pages:
        for row in page:
            yield row
