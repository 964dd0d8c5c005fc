"""The CSRF token in our own Jinja pages: `{{ csrf_field() }}` in every form that POSTs.

Litestar's CSRF middleware (double-submit cookie, configured in `web/security.py`) puts the
request's token in the connection scope. We render with our own Jinja environments (one per
language, `pages/i18n.py`), not Litestar's template engine, so `web/security.py` keeps the
request's scope in a context variable while the request runs, and `csrf_field()` (a global of
every page template) writes the token found there as the hidden `_csrf_token` input the
middleware checks.

For page engineers: put `{{ csrf_field() }}` inside every `<form method="post">`. A POST without
it is refused with a 403 page in the site's layout. A page rendered outside a request (a test
calling a render function directly) gets no field, and no error.
"""

from contextvars import ContextVar
from typing import Any

from litestar.utils.empty import value_or_default
from litestar.utils.scope.state import ScopeState
from markupsafe import Markup

FIELD_NAME = "_csrf_token"  # the form field Litestar's CSRF middleware reads
current_scope: ContextVar[Any] = ContextVar("current_scope", default=None)


def csrf_token() -> str:
    """The token of the request being answered ("" outside a request, or on a path without CSRF)."""
    scope = current_scope.get()
    if scope is None:
        return ""
    return str(value_or_default(ScopeState.from_scope(scope).csrf_token, ""))


def csrf_field() -> Markup:
    token = csrf_token()
    if not token:
        return Markup("")
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD_NAME, token)
