"""Running a command's async work, and turning any failure into one line a person can act on.

Commands raise; `main` calls `explain` once and prints `error: …` on stderr
with the exit code it gives. Nothing here prints a traceback unless
CALENDAR_SERVICE_DEBUG is set.
"""

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.cli.fixtures import FixtureError
from calendar_service.db.engine import create_engine, create_session_maker
from calendar_service.db.migrate import NotMigrated
from calendar_service.errors import DomainError
from calendar_service.settings import get_settings

T = TypeVar("T")

EXIT_FAILED = 1  # the work could not be done (bad file, unreachable database, refused restore)
EXIT_REFUSED = 2  # the input was refused by a domain rule (as the API's 4xx)
_MISSING_SCHEMA = ("no such table", "does not exist", "undefinedtable")


class CliError(Exception):
    """A failure already phrased for the person at the terminal."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


def run(work: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(work)


def database_label(url: str | None = None) -> str:
    """The database URL without its password, for messages."""
    try:
        return make_url(url or get_settings().database_url).render_as_string(hide_password=True)
    except ArgumentError:
        return "DATABASE_URL"


async def in_transaction(work: Callable[[AsyncSession], Awaitable[T]], url: str | None = None) -> T:
    """One unit of work on a short-lived engine: commits if `work` returns, rolls back if it raises."""
    engine = create_engine(url or get_settings().database_url, pool=False)
    try:
        async with create_session_maker(engine)() as session, session.begin():
            return await work(session)
    finally:
        await engine.dispose()


def _first_line(text: object) -> str:
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    return lines[0] if lines else "no detail given"


def explain(exc: BaseException) -> tuple[str, int] | None:
    """(one-line message, exit code) for a failure we expect, None for a bug."""
    if isinstance(exc, CliError):
        return exc.message, exc.exit_code
    if isinstance(exc, DomainError):
        return exc.message, EXIT_REFUSED
    if isinstance(exc, FixtureError):
        return f"{exc}; nothing was loaded", EXIT_FAILED
    if isinstance(exc, typer.TyperException):  # usage errors: bad option, missing argument, …
        ctx = getattr(exc, "ctx", None)
        where = f" (see: {ctx.command_path} --help)" if ctx is not None else ""
        return exc.format_message().replace("Value error, ", "") + where, exc.exit_code
    if isinstance(exc, NotMigrated):
        return str(exc), EXIT_FAILED
    if isinstance(exc, FileNotFoundError):
        return f"no such file: {exc.filename}", EXIT_FAILED
    if isinstance(exc, DBAPIError):
        detail = _first_line(exc.orig if exc.orig is not None else exc)
        if any(marker in detail.lower() for marker in _MISSING_SCHEMA):
            return (
                f"the database {database_label()} has no schema yet ({detail}); run `calendar-service migrate`",
                EXIT_FAILED,
            )
        if isinstance(exc, OperationalError | InterfaceError) and "connect" in detail.lower():
            return f"cannot reach the database {database_label()}: {detail}", EXIT_FAILED
        return f"database {database_label()}: {detail}", EXIT_FAILED
    if isinstance(exc, SQLAlchemyError):
        return f"database {database_label()}: {_first_line(exc)}", EXIT_FAILED
    if isinstance(exc, ConnectionError | TimeoutError):
        return f"cannot reach the database {database_label()}: {_first_line(exc) or type(exc).__name__}", EXIT_FAILED
    if isinstance(exc, PermissionError | IsADirectoryError):
        return f"{exc.strerror}: {exc.filename}", EXIT_FAILED
    return None
