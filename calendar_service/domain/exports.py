"""Spreadsheet-safe text and streamed CSV/JSON rendering for staff exports.

Decisions:
- Formula injection (OWASP "CSV Injection"): a *text* cell whose first
  character is `=`, `+`, `-`, `@`, tab, CR or LF, or whose first character
  after leading whitespace is one of them, gets a leading `'`. The full-width
  forms `＝ ＋ － ＠` count too: Excel and LibreOffice in CJK locales fold
  full-width operators to ASCII when they read input, and a name never needs
  to begin with one, so the cost of a stray quote is nil. The quote stays
  visible in the cell; that is the accepted price (OWASP) of a cell that can
  never run, and it survives a round trip through the spreadsheet unchanged.
  `neutralize` is idempotent: its output never starts with a trigger.
- Numbers are typed values, not text: the integer -5 is written `-5` and
  stays a number; only strings (and values rendered as text: lists,
  mappings, other objects) are neutralised, so the *string* "-5" becomes
  `'-5`. Header cells are neutralised like any other text.
- Text rendering (`cell_text`): None is empty; booleans are `yes`/`no`
  (Excel turns `TRUE`/`FALSE` into localised booleans, `yes`/`no` stay text
  everywhere); datetimes are ISO 8601 with their offset (the caller picks
  the zone and names it in the header); Decimal is fixed-point (`1000`,
  never `1E+3`); lists are `"; "`-joined with None items dropped; sets are
  sorted; mappings are `key: value; key: value`; enums are their value.
- CSV is RFC 4180: comma, CRLF line endings, fields with a comma, quote, CR
  or LF quoted and quotes doubled, UTF-8 (optionally with a BOM so Excel
  detects the encoding). Rows are encoded whole, so a chunk never splits a
  character; a chunk is yielded once it holds `chunk_bytes` or more.
- JSON is one document `{"items": [...]}` like the rest of the API, written
  item by item. Values stay typed (numbers, booleans, null), so nothing is
  neutralised: JSON is read by programs, not evaluated by spreadsheets.
  Decimal becomes a string (as money amounts are everywhere in the API),
  dates and datetimes ISO 8601 strings; NaN and infinity are refused.
- Text that cannot be encoded (lone surrogates from a lenient JSON parser)
  becomes `?` rather than aborting a download halfway.
"""

import csv
import io
import json
import re
import unicodedata
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Final
from urllib.parse import quote
from uuid import UUID

CHUNK_BYTES: Final = 64 * 1024
BOM: Final = "\ufeff"
# What a spreadsheet may read as the start of a formula (or hide one behind).
FORMULA_TRIGGERS: Final = frozenset("=+-@\t\r\n＝＋－＠")


def neutralize(text: str) -> str:
    """Prefix `'` to text a spreadsheet could read as a formula; other text is returned as is."""
    if not text:
        return text
    first = text[0]
    if first in FORMULA_TRIGGERS:
        return "'" + text
    if first.isspace() and text.lstrip()[:1] in FORMULA_TRIGGERS:
        return "'" + text
    return text


def cell_text(value: object) -> str:
    """The text of one CSV cell: typed numbers verbatim, everything else rendered and neutralised."""
    if type(value) is str:  # the common cases first: this runs once per cell
        return neutralize(value)
    if value is None:
        return ""
    if type(value) is int or type(value) is float:
        return str(value)
    if type(value) is bool:
        return "yes" if value else "no"
    if type(value) is list:  # a multi-choice answer: text items, joined (anything else falls through)
        try:
            return neutralize("; ".join(value))
        except TypeError:
            pass
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return neutralize(plain_text(value))
    return plain_text(value)


def plain_text(value: object) -> str:
    """A value as text, without formula neutralisation (see `cell_text` for the rules)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Enum):
        return plain_text(value.value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return "; ".join(f"{plain_text(k)}: {plain_text(v)}" for k, v in value.items())
    if isinstance(value, set | frozenset):
        return "; ".join(sorted(plain_text(v) for v in value if v is not None))
    if isinstance(value, list | tuple):
        return "; ".join(plain_text(v) for v in value if v is not None)
    return str(value)


def _decimal_text(value: Decimal) -> str:
    return format(value, "f") if value.is_finite() else str(value)


class _Chunks:
    """Encoded UTF-8 text gathered until a chunk is worth yielding; also the csv module's file."""

    __slots__ = ("_limit", "_parts", "_size")

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("chunk_bytes must be positive")
        self._limit = limit
        self._parts: list[bytes] = []
        self._size = 0

    def write(self, text: str) -> None:
        data = text.encode("utf-8", "replace")
        self._parts.append(data)
        self._size += len(data)

    @property
    def full(self) -> bool:
        return self._size >= self._limit

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        self._size = 0
        return data


class _Rfc4180(csv.Dialect):
    delimiter = ","
    quotechar = '"'
    doublequote = True
    escapechar = None
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL
    skipinitialspace = False
    strict = True


