"""What the OpenAPI document says beyond the handlers' own types: errors and the staff token.

And corrections to the rendered documents (`tidy`):
- Litestar writes a field typed `int | float` as `oneOf: [integer, number]`, which every
  integer matches twice, so a validating client refuses `"weight": 2`; it becomes `number`.
- Request bodies whose Struct forbids unknown fields say `additionalProperties: false`
  (the server answers 422 for an unknown field).
- Streamed exports, pages and feeds list their real content types (CSV, XLSX, JSON;
  HTML; iCalendar) and the 404 (and 304, 409, 410) they answer.

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

from calendar_service.web import swagger_assets

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


def tidy(document: dict[str, Any]) -> dict[str, Any]:
    fixed: dict[str, Any] = _numbers(document)
    schemas = fixed.get("components", {}).get("schemas", {})
    for name in _closed_structs():
        if name in schemas and schemas[name].get("type") == "object":
            schemas[name]["additionalProperties"] = False
    for (path, method), answers in _CONTENT.items():
        operation = fixed.get("paths", {}).get(path, {}).get(method)
        if operation is None:
            continue
        responses = operation.setdefault("responses", {})
        for code, (description, types) in answers.items():
            responses[code] = {
                "description": description,
                **({"content": {t: {"schema": schema} for t, schema in types.items()}} if types else {}),
            }
    return fixed


def _closed_structs() -> set[str]:
    """Names of the msgspec Structs (request bodies) that refuse unknown fields."""
    found: set[str] = set()
    pending = list(Struct.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("calendar_service.") and cls.__struct_config__.forbid_unknown_fields:
            found.add(cls.__name__)
    return found


_TEXT = {"type": "string"}
_BINARY = {"type": "string", "format": "binary"}
_ERROR = {"application/json": {"$ref": "#/components/schemas/ErrorRead"}}
_HTML_ERROR = {"text/html": _TEXT}
_EXPORT = {
    "200": (
        "The export, streamed: CSV (UTF-8 with a BOM unless bom=false), XLSX or JSON by `format`",
        {
            "text/csv": _TEXT,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _BINARY,
            "application/json": {"type": "array", "items": {"type": "object"}},
        },
    )
}
_PAGE_OR_FEED = {
    "200": ("The HTML page, or with `.ics` the iCalendar file", {"text/html": _TEXT, "text/calendar": _TEXT}),
    "304": ("Not modified since the ETag or date the client sent (feeds)", {}),
    "404": ("No such calendar or event", _ERROR),
}
_CONFIRM_PAGE = {
    "200": ("The confirmation page", {"text/html": _TEXT}),
    "404": ("No registration for this link (a page saying so)", _HTML_ERROR),
    "409": ("The link was already used (a page saying so)", _HTML_ERROR),
    "410": ("The link expired and the place was released (a page saying so)", _HTML_ERROR),
}
_REGISTRANT_PAGE = {
    "200": ("The registrant's page", {"text/html": _TEXT}),
    "404": ("No registration for this link (a page saying so)", _HTML_ERROR),
    "429": ("Too many requests from this address; see Retry-After", _ERROR),
}
_CONTENT: dict[tuple[str, str], dict[str, tuple[str, dict[str, Any]]]] = {
    ("/events/{slug}/register", "post"): {
        "200": ("The outcome: registered, waiting list (with position) or confirm by email", {"text/html": _TEXT}),
        "404": ("No such event", _ERROR),
        "409": (
            "Refused (full without waiting list, already registered, closed): the form again, saying why",
            _HTML_ERROR,
        ),
        "422": ("A field to fix: the form again, with what was typed and the reason", _HTML_ERROR),
        "429": ("Too many requests from this address; see Retry-After", _ERROR),
    },
    ("/registrations/{token}", "get"): _REGISTRANT_PAGE,
    ("/registrations/{token}/cancel", "post"): _REGISTRANT_PAGE,
    ("/api/staff/events/{slug}/attendees", "get"): _EXPORT,
    ("/api/staff/events/{slug}/scholarships", "get"): _EXPORT,
    ("/events/{name}", "get"): _PAGE_OR_FEED,
    ("/calendars/{name}", "get"): {
        **_PAGE_OR_FEED,
        "422": ("A feed filter to fix (from, to, mode, …); `field` names it", _ERROR),
    },
    ("/feeds/{name}", "get"): {
        "200": ("The personal iCalendar feed", {"text/calendar": _TEXT}),
        "304": ("Not modified since the ETag or date the client sent", {}),
        "404": ("No personal feed for this address", _ERROR),
    },
    ("/registrations/confirm/{confirm_token}", "get"): _CONFIRM_PAGE,
    ("/registrations/confirm/{confirm_token}", "post"): _CONFIRM_PAGE,
}


def _numbers(node: Any) -> Any:
    """The document with every `oneOf: [integer, number]` written as `type: number`."""
    if isinstance(node, list):
        return [_numbers(item) for item in node]
    if not isinstance(node, dict):
        return node
    tidied = {key: _numbers(value) for key, value in node.items()}
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
    """Swagger UI from our own static files (web/swagger_assets.py), not Litestar's default CDN."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("js_url", swagger_assets.JS_URL)
        kwargs.setdefault("css_url", swagger_assets.CSS_URL)
        kwargs.setdefault("standalone_preset_js_url", swagger_assets.STANDALONE_PRESET_JS_URL)
        kwargs.setdefault("favicon", swagger_assets.FAVICON)
        super().__init__(**kwargs)

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, tidy(openapi_schema))
