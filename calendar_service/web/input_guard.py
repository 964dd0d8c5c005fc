"""NUL bytes in a request's path or query are refused before any handler sees them.

No slug, token or filter contains one, and PostgreSQL cannot even compare a text with
one (the driver raised, and the request was a 500 on every path that reads by slug or
filters by text). A path with a NUL names nothing: 404. A query value with a NUL is
invalid input: 422 naming the parameter.
"""

from urllib.parse import parse_qsl

from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from calendar_service.errors import InvalidInput, NotFound


class InputGuardMiddleware(ASGIMiddleware):
    scopes = ("http",)  # type: ignore[assignment]  # Litestar types this as a tuple of ScopeType literals

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if "\x00" in scope.get("path", ""):
            raise NotFound("no such resource: the address contains a NUL byte")
        query = scope.get("query_string", b"")
        if b"%00" in query or b"\x00" in query:
            for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
                if "\x00" in value or "\x00" in name:
                    raise InvalidInput(f"{name}: must not contain a NUL byte", name)
        await next_app(scope, receive, send)
