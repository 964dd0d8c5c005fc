"""Litestar dependencies of the pages area (wired by name in `app.py`): the page language, the listing pages.

`locale` negotiates the language (domain/locale.py: `?lang=`, the `lang` cookie,
Accept-Language, English). The page service itself is provided by the web shell
(`web/dependencies.py`), because it wires the pages to the scholarships area, which
ranks above them.
"""

from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency

from calendar_service.calendars.service import CalendarService
from calendar_service.domain import locale as languages
from calendar_service.events.search import EventSearch
from calendar_service.feeds.service import FeedService
from calendar_service.pages.listing import ListingPages


def provide_locale(request: Request[Any, Any, Any]) -> str:
    """The page's language for this request ("en" or "es")."""
    return languages.negotiate(
        request.query_params.get("lang"), request.cookies.get(languages.COOKIE), request.headers.get("accept-language")
    )


def provide_listing_pages(
    feeds: NamedDependency[FeedService], request: Request[Any, Any, Any], state: State
) -> ListingPages:
    """The pages that find events (front page, /events, a calendar), in the request's language.

    On the feed service's read-only session, like the page service (web/dependencies.py): the
    calendar page shares its path with the calendar feed, whose 304 must not pay for a task group.
    """
    s, now, session = state.settings, state.clock(), feeds.session
    return ListingPages(EventSearch(session, now), CalendarService(session, s.base_url, now), provide_locale(request))
