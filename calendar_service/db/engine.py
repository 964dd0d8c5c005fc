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

READ_ONLY = "calendar_read_only"


def _prepare_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
        dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Read-only sessions need no write lock: a deferred BEGIN lets readers run side by side.
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


def create_engine(url: str, *, pool: bool = True) -> AsyncEngine:
    parsed = make_url(url)
    kwargs: dict[str, Any] = {}
    if not pool:
        kwargs["poolclass"] = NullPool
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)
        _prepare_sqlite(engine)
        return engine
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


def create_session_maker(engine: AsyncEngine, read_only: bool = False) -> async_sessionmaker[AsyncSession]:
    """Sessions for units of work; `read_only` ones (GET paths) never take SQLite's write lock."""
    bind = engine.execution_options(**{READ_ONLY: True}) if read_only else engine
    return async_sessionmaker(bind, expire_on_commit=False, autoflush=False)
