"""Litestar dependencies of the pages area (wired by name in `app.py`): the page language and the page service.

`locale` negotiates the language (domain/locale.py: `?lang=`, the `lang` cookie,
Accept-Language, English); the page service renders in it.
"""

from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.calendars.service import CalendarService
from calendar_service.domain import locale as languages
from calendar_service.events.search import EventSearch
from calendar_service.events.service import EventService
from calendar_service.pages.listing import ListingPages
from calendar_service.pages.service import PageService


def provide_locale(request: Request[Any, Any, Any]) -> str:
    """The page's language for this request ("en" or "es")."""
    return languages.negotiate(
        request.query_params.get("lang"), request.cookies.get(languages.COOKIE), request.headers.get("accept-language")
    )


def provide_page_service(
    read_session: NamedDependency[AsyncSession], locale: NamedDependency[str], state: State
) -> PageService:
    """Pages read on the read-only session, through the same services as the JSON API, in the request's language."""
    s, now = state.settings, state.clock()
    events = EventService(read_session, s.base_url, now, s.uid_domain, s.organizer_email)
    return PageService(events, CalendarService(read_session, s.base_url, now), now, locale, s.base_url)


def provide_listing_pages(
    read_session: NamedDependency[AsyncSession], locale: NamedDependency[str], state: State
) -> ListingPages:
    """The pages that find events (front page, /events, a calendar), on the read-only session."""
    s, now = state.settings, state.clock()
    return ListingPages(EventSearch(read_session, now), CalendarService(read_session, s.base_url, now), locale)
