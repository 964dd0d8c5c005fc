"""XLSX writer: read back with openpyxl, no formulas, typed cells, nothing left on disk."""

import csv
import io
import tempfile
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from calendar_service.domain.exports import csv_chunks
from calendar_service.exports.xlsx import axlsx_chunks, safe_sheet_title, xlsx_chunks

ARABIC, DEVANAGARI, CHINESE, EMOJI = "مرحبا", "नमस्ते", "你好", "🎉👩🏽‍💻"
HEADER = ["name", "email", "registered (Africa/Accra)", "amount", "day", "consent", "note"]
ACCRA = timezone(timedelta(0), "Africa/Accra")
NEW_YORK_SUMMER = timezone(timedelta(hours=-4))
FORMULAS = ["=1+1", '=HYPERLINK("http://evil.example","x")', "+1", "-1", "@SUM(A1)", "\t=1", "＝1", "#N/A", "#REF!"]


async def aiter_rows(rows: Iterable[Sequence[object]]) -> AsyncIterator[Sequence[object]]:
    for row in rows:
        yield row


async def export(rows: Iterable[Sequence[object]], header: Sequence[str] = HEADER, **options: object) -> bytes:
    chunks = axlsx_chunks(header, aiter_rows(rows), sheet_title="Attendees", **options)  # type: ignore[arg-type]
    return b"".join([chunk async for chunk in chunks])


def sheet_of(data: bytes) -> Worksheet:
    sheet = load_workbook(io.BytesIO(data)).active
    assert isinstance(sheet, Worksheet)
    return sheet


def values(sheet: Worksheet) -> list[tuple[object, ...]]:
    return list(sheet.iter_rows(values_only=True))


def all_cells(sheet: Worksheet) -> list[object]:
    return [cell for row in sheet.iter_rows() for cell in row]


