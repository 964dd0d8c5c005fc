"""The `calendar-service` command as a newcomer runs it, in a real subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES_DIR

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, database_url: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONWARNINGS": "error"}
    return subprocess.run(
        [sys.executable, "-m", "calendar_service.cli.main", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


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


def test_token_create_refuses_an_unknown_role(clean_db: str) -> None:
    result = run_cli("token", "create", "--role", "superuser", "--name", "x", database_url=clean_db)
    assert result.returncode != 0
    assert "invalid choice" in result.stderr


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
    assert "Atlantis/Capital" in result.stderr
    assert "nothing was loaded" in result.stderr
    retry = run_cli("load-fixtures", "--if-empty", "--dir", str(FIXTURES_DIR), database_url=clean_db)
    assert "loaded 1 calendar(s)" in retry.stdout


@pytest.mark.slow
def test_server_refuses_an_unmigrated_database_with_a_clear_message(tmp_path: Path) -> None:
    result = run_cli("serve", "--port", "0", database_url=f"sqlite:///{tmp_path / 'fresh.db'}", timeout=60)
    assert result.returncode != 0
    assert "calendar-service migrate" in result.stderr
