"""What the OpenAPI document says beyond the handlers' own types: errors and the staff token.

And one correction: Litestar writes a field typed `int | float` as `oneOf: [integer,
number]`, which every integer matches twice, so a validating client refuses `"weight": 2`.
The rendered documents say `number` (which includes integers) instead.

Every handler answers errors as `{"status_code", "detail", "field"?}` (web/errors.py);
the document lists them per operation so clients and API fuzzers know what to
expect: 422 for input, 404 and 409 on the API, 401/403 where a staff role is
declared (those operations also carry the bearer security requirement), 429
where public writes are rate-limited.
"""

from typing import Any

from litestar import Litestar, Request
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin, YamlRenderPlugin
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


def tidy(node: Any) -> Any:
    """The document with every `oneOf: [integer, number]` written as `type: number`."""
    if isinstance(node, list):
        return [tidy(item) for item in node]
    if not isinstance(node, dict):
        return node
    tidied = {key: tidy(value) for key, value in node.items()}
    one_of = tidied.get("oneOf")
    if one_of in ([{"type": "integer"}, {"type": "number"}], [{"type": "number"}, {"type": "integer"}]):
        del tidied["oneOf"]
        tidied["type"] = "number"
    return tidied


class TidyJsonRenderPlugin(JsonRenderPlugin):
    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, tidy(openapi_schema))


class TidyYamlRenderPlugin(YamlRenderPlugin):
    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, tidy(openapi_schema))


class TidySwaggerRenderPlugin(SwaggerRenderPlugin):
    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, tidy(openapi_schema))
