"""XLSX exports with openpyxl in write-only mode, streamed to the client from a temporary file.

Decisions:
- Memory stays flat: write-only openpyxl serialises each appended row into a
  temporary XML file at once (inline strings, no shared-string table), and
  the finished workbook is written to an anonymous temporary file that is
  read back in chunks. The first byte leaves only when the last row is in:
  a ZIP's central directory comes last, so an XLSX cannot be streamed while
  it is being built.
- The event loop is not held: rows are gathered in batches (1,000 by
  default) and each batch, and the final save, run in a worker thread with
  `anyio.to_thread.run_sync`. The workbook is only ever touched by one
  thread at a time; a cancelled export waits for its running batch, then
  cleans up.
- Nothing is left on disk: the output file is anonymous (unlinked at
  creation on POSIX) and closed when the generator finishes or is closed
  (client gone, database error); openpyxl's own temporary sheet file is
  removed even when the workbook is abandoned before it is saved.
- No cell is ever a formula or an error: openpyxl turns any string starting
  with `=` into a formula and `#N/A` and friends into error cells. Text is
  neutralised exactly as in CSV (`domain.exports.neutralize`, so both
  exports agree cell for cell and a cell re-entered by hand stays inert),
  and any text openpyxl would still misread is written with type `s`.
- Characters XML 1.0 cannot carry (C0 controls other than tab, LF and CR;
  lone surrogates; U+FFFE/U+FFFF) would make openpyxl raise mid-export or
  write a file Excel refuses: vertical tab and form feed (line and page
  breaks pasted from word processors) become line breaks, the other
  controls are dropped, the rest become U+FFFD. Line breaks are LF, as
  Excel writes them (an XML reader turns a bare CR into LF anyway). Cells
  longer than 32,767 characters are cut there by openpyxl (Excel's limit).
- Values stay typed: numbers and Decimals are numbers (Decimals keep their
  decimal places in the number format), booleans are booleans, dates and
  datetimes are real Excel dates. Excel has no time zones: an aware datetime
  is converted to `tz` when one is given, otherwise it keeps its own wall
  time, and the offset is dropped, so the header must name the zone.
  Integers beyond 15 digits, NaN and infinity would be mangled as numbers and
  are written as text. Lists, mappings and other values become text as in
  CSV.
- The header row is bold, frozen, filterable, and can carry a note (a cell
  comment) per column.
"""

import math
import re
import tempfile
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from enum import Enum
from typing import IO, Final

from anyio import to_thread
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from calendar_service.domain.exports import CHUNK_BYTES, neutralize, plain_text

