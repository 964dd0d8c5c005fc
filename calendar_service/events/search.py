"""Finding events: the upcoming and past lists, a calendar's window, search, facets, paging.

A listing shows each *event* once, a series too: for upcoming events its next session, for
past ones its first and last day, in a window its first session there. That makes one row per
event, so paging, counting and year grouping run in SQL, and only the page's own series are
expanded (their next session and number of sessions). Every listing costs the same few
statements whatever the number of events: the page, its total, the page's overrides (and, for
the archive, its years).

Order: upcoming and window lists by the first start of the series (a running series first: its
next session is the soonest), the archive newest first. Years are UTC calendar years of the
first start.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Select, distinct, extract, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from calendar_service.db.tables import Calendar, Event, EventFacet, OccurrenceOverride
from calendar_service.domain.recurrence import expand
from calendar_service.domain.timezones import iso_utc
from calendar_service.domain.values import Occurrence
from calendar_service.domain.windows import parse_window
from calendar_service.errors import InvalidInput
from calendar_service.events import mapping
from calendar_service.events.queries import EventFilters

When = Literal["upcoming", "past", "window"]
PER_PAGE = 20
MAX_PAGE = 10_000
MAX_QUERY = 200
FIRST_YEAR, LAST_YEAR = 1970, 2200
SESSION_CAP = 1000  # sessions counted per series; more reads "1,000+"
UNBOUNDED_HORIZON = timedelta(days=366)  # how far ahead a never-ending series is looked at for its next session


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A validated listing request. `parse` refuses bad values with InvalidInput naming the parameter."""

    when: When = "upcoming"
    q: str = ""
    calendar: str = ""
    filters: EventFilters = field(default_factory=EventFilters)
    year: int | None = None
    page: int = 1
    per_page: int = PER_PAGE
    window_start: datetime | None = None
    window_end: datetime | None = None

    @classmethod
    def parse(
        cls,
        *,
        q: str | None = None,
        calendar: str | None = None,
        tag: str | None = None,
        lang: str | None = None,
        country: str | None = None,
        mode: str | None = None,
        when: str | None = None,
        year: str | None = None,
        page: str | None = None,
        per_page: int = PER_PAGE,
    ) -> "SearchQuery":
        text = (q or "").strip()
        if len(text) > MAX_QUERY:
            raise InvalidInput(f"q: at most {MAX_QUERY} characters", "q")
        chosen = (when or "upcoming").strip()
        if chosen not in ("upcoming", "past"):
            raise InvalidInput("when: 'upcoming' or 'past'", "when")
        return cls(
            when="past" if chosen == "past" else "upcoming",
            q=text,
            calendar=(calendar or "").strip(),
            filters=EventFilters.parse(tag, lang, country, mode),
            year=_whole(year, "year", FIRST_YEAR, LAST_YEAR),
            page=_whole(page, "page", 1, MAX_PAGE) or 1,
            per_page=per_page,
        )

    @classmethod
    def window(
        cls,
        calendar: str,
        start: str | None,
        end: str | None,
        now: datetime,
        filters: EventFilters,
        page: str | None = None,
        per_page: int = PER_PAGE,
    ) -> "SearchQuery":
        """A calendar's events from `start` to `end` (as `/api/events`: `to` exclusive; default a year from today)."""
        window_start, window_end = parse_window(start or None, end or None, None, now)
        return cls(
            when="window",
            calendar=calendar,
            filters=filters,
            page=_whole(page, "page", 1, MAX_PAGE) or 1,
            per_page=per_page,
            window_start=window_start,
            window_end=window_end,
        )


@dataclass(frozen=True, slots=True)
class Session:
    """One session as a list shows it: UTC instants, and local dates for all-day events (last day inclusive)."""

    start_utc: str
    end_utc: str
    start_date: str
    end_date: str
    status: str


