"""The `calendar-service` command as a newcomer runs it: real subprocesses for the contract, `main()` for the rest."""

import json
import re
from pathlib import Path

import pytest

from calendar_service.cli.main import main
from tests.cli.helpers import invoke, run_cli
from tests.support.factories import FIXTURES_DIR


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_token_create_prints_the_token_as_the_last_line_and_stores_only_its_hash(clean_db: str) -> None:
    result = run_cli("token", "create", "--role", "admin", "--name", "Ada", database_url=clean_db)
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("cst_")
    assert len(token) > 40
    listing = run_cli("token", "list", database_url=clean_db)
    assert "Ada" in listing.stdout
    assert token not in listing.stdout
    assert token[12:] not in listing.stdout


def test_token_create_refuses_an_unknown_role_in_one_line(clean_db: str) -> None:
    result = invoke("token", "create", "--role", "superuser", "--name", "x", database_url=clean_db)
    assert result.returncode == 2
    line = one_error_line(result.stderr)
    assert "'superuser' is not one of 'admin', 'organizer', 'reviewer'" in line
    assert "calendar-service token create --help" in line


def test_a_token_with_an_expiry_is_listed_with_it_and_revoking_shows(clean_db: str) -> None:
    typo = invoke(
        "token", "create", "--role", "organizer", "--name", "G", "--calendar", "global-advocacy", database_url=clean_db
    )
    assert typo.returncode == 2 and "no calendar 'global-advocacy'" in one_error_line(typo.stderr)
    assert invoke("load-fixtures", "--dir", str(FIXTURES_DIR), database_url=clean_db).returncode == 0
    created = invoke(
        "token", "create", "--role", "organizer", "--name", "Grace", "--calendar", "global-advocacy",
        "--expires-in-days", "30", database_url=clean_db,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert "expires" in created.stdout
    assert created.last_line.startswith("cst_")
    listing = invoke("token", "list", database_url=clean_db).stdout
    header, row = listing.strip().splitlines()
    expected = ["id", "prefix", "role", "calendars", "created", "expires", "last", "used", "state", "name"]
    assert header.split() == expected
    assert "Grace" in row and "global-advocacy" in row and "active" in row
    assert len(re.findall(r"\d{4}-\d\d-\d\d", row)) == 2  # created and expires; never used
    reviewer = invoke(
        "token", "create", "--role", "reviewer", "--name", "Ama", "--email", "Ama@Example.org", database_url=clean_db
    )
    assert reviewer.returncode == 0, reviewer.stderr
    assert "Ama <Ama@example.org>" in invoke("token", "list", database_url=clean_db).stdout
    revoked = invoke("token", "revoke", "1", database_url=clean_db)
    assert revoked.stdout.strip() == "token #1 'Grace' is revoked"
    assert "revoked 20" in invoke("token", "list", database_url=clean_db).stdout


@pytest.mark.parametrize(
    ("args", "words", "code"),
    [
        (("token", "revoke", "999"), "no token with id 999", 2),
        (("token", "create", "--role", "admin", "--name", "  "), "give the token a name", 2),
        (("token", "create", "--role", "reviewer", "--name", "A", "--email", "nope"), "email: 'nope' is not an", 2),
        (("token", "create", "--role", "admin", "--name", "x", "--expires-in-days", "0"), "--expires-in-days", 2),
        (("token", "revoke", "abc"), "Invalid value for 'ID'", 2),
        (("load-fixtures", "--dir", "no/such/folder"), "no such folder: no/such/folder", 1),
        (("restore", "no/such/backup.gz"), "no such file: no/such/backup.gz", 1),
        (("import-ics", "no/such/file.ics", "--calendar", "global-advocacy"), "no such file", 1),
        (("no-such-command",), "No such command 'no-such-command'", 2),
    ],
)
def test_errors_are_one_line_on_stderr_and_a_non_zero_exit(
    clean_db: str, args: tuple[str, ...], words: str, code: int
) -> None:
    result = invoke(*args, database_url=clean_db)
    assert result.returncode == code, result
    assert words in one_error_line(result.stderr)


def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    result = invoke("token", "list", database_url="postgresql+psycopg://postgres:secret@127.0.0.1:1/nothing")
    assert result.returncode == 1
    line = one_error_line(result.stderr)
    assert "cannot reach the database postgresql+psycopg://postgres:***@127.0.0.1:1/nothing" in line
    assert "secret" not in line


def test_an_unmigrated_database_says_to_migrate(tmp_path: Path) -> None:
    result = invoke("token", "list", database_url=f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    assert result.returncode == 1
    assert "run `calendar-service migrate`" in one_error_line(result.stderr)


def test_migrate_names_the_revision_and_help_lists_every_command(tmp_path: Path) -> None:
    result = invoke("migrate", database_url=f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("database is at the latest schema (revision ")
    assert main(["--help"]) == 0


def test_fixtures_load_once_and_only_into_an_empty_database(clean_db: str) -> None:
    first = run_cli("load-fixtures", "--if-empty", "--dir", str(FIXTURES_DIR), database_url=clean_db)
    assert first.returncode == 0, first.stderr
    expected = len(json.loads((FIXTURES_DIR / "events.json").read_text()))
    assert f"{expected} event(s)" in first.stdout
    second = run_cli("load-fixtures", "--if-empty", "--dir", str(FIXTURES_DIR), database_url=clean_db)
    assert second.returncode == 0
    assert "already has data" in second.stdout


def test_a_bad_fixture_loads_nothing(clean_db: str, tmp_path: Path) -> None:
    events = json.loads((FIXTURES_DIR / "events.json").read_text())
    events[-1]["timezone"] = "Atlantis/Capital"
    (tmp_path / "events.json").write_text(json.dumps(events))
    (tmp_path / "calendars.json").write_text((FIXTURES_DIR / "calendars.json").read_text())
    result = run_cli("load-fixtures", "--dir", str(tmp_path), database_url=clean_db)
    assert result.returncode == 1
    line = one_error_line(result.stderr)
    assert "Atlantis/Capital" in line
    assert "nothing was loaded" in line
    retry = invoke("load-fixtures", "--if-empty", "--dir", str(FIXTURES_DIR), database_url=clean_db)
    assert "loaded 1 calendar(s)" in retry.stdout


@pytest.mark.slow
def test_server_refuses_an_unmigrated_database_with_a_clear_message(tmp_path: Path) -> None:
    result = run_cli("serve", "--port", "0", database_url=f"sqlite:///{tmp_path / 'fresh.db'}", timeout=60)
    assert result.returncode != 0
    assert "calendar-service migrate" in result.stderr
