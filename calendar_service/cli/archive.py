"""The portable backup format: gzip'd JSON Lines that any of our databases can be rebuilt from.

Line 1, the header: `{"format": "calendar-service-backup", "version": 1,
"revision": <alembic revision>, "created_at": <UTC ISO>, "source": <sqlite|postgresql>,
"tables": {name: row count, …}}` with the tables in foreign-key order.
Then one line per row, `{"table": name, "row": {column: value}}`, table by
table in that order. Last, `{"end": true, "rows": <total>}`: a file without it
was cut short.

Values are encoded by column type, losslessly: instants as ISO 8601 with
their offset, naive local times as naive ISO, dates and times as ISO, bytes
as base64, decimals and UUIDs as strings, JSON columns and integers (any
size) as themselves. Decoding uses the same column types, so nothing in the
file needs type tags.
"""

import base64
import gzip
import json
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from calendar_service.cli.runner import CliError

FORMAT = "calendar-service-backup"
VERSION = 1

Codec = tuple[Callable[[Any], Any], Callable[[Any], Any]]


def _same(value: Any) -> Any:
    return value


CODECS: dict[type, Codec] = {
    datetime: (datetime.isoformat, datetime.fromisoformat),
    date: (date.isoformat, date.fromisoformat),
    time: (time.isoformat, time.fromisoformat),
    bytes: (lambda v: base64.b64encode(v).decode("ascii"), base64.b64decode),
    Decimal: (str, Decimal),
    uuid.UUID: (str, uuid.UUID),
    timedelta: (lambda v: [v.days, v.seconds, v.microseconds], lambda v: timedelta(*v)),
}


def codec_of(column: sa.Column[Any]) -> Codec:
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return _same, _same
    for kind, codec in CODECS.items():  # datetime before date: a datetime is a date
        if issubclass(python_type, kind):
            return codec
    return _same, _same


class TableCodec:
    """Rows of one table to JSON-ready dicts and back, keyed by column name."""

    def __init__(self, table: sa.Table) -> None:
        self.table = table
        self.fields = [(column, column.name, *codec_of(column)) for column in table.columns]
        self.decoders = {name: (column.key, decode) for column, name, _encode, decode in self.fields}

    def encode(self, row: sa.Row[Any]) -> dict[str, Any]:
        values = row._mapping
        return {
            name: None if (value := values[column]) is None else encode(value)
            for column, name, encode, _decode in self.fields
        }

    def decode(self, row: dict[str, Any]) -> dict[str, Any]:
        unknown = set(row) - set(self.decoders)
        if unknown:
            raise ValueError(f"unknown column(s) {', '.join(sorted(unknown))}")
        decoded = {}
        for name, value in row.items():
            key, decode = self.decoders[name]
            try:
                decoded[key] = None if value is None else decode(value)
            except (ValueError, TypeError) as exc:
                raise ValueError(f"{name}: {exc}") from None
        return decoded


def dump_line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=True) + "\n"


@dataclass(frozen=True)
class Header:
    revision: str
    created_at: str
    source: str
    tables: dict[str, int]

    def record(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "revision": self.revision,
            "created_at": self.created_at,
            "source": self.source,
            "tables": self.tables,
        }

    @classmethod
    def parse(cls, record: Any, path: Path) -> "Header":
        if not isinstance(record, dict) or record.get("format") != FORMAT:
            raise CliError(f"{path} is not a calendar-service backup (no backup header on its first line)")
        if record.get("version") != VERSION:
            raise CliError(
                f"{path} is a backup in format version {record.get('version')}; this code reads version {VERSION}"
            )
        tables = record.get("tables")
        revision = record.get("revision")
        if not isinstance(tables, dict) or not isinstance(revision, str):
            raise CliError(f"{path}: the backup header is damaged (no tables or revision)")
        return cls(revision, str(record.get("created_at", "")), str(record.get("source", "")), tables)


def read_records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, parsed line), one at a time; a damaged or cut file is one clear CliError."""
    line_number = 0
    try:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line_number, line in enumerate(lines, start=1):
                record = json.loads(line)
                if not isinstance(record, dict):
                    raise ValueError("a line is not a JSON object")
                yield line_number, record
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise CliError(
            f"{path} is damaged or cut short after line {line_number} ({exc}); nothing was restored"
        ) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise CliError(f"{path}, line {line_number}: not a backup line ({exc}); nothing was restored") from None