class _CsvRows:
    """Shared by the sync and async CSV writers: one call per row, a chunk when one is due."""

    def __init__(self, header: Sequence[str], *, bom: bool, chunk_bytes: int) -> None:
        self._out = _Chunks(chunk_bytes)
        if bom:
            self._out.write(BOM)
        self._writer = csv.writer(self._out, dialect=_Rfc4180)
        self._writer.writerow([neutralize(label) for label in header])

    def add(self, row: Sequence[object]) -> bytes | None:
        self._writer.writerow([cell_text(value) for value in row])
        return self._out.take() if self._out.full else None

    def add_page(self, rows: Sequence[Sequence[object]], rendered: bool = False) -> bytes | None:
        """Many rows at once: one csv call and one encode per page instead of per row."""
        cells = rows if rendered else [[cell_text(value) for value in row] for row in rows]
        buffer = io.StringIO()
        csv.writer(buffer, dialect=_Rfc4180).writerows(cells)
        self._out.write(buffer.getvalue())
        return self._out.take() if self._out.full else None

    def finish(self) -> bytes:
        return self._out.take()


def csv_chunks(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = False, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[bytes]:
    """RFC 4180 CSV in UTF-8, header first, yielded in chunks of about `chunk_bytes`."""
    writer = _CsvRows(header, bom=bom, chunk_bytes=chunk_bytes)
    for row in rows:
        if (chunk := writer.add(row)) is not None:
            yield chunk
    if tail := writer.finish():
        yield tail


async def acsv_chunks(
    header: Sequence[str],
    rows: AsyncIterable[Sequence[object]],
    *,
    bom: bool = False,
    chunk_bytes: int = CHUNK_BYTES,
) -> AsyncIterator[bytes]:
    """`csv_chunks` over rows that arrive asynchronously (streamed from the database)."""
    writer = _CsvRows(header, bom=bom, chunk_bytes=chunk_bytes)
    async for row in rows:
        if (chunk := writer.add(row)) is not None:
            yield chunk
    if tail := writer.finish():
        yield tail


async def acsv_pages(
    header: Sequence[str],
    pages: AsyncIterable[Sequence[Sequence[object]]],
    *,
    bom: bool = False,
    chunk_bytes: int = CHUNK_BYTES,
    rendered: bool = False,
) -> AsyncIterator[bytes]:
    """`acsv_chunks` over pages of rows (a database page at a time): the same bytes, less overhead.

    `rendered`: the caller already made every cell `cell_text` (or an int, None, or text that cannot
    start a formula), so the rows are written as they are; rendering is most of the per-row cost.
    """
    writer = _CsvRows(header, bom=bom, chunk_bytes=chunk_bytes)
    async for page in pages:
        if (chunk := writer.add_page(page, rendered)) is not None:
            yield chunk
    if tail := writer.finish():
        yield tail


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value, key=plain_text)
    raise TypeError(f"cannot export a {type(value).__name__} as JSON")


class _JsonItems:
    def __init__(self, chunk_bytes: int) -> None:
        self._out = _Chunks(chunk_bytes)
        self._out.write('{"items":[')
        self._separator = ""

    def add(self, item: Mapping[str, object]) -> bytes | None:
        encoded = json.dumps(item, default=_json_default, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        self._out.write(self._separator + encoded)
        self._separator = ",\n"
        return self._out.take() if self._out.full else None

    def finish(self) -> bytes:
        self._out.write("]}\n")
        return self._out.take()


def json_chunks(rows: Iterable[Mapping[str, object]], *, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """One JSON document `{"items": [...]}`, one item per line, yielded in chunks."""
    writer = _JsonItems(chunk_bytes)
    for row in rows:
        if (chunk := writer.add(row)) is not None:
            yield chunk
    yield writer.finish()


async def ajson_chunks(
    rows: AsyncIterable[Mapping[str, object]], *, chunk_bytes: int = CHUNK_BYTES
) -> AsyncIterator[bytes]:
    """`json_chunks` over rows that arrive asynchronously."""
    writer = _JsonItems(chunk_bytes)
    async for row in rows:
        if (chunk := writer.add(row)) is not None:
            yield chunk
    yield writer.finish()


_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _ascii_part(text: str, fallback: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _UNSAFE_NAME.sub("-", folded).strip("-.") or fallback


def export_filename(slug: str, kind: str, day: date, ext: str) -> str:
    """`drif-2024-attendees-2024-06-01.csv`: ASCII letters, digits, `.`, `_` and `-` only."""
    extension = _ascii_part(ext.lstrip("."), "bin").lower()
    return f"{_ascii_part(slug, 'export')}-{_ascii_part(kind, 'data')}-{day.isoformat()}.{extension}"


def content_disposition(filename: str) -> str:
    """An RFC 6266 attachment header: an ASCII `filename` for old clients and the exact `filename*`."""
    fallback = "".join(
        c if " " <= c <= "~" and c not in '"\\' else "_"
        for c in unicodedata.normalize("NFKD", filename)
        if not unicodedata.combining(c)
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
