"""Request-scoped dependencies: the clock, settings, services, the calling staff member.

The per-request transaction lives in `web/transactions.py`.
"""

from datetime import datetime

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.calendars.service import CalendarService
from calendar_service.domain.access import Staff
from calendar_service.events.service import EventService
from calendar_service.feeds.service import FeedService
from calendar_service.pages.service import PageService
from calendar_service.settings import Settings
from calendar_service.staff.tokens import TokenService


def provide_now(state: State) -> datetime:
    now: datetime = state.clock()
    return now


def provide_settings(state: State) -> Settings:
    settings: Settings = state.settings
    return settings


def provide_event_service(
    db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings], now: NamedDependency[datetime]
) -> EventService:
    return EventService(db_session, settings.base_url, now, settings.uid_domain, settings.organizer_email)


def provide_calendar_service(
    db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings], now: NamedDependency[datetime]
) -> CalendarService:
    return CalendarService(db_session, settings.base_url, now)


async def provide_staff(request: Request[object, object, State], db_session: NamedDependency[AsyncSession]) -> Staff:
    return await TokenService(db_session).authenticate(request.headers.get("authorization"))


async def provide_optional_staff(
    request: Request[object, object, State], db_session: NamedDependency[AsyncSession]
) -> Staff | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    return await TokenService(db_session).authenticate(header)


def provide_feed_service(
    read_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
    now: NamedDependency[datetime],
    state: State,
) -> FeedService:
    return FeedService(read_session, settings.base_url, now, state.feed_cache)


def provide_page_service(
    read_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings], now: NamedDependency[datetime]
) -> PageService:
    """Pages only read: they share the feed handlers' read-only session."""
    events = EventService(read_session, settings.base_url, now, settings.uid_domain, settings.organizer_email)
    return PageService(events, CalendarService(read_session, settings.base_url, now), now)
