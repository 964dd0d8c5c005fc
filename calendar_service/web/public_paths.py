"""`/calendars/{slug}[.ics]` and `/events/{slug}[.ics]`: one path, a page or a feed.

Litestar cannot route on a path suffix, so one handler per path looks at the
name: ending in `.ics` it is the feed (`feeds/controllers.py`), otherwise the
page (`pages/service.py`). Nothing else happens here.
"""

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from calendar_service.domain.compression import SKIP_APP_COMPRESSION
from calendar_service.errors import DomainError
from calendar_service.feeds import controllers as feed
from calendar_service.feeds.controllers import AcceptEncoding, IfModifiedSince, IfNoneMatch
from calendar_service.feeds.service import FeedQuery, FeedService
from calendar_service.pages.event_view import ZONE_COOKIE, ViewerZone
from calendar_service.pages.listing import ListingPages
from calendar_service.pages.listing_controllers import listing_error
from calendar_service.pages.responses import html_response, zone_cookies
from calendar_service.pages.service import PageService
from calendar_service.web.errors import domain_error


def page_or_feed_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    """The page's refusals are pages (an unknown calendar: HTML 404); the feed's stay JSON."""
    if str(request.path_params.get("name", "")).endswith(feed.ICS_SUFFIX):
        return domain_error(request, exc)
    return listing_error(request, exc)


class PublicPathController(Controller):
    """Feeds compress themselves (gzip cached per version), so the app-wide middleware skips these routes."""

    tags = ["feeds and pages"]
    opt = SKIP_APP_COMPRESSION

    @get(
        "/calendars/{name:str}",
        operation_id="GetCalendarFeedOrPage",
        exception_handlers={DomainError: page_or_feed_error},
    )
    async def get_calendar(
        self,
        request: Request[Any, Any, State],
        name: FromPath[str],
        feeds: NamedDependency[FeedService],
        listing_pages: NamedDependency[ListingPages],
        from_: Annotated[str | None, QueryParameter(name="from", description="Only series still running then")] = None,
        to: Annotated[str | None, QueryParameter(description="Only series starting before then")] = None,
        tag: Annotated[str | None, QueryParameter()] = None,
        lang: Annotated[str | None, QueryParameter()] = None,
        country: Annotated[str | None, QueryParameter()] = None,
        mode: Annotated[str | None, QueryParameter()] = None,
        language: Annotated[
            str | None, QueryParameter(description="The page: events' language (lang= is the page's)")
        ] = None,
        page: Annotated[str | None, QueryParameter(description="The page: which page of events")] = None,
        if_none_match: IfNoneMatch = None,
        if_modified_since: IfModifiedSince = None,
        accept_encoding: AcceptEncoding = None,
    ) -> Response[bytes]:
        """`{slug}.ics`: the subscription feed (filters as /api/events; 304 when unchanged). `{slug}`: its page."""
        if not name.endswith(feed.ICS_SUFFIX):
            params = {"from": from_, "to": to, "tag": tag, "language": language, "country": country, "mode": mode}
            page_body = await listing_pages.calendar_page(name, {**params, "page": page})
            return html_response(page_body, request)
        query = FeedQuery.parse(start=from_, end=to, tag=tag, lang=lang, country=country, mode=mode)
        return await feed.calendar_feed(feeds, name, query, if_none_match, if_modified_since, accept_encoding)

    @get("/events/{name:str}", operation_id="GetEventFeedOrPage")
    async def get_event(
        self,
        request: Request[Any, Any, State],
        name: FromPath[str],
        feeds: NamedDependency[FeedService],
        pages: NamedDependency[PageService],
        tz: Annotated[str | None, QueryParameter(description="The page: also show times in this IANA zone")] = None,
        if_none_match: IfNoneMatch = None,
        if_modified_since: IfModifiedSince = None,
        accept_encoding: AcceptEncoding = None,
    ) -> Response[bytes]:
        """`{slug}.ics`: one event for "add to calendar". `{slug}`: its page (`?tz=` remembered in a cookie)."""
        if not name.endswith(feed.ICS_SUFFIX):
            viewer = ViewerZone.of(tz, request.cookies.get(ZONE_COOKIE))
            page = await pages.event_page(name, viewer=viewer)
            return html_response(page, request, cookies=zone_cookies(viewer, request))
        return await feed.event_feed(feeds, name, if_none_match, if_modified_since, accept_encoding)
