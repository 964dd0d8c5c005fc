"""Engines and sessions, with the SQLite settings that keep writes safe.

SQLite: WAL, a 30 s busy timeout, and BEGIN IMMEDIATE for every transaction,
so a read-then-write transaction takes the write lock up front instead of
failing with "database is locked" when it upgrades (shared/notes/stack-check.md
§5). This serialises writers, which is what an embedded database can do.
"""

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from calendar_service.db import sqlite_driver

POOL_SIZE = 5
POOL_OVERFLOW = 5


def _prepare_sqlite(engine: AsyncEngine, read_only: bool) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
        dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)

    if read_only:
        return  # no BEGIN at all: each read statement runs on its own, never taking the write lock

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str, *, pool: bool = True, read_only: bool = False) -> AsyncEngine:
    """An engine for units of work, or (`read_only`) one for GET paths that only read.

    Read-only engines run each statement in autocommit: no BEGIN/COMMIT round
    trips and, on SQLite, never the write lock. Reading a version first and the
    data after is still safe for feeds (a body newer than its key is harmless).
    """
    parsed = make_url(url)
    # Every session and connection ends its own transaction (commit, or rollback on close), so the pool's
    # extra ROLLBACK on check-in is a wasted round trip (on aiosqlite, a thread hop per unit of work).
    kwargs: dict[str, Any] = {"pool_reset_on_return": None}
    if not pool:
        kwargs["poolclass"] = NullPool
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        connect_args: dict[str, Any] = {"timeout": 30}
        if parsed.get_driver_name() == "aiosqlite":
            connect_args["async_creator_fn"] = sqlite_driver.connect  # one thread hop per statement, not four
        engine = create_async_engine(url, connect_args=connect_args, **kwargs)
        _prepare_sqlite(engine, read_only)
        return engine
    if read_only:
        kwargs["isolation_level"] = "AUTOCOMMIT"
    if pool:
        # Two engines per process (writes, reads): 2 x (5 + 5) = at most 20 connections a worker, so a few
        # workers stay well inside PostgreSQL's default max_connections (100).
        kwargs.update(pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW, pool_timeout=30)
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


def create_session_maker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
