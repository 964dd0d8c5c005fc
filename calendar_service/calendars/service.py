"""Calendars: named collections of events, each with a feed."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from calendar_service.calendars.schemas import CalendarCreate, CalendarList, CalendarRead, SubscribeLinks
from calendar_service.db.tables import Calendar
from calendar_service.domain import links, validation
from calendar_service.domain.access import Staff, require_calendar_creator
from calendar_service.domain.timezones import canonical_zone_name
from calendar_service.errors import Conflict, InvalidInput, NotFound
from calendar_service.staff.audit import AuditLog


class CalendarService:
    def __init__(self, session: AsyncSession, base_url: str, now: datetime) -> None:
        self.session = session
        self.base_url = base_url
        self.now = now

    def to_read(self, row: Calendar) -> CalendarRead:
        ics = f"{self.base_url}/calendars/{row.slug}.ics"
        return CalendarRead(
            slug=row.slug,
            name=row.name,
            description=row.description,
            timezone=row.timezone,
            events_url=f"{self.base_url}/api/events?calendar={row.slug}",
            ics_url=ics,
            webcal_url=links.webcal(ics),
            page_url=f"{self.base_url}/calendars/{row.slug}",
            subscribe=SubscribeLinks(
                webcal=links.webcal(ics),
                google=links.google_subscribe(ics),
                outlook=links.outlook_subscribe(ics, row.name),
                office365=links.outlook_subscribe(ics, row.name, office365=True),
            ),
            feed_past_days=row.feed_past_days,
        )

    async def list(self) -> CalendarList:
        rows = await self.session.scalars(select(Calendar).order_by(Calendar.slug))
        return CalendarList(items=[self.to_read(row) for row in rows])

    async def get_row(self, slug: str) -> Calendar:
        row = await self.session.scalar(select(Calendar).where(col(Calendar.slug) == slug))
        if row is None:
            raise NotFound(f"no calendar '{slug}'; GET /api/calendars lists them")
        return row

    async def find_for_event(self, slug: str) -> Calendar:
        row = await self.session.scalar(select(Calendar).where(col(Calendar.slug) == slug))
        if row is None:
            raise InvalidInput(f"calendar: no calendar '{slug}'; GET /api/calendars lists them", "calendar")
        return row

    async def create(self, data: CalendarCreate, staff: Staff) -> CalendarRead:
        require_calendar_creator(staff)
        validation.single_line(data.name, "name")
        validation.multiline(data.description, "description")
        row = Calendar(
            slug=data.slug,
            name=data.name.strip(),
            description=data.description,
            timezone=canonical_zone_name(data.timezone),
            feed_past_days=data.feed_past_days,
            created_at=self.now,
            updated_at=self.now,
        )
        self.session.add(row)
        try:
            await self.session.flush()
        except IntegrityError:
            raise Conflict(f"slug: a calendar '{data.slug}' already exists; choose another slug", "slug") from None
        read = self.to_read(row)
        AuditLog(self.session, self.now).record(
            staff, "calendar.create", "calendar", row.slug, calendar=row.slug, after=read
        )
        return read
