"""The `calendar-service` command: migrate, load fixtures, serve, manage staff tokens."""

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.cli.fixtures import FixtureError, database_is_empty, load_fixtures
from calendar_service.clock import utcnow
from calendar_service.db.engine import create_engine, create_session_maker
from calendar_service.db.migrate import upgrade
from calendar_service.domain.access import ROLES
from calendar_service.errors import DomainError
from calendar_service.notifications.sender import SmtpTarget, send_due
from calendar_service.settings import get_settings
from calendar_service.staff.tokens import TokenService

T = TypeVar("T")


async def _in_transaction(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    engine = create_engine(get_settings().database_url, pool=False)
    try:
        async with create_session_maker(engine)() as session, session.begin():
            return await work(session)
    finally:
        await engine.dispose()


def cmd_migrate(_: argparse.Namespace) -> int:
    upgrade(get_settings().database_url)
    print("database is at the latest schema")
    return 0


def cmd_load_fixtures(args: argparse.Namespace) -> int:
    directory = Path(args.dir)

    async def work(session: AsyncSession) -> str:
        if args.if_empty and not await database_is_empty(session):
            return "database already has data; fixtures not loaded"
        calendars, events = await load_fixtures(session, directory, get_settings())
        return f"loaded {calendars} calendar(s) and {events} event(s) from {directory}"

    try:
        print(asyncio.run(_in_transaction(work)))
    except FixtureError as exc:
        print(f"error: {exc}; nothing was loaded", file=sys.stderr)
        return 1
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    async def work(session: AsyncSession) -> str:
        row, token = await TokenService(session).create(
            name=args.name, role=args.role, calendars=args.calendar or [], now=utcnow()
        )
        scope = f" for calendars {', '.join(row.calendars)}" if row.calendars else ""
        print(f"created {row.role} token #{row.id} '{row.name}'{scope}; it is shown once, store it now:")
        return token

    try:
        print(asyncio.run(_in_transaction(work)))
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    return 0


def cmd_token_list(_: argparse.Namespace) -> int:
    async def work(session: AsyncSession) -> None:
        for row in await TokenService(session).list():
            state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
            scope = ",".join(row.calendars) or "-"
            print(f"{row.id}\t{row.prefix}…\t{row.role}\t{scope}\t{state}\t{row.name}")

    asyncio.run(_in_transaction(work))
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    async def work(session: AsyncSession) -> str:
        row = await TokenService(session).revoke(args.id, utcnow())
        return f"token #{row.id} '{row.name}' is revoked"

    try:
        print(asyncio.run(_in_transaction(work)))
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    return 0


def cmd_send_mail(args: argparse.Namespace) -> int:
    settings = get_settings()
    if not settings.smtp_url:
        print("error: set SMTP_URL (e.g. smtp://user:pass@mail.example.org:587?starttls=1)", file=sys.stderr)
        return 2
    target = SmtpTarget.parse(settings.smtp_url, settings.organizer_email or "events@localhost")

    async def run() -> None:
        engine = create_engine(settings.database_url)
        try:
            while True:
                sent, failed = await send_due(create_session_maker(engine), target, utcnow())
                if sent or failed:
                    print(f"sent {sent}, failed {failed} (failed ones stay queued)")
                if args.once:
                    return
                await asyncio.sleep(args.interval)
        finally:
            await engine.dispose()

    asyncio.run(run())
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "calendar_service.asgi:app",
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers,
        proxy_headers=False,
        log_level="info",
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="calendar-service", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("migrate", help="apply database migrations (DATABASE_URL)").set_defaults(func=cmd_migrate)

    fixtures = sub.add_parser("load-fixtures", help="load calendars.json and events.json")
    fixtures.add_argument("--dir", default="fixtures")
    fixtures.add_argument("--if-empty", action="store_true", help="only when the database has no calendar yet")
    fixtures.set_defaults(func=cmd_load_fixtures)

    serve = sub.add_parser("serve", help="serve HTTP (HOST, PORT)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=cmd_serve)

    mail = sub.add_parser("send-mail", help="send the outbox over SMTP_URL (the server also does, every 5 s)")
    mail.add_argument("--once", action="store_true", help="one pass, then exit")
    mail.add_argument("--interval", type=float, default=5.0)
    mail.set_defaults(func=cmd_send_mail)

    token = sub.add_parser("token", help="staff tokens").add_subparsers(dest="token_command", required=True)
    create = token.add_parser("create", help="create a token; printed once, as the last line")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--name", required=True)
    create.add_argument("--calendar", action="append", help="limit an organizer to this calendar (repeatable)")
    create.set_defaults(func=cmd_token_create)
    token.add_parser("list", help="list tokens (never the secret)").set_defaults(func=cmd_token_list)
    revoke = token.add_parser("revoke", help="revoke a token by id")
    revoke.add_argument("id", type=int)
    revoke.set_defaults(func=cmd_token_revoke)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING)
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
