"""`calendar-service backup FILE`: every table, from one consistent snapshot, streamed to a portable file.

The snapshot is one read transaction: on SQLite a deferred BEGIN (WAL gives
the transaction one view of the database from its first read, and it never
takes the write lock, so the service keeps writing meanwhile); on PostgreSQL
REPEATABLE READ, READ ONLY. Rows are streamed with a server-side cursor in
batches, so a large database never sits in memory. The file is written
under a temporary name and renamed when complete: FILE is either a whole
backup or untouched.
"""

import gzip
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from alembic.runtime.migration import MigrationContext
from rich.progress import Progress
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel

import calendar_service.db.tables  # noqa: F401 - registers every table on SQLModel.metadata
from calendar_service.cli.archive import Header, TableCodec, dump_line
from calendar_service.cli.progress import progress_bar, say
from calendar_service.cli.runner import CliError, database_label, run
from calendar_service.db.engine import create_engine
from calendar_service.settings import get_settings

BATCH = 1000


def revision_of(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def backend_of(url: str) -> str:
    return make_url(url).get_backend_name()


@asynccontextmanager
async def snapshot(url: str) -> AsyncIterator[AsyncConnection]:
    """A connection inside one read-only transaction that sees a single state of the database."""
    sqlite = backend_of(url) == "sqlite"
    # On SQLite the read-only engine leaves BEGIN to us (the write engine would BEGIN IMMEDIATE).
    engine = create_engine(url, pool=False, read_only=sqlite)
    try:
        async with engine.connect() as conn:
            if sqlite:
                await conn.exec_driver_sql("BEGIN")
            else:
                conn = await conn.execution_options(isolation_level="REPEATABLE READ")
                await conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            try:
                yield conn
            finally:
                await conn.rollback()
    finally:
        await engine.dispose()


async def dump(url: str, target: Path, progress: Progress) -> Header:
    """Write the whole database to `target` (gzip'd JSON Lines); returns the header written."""
    tables = SQLModel.metadata.sorted_tables
    async with snapshot(url) as conn:
        revision = await conn.run_sync(revision_of)
        if revision is None:
            raise CliError(f"the database {database_label(url)} has no schema (run `calendar-service migrate`)")
        counts = {t.name: int(await conn.scalar(select(func.count()).select_from(t)) or 0) for t in tables}
        header = Header(revision, datetime.now(UTC).isoformat(timespec="seconds"), backend_of(url), counts)
        with gzip.open(target, "wt", encoding="utf-8", compresslevel=6) as out:
            out.write(dump_line(header.record()))
            total = 0
            for table in tables:
                task = progress.add_task(table.name, total=counts[table.name])
                codec = TableCodec(table)
                query = select(table).order_by(*table.primary_key.columns)
                result = await conn.stream(query.execution_options(yield_per=BATCH))
                written = 0
                async for rows in result.partitions():
                    out.writelines(dump_line({"table": table.name, "row": codec.encode(row)}) for row in rows)
                    written += len(rows)
                    progress.advance(task, len(rows))
                if written != counts[table.name]:  # impossible inside one snapshot; refuse rather than guess
                    raise CliError(f"table {table.name} changed during the backup ({counts[table.name]} -> {written})")
                total += written
            out.write(dump_line({"end": True, "rows": total}))
    return header


def backup_command(
    file: Annotated[Path, typer.Argument(help="where to write the backup, e.g. backup.jsonl.gz", dir_okay=False)],
    force: Annotated[bool, typer.Option("--force", help="replace FILE if it exists")] = False,
) -> None:
    """Back up every table to FILE: gzip'd JSON Lines, restorable into SQLite or PostgreSQL."""
    if file.exists() and not force:
        raise CliError(f"{file} exists; choose another name or pass --force to replace it")
    if not file.parent.is_dir():
        raise CliError(f"no such folder: {file.parent}")
    url = get_settings().database_url
    partial = file.with_name(f".{file.name}.{os.getpid()}.partial")
    try:
        with progress_bar() as progress:
            header = run(dump(url, partial, progress))
        partial.replace(file)
    finally:
        partial.unlink(missing_ok=True)
    rows = sum(header.tables.values())
    say(f"backed up {rows:,} rows from {len(header.tables)} tables to {file} (revision {header.revision})")
