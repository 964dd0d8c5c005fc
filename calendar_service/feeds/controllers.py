"""HTTP for feeds: answers built from a `FeedResult` (validators, 304, gzip), and the personal feed.

The subscription and one-event feeds share their paths with pages
(`/calendars/{slug}.ics`, `/events/{slug}.ics`): `web/public_paths.py` routes
a name ending in `.ics` to `calendar_feed` / `event_feed` here. Feeds compress
themselves (the gzip of a version is cached with it), so their routes skip
the app-wide compression (`domain/compression.py`).
"""

from typing import Annotated

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, HeaderParameter

from calendar_service.domain.compression import SKIP_APP_COMPRESSION, accepts_gzip
from calendar_service.errors import NotFound
from calendar_service.feeds.conditional import http_date
from calendar_service.feeds.service import FeedQuery, FeedResult, FeedService

ICS_MEDIA_TYPE = "text/calendar"  # Litestar adds "; charset=utf-8" to text types
ICS_SUFFIX = ".ics"

IfNoneMatch = Annotated[str | None, HeaderParameter(name="If-None-Match")]
IfModifiedSince = Annotated[str | None, HeaderParameter(name="If-Modified-Since")]
AcceptEncoding = Annotated[str | None, HeaderParameter(name="Accept-Encoding")]


def feed_response(result: FeedResult, download: bool) -> Response[bytes]:
    headers = {
        "ETag": result.etag,
        "Last-Modified": http_date(result.last_modified),
        "Cache-Control": "public, max-age=300",
        "Vary": "Accept-Encoding",
    }
    if result.body is None:
        return Response(b"", status_code=304, headers=headers, media_type=ICS_MEDIA_TYPE)
    if download:
        headers["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    if result.gzipped:
        headers["Content-Encoding"] = "gzip"
    return Response(result.body, headers=headers, media_type=ICS_MEDIA_TYPE)


async def calendar_feed(
    feeds: FeedService,
    name: str,
    query: FeedQuery,
    if_none_match: str | None,
    if_modified_since: str | None,
    accept_encoding: str | None,
) -> Response[bytes]:
    """`{slug}.ics`: the subscription feed (filters as /api/events; 304 when unchanged)."""
    slug = name.removesuffix(ICS_SUFFIX)
    result = await feeds.calendar_feed(slug, query, if_none_match, if_modified_since, accepts_gzip(accept_encoding))
    return feed_response(result, download=False)


async def event_feed(
    feeds: FeedService,
    name: str,
    if_none_match: str | None,
    if_modified_since: str | None,
    accept_encoding: str | None,
) -> Response[bytes]:
    """`{slug}.ics`: one event for "add to calendar", as a download."""
    slug = name.removesuffix(ICS_SUFFIX)
    result = await feeds.event_feed(slug, if_none_match, if_modified_since, accepts_gzip(accept_encoding))
    return feed_response(result, download=True)


class PersonalFeedController(Controller):
    tags = ["feeds and pages"]
    opt = SKIP_APP_COMPRESSION

    @get("/feeds/{name:str}", operation_id="GetPersonalFeed")
    async def get_personal_feed(
        self,
        name: FromPath[str],
        feeds: NamedDependency[FeedService],
        if_none_match: IfNoneMatch = None,
        if_modified_since: IfModifiedSince = None,
    ) -> Response[bytes]:
        """`{feed_token}.ics`: the events its registrant is registered or waitlisted for."""
        if not name.endswith(ICS_SUFFIX):
            raise NotFound("personal feeds end in .ics")
        result = await feeds.personal_feed(name.removesuffix(ICS_SUFFIX), if_none_match, if_modified_since)
        return feed_response(result, download=False)
