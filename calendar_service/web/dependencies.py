"""Request-scoped dependencies shared by every area: the clock, settings, the calling staff member,
and the providers that wire two areas together (events tell registrations about their changes).

Each area's own services are provided by its `dependencies.py`; the request's sessions
(`db_session`, `read_session`) by `web/transactions.py`. `app.py` wires them all by name.
"""

from datetime import datetime
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.calendars.service import CalendarService
from calendar_service.domain.access import Staff, require_role
from calendar_service.events.service import EventService
from calendar_service.feeds.service import FeedService
from calendar_service.notifications.outbox_view import OutboxView
from calendar_service.pages.dependencies import provide_locale
from calendar_service.pages.service import PageService
from calendar_service.registrations.service import RegistrationService
from calendar_service.scholarships.programs import ProgramService
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
    """Event writes tell registrations (promotions, update messages) in the same transaction."""
    hooks = RegistrationService(db_session, settings, now)
    return EventService(db_session, settings.base_url, now, settings.uid_domain, settings.organizer_email, hooks)


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


def provide_outbox_view(db_session: NamedDependency[AsyncSession]) -> OutboxView:
    return OutboxView(db_session)


def provide_page_service(
    feeds: NamedDependency[FeedService], request: Request[Any, Any, Any], state: State
) -> PageService:
    """Pages in the request's language, read through the same services as the JSON API.

    Wires two areas, hence here: the pages show the event's scholarship program (read by the
    scholarships area's `ProgramService`), and that area ranks above the pages.

    Built on the feed service's read-only session on purpose: `/calendars/{name}` and
    `/events/{name}` serve a page or a feed (web/public_paths.py), and Litestar resolves two
    dependencies of the same depth in a task group, which made a warm feed 304 cost 78% more
    Python calls than with the former single facade (1,782 against 1,001 per request, cProfile);
    as a chain (read_session -> feeds -> pages) it costs about 1,100. One read-only session per request.
    """
    s, now, session = state.settings, state.clock(), feeds.session
    events = EventService(session, s.base_url, now, s.uid_domain, s.organizer_email)
    calendars = CalendarService(session, s.base_url, now)
    programs = ProgramService(session, s, now)
    return PageService(events, calendars, now, provide_locale(request), s.base_url, programs)
