"""Litestar dependencies of the pages area (wired by name in `app.py`): the page language and the page service.

`locale` negotiates the language (domain/locale.py: `?lang=`, the `lang` cookie,
Accept-Language, English); the page service renders in it.
"""

from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency

from calendar_service.calendars.service import CalendarService
from calendar_service.domain import locale as languages
from calendar_service.events.service import EventService
from calendar_service.feeds.service import FeedService
from calendar_service.pages.service import PageService


def provide_locale(request: Request[Any, Any, Any]) -> str:
    """The page's language for this request ("en" or "es")."""
    return languages.negotiate(
        request.query_params.get("lang"), request.cookies.get(languages.COOKIE), request.headers.get("accept-language")
    )


def provide_page_service(
    feeds: NamedDependency[FeedService], request: Request[Any, Any, Any], state: State
) -> PageService:
    """Pages read through the same services as the JSON API, in the request's language.

    Built on the feed service's read-only session on purpose: `/calendars/{name}` and
    `/events/{name}` serve a page or a feed (web/public_paths.py), and Litestar resolves two
    dependencies of the same depth in a task group, which made a warm feed 304 cost 78% more
    Python calls than with the former single facade (1,782 against 1,001 per request, cProfile);
    as a chain (read_session -> feeds -> pages) it costs 1,096. One read-only session per request.
    """
    s, now = state.settings, state.clock()
    session = feeds.session
    events = EventService(session, s.base_url, now, s.uid_domain, s.organizer_email)
    return PageService(events, CalendarService(session, s.base_url, now), now, provide_locale(request), s.base_url)
