"""Running `calendar-service` in tests: in this process (fast) or as a real subprocess (as a newcomer does)."""

import contextlib
import functools
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio.to_thread
import sqlalchemy as sa
from sqlmodel import SQLModel

import calendar_service.db.tables  # noqa: F401 - registers the tables
from calendar_service.cli.main import main
from calendar_service.db.engine import create_engine
from calendar_service.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stdout: str
    stderr: str

    @property
    def last_line(self) -> str:
        return self.stdout.strip().splitlines()[-1]


def run_cli(*args: str, database_url: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The command in a subprocess, warnings as errors, as a newcomer runs it."""
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


def invoke(*args: str, database_url: str) -> Outcome:
    """`main(argv)` in this process with DATABASE_URL set; stdout and stderr captured."""
    out, err = io.StringIO(), io.StringIO()
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = database_url
    get_settings.cache_clear()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous
        get_settings.cache_clear()
    return Outcome(code, out.getvalue(), err.getvalue())


async def table_rows(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, ordered by primary key: what a restore must reproduce."""
    engine = create_engine(url, pool=False)
    try:
        async with engine.connect() as conn:
            found = {}
            for table in SQLModel.metadata.sorted_tables:
                result = await conn.execute(sa.select(table).order_by(*table.primary_key.columns))
                found[table.name] = [dict(row._mapping) for row in result]
            return found
    finally:
        await engine.dispose()


async def ainvoke(*args: str, database_url: str) -> Outcome:
    """`invoke` from an async test: the command runs its own event loop in a worker thread."""
    return await anyio.to_thread.run_sync(functools.partial(invoke, *args, database_url=database_url))
