"""A second, empty, migrated database of the OTHER kind than `database_url`, for cross-database restores."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from calendar_service.db.migrate import upgrade
from calendar_service.settings import normalize_database_url
from tests.conftest import IN_CI
from tests.support import postgres


@pytest.fixture
def other_database_url(backend: str, postgres_server: str | None, tmp_path: Path) -> Iterator[str]:
    if backend == "postgresql":
        url = f"sqlite+aiosqlite:///{tmp_path / 'other.db'}"
        upgrade(url)
        yield url
        return
    if postgres_server is None:
        message = "PostgreSQL unreachable: the SQLite -> PostgreSQL restore is NOT tested"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    libpq_url, name = postgres.create_database(postgres_server)
    try:
        url = normalize_database_url(libpq_url)
        upgrade(url)
        yield url
    finally:
        postgres.drop_database(postgres_server, name)
