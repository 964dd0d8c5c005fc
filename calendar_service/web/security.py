"""What protects the pages: CSRF on every form, and the browser's safety headers, decided here only.

- CSRF: Litestar's double-submit cookie (`CSRFConfig`): a GET sets the `csrftoken` cookie, and a
  POST must send the same token back in the form's `_csrf_token` field (`{{ csrf_field() }}`,
  `pages/csrf.py`) or in the `x-csrftoken` header, or it is refused (403). `/api/*` is
  token-authenticated JSON (no cookie grants anything there); feeds, `/schema`, `/health` and
  `.ics` downloads take no forms. They are left out, so they set no cookie either.
- Headers (`safety_headers`, a before-send hook: it sees every answer, error pages and unknown
  paths included): `nosniff` and a strict referrer policy everywhere; an HTML page also gets a
  Content-Security-Policy with no inline script and may not be framed. The API docs (`/schema`)
  are Swagger UI's own page and get no CSP.
"""

import base64
import hashlib
from typing import Any

from litestar.config.csrf import CSRFConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware.base import MiddlewareProtocol
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from calendar_service.pages import csrf
from calendar_service.pages.i18n import inline_scripts

# Paths without forms. Litestar searches these anywhere in the path, hence the anchors.
CSRF_EXCLUDE = [r"^/api/", r"^/feeds/", r"^/schema", r"^/health", r"^/ready", r"^/metrics", r"\.ics$"]
NO_CSP_PREFIXES = ("/schema",)
EVERY_ANSWER = {"x-content-type-options": "nosniff", "referrer-policy": "strict-origin-when-cross-origin"}


def csrf_config(secret: str) -> CSRFConfig:
    return CSRFConfig(
        secret=secret,
        cookie_name="csrftoken",
        cookie_samesite="lax",
        cookie_httponly=True,  # the token reaches the form from the server, never from a script
        exclude=CSRF_EXCLUDE,
    )


def content_security_policy() -> str:
    """No inline script. While the layout still carries one, its exact text is allowed by its hash
    (not `unsafe-inline`: an injected script has another hash); once it is a served file, none is."""
    hashes = "".join(
        f" 'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'" for body in inline_scripts()
    )
    return (
        f"default-src 'self'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )


def safety_headers() -> Any:
    page_headers = {"content-security-policy": content_security_policy(), "x-frame-options": "DENY"}

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        for key, value in EVERY_ANSWER.items():
            headers[key] = value
        if headers.get("content-type", "").startswith("text/html") and not scope["path"].startswith(NO_CSP_PREFIXES):
            for key, value in page_headers.items():
                headers[key] = value

    return add_headers


class CsrfScopeMiddleware(MiddlewareProtocol):
    """Keeps the request's scope where `csrf_field()` finds the token Litestar's CSRF middleware puts there."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        reset = csrf.current_scope.set(scope)
        try:
            await self.app(scope, receive, send)
        finally:
            csrf.current_scope.reset(reset)
