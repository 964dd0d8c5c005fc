"""The attendee export: one row per registration, streamed as CSV, XLSX or JSON.

Decisions:
- Authorisation and the audit entry happen in the request's unit of work,
  before the first byte: an export of personal data is always on record.
- Rows are read after that, on the read-only engine (autocommit: on SQLite
  no write lock is held while a client downloads) in keyset pages of 1,000
  by id, so 100,000 registrations never sit in memory; only the waitlist
  order (ids) and per-person session counts are kept, a few bytes a row.
- Times appear twice: in the event's zone (named in the column header) and
  in UTC. CSV and JSON carry text; XLSX carries real dates.
- One column per custom question, in the event's question order, headed by
  its label; multi-choice answers are joined with "; ".
"""

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.db.tables import Calendar, Event, Registration, SessionAttendance
from calendar_service.domain import registration as rules
from calendar_service.domain.access import Staff, require_calendar_editor
from calendar_service.domain.attendance import Programme
from calendar_service.domain.exports import acsv_chunks, ajson_chunks, content_disposition, export_filename
from calendar_service.domain.timezones import get_zone, iso_utc, iso_with_offset
from calendar_service.errors import InvalidInput, NotFound
from calendar_service.exports.xlsx import axlsx_chunks
from calendar_service.registrations.attendance import AttendanceService
from calendar_service.staff.audit import AuditLog

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
PAGE = 1000
MODES = ("in_person", "online")
COLUMNS = (
    Registration.id,
    Registration.name,
    Registration.email,
    Registration.status,
    Registration.attendance_mode,
    Registration.scholarship,
    Registration.created_at,
    Registration.confirmed_at,
    Registration.attended_at,
    Registration.answers,
)


@dataclass(frozen=True, slots=True)
class ExportStream:
    filename: str
    media_type: str
    rows: int
    chunks: AsyncIterator[bytes]

    @property
    def disposition(self) -> str:
        return content_disposition(self.filename)


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
        event = await self.session.scalar(select(Event).where(Event.slug == slug))
        if event is None:
            raise NotFound(f"no event '{slug}'; GET /api/events lists events")
        calendar = await self.session.get_one(Calendar, event.calendar_id)
        require_calendar_editor(staff, calendar.slug)
        series = bool(event.rrule or event.rdates)
        plan = await AttendanceService(self.session, self.now).plan(event) if series else None
        shape = _Shape(event.timezone, list((event.registration or {}).get("questions", [])), plan)
        filters = [Registration.event_id == event.id]
        if status:
            filters.append(Registration.status == status)
        if mode:
            filters.append(Registration.attendance_mode == mode)
        count = int(await self.session.scalar(select(func.count()).select_from(Registration).where(*filters)) or 0)
        AuditLog(self.session, self.now).record(
            staff,
            "export.attendees",
            "event",
            event.slug,
            calendar=calendar.slug,
            detail={"format": fmt, "status": status, "mode": mode, "rows": count},
        )
        filename = export_filename(event.slug, "attendees", self.now.date(), fmt)
        chunks = self._render(fmt, shape, event.id or 0, filters, bom, event.slug)
        return ExportStream(filename, FORMATS[fmt], count, chunks)

    def _render(
        self, fmt: str, shape: _Shape, event_id: int, filters: list[Any], bom: bool, slug: str
    ) -> AsyncIterator[bytes]:
        if fmt == "csv":
            return acsv_chunks(shape.header(), self._rows(shape, event_id, filters, "csv"), bom=bom)
        if fmt == "xlsx":
            return axlsx_chunks(shape.header(), self._rows(shape, event_id, filters, "xlsx"), sheet_title=slug)
        return ajson_chunks(self._records(shape, event_id, filters))

    async def _records(self, shape: _Shape, event_id: int, filters: list[Any]) -> AsyncIterator[dict[str, Any]]:
        keys = shape.keys()
        async for row in self._rows(shape, event_id, filters, "json"):
            record = dict(zip(keys, row[: len(keys)], strict=True))
            record["answers"] = dict(zip([q["key"] for q in shape.questions], row[len(keys) :], strict=True))
            yield record

    async def _rows(
        self, shape: _Shape, event_id: int, filters: list[Any], fmt: str
    ) -> AsyncIterator[Sequence[object]]:
        zone = get_zone(shape.zone)

        def when(instant: datetime | None) -> list[object]:
            if instant is None:
                return [None, None]
            if fmt == "xlsx":
                return [instant.astimezone(zone).replace(tzinfo=None), instant.replace(tzinfo=None)]
            local = instant.astimezone(zone)
            if fmt == "json":
                return [iso_with_offset(local), iso_utc(instant)]
            return [local.strftime("%Y-%m-%d %H:%M:%S"), iso_utc(instant)]

        async with self.read_session_maker() as session:
            waitlist = (
                await session.scalars(
                    select(Registration.id)
                    .where(Registration.event_id == event_id, Registration.status == "waitlisted")
                    .order_by(Registration.id)
                )
            ).all()
            positions = {rid: n for n, rid in enumerate(waitlist, start=1)}
            attended: dict[int, int] = {}
            if shape.programme is not None:
                valid = set(shape.programme.sessions)
                marks = await session.execute(
                    select(SessionAttendance.registration_id, SessionAttendance.occurrence_local).where(
                        SessionAttendance.event_id == event_id
                    )
                )
                for registration_id, occurrence in marks:
                    if occurrence in valid:
                        attended[registration_id] = attended.get(registration_id, 0) + 1
            last_id = 0
            while True:
                page = (
                    await session.execute(
                        select(*COLUMNS)
                        .where(*filters, Registration.id > last_id)  # type: ignore[operator]
                        .order_by(Registration.id)
                        .limit(PAGE)
                    )
                ).all()
                for r in page:
                    row: list[object] = [
                        r.id,
                        r.name,
                        r.email,
                        r.status,
                        r.attendance_mode,
                        positions.get(r.id),
                        bool(r.scholarship),
                        *when(r.created_at),
                        *when(r.confirmed_at),
                        *when(r.attended_at),
                    ]
                    if shape.programme is not None:
                        count = attended.get(r.id, 0)
                        needed = shape.programme.needed
                        row += [count, len(shape.programme.sessions), None if needed is None else count >= needed]
                    answers = r.answers or {}
                    row += [answers.get(q["key"]) for q in shape.questions]
                    yield row
                if len(page) < PAGE:
                    return
                last_id = page[-1].id