BATCH_ROWS: Final = 1000
AUTHOR: Final = "calendar-service"
EXACT_INT_LIMIT: Final = 10**15  # Excel keeps 15 significant digits
_XML_UNSAFE = re.compile(r"\r\n?|[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SHEET_TITLE_UNSAFE = re.compile(r"[\[\]:*?/\\]")
_BOLD = Font(bold=True)


def _xml_safe_char(match: re.Match[str]) -> str:
    char = match.group()
    if char[0] in "\r\x0b\x0c":
        return "\n"
    return "" if char < " " else "\ufffd"


def xlsx_text(text: str) -> str:
    """Text as an XLSX cell holds it: XML-safe first, then neutralised (cleaning can expose a `=`)."""
    return neutralize(_XML_UNSAFE.sub(_xml_safe_char, text))


def safe_sheet_title(title: str) -> str:
    """A title Excel accepts: no `[]:*?/\\`, at most 31 characters, not empty."""
    cleaned = _SHEET_TITLE_UNSAFE.sub(" ", _XML_UNSAFE.sub("", title)).strip().strip("'")
    return cleaned[:31] or "Export"


class _Sheet:
    """One write-only worksheet; all openpyxl work, meant to run in a worker thread."""

    def __init__(
        self,
        header: Sequence[str],
        *,
        title: str,
        column_notes: Mapping[str, str],
        column_widths: Sequence[float] | None,
        tz: tzinfo | None,
    ) -> None:
        self._book = Workbook(write_only=True)
        self._book.properties.creator = AUTHOR
        self._ws = self._book.create_sheet(title=safe_sheet_title(title))
        self._tz = tz
        self._columns = len(header)
        self._rows = 0
        self._out: IO[bytes] | None = None
        self._saved = False
        self._ws.freeze_panes = "A2"
        widths = column_widths or ()
        for index, label in enumerate(header):
            width = widths[index] if index < len(widths) else min(max(len(label) + 4, 12), 40)
            self._ws.column_dimensions[get_column_letter(index + 1)].width = width
        try:
            self._ws.append([self._header_cell(label, column_notes.get(label)) for label in header])
        except BaseException:
            self.discard()
            raise

    def _header_cell(self, label: str, note: str | None) -> WriteOnlyCell:
        cell = self._text_cell(xlsx_text(label))
        cell.font = _BOLD
        if note:
            cell.comment = Comment(xlsx_text(note), AUTHOR)
        return cell

    def _text_cell(self, text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self._ws, value=text)
        cell.data_type = "s"
        return cell

    def _value(self, value: object) -> object:
        if value is None:
            return None
        if isinstance(value, Enum):
            value = value.value
        if isinstance(value, str):
            return self._text(value)
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value if -EXACT_INT_LIMIT < value < EXACT_INT_LIMIT else str(value)
        if isinstance(value, float):
            return value if math.isfinite(value) else str(value)
        if isinstance(value, Decimal):
            return self._decimal(value)
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                value = (value.astimezone(self._tz) if self._tz is not None else value).replace(tzinfo=None)
            return value
        if isinstance(value, time):
            return value.replace(tzinfo=None)
        if isinstance(value, date | timedelta):
            return value
        return self._text(plain_text(value))

    def _text(self, text: str) -> object:
        text = xlsx_text(text)
        # Neutralised text never starts with "=", but an exact error literal would still become an error cell.
        if text in ERROR_CODES or text.startswith("="):
            return self._text_cell(text)
        return text

    def _decimal(self, value: Decimal) -> object:
        if not value.is_finite():
            return str(value)
        exponent = value.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        if places == 0 or places > 10:
            return value
        cell = WriteOnlyCell(self._ws, value=value)
        cell.number_format = "#,##0." + "0" * places
        return cell

    def append_rows(self, rows: Iterable[Sequence[object]]) -> None:
        for row in rows:
            self._ws.append([self._value(value) for value in row])
            self._rows += 1

    def save(self) -> IO[bytes]:
        """Finish the workbook into an anonymous temporary file, positioned at its start."""
        if self._columns:
            self._ws.auto_filter.ref = f"A1:{get_column_letter(self._columns)}{self._rows + 1}"
        self._out = tempfile.TemporaryFile(prefix="export-", suffix=".xlsx")  # noqa: SIM115 - closed in discard()
        self._book.save(self._out)
        self._saved = True
        self._out.seek(0)
        return self._out

    def discard(self) -> None:
        """Close the output and remove openpyxl's sheet file if the workbook was never saved."""
        if self._out is not None:
            self._out.close()
        writer = getattr(self._ws, "_writer", None)
        if self._saved or writer is None:
            return
        with suppress(Exception):  # closing only flushes the XML; the file goes either way
            self._ws.close()
        with suppress(OSError, ValueError):
            writer.cleanup()


def xlsx_chunks(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    sheet_title: str,
    column_notes: Mapping[str, str] | None = None,
    column_widths: Sequence[float] | None = None,
    tz: tzinfo | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> Iterator[bytes]:
    """A one-sheet workbook (header row, then `rows`) as bytes, for synchronous callers (CLI, benchmarks)."""
    sheet = _Sheet(header, title=sheet_title, column_notes=column_notes or {}, column_widths=column_widths, tz=tz)
    try:
        sheet.append_rows(rows)
        out = sheet.save()
        while chunk := out.read(chunk_bytes):
            yield chunk
    finally:
        sheet.discard()


async def axlsx_chunks(
    header: Sequence[str],
    rows: AsyncIterable[Sequence[object]],
    *,
    sheet_title: str,
    column_notes: Mapping[str, str] | None = None,
    column_widths: Sequence[float] | None = None,
    tz: tzinfo | None = None,
    batch_rows: int = BATCH_ROWS,
    chunk_bytes: int = CHUNK_BYTES,
) -> AsyncIterator[bytes]:
    """`xlsx_chunks` over rows that arrive asynchronously; openpyxl runs in a worker thread, batch by batch."""
    sheet = _Sheet(header, title=sheet_title, column_notes=column_notes or {}, column_widths=column_widths, tz=tz)
    try:
        batch: list[Sequence[object]] = []
        async for row in rows:
            batch.append(row)
            if len(batch) >= batch_rows:
                await to_thread.run_sync(sheet.append_rows, batch)
                batch = []
        if batch:
            await to_thread.run_sync(sheet.append_rows, batch)
        out = await to_thread.run_sync(sheet.save)
        while chunk := out.read(chunk_bytes):  # small reads of a file just written: page cache, microseconds
            yield chunk
    finally:
        sheet.discard()
