"""Reading the attendee export's rows: keyset pages of plain values, the same on every database.

Decisions:
- Pages of 1,000 rows by id (keyset), each its own statement, so 100,000
  registrations never sit in memory and no read snapshot is held while a
  slow client downloads.
- Core rows, not ORM objects, on the read-only engine; on SQLite the stored
  UTC text of the times is read raw (`Times` slices it) and the answers' JSON
  text is decoded by msgspec (three times faster than the JSON type's
  `json.loads`). Reading the pages
  on a plain `sqlite3` connection in a worker thread instead was measured
  (bench/exports.py) and gained nothing: building and writing rows is the cost.
- Every format and database renders a row through one `_Rows.build`.
"""

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, tzinfo
from typing import Any

from msgspec.json import decode as decode_json
from sqlalchemy import Select, String, bindparam, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from calendar_service.db.tables import Registration, SessionAttendance
from calendar_service.domain.attendance import Programme
from calendar_service.domain.exports import cell_text

PAGE = 1000
COLUMNS = (
    col(Registration.id),
    col(Registration.name),
    col(Registration.email),
    col(Registration.status),
    col(Registration.attendance_mode),
    col(Registration.scholarship),
    col(Registration.created_at),
    col(Registration.confirmed_at),
    col(Registration.attended_at),
    col(Registration.answers),
)
# Read as their stored text on SQLite: UTC times for `Times` to slice, JSON for msgspec.
RAW_ON_SQLITE = (
    col(Registration.created_at),
    col(Registration.confirmed_at),
    col(Registration.attended_at),
    col(Registration.answers),
)
Page = list[list[object]]


class Selection:
    """Which registrations of one event: optionally one status and one attendance mode."""

    def __init__(self, event_id: int, status: str | None, mode: str | None) -> None:
        self.event_id, self.status, self.mode = event_id, status, mode

    def filters(self) -> list[Any]:
        found = [col(Registration.event_id) == self.event_id]
        if self.status:
            found.append(col(Registration.status) == self.status)
        if self.mode:
            found.append(col(Registration.attendance_mode) == self.mode)
        return found

    def page_query(self, columns: list[Any]) -> Select[Any]:
        """One keyset page: the rows after the id bound to `after`."""
        after = col(Registration.id) > bindparam("after")
        return select(*columns).where(*self.filters(), after).order_by(col(Registration.id)).limit(PAGE)


async def attendee_pages(
    read_session_maker: Callable[[], AsyncSession],
    selection: Selection,
    zone: tzinfo,
    fmt: str,
    questions: list[str],
    programme: Programme | None,
) -> AsyncIterator[Page]:
    """Rendered rows (see `_Rows.build`), a page at a time."""
    async with read_session_maker() as session:
        rows = _Rows(Times(zone, fmt), questions, programme, text=fmt == "csv")
        await rows.load_context(session, selection.event_id)
        sqlite = session.get_bind().dialect.name == "sqlite"
        columns = [type_coerce(c, String) if sqlite and any(c is raw for raw in RAW_ON_SQLITE) else c for c in COLUMNS]
        query = selection.page_query(columns)
        last_id = 0
        while True:
            connection = await session.connection()
            raw = (await connection.execute(query, {"after": last_id})).all()
            if raw:
                yield rows.build(raw)
            if len(raw) < PAGE:
                return
            last_id = raw[-1][0]


