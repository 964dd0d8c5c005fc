"""The pages that find events: `GET /` (front page) and `GET /events` (upcoming, or past by year).

Each handler passes the query as given to one `ListingPages` method and answers its page; a
refused filter is a 422 page in the layout saying what to fix (`LISTING_ERRORS`). The calendar's
page shares its path with the feed: `web/public_paths.py`.
"""

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from calendar_service.errors import DomainError, NotFound, http_status
from calendar_service.pages.dependencies import provide_locale
from calendar_service.pages.listing import ListingPages, calendar_missing, listing_refused
from calendar_service.pages.responses import html_response

Query = Annotated[str | None, QueryParameter()]


def listing_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[bytes]:
    """A listing's refusal as a page: an unknown calendar's page is a 404, a bad filter a 422."""
    locale = provide_locale(request)
    page = calendar_missing(locale) if isinstance(exc, NotFound) else listing_refused(exc.message, locale)
    return html_response(page, request, http_status(exc))


LISTING_ERRORS: dict[Any, Any] = {DomainError: listing_error}


class ListingPageController(Controller):
    tags = ["pages"]
    exception_handlers = LISTING_ERRORS

    @get("/", operation_id="FrontPage")
    async def front_page(
        self, request: Request[Any, Any, State], listing_pages: NamedDependency[ListingPages]
    ) -> Response[bytes]:
        """The calendars, what comes next (a series once), the search form and the way to past events."""
        return html_response(await listing_pages.front_page(), request)

    @get("/events", operation_id="EventsPage")
    async def events_page(
        self,
        request: Request[Any, Any, State],
        listing_pages: NamedDependency[ListingPages],
        q: Query = None,
        calendar: Query = None,
        tag: Query = None,
        language: Annotated[
            str | None, QueryParameter(description="The events' language (lang= is the page's)")
        ] = None,
        country: Query = None,
        mode: Query = None,
        when: Annotated[str | None, QueryParameter(description="upcoming (default) or past")] = None,
        year: Query = None,
        page: Query = None,
    ) -> Response[bytes]:
        """All events with the filters, paged; past ones newest first, by year."""
        params = {
            "q": q,
            "calendar": calendar,
            "tag": tag,
            "language": language,
            "country": country,
            "mode": mode,
            "when": when,
            "year": year,
            "page": page,
        }
        return html_response(await listing_pages.events_page(params), request)
