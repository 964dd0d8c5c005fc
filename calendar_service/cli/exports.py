"""`calendar-service export attendees|scholarships SLUG --out FILE` and `calendar-service retention`.

Exports run the same services as the API (same columns, same neutralised
cells), as the command line's admin, and are recorded in the audit log like
any other export of personal data. The file is written under a temporary
name and renamed when complete.
"""

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

import typer

from calendar_service.cli.importer import COMMAND_LINE
from calendar_service.cli.progress import progress_bar, say
from calendar_service.cli.runner import CliError, run
from calendar_service.clock import utcnow
from calendar_service.db.engine import create_engine, create_session_maker
from calendar_service.exports.attendees import AttendeeExport
from calendar_service.registrations.retention import RetentionReport, RetentionService
from calendar_service.scholarships.exports import ExportService as ScholarshipExportService
from calendar_service.settings import get_settings

exports = typer.Typer(help="Export attendee or scholarship lists to a file (csv, xlsx, json).", no_args_is_help=True)

Format = Annotated[str, typer.Option("--format", "-f", help="csv, xlsx or json")]
Out = Annotated[Path, typer.Option("--out", "-o", help="file to write (refused if it exists, unless --force)")]
Force = Annotated[bool, typer.Option("--force", help="overwrite FILE")]
Bom = Annotated[
    bool,
    typer.Option(
        "--bom/--no-bom", help="CSV: start with a UTF-8 BOM so Excel detects the encoding (default; LibreOffice too)"
    ),
]


async def _write(chunks: AsyncIterator[bytes], out: Path, rows: int, label: str) -> int:
    partial = out.with_name(f".{out.name}.partial")
    written = 0
    try:
        with partial.open("wb") as handle, progress_bar() as bar:
            task = bar.add_task(f"{label} ({rows:,} rows)", total=None)
            async for chunk in chunks:
                handle.write(chunk)
                written += len(chunk)
                bar.update(task, completed=written)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return written


def _check_target(out: Path, force: bool) -> None:
    if out.exists() and not force:
        raise CliError(f"{out} exists; choose another --out or add --force")
    if not out.parent.exists():
        raise CliError(f"no such directory: {out.parent}")


@exports.command("attendees")
def export_attendees(
    slug: Annotated[str, typer.Argument(help="the event's slug")],
    out: Out,
    fmt: Format = "csv",
    status: Annotated[str | None, typer.Option(help="only this status")] = None,
    mode: Annotated[str | None, typer.Option(help="in_person or online")] = None,
    bom: Bom = True,
    force: Force = False,
) -> None:
    """One row per registration, as GET /api/staff/events/SLUG/attendees gives it."""
    _check_target(out, force)

    async def work() -> tuple[int, int]:
        url = get_settings().database_url
        engine, read_engine = create_engine(url, pool=False), create_engine(url, pool=False, read_only=True)
        try:
            async with create_session_maker(engine)() as session, session.begin():
                export = await AttendeeExport(session, create_session_maker(read_engine), utcnow()).prepare(
                    slug, COMMAND_LINE, fmt=fmt, status=status, mode=mode, bom=bom
                )
            return export.rows, await _write(export.chunks, out, export.rows, f"attendees of {slug}")
        finally:
            await engine.dispose()
            await read_engine.dispose()

    rows, size = run(work())
    say(f"exported {rows:,} attendees of {slug} ({size:,} bytes, {fmt}) to {out}")


@exports.command("scholarships")
def export_scholarships(
    slug: Annotated[str, typer.Argument(help="the event's slug")],
    out: Out,
    fmt: Format = "csv",
    bom: Bom = True,
    force: Force = False,
) -> None:
    """Applications with scores, rank and awards, as GET /api/staff/events/SLUG/scholarships gives it."""
    _check_target(out, force)

    async def work() -> tuple[int, int]:
        settings = get_settings()
        engine = create_engine(settings.database_url, pool=False)
        try:
            async with create_session_maker(engine)() as session, session.begin():
                export = await ScholarshipExportService(session, settings, utcnow()).export(
                    slug, COMMAND_LINE, fmt, bom
                )
            return export.rows, await _write(export.chunks, out, export.rows, f"scholarships of {slug}")
        finally:
            await engine.dispose()

    rows, size = run(work())
    say(f"exported {rows:,} applications of {slug} ({size:,} bytes, {fmt}) to {out}")


def retention_command(
    days: Annotated[
        int | None, typer.Option(help="erase what ended more than DAYS ago (default RETENTION_DAYS)")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="report what would be erased; change nothing")] = False,
) -> None:
    """Erase personal data of registrations and applications of past events, keeping per-event totals."""

    async def work() -> RetentionReport:
        settings = get_settings()
        engine = create_engine(settings.database_url, pool=False)
        try:
            async with create_session_maker(engine)() as session, session.begin():
                return await RetentionService(session, settings, utcnow()).run(days, dry_run=dry_run)
        finally:
            await engine.dispose()

    report = run(work())
    verb = "would erase" if dry_run else "erased"
    events = ", ".join(report.events) if report.events else "none"
    say(
        f"{verb} {report.registrations:,} registrations and {report.applications:,} applications "
        f"of {len(report.events)} events ended more than {report.days} days ago: {events}"
    )