class _Rows:
    """Turns raw registration tuples into export rows, with the waitlist positions and session counts."""

    def __init__(self, times: "Times", questions: list[str], programme: Programme | None, text: bool) -> None:
        self.times = times
        self.text = text
        self.questions = questions
        self.programme = programme
        self.positions: dict[int, int] = {}
        self.attended: dict[int, int] = {}

    async def load_context(self, session: AsyncSession, event_id: int) -> None:
        """Waitlist order and per-person session counts: a few bytes a row, read once before the pages."""
        waitlist = await session.scalars(
            select(col(Registration.id))
            .where(col(Registration.event_id) == event_id, col(Registration.status) == "waitlisted")
            .order_by(col(Registration.id))
        )
        self.positions = {rid: n for n, rid in enumerate(waitlist.all(), start=1) if rid is not None}
        if self.programme is None:
            return
        valid = set(self.programme.sessions)
        marks = await session.execute(
            select(col(SessionAttendance.registration_id), col(SessionAttendance.occurrence_local)).where(
                col(SessionAttendance.event_id) == event_id
            )
        )
        for registration_id, occurrence in marks:
            if occurrence in valid:
                self.attended[registration_id] = self.attended.get(registration_id, 0) + 1

    def build(self, raw: Any) -> Page:
        """[id, name, email, status, mode, waitlist position, scholarship, (local, UTC) x3, attendance…, answers…].

        With `text` (for CSV) every cell comes out as CSV text already (`cell_text`: names and
        answers neutralised, yes/no), so the writer renders nothing twice; ids, positions, counts, our
        own status and mode values and the formatted times need no rendering.
        """
        pair, positions, plan, keys = self.times.pair, self.positions, self.programme, self.questions
        text = self.text
        rows: Page = []
        for rid, name, email, status, mode, scholarship, created, confirmed, checked_in, answers in raw:
            row: list[object] = [
                rid,
                cell_text(name) if text else name,
                cell_text(email) if text else email,
                status,
                mode,
                positions.get(rid),
                ("yes" if scholarship else "no") if text else bool(scholarship),
                *pair(created),
                *pair(confirmed),
                *pair(checked_in),
            ]
            if plan is not None:
                count = self.attended.get(rid, 0)
                completed = None if plan.needed is None else count >= plan.needed
                row += [count, len(plan.sessions), cell_text(completed) if text else completed]
            if keys:
                if isinstance(answers, str):
                    answers = decode_json(answers)
                answers = answers or {}
                row += [cell_text(answers.get(key)) for key in keys] if text else [answers.get(key) for key in keys]
            rows.append(row)
        return rows


class Times:
    """UTC instants as (local, UTC) cells, converted once per distinct minute (zone offsets are whole minutes).

    Accepts aware datetimes, or SQLite's stored UTC text `YYYY-MM-DD HH:MM:SS[.ffffff]` read raw (parsing
    it into a datetime first was a third of an export's time). CSV gets text, JSON ISO 8601 with offset,
    XLSX naive datetimes (Excel has no zones; the header names it).
    """

    MAX_CACHED = 16384  # registrations cluster in time; a bounded cache (a few MB at most) keeps memory flat

    def __init__(self, zone: tzinfo, fmt: str) -> None:
        self.zone = zone
        self.fmt = fmt
        self.cache: dict[object, tuple[Any, Any]] = {}

    def pair(self, value: datetime | str | None) -> tuple[object, object]:
        if value is None:
            return None, None
        if isinstance(value, str):
            key: object = value[:16]
            if self.fmt == "csv":  # the hot path: text in, text out
                local = self.cache.get(key)
                if local is None:
                    local = self._minute(key)
                    self._remember(key, local)
                return f"{local[0]}{value[16:19]}", f"{value[:10]}T{value[11:19]}Z"
            second = int(value[17:19])
        else:
            value = value.astimezone(UTC)
            key, second = value.replace(second=0, microsecond=0), value.second
        minute = self.cache.get(key)
        if minute is None:
            minute = self._minute(key)
            self._remember(key, minute)
        local, utc = minute
        if self.fmt == "xlsx":
            return local.replace(second=second), utc.replace(second=second)
        if self.fmt == "json":
            return f"{local[0]}:{second:02d}{local[1]}", f"{utc}:{second:02d}Z"
        return f"{local}:{second:02d}", f"{utc}:{second:02d}Z"

    def _remember(self, key: object, minute: tuple[Any, Any]) -> None:
        if len(self.cache) >= self.MAX_CACHED:
            self.cache.clear()
        self.cache[key] = minute

    def _minute(self, key: object) -> tuple[Any, Any]:
        instant = datetime.fromisoformat(key).replace(tzinfo=UTC) if isinstance(key, str) else key
        assert isinstance(instant, datetime)
        local = instant.astimezone(self.zone)
        if self.fmt == "xlsx":
            return local.replace(tzinfo=None), instant.replace(tzinfo=None)
        # isoformat, not strftime: five times faster, and years before 1000 keep four digits
        utc_text = instant.isoformat(timespec="minutes")[:16]
        if self.fmt == "json":
            text = local.isoformat(timespec="minutes")
            return (text[:16], text[16:]), utc_text  # ("2026-09-06T00:30", "-03:00")
        return local.isoformat(sep=" ", timespec="minutes")[:16], utc_text