def leftovers(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


@pytest.fixture
def tmp_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every temporary file (ours and openpyxl's) goes to an empty directory the test can inspect."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


async def test_values_read_back_equal_in_four_scripts() -> None:
    rows = [
        [f"{ARABIC} Ahmed", "ahmed@example.org", datetime(2024, 4, 1, 9, 30, tzinfo=UTC), Decimal("1500.00")],
        [f"{DEVANAGARI} Priya", "priya@example.org", None, Decimal("-2.5")],
        [f"{CHINESE} Li", "li@example.org", datetime(2024, 4, 2, 18, 0), 7],
        [f"Ana {EMOJI}", "ana@example.org", date(2024, 4, 23), -5],
    ]
    sheet = sheet_of(await export(rows, header=HEADER[:4]))
    assert values(sheet) == [
        tuple(HEADER[:4]),
        (f"{ARABIC} Ahmed", "ahmed@example.org", datetime(2024, 4, 1, 9, 30), 1500),
        (f"{DEVANAGARI} Priya", "priya@example.org", None, -2.5),
        (f"{CHINESE} Li", "li@example.org", datetime(2024, 4, 2, 18, 0), 7),
        (f"Ana {EMOJI}", "ana@example.org", datetime(2024, 4, 23), -5),
    ]


async def test_typed_cells_read_back_typed() -> None:
    registered_at = datetime(2024, 4, 1, 9, 30, tzinfo=UTC)
    rows = [[f"{ARABIC} Ahmed", "a@example.org", registered_at, Decimal("1500.00"), date(2024, 4, 23), True, -5]]
    sheet = sheet_of(await export(rows))
    name, _email, registered, amount, day, consent, note = sheet[2]
    assert (name.value, name.data_type) == (f"{ARABIC} Ahmed", "s")
    assert registered.is_date and registered.value == datetime(2024, 4, 1, 9, 30)
    assert day.is_date and day.value == datetime(2024, 4, 23) and day.number_format == "yyyy-mm-dd"
    assert (amount.value, amount.data_type, amount.number_format) == (1500, "n", "#,##0.00")
    assert (consent.value, consent.data_type) == (True, "b")
    assert (note.value, note.data_type) == (-5, "n")  # a number is never neutralised


async def test_formula_text_is_never_a_formula_and_matches_csv() -> None:
    header, rows = ["=header", "email"], [[text, "x@example.org"] for text in FORMULAS]
    sheet = sheet_of(await export(rows, header=header))
    assert {cell.data_type for cell in all_cells(sheet)} == {"s"}
    assert [row[0] for row in values(sheet)] == ["'=header", *["'" + text for text in FORMULAS[:7]], "#N/A", "#REF!"]
    from_csv = csv.reader(io.StringIO(b"".join(csv_chunks(header, rows)).decode(), newline=""))
    assert [tuple(row) for row in from_csv] == values(sheet)


async def test_aware_datetimes_keep_their_wall_time_or_move_to_the_given_zone() -> None:
    start = datetime(2024, 9, 21, 11, 15, tzinfo=NEW_YORK_SUMMER)
    own = sheet_of(await export([[start]], header=["start"]))
    assert own["A2"].value == datetime(2024, 9, 21, 11, 15)
    in_utc = sheet_of(await export([[start]], header=["start (UTC)"], tz=UTC))
    assert in_utc["A2"].value == datetime(2024, 9, 21, 15, 15)


async def test_illegal_xml_characters_are_cleaned_not_fatal() -> None:
    rows = [["a\x00b\x01c", "line\x0bbreak", "crlf\r\nand\rcr", "\x01=1+1", "lone \ud800 surrogate", "ok\tok\n"]]
    sheet = sheet_of(await export(rows, header=["a", "b", "c", "d", "e", "f"]))
    assert values(sheet)[1] == ("abc", "line\nbreak", "crlf\nand\ncr", "'=1+1", "lone \ufffd surrogate", "ok\tok\n")
    assert {cell.data_type for cell in all_cells(sheet)} == {"s"}


async def test_values_a_spreadsheet_would_mangle_as_numbers_are_text() -> None:
    rows = [[2**60, float("nan"), float("inf"), Decimal("NaN"), 10**15 - 1, ["en", "=x"], {"diet": "vegan"}]]
    sheet = sheet_of(await export(rows, header=list("abcdefg")))
    assert values(sheet)[1] == (str(2**60), "nan", "inf", "NaN", 10**15 - 1, "en; =x", "diet: vegan")


async def test_header_is_bold_frozen_filtered_and_annotated() -> None:
    sheet = sheet_of(
        await export([["Ana", "ana@example.org"]] * 3, header=["name", "email"], column_notes={"name": "as given"})
    )
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B4"
    assert all(cell.font.b for cell in sheet[1])
    assert sheet["A1"].comment is not None and sheet["A1"].comment.text == "as given"
    assert sheet.column_dimensions["A"].width == 12


@pytest.mark.parametrize(
    ("title", "expected"),
    [("Attendees", "Attendees"), ("DRIF 2024: a/b [x]?", "DRIF 2024  a b  x"), ("", "Export"), ("x" * 40, "x" * 31)],
)
def test_sheet_titles_are_ones_excel_accepts(title: str, expected: str) -> None:
    assert safe_sheet_title(title) == expected


async def test_sync_and_async_writers_agree() -> None:
    rows = [[f"{CHINESE} {n}", n, Decimal("1.25"), date(2024, 1, 1)] for n in range(2500)]
    sync = sheet_of(b"".join(xlsx_chunks(HEADER[:4], rows, sheet_title="Attendees")))
    asynchronous = sheet_of(await export(rows, header=HEADER[:4], batch_rows=1000))
    assert values(sync) == values(asynchronous)
    assert len(values(sync)) == 2501


async def test_temporary_files_are_gone_after_a_full_export(tmp_only: Path) -> None:
    await export([["Ana", "a@example.org"]] * 1500, header=["name", "email"], batch_rows=500)
    assert leftovers(tmp_only) == []


async def test_temporary_files_are_gone_when_the_client_stops_reading(tmp_only: Path) -> None:
    chunks = axlsx_chunks(["name"], aiter_rows([["Ana"]] * 5000), sheet_title="x", chunk_bytes=1024)
    await anext(chunks)
    await chunks.aclose()
    assert leftovers(tmp_only) == []


async def test_temporary_files_are_gone_when_the_rows_fail_midway(tmp_only: Path) -> None:
    seen_on_disk: list[str] = []

    async def failing() -> AsyncIterator[Sequence[object]]:
        for n in range(1500):
            yield [f"row {n}"]
        seen_on_disk.extend(leftovers(tmp_only))
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="database went away"):
        async for _ in axlsx_chunks(["name"], failing(), sheet_title="x", batch_rows=1000):
            pass
    assert seen_on_disk, "openpyxl's sheet file should have existed while rows were written"
    assert leftovers(tmp_only) == []
