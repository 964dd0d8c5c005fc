"""Shared fixtures: every database test runs on SQLite AND PostgreSQL.

`database_url` is parametrised over both backends (session scope: each gets
one migrated database, emptied between tests). Without a reachable
PostgreSQL the PostgreSQL half is skipped loudly, except under CI=true where
it is a failure.
"""

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlmodel import SQLModel

from calendar_service.app import create_app
from calendar_service.db.engine import create_engine
from calendar_service.db.migrate import upgrade
from calendar_service.settings import Settings, normalize_database_url
from tests.support import postgres
from tests.support.clock import FIXED_NOW
from tests.support.tokens import bearer, make_token

pytest_plugins = ["tests.support.factories"]

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def postgres_server() -> str | None:
    return postgres.find_server()


def _table_names() -> list[str]:
    import calendar_service.db.tables  # noqa: F401

    return [table.name for table in reversed(SQLModel.metadata.sorted_tables)]


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, postgres_server: str | None
) -> Iterator[str]:
    """A migrated, empty database per backend for the whole session."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
        upgrade(url)
        yield url
        return
    if postgres_server is None:
        message = "PostgreSQL unreachable (127.0.0.1:5432, $TEST_POSTGRES_URL, no initdb): PostgreSQL tests NOT RUN"
        if IN_CI:
            pytest.fail(message + " — under CI this is a failure", pytrace=False)
        pytest.skip(message)
    libpq_url, name = postgres.create_database(postgres_server)
    url = normalize_database_url(libpq_url)
    upgrade(url)
    yield url
    postgres.drop_database(postgres_server, name)


@pytest.fixture
def backend(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


async def _truncate(url: str) -> None:
    engine = create_engine(url, pool=False)
    async with engine.begin() as conn:
        names = _table_names()
        if url.startswith("sqlite"):
            for name in names:
                await conn.execute(text(f'DELETE FROM "{name}"'))
        else:
            await conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture
def clean_db(database_url: str) -> str:
    asyncio.run(_truncate(database_url))
    return database_url


@pytest.fixture
def clock() -> Callable[[], datetime]:
    return lambda: FIXED_NOW


@pytest.fixture
def settings(clean_db: str) -> Settings:
    return Settings(database_url=clean_db, base_url="http://testserver.local", rate_limit=0)


@pytest.fixture
def app(settings: Settings, clock: Callable[[], datetime]) -> Litestar:
    return create_app(settings, clock=clock)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as test_client:
        yield test_client


@pytest.fixture
async def admin_headers(clean_db: str) -> dict[str, str]:
    return bearer(await make_token(clean_db, "admin"))


@pytest.fixture
def token_factory(clean_db: str) -> Callable[..., Any]:
    async def factory(role: str, calendars: list[str] | None = None) -> dict[str, str]:
        return bearer(await make_token(clean_db, role, calendars))

    return factory
