"""What the OpenAPI document says beyond the handlers' own types: errors and the staff token.

Every handler answers errors as `{"status_code", "detail", "field"?}` (web/errors.py);
the document lists them per operation so clients and API fuzzers know what to
expect: 422 for input, 404 and 409 on the API, 401/403 where a staff role is
declared (those operations also carry the bearer security requirement), 429
where public writes are rate-limited.
"""

from typing import Any

from litestar import Litestar
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Components, SecurityScheme
from msgspec import Struct

BEARER = "StaffToken"


class ErrorRead(Struct, omit_defaults=True):
    status_code: int
    detail: str
    field: str | None = None


COMPONENTS = Components(
    security_schemes={
        BEARER: SecurityScheme(
            type="http",
            scheme="bearer",
            description="A staff token (`calendar-service token create`); only its SHA-256 is stored.",
        )
    }
)


def _error(description: str) -> ResponseSpec:
    return ResponseSpec(data_container=ErrorRead, description=description, generate_examples=False)


def document_errors(app: Litestar) -> None:
    """Add the error answers and the staff security requirement to every API operation."""
    for route in app.routes:
        if not route.path.startswith("/api/"):
            continue
        for handler in getattr(route, "route_handlers", []):
            extra: dict[int, ResponseSpec] = {
                422: _error("Invalid input; `field` names it and `detail` says how to fix it"),
                404: _error("No such resource (or not visible to this caller)"),
                409: _error("Conflicts with the current state; nothing was written"),
            }
            if handler.opt.get("roles"):
                extra[401] = _error("Missing, unknown, revoked or expired staff token")
                extra[403] = _error("The token's role or calendars do not allow this")
                handler.security = [{BEARER: []}]
            if handler.opt.get("rate_limited"):
                extra[429] = _error("Too many requests from this address; see Retry-After")
            current: dict[int, Any] = dict(handler.responses or {})
            handler.responses = {**extra, **current}
