"""Running the service: `migrate`, `load-fixtures`, `serve`, `send-mail`."""

import asyncio
import os
import secrets
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.cli.fixtures import database_is_empty, load_fixtures
from calendar_service.cli.progress import say
from calendar_service.cli.runner import CliError, in_transaction, run
from calendar_service.clock import utcnow
from calendar_service.db.engine import create_engine, create_session_maker
from calendar_service.db.migrate import head_revision, upgrade
from calendar_service.notifications.sender import SmtpTarget, send_due
from calendar_service.settings import get_settings


def migrate() -> None:
    """Apply database migrations to DATABASE_URL (safe to repeat)."""
    upgrade(get_settings().database_url)
    say(f"database is at the latest schema (revision {head_revision()})")


def load_fixtures_command(
    directory: Annotated[
        Path, typer.Option("--dir", help="folder with calendars.json and events.json", file_okay=False)
    ] = Path("fixtures"),
    if_empty: Annotated[bool, typer.Option("--if-empty", help="only when the database has no calendar yet")] = False,
) -> None:
    """Load calendars.json and events.json through the API's own services (all or nothing)."""
    if not directory.is_dir():
        raise CliError(f"no such folder: {directory} (give the fixtures folder with --dir)")

    async def work(session: AsyncSession) -> str:
        if if_empty and not await database_is_empty(session):
            return "database already has data; fixtures not loaded"
        calendars, events = await load_fixtures(session, directory, get_settings())
        return f"loaded {calendars} calendar(s) and {events} event(s) from {directory}"

    say(run(in_transaction(work)))


def serve(
    host: Annotated[str | None, typer.Option(help="address to listen on (default: HOST or 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default: PORT or 8000)")] = None,
    workers: Annotated[int, typer.Option(min=1, help="server processes")] = 1,
) -> None:
    """Serve HTTP; refuses to start on a database that is not migrated."""
    import uvicorn

    settings = get_settings()
    # The workers sign the forms' CSRF cookies with one secret: a form from one is accepted by all.
    os.environ.setdefault("CSRF_SECRET", secrets.token_hex(32))
    uvicorn.run(
        "calendar_service.asgi:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        proxy_headers=False,
        log_level="info",
    )


def send_mail(
    once: Annotated[bool, typer.Option("--once", help="one pass over the outbox, then exit")] = False,
    interval: Annotated[float, typer.Option(min=0.1, help="seconds between passes")] = 5.0,
) -> None:
    """Send the outbox over SMTP_URL (the server also does, every 5 s)."""
    settings = get_settings()
    if not settings.smtp_url:
        raise CliError("set SMTP_URL (e.g. smtp://user:pass@mail.example.org:587?starttls=1)", 2)
    target = SmtpTarget.parse(settings.smtp_url, settings.organizer_email or "events@localhost")

    async def loop() -> None:
        engine = create_engine(settings.database_url)
        try:
            while True:
                sent, failed = await send_due(create_session_maker(engine), target, utcnow())
                if sent or failed:
                    say(f"sent {sent}, failed {failed} (failed ones stay queued)")
                if once:
                    return
                await asyncio.sleep(interval)
        finally:
            await engine.dispose()

    run(loop())
