"""A page's answer: HTML that varies by language and remembers a language chosen with `?lang=`."""

from collections.abc import Sequence
from typing import Any

from litestar import Request, Response
from litestar.datastructures import Cookie

from calendar_service.domain import locale as languages
from calendar_service.pages.event_view import ZONE_COOKIE, ViewerZone

HTML_MEDIA_TYPE = "text/html"
COOKIE_MAX_AGE = 365 * 24 * 3600
# A page differs by the visitor's language: shared caches must key on what chose it.
VARY = "Accept-Language, Cookie"


def language_cookies(request: Request[Any, Any, Any]) -> list[Cookie]:
    """The `lang` cookie to set when `?lang=` chose a supported language the cookie does not hold yet."""
    chosen = languages.supported(request.query_params.get("lang"))
    if chosen is None or request.cookies.get(languages.COOKIE) == chosen:
        return []
    return [
        Cookie(
            key=languages.COOKIE,
            value=chosen,
            path="/",
            max_age=COOKIE_MAX_AGE,
            samesite="lax",
            httponly=True,  # only the server reads it
            secure=request.url.scheme == "https",
        )
    ]


def zone_cookies(viewer: ViewerZone, request: Request[Any, Any, Any]) -> list[Cookie]:
    """The `tz` cookie when `?tz=` chose a known zone the cookie does not hold yet (scripts may set it too)."""
    if not viewer.chosen or viewer.zone is None or request.cookies.get(ZONE_COOKIE) == viewer.zone:
        return []
    secure = request.url.scheme == "https"
    return [Cookie(key=ZONE_COOKIE, value=viewer.zone, path="/", max_age=COOKIE_MAX_AGE, samesite="lax", secure=secure)]


def html_response(
    body: bytes, request: Request[Any, Any, Any], status_code: int = 200, cookies: Sequence[Cookie] = ()
) -> Response[bytes]:
    """A page: HTML, `Vary` on what chose its language, and the `lang` cookie when `?lang=` chose one."""
    return Response(
        body,
        status_code=status_code,
        media_type=HTML_MEDIA_TYPE,
        headers={"Vary": VARY},
        cookies=[*language_cookies(request), *cookies],
    )
