"""`calendar-service import-ics SOURCE --calendar SLUG [--dry-run]`: other organisations' events, into ours.

The mapping is pure (`domain.ics_import.parse_ics`); this command fetches
the file, writes each mapped event through the EventService in its own
transaction (see `importer`), and reports every event: imported, updated,
unchanged or skipped with the reason, plus what was mapped only in part.
"""

from collections import Counter
from typing import Annotated

import typer

from calendar_service.calendars.service import CalendarService
from calendar_service.cli.importer import Importer, Outcome, Result
from calendar_service.cli.progress import print_table, progress_bar, say
from calendar_service.cli.runner import run
from calendar_service.cli.sources import read_source
from calendar_service.clock import utcnow
from calendar_service.db.engine import create_engine, create_session_maker
from calendar_service.domain.ics_import import ImportPlan, parse_ics
from calendar_service.settings import Settings, get_settings

ORDER: tuple[Outcome, ...] = ("imported", "updated", "unchanged", "skipped")


async def _import(source: str, calendar: str, timezone: str | None, dry_run: bool) -> tuple[ImportPlan, list[Result]]:
    settings: Settings = get_settings()
    data = read_source(source)
    now = utcnow()
    engine = create_engine(settings.database_url, pool=False)
    try:
        sessions = create_session_maker(engine)
        async with sessions() as session:
            row = await CalendarService(session, settings.base_url, now).get_row(calendar)
        plan = parse_ics(data, calendar=calendar, default_timezone=timezone or row.timezone)
        importer = Importer(sessions, settings, calendar, now)
        results: list[Result] = []
        skipped = [Result("skipped", issue.summary, issue.uid, issue.reason) for issue in plan.skipped]
        with progress_bar() as progress:
            task = progress.add_task("events", total=len(plan.events))
            for item in plan.events:
                results.append(await (importer.preview(item) if dry_run else importer.apply(item)))
                progress.advance(task)
        return plan, results + skipped
    finally:
        await engine.dispose()


def _report(plan: ImportPlan, results: list[Result], source: str, calendar: str, dry_run: bool) -> None:
    if results:
        rows = sorted(results, key=lambda r: ORDER.index(r.outcome))
        print_table(
            "events",
            ("outcome", "title", "slug / uid", "detail"),
            ((r.outcome, r.title, r.slug, r.detail) for r in rows),
            wrap=("title", "detail"),
        )
    if plan.notes:
        notes = ((n.summary, n.uid, n.reason) for n in plan.notes)
        print_table("notes", ("title", "uid", "note"), notes, wrap=("title", "note"))
    counts = Counter(result.outcome for result in results)
    summary = ", ".join(f"{counts[outcome]} {outcome}" for outcome in ORDER)
    name = f" ('{plan.source_name}')" if plan.source_name else ""
    if dry_run:
        say(f"dry run of {source}{name} into calendar {calendar}: {summary}; nothing was written")
    else:
        say(f"imported {source}{name} into calendar {calendar}: {summary}, {len(plan.notes)} note(s)")


def import_ics_command(
    source: Annotated[str, typer.Argument(help="an .ics file path, or an http(s)/webcal URL")],
    calendar: Annotated[str, typer.Option("--calendar", help="slug of our calendar to import into")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="map and report, write nothing")] = False,
    timezone: Annotated[
        str | None,
        typer.Option(help="zone for floating and UTC-only times when the file names none (default: the calendar's)"),
    ] = None,
) -> None:
    """Import the events of an iCalendar file; an event already imported (same UID) is updated."""
    plan, results = run(_import(source, calendar, timezone, dry_run))
    _report(plan, results, source, calendar, dry_run)
