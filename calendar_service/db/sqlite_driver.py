"""aiosqlite with one thread hop per statement instead of four.

aiosqlite runs every call on its connection's thread, and SQLAlchemy's
adapter makes four such calls for each statement: cursor, execute, fetchall,
close. Each hop is a queue put, a thread wake-up and a callback into the
event loop, about 0.15 ms of CPU here, and a registration runs seven
statements (bench/registrations.py; a trace counted twenty hops). Here the
cursor is created with its statement, the statement runs, the first page of
rows is fetched and, when that was all, the cursor is closed: one hop. A
larger result (a streamed backup) keeps its cursor and fetches the rest a
page per hop, so nothing large is read into memory at once.

It relies on two internals of the pinned aiosqlite (0.22): `Connection._execute`
(queue a function on the connection's thread) and `Connection._conn` (the
sqlite3 connection, used only on that thread); `tests/unit/test_sqlite_driver.py`
checks the behaviour SQLAlchemy needs.
"""

import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiosqlite

FIRST_PAGE = 1000


class OneHopCursor:
    """The part of aiosqlite.Cursor that SQLAlchemy's aiosqlite adapter calls."""

    def __init__(self, connection: "OneHopConnection") -> None:
        self._connection = connection
        # aiosqlite's `_execute` (fn(*args) on the connection's thread) is untyped; this is its type.
        self._on_thread: Callable[..., Awaitable[Any]] = connection._execute
        self._cursor: sqlite3.Cursor | None = None  # open only while rows remain
        self._rows: list[Any] = []
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    def _run(self, sql: str, parameters: Any, many: bool) -> None:
        cursor = self._connection._conn.cursor()
        try:
            if many:
                cursor.executemany(sql, parameters)
            elif parameters is None:
                cursor.execute(sql)
            else:
                cursor.execute(sql, parameters)
            self.description, self.rowcount, self.lastrowid = cursor.description, cursor.rowcount, cursor.lastrowid
            rows = cursor.fetchmany(FIRST_PAGE) if cursor.description else []
        except BaseException:
            cursor.close()
            raise
        self._rows = rows
        if len(rows) < FIRST_PAGE:
            cursor.close()
        else:
            self._cursor = cursor

    async def execute(self, sql: str, parameters: Any = None) -> "OneHopCursor":
        await self.close()
        await self._on_thread(self._run, sql, parameters, False)
        return self

    async def executemany(self, sql: str, parameters: Any) -> "OneHopCursor":
        await self.close()
        await self._on_thread(self._run, sql, parameters, True)
        return self

    def _more(self, size: int | None) -> list[Any]:
        assert self._cursor is not None
        rows = self._cursor.fetchall() if size is None else self._cursor.fetchmany(size)
        if size is None or len(rows) < size:
            self._cursor.close()
            self._cursor = None
        return rows

    async def _take(self, size: int | None) -> list[Any]:
        if size is not None and len(self._rows) >= size:
            taken, self._rows = self._rows[:size], self._rows[size:]
            return taken
        taken, self._rows = self._rows, []
        if self._cursor is not None:
            wanted = None if size is None else size - len(taken)
            taken += await self._on_thread(self._more, wanted)
        return taken

    async def fetchall(self) -> Sequence[Any]:
        return await self._take(None)

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        return await self._take(self.arraysize if size is None else size)

    async def fetchone(self) -> Any:
        rows = await self._take(1)
        return rows[0] if rows else None

    async def close(self) -> None:
        self._rows = []
        if self._cursor is not None:
            cursor, self._cursor = self._cursor, None
            await self._on_thread(cursor.close)


class OneHopConnection(aiosqlite.Connection):
    async def cursor(self) -> OneHopCursor:  # type: ignore[override]  # aiosqlite returns its own Cursor
        """No hop: the sqlite3 cursor is made on the thread, with the first statement."""
        return OneHopCursor(self)


def connect(database: str, **kwargs: Any) -> OneHopConnection:
    """What `aiosqlite.connect` does, with the one-hop cursor (SQLAlchemy's `async_creator_fn`)."""
    return OneHopConnection(lambda: sqlite3.connect(database, **kwargs), iter_chunk_size=64)
