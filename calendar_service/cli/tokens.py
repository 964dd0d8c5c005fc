"""`calendar-service token create|list|revoke`: staff bearer tokens (only their hash is stored)."""

from datetime import datetime
from typing import Annotated, Literal, get_args

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.cli.progress import print_table, say
from calendar_service.cli.runner import in_transaction, run
from calendar_service.clock import utcnow
from calendar_service.db.tables import StaffToken
from calendar_service.domain.access import ROLES
from calendar_service.staff.tokens import TokenService

Role = Literal["admin", "organizer", "reviewer"]
assert set(get_args(Role)) == set(ROLES), "keep Role in step with domain.access.ROLES"

tokens = typer.Typer(name="token", help="Staff tokens: create, list, revoke.", no_args_is_help=True)


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M}Z" if moment else "-"


def _day(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d}" if moment else "-"


def _state(row: StaffToken, now: datetime) -> str:
    if row.revoked_at:
        return f"revoked {row.revoked_at:%Y-%m-%d}"
    if row.expires_at and row.expires_at <= now:
        return f"expired {row.expires_at:%Y-%m-%d}"
    return "active"


@tokens.command("create")
def create_token(
    role: Annotated[Role, typer.Option(help="admin, organizer or reviewer")],
    name: Annotated[str, typer.Option(help="whose token it is, e.g. 'Ada (events team)'")],
    calendar: Annotated[
        list[str] | None, typer.Option(help="limit an organizer to this calendar slug (repeatable)")
    ] = None,
    expires_in_days: Annotated[
        int | None, typer.Option(min=1, help="the token stops working after this many days (default: never)")
    ] = None,
    email: Annotated[
        str | None, typer.Option(help="the holder's email: a reviewer is never assigned their own application")
    ] = None,
) -> None:
    """Create a token; the secret is printed once, as the last line of output."""

    async def work(session: AsyncSession) -> str:
        row, token = await TokenService(session).create(
            name=name, role=role, calendars=calendar or [], now=utcnow(), expires_in_days=expires_in_days, email=email
        )
        scope = f" for calendars {', '.join(row.calendars)}" if row.calendars else ""
        expiry = f", expires {_when(row.expires_at)}" if row.expires_at else ""  # to the minute, once
        say(f"created {row.role} token #{row.id} '{row.name}'{scope}{expiry}; it is shown once, store it now:")
        return token

    say(run(in_transaction(work)))


@tokens.command("list")
def list_tokens() -> None:
    """List tokens with their scope, expiry, last use and state (never the secret)."""

    async def work(session: AsyncSession) -> list[StaffToken]:
        return await TokenService(session).list()

    rows = run(in_transaction(work))
    if not rows:
        say("no tokens yet; create one with `calendar-service token create --role admin --name NAME`")
        return
    now = utcnow()
    print_table(
        None,
        ("id", "prefix", "role", "calendars", "created", "expires", "last used", "state", "name"),
        (
            (
                row.id,
                f"{row.prefix}…",
                row.role,
                ",".join(row.calendars),
                _day(row.created_at),
                _day(row.expires_at),
                _when(row.last_used_at),
                _state(row, now),
                f"{row.name} <{row.email}>" if row.email else row.name,
            )
            for row in rows
        ),
        wrap=("calendars", "last used", "state", "name"),
    )


@tokens.command("revoke")
def revoke_token(token_id: Annotated[int, typer.Argument(metavar="ID", help="the id shown by `token list`")]) -> None:
    """Revoke a token by id; it stops working at once (revoking twice is harmless)."""

    async def work(session: AsyncSession) -> str:
        row = await TokenService(session).revoke(token_id, utcnow())
        return f"token #{row.id} '{row.name}' is revoked"

    say(run(in_transaction(work)))
