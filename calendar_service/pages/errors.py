"""A page's refusal is a page: the error's message in the site's layout, with the status the API gives it.

Controllers that answer HTML set `exception_handlers=PAGE_ERRORS` and name, per route, the
heading a refusal shows (`opt={"error_heading": ...}`, an English message from
`pages/messages.py`, shown in the page's language). The status comes from
`errors.http_status`, the same table the JSON handler reads.
"""

from typing import Any

from litestar import Request, Response

from calendar_service.errors import DomainError, http_status
from calendar_service.pages.dependencies import provide_locale
from calendar_service.pages.responses import html_response
from calendar_service.pages.service import confirm_page
from calendar_service.pages.text import N_

DEFAULT_HEADING = N_("We could not do this")


def page_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[bytes]:
    heading = str(request.route_handler.opt.get("error_heading", DEFAULT_HEADING))
    page = confirm_page(heading, exc.message, locale=provide_locale(request))
    return html_response(page, request, http_status(exc))


PAGE_ERRORS: dict[Any, Any] = {DomainError: page_error}


def error_heading(heading: str) -> dict[str, str]:
    """The route `opt` naming what its refusal page says first."""
    return {"error_heading": heading}
