"""`calendar-service restore FILE`: rebuild a backup into an empty, migrated database, all or nothing.

Refuses a database at another alembic revision (the columns could differ)
and one that holds any row (a restore never merges). Everything happens in
one transaction: a damaged or cut file, or a row the database refuses,
rolls back to the empty database. Rows go in by batches, in the file's
foreign-key order; afterwards PostgreSQL's id sequences are moved past the
restored ids so that new rows get fresh ones.
"""

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress, TaskID
from sqlalchemy import Integer, Table, exists, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel

from calendar_service.cli.archive import Header, TableCodec, read_records
from calendar_service.cli.backup import backend_of, revision_of
from calendar_service.cli.progress import progress_bar, say
from calendar_service.cli.runner import CliError, database_label, run
from calendar_service.db.engine import create_engine
from calendar_service.settings import get_settings

BATCH = 500


async def _refuse_unless_ready(conn: AsyncConnection, header: Header, url: str) -> None:
    current = await conn.run_sync(revision_of)
    if current != header.revision:
        state = f"revision {current}" if current else "no revision (not migrated)"
        raise CliError(
            f"the backup is at revision {header.revision} but the database {database_label(url)} is at {state}; "
            f"restore into a database migrated to {header.revision}; nothing was restored"
        )
    filled = [t.name for t in SQLModel.metadata.sorted_tables if await conn.scalar(select(exists().select_from(t)))]
    if filled:
        raise CliError(
            f"the database {database_label(url)} is not empty (rows in {', '.join(filled)}); restore only into "
            "an empty, migrated database; nothing was restored"
        )


async def _reset_sequences(conn: AsyncConnection) -> None:
    """PostgreSQL: the next id of every serial/identity column follows the largest restored one."""
    for table in SQLModel.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        key = keys[0]
        sequence = func.pg_get_serial_sequence(table.name, key.name)
        await conn.execute(select(func.setval(sequence, func.coalesce(func.max(key), 0) + 1, False)))


class _Loader:
    """Batches rows per table and checks the file against its own header as it goes."""

    def __init__(self, conn: AsyncConnection, header: Header, path: Path, progress: Progress) -> None:
        self.conn, self.header, self.path, self.progress = conn, header, path, progress
        self.tables: dict[str, Table] = {t.name: t for t in SQLModel.metadata.sorted_tables}
        unknown = set(header.tables) - set(self.tables)
        if unknown:
            raise CliError(f"{path} has tables this code does not know: {', '.join(sorted(unknown))}")
        self.order = list(header.tables)
        self.tasks: dict[str, TaskID] = {name: progress.add_task(name, total=n) for name, n in header.tables.items()}
        self.counts = dict.fromkeys(self.order, 0)
        self.position = 0
        self.batch: list[dict[str, Any]] = []
        self.current: str | None = None
        self.codecs: dict[str, TableCodec] = {}

    async def add(self, line: int, record: dict[str, Any]) -> None:
        name, row = record.get("table"), record.get("row")
        if not isinstance(name, str) or not isinstance(row, dict):
            raise CliError(f"{self.path}, line {line}: not a row line; nothing was restored")
        if name != self.current:
            await self.flush()
            if name not in self.order[self.position :]:
                raise CliError(
                    f"{self.path}, line {line}: table '{name}' out of order or unknown; nothing was restored"
                )
            self.position, self.current = self.order.index(name), name
        codec = self.codecs.setdefault(name, TableCodec(self.tables[name]))
        try:
            self.batch.append(codec.decode(row))
        except (ValueError, TypeError) as exc:
            raise CliError(f"{self.path}, line {line}: {name}: {exc}; nothing was restored") from None
        if len(self.batch) >= BATCH:
            await self.flush()

    async def flush(self) -> None:
        if not self.batch or self.current is None:
            return
        try:
            await self.conn.execute(self.tables[self.current].insert(), self.batch)
        except DBAPIError as exc:
            detail = str(exc.orig or exc).strip().splitlines()[0]
            raise CliError(f"the database refused a row of {self.current}: {detail}; nothing was restored") from None
        self.counts[self.current] += len(self.batch)
        self.progress.advance(self.tasks[self.current], len(self.batch))
        self.batch = []

    def check_complete(self, end: dict[str, Any] | None) -> None:
        short = {n: (c, self.header.tables[n]) for n, c in self.counts.items() if c != self.header.tables[n]}
        if end is None or short:
            detail = ", ".join(f"{n}: {got} of {want}" for n, (got, want) in short.items()) or "no end marker"
            raise CliError(f"{self.path} is incomplete ({detail}); was it cut short? nothing was restored")


async def load(url: str, path: Path, progress: Progress) -> Header:
    records = read_records(path)
    first = next(records, None)
    if first is None:
        raise CliError(f"{path} is empty; nothing was restored")
    header = Header.parse(first[1], path)
    engine = create_engine(url, pool=False)
    try:
        async with engine.begin() as conn:
            await _refuse_unless_ready(conn, header, url)
            loader = _Loader(conn, header, path, progress)
            end = None
            for line, record in records:
                if end is not None:
                    raise CliError(f"{path}, line {line}: data after the end marker; nothing was restored")
                if "end" in record:
                    end = record
                    continue
                await loader.add(line, record)
            await loader.flush()
            loader.check_complete(end)
            if backend_of(url) == "postgresql":
                await _reset_sequences(conn)
    finally:
        await engine.dispose()
    return header


def restore_command(
    file: Annotated[Path, typer.Argument(help="a file written by `calendar-service backup`", dir_okay=False)],
) -> None:
    """Restore FILE into the empty, migrated database at DATABASE_URL (same revision), all or nothing."""
    if not file.is_file():
        raise CliError(f"no such file: {file}")
    url = get_settings().database_url
    with progress_bar() as progress:
        header = run(load(url, file, progress))
    rows = sum(header.tables.values())
    say(
        f"restored {rows:,} rows into {len(header.tables)} tables of {database_label(url)} "
        f"(revision {header.revision}, backed up {header.created_at} from {header.source or 'a database'})"
    )
