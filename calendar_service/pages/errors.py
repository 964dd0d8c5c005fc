"""A refusal on a page is a page: the error in the site's layout, with the status the API gives it.

Two ways in, one template (`error.html`):
- `page_error_response`: what `web/errors.py` answers for every error on an HTML path (an
  unknown event or calendar page, an unknown path, a refused CSRF token, a rate limit, a
  crash). The status comes from the caller: `errors.http_status` for domain errors, the
  framework's own for the rest.
- `PAGE_ERRORS`: route handlers that want their own heading for a domain refusal ("We could not
  cancel this registration") set `exception_handlers=PAGE_ERRORS` and `opt=error_heading(...)`.
"""

from typing import Any

from litestar import Request, Response

from calendar_service.errors import DomainError, http_status
from calendar_service.pages.dependencies import provide_locale
from calendar_service.pages.i18n import render
from calendar_service.pages.responses import html_response
from calendar_service.pages.text import N_

DEFAULT_HEADING = N_("We could not do this")
HEADINGS = {
    400: N_("We could not understand this request"),
    403: N_("This form could not be accepted"),
    404: N_("We could not find this page"),
    405: N_("This page cannot be used this way"),
    409: N_("This cannot be done now"),
    410: N_("This is no longer available"),
    413: N_("What was sent is too large"),
    422: N_("Some of what was sent cannot be used"),
    429: N_("Too many requests"),
    500: N_("Something went wrong on our side"),
    503: N_("The service is busy"),
}
ADVICE = {
    403: N_(
        "Forms are protected against being sent from other sites. Please go back, reload the page and send it again."
    ),
    404: N_("Check the address for typing mistakes, or start again from the home page."),
    405: N_("Please go back and use the page's own links and buttons."),
    429: N_("You have sent many requests in a short time."),
    500: N_("Nothing was saved. The error is logged, and the organisers can look into it."),
    503: N_("Nothing was saved. Please try again in a few seconds."),
}


def page_error_response(
    request: Request[Any, Any, Any],
    status: int,
    message: str = "",
    heading: str = "",
    headers: dict[str, str] | None = None,
) -> Response[bytes]:
    """The error page; `message` and `heading` are English messages shown in the page's language."""
    retry_after = (headers or {}).get("Retry-After", "")
    page = render(
        "error.html",
        provide_locale(request),
        heading=heading or HEADINGS.get(status, DEFAULT_HEADING),
        message=message,
        advice=ADVICE.get(status, ""),
        retry_after=retry_after,
    )
    response = html_response(page, request, status)
    if headers:
        response.headers.update(headers)
    return response


def page_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[bytes]:
    heading = str(request.route_handler.opt.get("error_heading", ""))
    return page_error_response(request, http_status(exc), exc.message, heading)


PAGE_ERRORS: dict[Any, Any] = {DomainError: page_error}


def error_heading(heading: str) -> dict[str, str]:
    """The route `opt` naming what its refusal page says first."""
    return {"error_heading": heading}