@dataclass(frozen=True, slots=True)
class EventSummary:
    """An event in a list, a series once. `shown` is the session the list leads with (None: none left)."""

    slug: str
    title: str
    calendar: str
    status: str
    timezone: str
    all_day: bool
    attendance_mode: str
    city: str | None
    country: str | None
    languages: tuple[str, ...]
    tags: tuple[str, ...]
    shown: Session | None
    recurring: bool
    rrule: str | None  # for the rule in words
    sessions: int | None  # a series' number of sessions (not cancelled); None: never ends
    first_day: str  # the series' first and last local day (last None: never ends)
    last_day: str | None
    year: int  # UTC year of the first start (the archive's group)


@dataclass(frozen=True, slots=True)
class EventPage:
    items: list[EventSummary]
    total: int
    page: int
    per_page: int
    years: list[int]  # the archive's years, newest first (with the same filters, any year)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True, slots=True)
class FilterOptions:
    """What the filter form offers: values events actually carry."""

    tags: list[str]
    languages: list[str]
    countries: list[str]


class EventSearch:
    """The listings of public pages, on a read session."""

    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session = session
        self.now = now

    async def find(self, query: SearchQuery, known_calendars: set[str] | None = None) -> EventPage:
        """One page of events. `known_calendars` (when the caller has the list) spares a lookup."""
        if query.calendar and not await self._calendar_exists(query.calendar, known_calendars):
            raise InvalidInput(f"calendar: no calendar '{query.calendar}'", "calendar")
        base = self._where(query)
        total = int(await self.session.scalar(select(func.count()).select_from(base.subquery())) or 0)
        order = (
            (col(Event.first_start_utc).desc(), col(Event.id).desc())
            if query.when == "past"
            else (col(Event.first_start_utc), col(Event.id))
        )
        stmt = (
            base.add_columns(col(Calendar.slug))
            .order_by(*order)
            .offset((query.page - 1) * query.per_page)
            .limit(query.per_page)
        )
        rows = (await self.session.execute(stmt)).all()
        overrides = await self._overrides([row.id for row, _ in rows if row.id is not None])
        items = [self._summary(row, slug, overrides.get(row.id or 0, []), query) for row, slug in rows]
        if query.when != "past":  # the page in the order of the sessions it leads with
            items.sort(key=lambda item: (item.shown.start_utc if item.shown else "~", item.slug))
        years = await self._years(query) if query.when == "past" else []
        return EventPage(items=items, total=total, page=query.page, per_page=query.per_page, years=years)

    async def options(self) -> FilterOptions:
        facets = (await self.session.execute(select(col(EventFacet.facet), col(EventFacet.value)).distinct())).all()
        countries = await self.session.scalars(
            select(col(Event.location_country)).distinct().where(col(Event.location_country).is_not(None))
        )
        return FilterOptions(
            tags=sorted(v for f, v in facets if f == "tag"),
            languages=sorted(v for f, v in facets if f == "lang"),
            countries=sorted(c for c in countries if c),
        )

    # -- queries ----------------------------------------------------------------------------------

    def _where(self, query: SearchQuery) -> Select[Any]:
        stmt = select(Event).join(Calendar, col(Calendar.id) == col(Event.calendar_id))
        ended = col(Event.last_end_utc) <= self.now
        if query.when == "past":
            stmt = stmt.where(col(Event.last_end_utc).is_not(None), ended)
        elif query.when == "upcoming":
            stmt = stmt.where(or_(col(Event.last_end_utc).is_(None), col(Event.last_end_utc) > self.now))
        else:
            assert query.window_start is not None and query.window_end is not None
            stmt = stmt.where(col(Event.first_start_utc) < query.window_end).where(
                or_(col(Event.last_end_utc).is_(None), col(Event.last_end_utc) > query.window_start)
            )
        if query.calendar:
            stmt = stmt.where(col(Calendar.slug) == query.calendar)
        if query.q:
            stmt = stmt.where(
                or_(
                    col(Event.title).icontains(query.q, autoescape=True),
                    col(Event.description).icontains(query.q, autoescape=True),
                )
            )
        if query.year is not None:
            start = datetime(query.year, 1, 1, tzinfo=UTC)
            stmt = stmt.where(
                col(Event.first_start_utc) >= start, col(Event.first_start_utc) < start.replace(year=query.year + 1)
            )
        return query.filters.apply(stmt)

    async def _years(self, query: SearchQuery) -> list[int]:
        every_year = SearchQuery(when=query.when, q=query.q, calendar=query.calendar, filters=query.filters)
        year = extract("year", col(Event.first_start_utc))
        stmt = self._where(every_year).with_only_columns(distinct(year)).order_by(year.desc())
        return [int(value) for value in await self.session.scalars(stmt)]

    async def _calendar_exists(self, slug: str, known: set[str] | None) -> bool:
        if known is not None:
            return slug in known
        return await self.session.scalar(select(col(Calendar.id)).where(col(Calendar.slug) == slug)) is not None

    async def _overrides(self, event_ids: list[int]) -> dict[int, list[OccurrenceOverride]]:
        if not event_ids:
            return {}
        rows = await self.session.scalars(
            select(OccurrenceOverride)
            .where(col(OccurrenceOverride.event_id).in_(event_ids))
            .order_by(col(OccurrenceOverride.original_local))
        )
        grouped: dict[int, list[OccurrenceOverride]] = {}
        for override in rows:
            grouped.setdefault(override.event_id, []).append(override)
        return grouped

    # -- one event in a list ----------------------------------------------------------------------

    def _summary(
        self, row: Event, calendar: str, overrides: list[OccurrenceOverride], query: SearchQuery
    ) -> EventSummary:
        recurring = bool(row.rrule or row.rdates)
        sessions: int | None = 1
        shown: Occurrence | None = None
        first_day = mapping.wire_start(row.start_local, row.all_day)[:10]
        last_day: str | None = mapping.wire_end(row.end_local, row.all_day)[:10]
        if not recurring:
            shown = _master(row)
        else:
            timing = mapping.timing_of(row, overrides)
            until = row.last_end_utc or max(self.now, row.first_start_utc) + UNBOUNDED_HORIZON
            every = expand(timing, row.first_start_utc, until + timedelta(seconds=1), limit=SESSION_CAP).occurrences
            held = [occ for occ in every if occ.status != "cancelled"]
            sessions = len(held) if row.last_end_utc is not None else None
            if held:
                first_day = mapping.wire_start(held[0].start, row.all_day)[:10]
                last_day = mapping.wire_end(held[-1].end, row.all_day)[:10] if sessions is not None else None
            after = {"upcoming": self.now, "window": query.window_start, "past": None}[query.when]
            if after is None:
                shown = held[0] if held else None
            else:
                shown = next((occ for occ in every if occ.end_utc > after), None)
        return EventSummary(
            slug=row.slug,
            title=row.title,
            calendar=calendar,
            status=row.status,
            timezone=row.timezone,
            all_day=row.all_day,
            attendance_mode=row.attendance_mode,
            city=row.location_city,
            country=row.location_country,
            languages=tuple(row.languages),
            tags=tuple(row.tags),
            shown=_session(row, shown) if shown else None,
            recurring=recurring,
            rrule=row.rrule,
            sessions=sessions,
            first_day=first_day,
            last_day=last_day,
            year=row.first_start_utc.astimezone(UTC).year,
        )


def _master(row: Event) -> Occurrence:
    return Occurrence(row.start_local, row.start_local, row.end_local, row.start_utc, row.end_utc)


def _session(row: Event, occ: Occurrence) -> Session:
    status = row.status if row.status == "cancelled" or not occ.status else occ.status
    return Session(
        start_utc=iso_utc(occ.start_utc),
        end_utc=iso_utc(occ.end_utc),
        start_date=mapping.wire_start(occ.start, row.all_day)[:10],
        end_date=mapping.wire_end(occ.end, row.all_day)[:10],
        status=status,
    )


def _whole(value: str | None, name: str, low: int, high: int) -> int | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise InvalidInput(f"{name}: a whole number from {low} to {high}", name)
    return int(text)


def local_month(day: str) -> date:
    """The first of the month of a local day ("2024-09-05" -> 2024-09-01), for grouping by month."""
    return date.fromisoformat(day[:10]).replace(day=1)
