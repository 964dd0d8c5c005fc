"""Export-writer benchmark: CSV, JSON and XLSX over synthetic attendee rows, no database, no HTTP.

Each writer runs twice over the same rows, generated on the fly (12 columns,
names in Arabic, Devanagari, Chinese and Latin with emoji): once for time,
once under tracemalloc for the peak of Python memory while it runs. A flat
peak that does not grow with --rows is what streaming means; the stdlib
`csv.writer` into the same sink is the floor the CSV writer is measured against.

    .venv/bin/python -m bench.export_writers [--rows 100000] [--no-memory]
"""

import argparse
import asyncio
import csv
import io
import time
import tracemalloc
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from calendar_service.domain.exports import acsv_chunks, ajson_chunks, csv_chunks, json_chunks
from calendar_service.exports.xlsx import axlsx_chunks, xlsx_chunks

HEADER = [
    "id",
    "name",
    "email",
    "status",
    "registered (UTC)",
    "attendance",
    "country",
    "affiliation",
    "languages",
    "scholarship amount",
    "consent",
    "note",
]
NAMES = ["مرحبا أحمد", "प्रिया नमस्ते", "李 你好", "Ana María 🎉", "Zoë O'Brien"]
NOTES = ["", "vegan; needs a ramp", "=1+1", 'says "hello", twice\non two lines', "+44 20 7946 0958"]
T = TypeVar("T")
START = datetime(2024, 4, 1, 9, 0, tzinfo=UTC)


def attendee_rows(count: int) -> Iterator[list[object]]:
    for n in range(count):
        name = NAMES[n % len(NAMES)]
        yield [
            n + 1,
            f"{name} {n}",
            f"person{n}@example.org",
            ("confirmed", "waitlisted", "cancelled")[n % 3],
            START + timedelta(minutes=n),
            ("in_person", "online", "hybrid")[n % 3],
            ("GH", "NG", "IN", "CN", "EG")[n % 5],
            "Paradigm Initiative" if n % 2 else "Wikimedia Ghana User Group",
            ["en", "fr"] if n % 4 else ["ar"],
            Decimal(n % 2000) / 4,
            n % 7 != 0,
            NOTES[n % len(NOTES)],
        ]


def attendee_items(count: int) -> Iterator[Mapping[str, object]]:
    for row in attendee_rows(count):
        yield dict(zip(HEADER, row, strict=True))


async def aiterate(items: Iterator[T]) -> AsyncIterator[T]:
    for item in items:
        yield item


def stdlib_csv(rows: Iterator[Sequence[object]]) -> Iterator[bytes]:
    """The floor: csv.writer into a StringIO, encoded every 1,000 rows; no neutralisation, no BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for n, row in enumerate(rows, 1):
        writer.writerow(row)
        if n % 1000 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


async def drain(chunks: AsyncIterator[bytes]) -> tuple[int, int]:
    size = count = 0
    async for chunk in chunks:
        size += len(chunk)
        count += 1
    return size, count


def run(make: Callable[[int], Iterator[bytes] | AsyncIterator[bytes]], rows: int) -> tuple[float, int, int]:
    t0 = time.perf_counter()
    chunks = make(rows)
    if isinstance(chunks, AsyncIterator):
        size, count = asyncio.run(drain(chunks))
    else:
        size = count = 0
        for chunk in chunks:
            size += len(chunk)
            count += 1
    return time.perf_counter() - t0, size, count


WRITERS: dict[str, Callable[[int], Iterator[bytes] | AsyncIterator[bytes]]] = {
    "csv  stdlib csv.writer (floor)": lambda n: stdlib_csv(attendee_rows(n)),
    "csv  csv_chunks (BOM)": lambda n: csv_chunks(HEADER, attendee_rows(n), bom=True),
    "csv  acsv_chunks (BOM)": lambda n: acsv_chunks(HEADER, aiterate(attendee_rows(n)), bom=True),
    "json json_chunks": lambda n: json_chunks(attendee_items(n)),
    "json ajson_chunks": lambda n: ajson_chunks(aiterate(attendee_items(n))),
    "xlsx xlsx_chunks": lambda n: xlsx_chunks(HEADER, attendee_rows(n), sheet_title="Attendees"),
    "xlsx axlsx_chunks (threads)": lambda n: axlsx_chunks(HEADER, aiterate(attendee_rows(n)), sheet_title="Attendees"),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--no-memory", action="store_true", help="skip the (slower) tracemalloc pass")
    parser.add_argument("--only", default="", help="run writers whose label contains this text")
    args = parser.parse_args()
    print(f"export writers — {args.rows:,} attendee rows x {len(HEADER)} columns, names in four scripts + emoji")
    print(f"  {'writer':<32} {'output':>10} {'chunks':>7} {'time':>8} {'rows/s':>10} {'peak mem':>10}")
    for label, make in WRITERS.items():
        if args.only not in label:
            continue
        seconds, size, count = run(make, args.rows)
        peak = "-"
        if not args.no_memory:
            tracemalloc.start()
            run(make, args.rows)
            peak = f"{tracemalloc.get_traced_memory()[1] / 2**20:.1f} MiB"
            tracemalloc.stop()
        print(
            f"  {label:<32} {size / 1e6:>7.1f} MB {count:>7} {seconds:>6.2f} s {args.rows / seconds:>10,.0f} {peak:>10}"
        )
    print("  peak mem: Python allocations (tracemalloc) while one writer runs, rows generated on the fly")


if __name__ == "__main__":
    main()
