"""Every error becomes `{"status_code", "detail"}` (plus `field` when one input is at fault) — or a page.

Domain errors take their status from `errors.http_status`, the one table. Which form an error
takes is decided here, by path, for every route and for paths no route matches: JSON under
`/api`, `/schema`, `/static`, `/feeds`, `/health`, `/ready`, `/metrics` and for `.ics` names (feed
readers and API clients read `detail`); everywhere else a person is reading, so the same status
comes as a page in the site's layout (`pages/errors.py`).
"""

import logging
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from sqlalchemy.exc import IntegrityError, OperationalError

from calendar_service.errors import DomainError, http_status
from calendar_service.pages.errors import page_error_response
from calendar_service.wire import ENUM_HINTS

log = logging.getLogger("calendar_service")

NOT_JSON = "body: not valid JSON; send Content-Type: application/json with a JSON object"


def _body(status: int, detail: str, **extra: Any) -> Response[dict[str, Any]]:
    headers = {"WWW-Authenticate": 'Bearer realm="calendar-service staff"'} if status == 401 else None
    return Response(
        {"status_code": status, "detail": detail, **extra},
        status_code=status,
        media_type=MediaType.JSON,
        headers=headers,
    )


def domain_error(_: Request[Any, Any, Any], exc: DomainError) -> Response[dict[str, Any]]:
    extra = {"field": exc.field} if exc.field else {}
    return _body(http_status(exc), exc.message, **extra)


def _location(key: str) -> str:
    return key.removeprefix("$.").removeprefix("$") or "body"


def validation_error(request: Request[Any, Any, Any], exc: ValidationException) -> Response[dict[str, Any]]:
    """msgspec/Litestar validation: 422 naming each field, or 400 when the body is not JSON at all."""
    problems = exc.extra if isinstance(exc.extra, list) else []
    parts = []
    fields = []
    for problem in problems:
        if not isinstance(problem, dict):
            continue
        message = str(problem.get("message", "invalid value"))
        key = problem.get("key")
        if key is None and " - at `" in message:
            message, _, where = message.partition(" - at `")
            key = where.rstrip("`")
        if key:
            field = _location(str(key))
            if field in ENUM_HINTS and ("enum" in message or "Expected" in message):
                message += f"; use one of: {', '.join(ENUM_HINTS[field])}"
            fields.append(field)
            parts.append(f"{field}: {message}")
        else:
            parts.append(message)
    if not parts:
        detail = str(exc.detail)
        if "JSON" in detail or "decode" in detail.lower() or "malformed" in detail.lower():
            return _body(422, NOT_JSON, field="body")
        return _body(422, detail)
    extra = {"field": fields[0]} if len(fields) == 1 else ({"fields": fields} if fields else {})
    return _body(422, "; ".join(parts), **extra)


def http_error(_: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    if exc.status_code >= 500:
        log.error("HTTP %s raised inside the framework: %s", exc.status_code, exc.detail, exc_info=exc)
    detail = exc.detail
    if exc.status_code == 413:
        detail = "the request body is too large (limit 1 MB)"
    elif exc.status_code == 400 and ("JSON" in detail or "decode" in detail.lower()):
        return _body(422, NOT_JSON, field="body")  # invalid input is 422 (PRODUCT.md), whatever its kind
    if exc.status_code == 429:
        detail = "too many requests from this address; wait and try again (see Retry-After)"
    response = _body(exc.status_code, detail)
    if exc.headers:
        response.headers.update(exc.headers)
    if exc.status_code == 429 and "Retry-After" not in response.headers:
        response.headers["Retry-After"] = (exc.headers or {}).get("RateLimit-Reset", "60")
    return response


def undecodable_body(_: Request[Any, Any, Any], exc: UnicodeDecodeError) -> Response[dict[str, Any]]:
    """JSON with bytes that are not UTF-8 inside a string: msgspec raises this, not a validation error."""
    return _body(422, "body: not valid JSON: it is not UTF-8 text; send the JSON object encoded as UTF-8", field="body")


def integrity_error(_: Request[Any, Any, Any], exc: IntegrityError) -> Response[dict[str, Any]]:
    log.info("integrity error answered as 409: %s", exc.orig)
    return _body(409, "this conflicts with data that already exists (a duplicate?); nothing was written")


def unavailable(_: Request[Any, Any, Any], exc: OperationalError) -> Response[dict[str, Any]]:
    log.error("database unavailable: %s", exc.orig)
    response = _body(503, "the database is unavailable or busy; nothing was written, try again shortly")
    response.headers["Retry-After"] = "5"
    return response


def too_deep(request: Request[Any, Any, Any], exc: RecursionError) -> Response[dict[str, Any]]:
    """JSON nested deeper than the decoder recurses (10,000 `[` or `{"a":`): invalid input, not a crash."""
    if "deserializing" in str(exc):
        return _body(422, "body: the JSON is nested too deeply; send a flatter document", field="body")
    return internal_error(request, exc)


def internal_error(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unhandled error", exc_info=exc)
    return _body(500, "internal error; nothing was written. The error is logged for the operators.")


MACHINE_PREFIXES = ("/api/", "/api", "/schema", "/static", "/feeds", "/health", "/ready", "/metrics")


def is_page_path(path: str) -> bool:
    """A path people open in a browser (everything but the API, the docs, feeds and probes)."""
    return not (path == "/api" or path.startswith(MACHINE_PREFIXES) or path.endswith(".ics"))


def _page_or_json(json_handler: Any) -> Any:
    """The JSON handler's answer on machine paths; on a page path, the same status and words as a page."""

    def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        answer: Response[Any] = json_handler(request, exc)
        if not is_page_path(request.url.path):
            return answer
        detail = answer.content.get("detail", "") if isinstance(answer.content, dict) else ""
        # A domain refusal's sentence helps (a closed event, a used link); "no event 'x'; GET /api/events…"
        # and the framework's words do not: those pages say what to do instead.
        shown = detail if isinstance(exc, DomainError) and answer.status_code != 404 else ""
        extra = {k: v for k, v in answer.headers.items() if k.lower() == "retry-after"}
        return page_error_response(request, answer.status_code or 500, shown, headers=extra)

    return handle


HANDLERS: dict[Any, Any] = {
    DomainError: _page_or_json(domain_error),
    ValidationException: _page_or_json(validation_error),
    HTTPException: _page_or_json(http_error),
    UnicodeDecodeError: _page_or_json(undecodable_body),
    RecursionError: _page_or_json(too_deep),
    IntegrityError: _page_or_json(integrity_error),
    OperationalError: _page_or_json(unavailable),
    Exception: _page_or_json(internal_error),
}
