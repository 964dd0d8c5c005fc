"""The `calendar-service` command.

Every command lives in a module of this package; this one assembles them
and runs one, turning an expected failure into a single `error: …` line on
stderr and a non-zero exit code (1: could not be done, 2: refused input).
Set CALENDAR_SERVICE_DEBUG=1 to see the traceback of an unexpected error.
"""

import logging
import os
import sys
from collections.abc import Sequence

import typer
from typer._click.exceptions import NoArgsIsHelpError  # typer vendors click; no public name for it

from calendar_service.cli import backup, ics_import, restore, server
from calendar_service.cli.exports import exports, retention_command
from calendar_service.cli.runner import explain
from calendar_service.cli.tokens import tokens

app = typer.Typer(
    name="calendar-service",
    help="Events with real time zones: run the service, manage staff tokens, export, back up, import, erase.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command("migrate")(server.migrate)
app.command("load-fixtures")(server.load_fixtures_command)
app.command("serve")(server.serve)
app.command("send-mail")(server.send_mail)
app.add_typer(tokens, name="token")
app.command("backup")(backup.backup_command)
app.command("restore")(restore.restore_command)
app.command("import-ics")(ics_import.import_ics_command)
app.add_typer(exports, name="export")
app.command("retention")(retention_command)


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr, flush=True)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code (the console script passes it to the shell)."""
    logging.basicConfig(level=logging.WARNING)
    command = typer.main.get_command(app)
    try:
        result = command.main(
            args=list(argv) if argv is not None else sys.argv[1:],
            prog_name="calendar-service",
            standalone_mode=False,
        )
    except NoArgsIsHelpError as exc:
        exc.show()
        return exc.exit_code
    except typer.Abort:
        return _fail("aborted", 130)
    except Exception as exc:
        explained = explain(exc)
        if explained is None:
            if os.environ.get("CALENDAR_SERVICE_DEBUG"):
                raise
            return _fail(f"unexpected {type(exc).__name__}: {exc} (CALENDAR_SERVICE_DEBUG=1 shows where)", 1)
        return _fail(*explained)
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
