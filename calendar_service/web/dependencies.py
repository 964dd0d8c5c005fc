"""Request-scoped dependencies: the clock, settings, services, the calling staff member.

The per-request transaction lives in `web/transactions.py`.
"""

import functools
from datetime import datetime

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.calendars.service import CalendarService
from calendar_service.domain.access import Staff, require_role
from calendar_service.events.service import EventService
from calendar_service.feeds.cache import FeedCache
from calendar_service.feeds.service import FeedService
from calendar_service.pages.dependencies import provide_locale
from calendar_service.pages.service import PageService
from calendar_service.registrations.outbox_view import OutboxView
from calendar_service.registrations.service import RegistrationService
from calendar_service.settings import Settings
from calendar_service.staff.tokens import TokenService
from calendar_service.web.transactions import open_read_session


def provide_now(state: State) -> datetime:
    now: datetime = state.clock()
    return now


def provide_settings(state: State) -> Settings:
    settings: Settings = state.settings
    return settings


def provide_event_service(
    db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings], now: NamedDependency[datetime]
) -> EventService:
    """Event writes tell registrations (promotions, update messages) in the same transaction."""
    hooks = RegistrationService(db_session, settings, now)
    return EventService(db_session, settings.base_url, now, settings.uid_domain, settings.organizer_email, hooks)


def provide_calendar_service(
    db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings], now: NamedDependency[datetime]
) -> CalendarService:
    return CalendarService(db_session, settings.base_url, now)


class UndeclaredRoles(RuntimeError):
    """A staff endpoint without `opt={"roles": ...}`: a programming error, refused rather than left open."""


async def provide_staff(
    request: Request[object, object, State], db_session: NamedDependency[AsyncSession], now: NamedDependency[datetime]
) -> Staff:
    """The calling staff member, checked against the roles the endpoint declares (`opt["roles"]`)."""
    roles = request.route_handler.opt.get("roles")
    if not roles:
        raise UndeclaredRoles(f"{request.route_handler.handler_name} declares no roles")
    staff = await TokenService(db_session).authenticate(request.headers.get("authorization"), now)
    require_role(staff, roles)
    return staff


async def provide_optional_staff(
    request: Request[object, object, State], db_session: NamedDependency[AsyncSession]
) -> Staff | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    return await TokenService(db_session).authenticate(header, request.app.state.clock())


class PublicServices:
    """Feeds and pages for one request, on one read-only session.

    One dependency with no sub-dependencies: Litestar resolves a batch of
    several dependencies in a task group, which costs more than a 304 itself.
    """

    def __init__(
        self, session: AsyncSession, settings: Settings, now: datetime, cache: FeedCache, locale: str = "en"
    ) -> None:
        self.session, self.settings, self.now, self.cache, self.locale = session, settings, now, cache, locale

    @functools.cached_property
    def feeds(self) -> FeedService:
        return FeedService(self.session, self.settings.base_url, self.now, self.cache)

    @functools.cached_property
    def pages(self) -> PageService:
        s = self.settings
        events = EventService(self.session, s.base_url, self.now, s.uid_domain, s.organizer_email)
        return PageService(events, CalendarService(self.session, s.base_url, self.now), self.now, self.locale)


def provide_public_services(request: Request[object, object, State]) -> PublicServices:
    state = request.app.state
    locale = provide_locale(request)
    return PublicServices(open_read_session(request), state.settings, state.clock(), state.feed_cache, locale)


def provide_registration_service(
    db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings], now: NamedDependency[datetime]
) -> RegistrationService:
    return RegistrationService(db_session, settings, now)


def provide_outbox_view(db_session: NamedDependency[AsyncSession]) -> OutboxView:
    return OutboxView(db_session)
