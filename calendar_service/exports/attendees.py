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

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.db.tables import Calendar, Event, Registration, SessionAttendance
from calendar_service.domain import registration as rules
from calendar_service.domain.access import Staff, require_calendar_editor
from calendar_service.domain.attendance import Programme
from calendar_service.domain.exports import acsv_pages, ajson_chunks, export_filename
from calendar_service.domain.timezones import get_zone
from calendar_service.errors import InvalidInput, NotFound
from calendar_service.exports.stream import FORMATS, ExportStream
from calendar_service.exports.xlsx import axlsx_chunks
from calendar_service.registrations.attendance import AttendanceService
from calendar_service.staff.audit import AuditLog

PAGE = 1000
TIME_KEYS = frozenset({"created_at", "confirmed_at", "attended_at"})
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
            detail={"format": fmt, "status": status, "mode": mode, "bom": bom, "rows": count},
        )
        filename = export_filename(event.slug, "attendees", self.now.date(), fmt)
        chunks = self._render(fmt, shape, event.id or 0, filters, bom, event.slug)
        return ExportStream(filename, FORMATS[fmt], count, chunks)

    def _render(
        self, fmt: str, shape: _Shape, event_id: int, filters: list[Any], bom: bool, slug: str
    ) -> AsyncIterator[bytes]:
        pages = self._pages(shape, event_id, filters, fmt)
        if fmt == "csv":
            return acsv_pages(shape.header(), pages, bom=bom)
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

    async def _pages(
        self, shape: _Shape, event_id: int, filters: list[Any], fmt: str
    ) -> AsyncIterator[list[list[object]]]:
        times = Times(get_zone(shape.zone), fmt)
        async with self.read_session_maker() as session:
            raw_times = session.get_bind().dialect.name == "sqlite"
            columns = [type_coerce(c, String) if raw_times and c.key in TIME_KEYS else c for c in COLUMNS]
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
            question_keys = [q["key"] for q in shape.questions]
            plan = shape.programme
            last_id = 0
            while True:
                connection = await session.connection()
                page = (
                    await connection.execute(
                        select(*columns)
                        .where(*filters, Registration.id > last_id)  # type: ignore[operator]
                        .order_by(Registration.id)
                        .limit(PAGE)
                    )
                ).all()
                rows: list[list[object]] = []
                for rid, name, email, status, mode, scholarship, created, confirmed, checked_in, answers in page:
                    row: list[object] = [
                        rid,
                        name,
                        email,
                        status,
                        mode,
                        positions.get(rid),
                        bool(scholarship),
                        *times.pair(created),
                        *times.pair(confirmed),
                        *times.pair(checked_in),
                    ]
                    if plan is not None:
                        count = attended.get(rid, 0)
                        row += [count, len(plan.sessions), None if plan.needed is None else count >= plan.needed]
                    if question_keys:
                        if isinstance(answers, str):
                            answers = json.loads(answers)
                        answers = answers or {}
                        row += [answers.get(key) for key in question_keys]
                    rows.append(row)
                if rows:
                    yield rows
                if len(page) < PAGE:
                    return
                last_id = page[-1][0]


async def _flatten(pages: AsyncIterator[list[list[object]]]) -> AsyncIterator[list[object]]:
    async for page in pages:
        for row in page:
            yield row


class Times:
    """UTC instants as (local, UTC) cells, converted once per distinct minute (zone offsets are whole minutes).

    Accepts aware datetimes, or SQLite's stored UTC text `YYYY-MM-DD HH:MM:SS[.ffffff]` read raw (parsing
    it into a datetime first was a third of an export's time). CSV gets text, JSON ISO 8601 with offset,
    XLSX naive datetimes (Excel has no zones; the header names it).
    """

    MAX_CACHED = 4096  # registrations cluster in time; a bounded cache keeps memory flat

    def __init__(self, zone: tzinfo, fmt: str) -> None:
        self.zone = zone
        self.fmt = fmt
        self.cache: dict[object, tuple[Any, Any]] = {}

    def pair(self, value: datetime | str | None) -> tuple[object, object]:
        if value is None:
            return None, None
        if isinstance(value, str):
            key: object = value[:16]
            second = int(value[17:19])
        else:
            value = value.astimezone(UTC)
            key, second = value.replace(second=0, microsecond=0), value.second
        minute = self.cache.get(key)
        if minute is None:
            minute = self._minute(key)
            if len(self.cache) >= self.MAX_CACHED:
                self.cache.clear()
            self.cache[key] = minute
        local, utc = minute
        if self.fmt == "xlsx":
            return local.replace(second=second), utc.replace(second=second)
        if self.fmt == "json":
            return f"{local[0]}:{second:02d}{local[1]}", f"{utc}:{second:02d}Z"
        return f"{local}:{second:02d}", f"{utc}:{second:02d}Z"

    def _minute(self, key: object) -> tuple[Any, Any]:
        instant = datetime.fromisoformat(key).replace(tzinfo=UTC) if isinstance(key, str) else key
        assert isinstance(instant, datetime)
        local = instant.astimezone(self.zone)
        if self.fmt == "xlsx":
            return local.replace(tzinfo=None), instant.replace(tzinfo=None)
        utc_text = instant.strftime("%Y-%m-%dT%H:%M")
        if self.fmt == "json":
            offset = local.isoformat()[19:]  # "+02:00"
            return (local.strftime("%Y-%m-%dT%H:%M"), offset), utc_text
        return local.strftime("%Y-%m-%d %H:%M"), utc_text
