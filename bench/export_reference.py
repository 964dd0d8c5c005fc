"""A second yardstick for the attendee export: `sqlite3 -csv` made to print the same cells.

`sqlite3 -csv` over the stored columns (bench/exports.py) is the floor of any
export: it converts nothing. This query makes the sqlite3 shell do the export's
work in SQL, so the two can be compared on equal output: local time in the
event's zone (the zone's UTC offsets over the data's range, from zoneinfo,
as a CASE), UTC time, formula neutralisation of text (the same triggers and
whitespace as `calendar_service.domain.exports.neutralize`), `yes`/`no`,
the waitlist position, one column per question (multi-choice joined with
"; "). The benchmark checks cell by cell that both outputs agree.
"""

import csv
import io
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from calendar_service.domain.exports import FORMULA_TRIGGERS

WHITESPACE = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
TIME_COLUMNS = ("created_at", "confirmed_at", "attended_at")


def _codes(text: str) -> str:
    return ", ".join(str(ord(c)) for c in sorted(text))


def _neutralised(expr: str) -> str:
    """`neutralize` in SQL: a trigger first, or whitespace first and a trigger after it, gets a `'`."""
    triggers = _codes(FORMULA_TRIGGERS)
    whitespace = "'" + WHITESPACE.replace("'", "''") + "'"
    after_space = f"unicode({expr}) IN ({_codes(WHITESPACE)}) AND unicode(ltrim({expr}, {whitespace})) IN ({triggers})"
    return f"CASE WHEN unicode({expr}) IN ({triggers}) OR ({after_space}) THEN '''' || {expr} ELSE {expr} END"


def offset_changes(zone: ZoneInfo, start: datetime, end: datetime) -> tuple[int, list[tuple[str, int]]]:
    """The UTC offset (seconds) at `start`, and each (UTC instant, new offset) up to `end`.

    Steps of six hours, then a search to the second: since 1970 no zone has had two changes less
    than 166 hours apart (checked against the tz database).
    """

    def offset(t: datetime) -> int:
        delta = t.astimezone(zone).utcoffset()
        return int(delta.total_seconds()) if delta else 0

    first, changes, t = offset(start), [], start
    while t < end:
        step = t + timedelta(hours=6)
        if offset(step) != offset(t):
            lo, hi = t, step
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if offset(mid) == offset(t) else (lo, mid)
            changes.append((hi.strftime("%Y-%m-%d %H:%M:%S"), offset(hi)))
        t = step
    return first, changes


def _local(column: str, first: int, changes: list[tuple[str, int]]) -> str:
    if changes:
        cases = " ".join(
            f"WHEN {column} < '{at}' THEN '{before:+d} seconds'" for at, before in _befores(first, changes)
        )
        modifier = f"CASE {cases} ELSE '{changes[-1][1]:+d} seconds' END"
    else:
        modifier = f"'{first:+d} seconds'"
    return f"datetime(substr({column}, 1, 19), {modifier})"


def _befores(first: int, changes: list[tuple[str, int]]) -> list[tuple[str, int]]:
    befores, current = [], first
    for at, new in changes:
        befores.append((at, current))
        current = new
    return befores


def same_output_sql(db: Path, event_id: int, zone: str, questions: list[dict[str, str]]) -> str:
    with closing(sqlite3.connect(db)) as conn:
        every = " UNION ALL ".join(f"SELECT {c} AS t FROM registration WHERE event_id = ?" for c in TIME_COLUMNS)
        bounds = conn.execute(f"SELECT min(t), max(t) FROM ({every})", (event_id,) * len(TIME_COLUMNS)).fetchone()
    start, end = (datetime.fromisoformat(b[:19]).replace(tzinfo=UTC) for b in bounds)
    first, changes = offset_changes(ZoneInfo(zone), start - timedelta(days=1), end + timedelta(days=1))
    cells = [
        "r.id",
        _neutralised("r.name"),
        _neutralised("r.email"),
        "r.status",
        "r.attendance_mode",
        "CASE WHEN r.status = 'waitlisted' THEN row_number() OVER (PARTITION BY r.status ORDER BY r.id) END",
        "CASE WHEN r.scholarship THEN 'yes' ELSE 'no' END",
    ]
    for column in TIME_COLUMNS:
        cells += [
            _local(f"r.{column}", first, changes),
            f"substr(r.{column}, 1, 10) || 'T' || substr(r.{column}, 12, 8) || 'Z'",
        ]
    for q in questions:
        path = f"'$.\"{q['key']}\"'"
        if q["type"] == "multi_choice":
            value = f"(SELECT group_concat(value, '; ') FROM json_each(r.answers, {path}))"
        else:
            value = f"json_extract(r.answers, {path})"
        cells.append(_neutralised(value))
    return f"SELECT {', '.join(cells)} FROM registration r WHERE r.event_id = {event_id} ORDER BY r.id"


def differing_rows(export_csv: bytes, sqlite3_csv: bytes) -> int:
    """Data rows (headers aside) whose cells differ between the two outputs."""
    ours = list(csv.reader(io.StringIO(export_csv.decode("utf-8-sig"), newline="")))[1:]
    theirs = list(csv.reader(io.StringIO(sqlite3_csv.decode("utf-8"), newline="")))[1:]
    if len(ours) != len(theirs):
        return abs(len(ours) - len(theirs)) + sum(a != b for a, b in zip(ours, theirs, strict=False))
    return sum(a != b for a, b in zip(ours, theirs, strict=True))
