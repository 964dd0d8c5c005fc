"""Shared by the race tests: a pool of real server processes and an admin token made by the CLI."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server import ROOT, ServerPool
from tests.support.tokens import bearer


@pytest.fixture
def servers(clean_db: str, tmp_path: Path) -> Iterator[ServerPool]:
    pool = ServerPool(clean_db, tmp_path)
    try:
        yield pool
    finally:
        for server in pool.servers:  # shown by pytest only when the test failed
            print(f"--- {server.log_path.name} (access lines left out):\n{server.log_excerpt()}")
        pool.stop_all()
        assert not any(server.running for server in pool.servers), "a server process survived teardown"


@pytest.fixture
def admin(clean_db: str) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, "-m", "calendar_service.cli.main", "token", "create", "--role", "admin", "--name", "racer"],
        env={**os.environ, "DATABASE_URL": clean_db},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return bearer(result.stdout.strip().splitlines()[-1])
