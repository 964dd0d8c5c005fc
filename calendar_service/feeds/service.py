"""Feeds: answer a poll from versions the database keeps; render only on a miss.

The warm path is one indexed query (the calendar row) and a dictionary
lookup; the cold path concatenates the VEVENT blocks stored with each event
and the VTIMEZONEs their zones need. Nothing here renders an event.
"""

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from calendar_service.db.tables import Calendar, Event, OccurrenceOverride, Registration
from calendar_service.domain.compression import gzip_bytes, worth_compressing
from calendar_service.domain.ics import RENDER_VERSION, FeedHeader, assemble, render_event
from calendar_service.domain.timezones import TZDB_VERSION, iso_utc
from calendar_service.domain.vtimezone import timezone_blocks, zone_spans
from calendar_service.domain.windows import parse_bound
from calendar_service.errors import InvalidInput, NotFound
from calendar_service.events import mapping
from calendar_service.events.queries import EventFilters
from calendar_service.feeds.cache import FeedCache
from calendar_service.feeds.conditional import is_fresh, make_etag


@dataclass(frozen=True, slots=True)
class FeedResult:
    etag: str
    last_modified: datetime
    body: bytes | None  # None: not modified (304)
    filename: str
    gzipped: bool = False


@dataclass(frozen=True, slots=True)
class FeedQuery:
    filters: EventFilters
    start: datetime | None
    end: datetime | None

    @classmethod
    def parse(
        cls,
        *,
        start: str | None,
        end: str | None,
        tag: str | None,
        lang: str | None,
        country: str | None,
        mode: str | None,
    ) -> "FeedQuery":
        lower = parse_bound(start, None, "from") if start else None
        upper = parse_bound(end, None, "to") if end else None
        if lower and upper and upper <= lower:
            raise InvalidInput("to: must be after from", "to")
        return cls(EventFilters.parse(tag, lang, country, mode), lower, upper)

    def key(self) -> str:
        bounds = f"{iso_utc(self.start) if self.start else ''}/{iso_utc(self.end) if self.end else ''}"
        return f"{self.filters.key()};w={bounds}"


# Everything a poll needs, in one narrow indexed read (no ORM object).
_VERSION_COLUMNS = (
    col(Calendar.id),
    col(Calendar.slug),
    col(Calendar.name),
    col(Calendar.description),
    col(Calendar.feed_version),
    col(Calendar.feed_updated_at),
    col(Calendar.feed_past_days),
    col(Calendar.updated_at),
)


