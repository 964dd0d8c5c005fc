"""Litestar dependencies of the pages area (wired by name in `app.py`): the page language.

`locale` negotiates the language (domain/locale.py: `?lang=`, the `lang` cookie,
Accept-Language, English). The page service itself is provided by the web shell
(`web/dependencies.py`), because it wires the pages to the scholarships area, which
ranks above them.
"""

from typing import Any

from litestar import Request

from calendar_service.domain import locale as languages


def provide_locale(request: Request[Any, Any, Any]) -> str:
    """The page's language for this request ("en" or "es")."""
    return languages.negotiate(
        request.query_params.get("lang"), request.cookies.get(languages.COOKIE), request.headers.get("accept-language")
    )
