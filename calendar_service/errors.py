"""Domain errors: one class per outcome a client can act on.

Each error carries a message a person can act on and, for bad input, the
field it concerns. `http_status` is the one table from error to HTTP status;
the shell's two renderings read it (JSON in `web/errors.py`, HTML pages in
`pages/errors.py`). Nothing in `domain/` asks for a status.
"""


class DomainError(Exception):
    """Base class; `field` names the input that caused it, when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    """The request is well-formed but a value cannot be accepted (422)."""


class UnknownTimeZone(InvalidInput):
    """The zone name is not in the pinned tz database."""


class NonexistentLocalTime(InvalidInput):
    """The local time falls in a DST gap: clocks skip it."""


class AmbiguousLocalTime(InvalidInput):
    """The local time happens twice (DST fold) and no `fold` said which."""


class InvalidRecurrence(InvalidInput):
    """The RRULE, EXDATE or RDATE cannot be accepted."""


class NotFound(DomainError):
    """No such resource, or not visible to this caller (404)."""


class Conflict(DomainError):
    """The write contradicts existing state, e.g. a duplicate (409)."""


class Gone(DomainError):
    """It existed but has expired, e.g. a confirmation link past its deadline (410)."""


class Unauthorized(DomainError):
    """A staff token is missing or not valid (401)."""


class Forbidden(DomainError):
    """The token is valid but its role may not do this (403)."""


_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (InvalidInput, 422),
    (NotFound, 404),
    (Conflict, 409),
    (Gone, 410),
    (Unauthorized, 401),
    (Forbidden, 403),
)


def http_status(exc: DomainError) -> int:
    """The HTTP status a domain error is answered with (400 for a kind without its own)."""
    return next((code for kind, code in _STATUS if isinstance(exc, kind)), 400)
