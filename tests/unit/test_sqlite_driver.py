"""The one-hop aiosqlite cursor behaves as SQLAlchemy needs, and really makes one hop a statement."""

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from calendar_service.db import sqlite_driver
from calendar_service.db.engine import create_engine

pytestmark = pytest.mark.anyio


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every function queued on aiosqlite's thread, by name."""
    calls: list[str] = []
    queue = sqlite_driver.OneHopConnection._execute

    async def counted(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(getattr(fn, "__name__", repr(fn)))
        return await queue(self, fn, *args, **kwargs)

    monkeypatch.setattr(sqlite_driver.OneHopConnection, "_execute", counted)
    return calls


async def test_reads_writes_counts_and_errors_come_through(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'd.db'}")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
            inserted = await conn.execute(text("INSERT INTO t (v) VALUES ('a')"))
            assert inserted.rowcount == 1 and inserted.lastrowid == 1
            many = await conn.execute(text("INSERT INTO t (v) VALUES (:v)"), [{"v": f"r{n}"} for n in range(2500)])
            assert many.rowcount == 2500
            changed = await conn.execute(text("UPDATE t SET v = v || '!' WHERE id <= 10"))
            assert changed.rowcount == 10
            returned = (await conn.execute(text("UPDATE t SET v = 'z' WHERE id = 2 RETURNING id, v"))).all()
            assert [tuple(r) for r in returned] == [(2, "z")]
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT id FROM t ORDER BY id"))).scalars().all()
            assert rows == list(range(1, 2502))  # more than one page of the first fetch
            assert (await conn.execute(text("SELECT v FROM t WHERE id = 1"))).scalar_one() == "a!"
            streamed = [r[0] async for r in await conn.stream(text("SELECT id FROM t ORDER BY id"))]
            assert streamed == rows
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO t (v) VALUES ('a!')"))
        async with engine.connect() as conn:  # the failed unit of work wrote nothing
            assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar_one() == 2501
    finally:
        await engine.dispose()


async def test_a_statement_is_one_hop(tmp_path: Path, hops: list[str]) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'd.db'}", read_only=True)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))  # connecting runs its own set-up statements
            hops.clear()
            assert (await conn.execute(text("SELECT 41 + 1"))).scalar_one() == 42
            assert hops == ["_run"]  # stock aiosqlite: cursor, execute, fetchall, close
    finally:
        await engine.dispose()