class FeedService:
    def __init__(
        self, session: AsyncSession, base_url: str, now: datetime, cache: FeedCache, organizer_email: str | None = None
    ) -> None:
        self.session = session
        self.base_url = base_url
        self.now = now
        self.cache = cache
        self.organizer_email = organizer_email

    async def calendar_feed(
        self,
        slug: str,
        query: FeedQuery,
        if_none_match: str | None,
        if_modified_since: str | None,
        accepts_gzip: bool = False,
    ) -> FeedResult:
        calendar = (await self.session.execute(select(*_VERSION_COLUMNS).where(col(Calendar.slug) == slug))).first()
        if calendar is None:
            raise NotFound(f"no calendar '{slug}'; GET /api/calendars lists them")
        lower = query.start
        if calendar.feed_past_days is not None:
            cutoff = datetime.combine(self.now.date(), time(), UTC) - timedelta(days=calendar.feed_past_days)
            lower = max(lower, cutoff) if lower else cutoff
        last_modified = calendar.feed_updated_at or calendar.updated_at
        key = (
            f"calendar:{calendar.id}:{calendar.feed_version}:{iso_utc(calendar.updated_at)}:{RENDER_VERSION}:"
            f"{TZDB_VERSION}:{query.key()}:{iso_utc(lower) if lower else ''}"
        )
        etag = make_etag(key)
        filename = f"{calendar.slug}.ics"
        if is_fresh(if_none_match, if_modified_since, etag, last_modified):
            return FeedResult(etag, last_modified, None, filename)
        body = self.cache.get(etag)
        if body is None:
            body = await self._render_calendar(calendar, query, lower)
            self.cache.put(etag, body)
        if accepts_gzip and worth_compressing(body):
            return FeedResult(etag, last_modified, self.cache.get_gzip(etag, body), filename, gzipped=True)
        return FeedResult(etag, last_modified, body, filename)

    async def _render_calendar(self, calendar: Any, query: FeedQuery, lower: datetime | None) -> bytes:
        stmt = (
            select(
                col(Event.ics),
                col(Event.timezone),
                col(Event.all_day),
                col(Event.first_start_utc),
                col(Event.last_end_utc),
            )
            .where(col(Event.calendar_id) == calendar.id)
            .order_by(col(Event.first_start_utc), col(Event.id))
        )
        if lower is not None:
            stmt = stmt.where(or_(col(Event.last_end_utc).is_(None), col(Event.last_end_utc) > lower))
        if query.end is not None:
            stmt = stmt.where(col(Event.first_start_utc) < query.end)
        stmt = query.filters.apply(stmt)
        rows = (await self.session.execute(stmt)).all()
        header = FeedHeader(
            name=calendar.name, description=calendar.description, url=f"{self.base_url}/calendars/{calendar.slug}.ics"
        )
        return assemble(header, timezone_blocks(zone_spans(rows)), [row.ics.encode() for row in rows])

    async def personal_feed(
        self,
        feed_token: str,
        if_none_match: str | None,
        if_modified_since: str | None,
    ) -> FeedResult:
        """The events one person is registered or waitlisted for (TENTATIVE while waiting).

        The token gives this feed and nothing else. Join links appear here (for
        confirmed online places) and never in public feeds. Small, so rendered per
        request; the ETag comes from the rows' change stamps.
        """
        owner = await self.session.scalar(select(Registration).where(col(Registration.feed_token) == feed_token))
        if owner is None:
            raise NotFound("no personal feed for this address; the registration may have a new feed link")
        rows = (
            await self.session.execute(
                select(Registration, Event)
                .join(Event, col(Event.id) == col(Registration.event_id))
                .where(col(Registration.email_key) == owner.email_key, col(Registration.status).in_(PERSONAL_STATUSES))
                .order_by(col(Event.first_start_utc), col(Event.id))
            )
        ).all()
        stamps = [max(reg.updated_at, event.updated_at) for reg, event in rows] or [owner.updated_at]
        last_modified = max(stamps)
        key = (
            "personal:"
            + feed_token
            + ":"
            + ",".join(
                f"{reg.id}/{reg.status}/{iso_utc(reg.updated_at)}/{event.id}/{event.sequence}/{iso_utc(event.updated_at)}"
                for reg, event in rows
            )
            + f":{RENDER_VERSION}:{TZDB_VERSION}"
        )
        etag = make_etag(key)
        if is_fresh(if_none_match, if_modified_since, etag, last_modified):
            return FeedResult(etag, last_modified, None, "my-events.ics")
        blocks = []
        for reg, event in rows:
            overrides = (
                await self.session.scalars(
                    select(OccurrenceOverride).where(col(OccurrenceOverride.event_id) == event.id)
                )
            ).all()
            doc = mapping.event_doc(
                event, mapping.timing_of(event, list(overrides)), self.base_url, self.organizer_email
            )
            if reg.status in ("waitlisted", "pending_confirmation") and event.status != "cancelled":
                doc = dataclasses.replace(doc, status="tentative")
            show_link = reg.status in ("confirmed", "attended") and reg.attendance_mode == "online"
            blocks.append(render_event(doc, include_join_link=show_link))
        spans = zone_spans([(None, e.timezone, e.all_day, e.first_start_utc, e.last_end_utc) for _, e in rows])
        header = FeedHeader(name=f"My events: {owner.name}", url=f"{self.base_url}/feeds/{feed_token}.ics")
        return FeedResult(etag, last_modified, assemble(header, timezone_blocks(spans), blocks), "my-events.ics")

    async def event_feed(
        self, slug: str, if_none_match: str | None, if_modified_since: str | None, accepts_gzip: bool = False
    ) -> FeedResult:
        row = await self.session.scalar(select(Event).where(col(Event.slug) == slug))
        if row is None:
            raise NotFound(f"no event '{slug}'; GET /api/events lists events")
        key = (
            f"event:{row.id}:{row.sequence}:{iso_utc(row.updated_at)}:{row.render_key}:{RENDER_VERSION}:{TZDB_VERSION}"
        )
        etag = make_etag(key)
        filename = f"{row.slug}.ics"
        if is_fresh(if_none_match, if_modified_since, etag, row.updated_at):
            return FeedResult(etag, row.updated_at, None, filename)
        spans = zone_spans([(row.ics, row.timezone, row.all_day, row.first_start_utc, row.last_end_utc)])
        header = FeedHeader(name=row.title, url=f"{self.base_url}/events/{row.slug}.ics")
        body = assemble(header, timezone_blocks(spans), [row.ics.encode()])
        if accepts_gzip and worth_compressing(body):
            return FeedResult(etag, row.updated_at, gzip_bytes(body), filename, gzipped=True)
        return FeedResult(etag, row.updated_at, body, filename)


PERSONAL_STATUSES = ("pending_confirmation", "confirmed", "waitlisted", "attended")
