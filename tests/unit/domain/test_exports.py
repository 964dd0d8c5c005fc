"""CSV and JSON export writers: RFC 4180 round trips, formula neutralisation, chunking, streaming."""

import csv
import enum
import io
import json
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_service.domain.exports import (
    acsv_chunks,
    ajson_chunks,
    cell_text,
    content_disposition,
    csv_chunks,
    export_filename,
    json_chunks,
    neutralize,
)

ARABIC, DEVANAGARI, CHINESE, EMOJI = "مرحبا", "नमस्ते", "你好", "🎉👩🏽‍💻"
NAMES = [f"{ARABIC} Ahmed", f"{DEVANAGARI} Priya", f"{CHINESE} Li", f"Ana {EMOJI}", "Zoë O'Brien"]
HEADER = ["name", "email", "note"]
T = TypeVar("T")
PROPERTY = settings(derandomize=True, database=None, deadline=None, max_examples=300)

# Text biased towards what breaks CSV and spreadsheets, mixed with any character at all.
TRICKY = st.sampled_from([",", '"', "\r", "\n", "\r\n", "=", "+", "-", "@", "\t", " ", "'", "＝", ARABIC, EMOJI])
CELL_TEXT = st.lists(TRICKY | st.characters(exclude_categories=("Cs",)), max_size=12).map("".join)
ROWS = st.lists(st.lists(CELL_TEXT, min_size=1, max_size=5), max_size=8)


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def rendered(chunks: Iterator[bytes]) -> bytes:
    return b"".join(chunks)


async def aiter_of(items: Sequence[T]) -> AsyncIterator[T]:
    for item in items:
        yield item


async def arendered(chunks: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in chunks])


class Counted:
    """A row source that counts what has been taken from it."""

    def __init__(self, total: int, row: Sequence[object]) -> None:
        self.total, self.row, self.taken = total, row, 0

    def __iter__(self) -> Iterator[Sequence[object]]:
        for _ in range(self.total):
            self.taken += 1
            yield self.row

    async def __aiter__(self) -> AsyncIterator[Sequence[object]]:
        for row in self:
            yield row


# --- neutralisation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://evil.example","click")', '\'=HYPERLINK("http://evil.example","click")'),
        ("+44 20 7946 0958", "'+44 20 7946 0958"),
        ("-2+3", "'-2+3"),
        ("-5", "'-5"),  # a *string* "-5" is text; the number -5 is not touched (below)
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("\n=1+1", "'\n=1+1"),
        ("  =1+1", "'  =1+1"),
        ("\u3000=1+1", "'\u3000=1+1"),  # ideographic space before the formula
        ("＝1+1", "'＝1+1"),
        ("＋1", "'＋1"),
        ("－1", "'－1"),
        ("＠SUM(A1)", "'＠SUM(A1)"),
        ("=", "'="),
        ("", ""),
        ("Ana", "Ana"),
        ("a=b", "a=b"),
        ("'=1+1", "'=1+1"),  # already neutral: nothing doubles
        (" Ana", " Ana"),
        ("#N/A", "#N/A"),  # not a formula; XLSX handles error literals separately
        (f"{ARABIC} {DEVANAGARI} {CHINESE} {EMOJI}", f"{ARABIC} {DEVANAGARI} {CHINESE} {EMOJI}"),
    ],
)
def test_neutralize_prefixes_a_quote_to_formula_starts_only(text: str, expected: str) -> None:
    assert neutralize(text) == expected


@PROPERTY
@given(CELL_TEXT)
def test_neutralize_is_idempotent_and_only_ever_adds_one_quote(text: str) -> None:
    once = neutralize(text)
    assert neutralize(once) == once
    assert once in (text, "'" + text)
    assert once[:1] not in {"=", "+", "-", "@", "\t", "\r", "\n"}


class Status(enum.StrEnum):
    CONFIRMED = "confirmed"
    FORMULA = "=evil"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (True, "yes"),
        (False, "no"),
        (-5, "-5"),
        (-2.5, "-2.5"),
        (Decimal("-1E+3"), "-1000"),
        (Decimal("1500.00"), "1500.00"),
        ("-5", "'-5"),
        (datetime(2024, 9, 21, 11, 15, tzinfo=timezone(timedelta(hours=-4))), "2024-09-21T11:15:00-04:00"),
        (datetime(2024, 9, 21, 15, 15, tzinfo=UTC), "2024-09-21T15:15:00+00:00"),
        (date(2024, 4, 23), "2024-04-23"),
        (time(9, 30), "09:30:00"),
        (["en", "es", None, "fr"], "en; es; fr"),
        (("=a", "b"), "'=a; b"),
        ({"travel", "lodging"}, "lodging; travel"),
        ({"diet": "vegan", "needs": ["ramp", "=x"]}, "diet: vegan; needs: ramp; =x"),
        ({"=cmd": "x"}, "'=cmd: x"),
        (Status.CONFIRMED, "confirmed"),
        (Status.FORMULA, "'=evil"),
        (NAMES[0], NAMES[0]),
    ],
)
def test_cell_text_renders_values_and_neutralises_only_text(value: object, expected: str) -> None:
    assert cell_text(value) == expected


# --- CSV ------------------------------------------------------------------------------------


def test_csv_is_rfc_4180_to_the_byte() -> None:
    rows = [["Ana, María", 'say "hi"', -5], ["line\nbreak", "cr\rhere", None], [f"{CHINESE}", "=1+1", True]]
    assert (
        rendered(csv_chunks(["name", "note", "n"], rows))
        == ('name,note,n\r\n"Ana, María","say ""hi""",-5\r\n"line\nbreak","cr\rhere",\r\n你好,\'=1+1,yes\r\n').encode()
    )


@PROPERTY
@given(ROWS)
def test_csv_round_trips_through_the_csv_module(rows: list[list[str]]) -> None:
    data = rendered(csv_chunks(HEADER, rows, chunk_bytes=16))
    assert read_csv(data) == [HEADER] + [[neutralize(cell) for cell in row] for row in rows]


def test_csv_keeps_four_scripts_and_emoji_intact() -> None:
    rows = [[name, f"{name.split()[-1].lower()}@example.org", name] for name in NAMES]
    read = read_csv(rendered(csv_chunks(HEADER, rows, bom=True)))
    assert read[1:] == rows


def test_csv_neutralises_header_cells() -> None:
    assert read_csv(rendered(csv_chunks(["=cmd", "name"], [])))[0] == ["'=cmd", "name"]


@pytest.mark.parametrize("bom", [True, False])
def test_csv_starts_with_a_bom_only_when_asked(bom: bool) -> None:
    data = rendered(csv_chunks(HEADER, [[NAMES[0], "a@example.org", ""]], bom=bom))
    assert data.startswith(b"\xef\xbb\xbfname,") is bom
    assert data.count(b"\xef\xbb\xbf") == int(bom)
    assert data.decode("utf-8-sig").startswith("name,")


@pytest.mark.parametrize("chunk_bytes", [1, 5, 7, 64, 1000])
def test_chunks_never_split_a_character_and_concatenate_to_the_whole(chunk_bytes: int) -> None:
    rows = [[name, EMOJI * 3, ARABIC] for name in NAMES * 20]
    chunks = list(csv_chunks(HEADER, rows, bom=True, chunk_bytes=chunk_bytes))
    whole = rendered(csv_chunks(HEADER, rows, bom=True, chunk_bytes=10**9))
    assert len(list(csv_chunks(HEADER, rows, chunk_bytes=10**9))) == 1
    assert b"".join(chunks) == whole
    for chunk in chunks:
        chunk.decode("utf-8")  # each chunk is whole rows, so it decodes on its own
    assert all(len(chunk) >= chunk_bytes for chunk in chunks[:-1])


async def test_async_csv_writes_the_same_bytes_as_the_sync_writer() -> None:
    rows = [[name, -1, Decimal("2.50"), "=x"] for name in NAMES]
    expected = rendered(csv_chunks([*HEADER, "n"], rows, bom=True, chunk_bytes=32))
    assert await arendered(acsv_chunks([*HEADER, "n"], aiter_of(rows), bom=True, chunk_bytes=32)) == expected


def test_csv_yields_its_first_chunk_before_the_rows_run_out() -> None:
    source = Counted(20_000, [NAMES[0], "someone@example.org", "note"])
    first = next(csv_chunks(HEADER, source, chunk_bytes=4096))
    assert first.startswith(b"name,email,note\r\n")
    assert 0 < source.taken < 20_000


async def test_async_csv_yields_its_first_chunk_before_the_rows_run_out() -> None:
    source = Counted(20_000, [NAMES[1], "someone@example.org", "note"])
    chunks = acsv_chunks(HEADER, source, chunk_bytes=4096)
    await anext(chunks)
    assert 0 < source.taken < 20_000
    await chunks.aclose()


# --- JSON -----------------------------------------------------------------------------------


def test_json_is_one_items_document_with_typed_values() -> None:
    rows: list[Mapping[str, object]] = [
        {
            "name": NAMES[0],
            "amount": Decimal("1500.00"),
            "registered_at": datetime(2024, 4, 1, 9, 30, tzinfo=UTC),
            "day": date(2024, 4, 23),
            "answers": {"diet": "vegan"},
            "languages": ("en", "ar"),
            "items": {"travel", "lodging"},
            "status": Status.CONFIRMED,
            "note": "=1+1",  # typed data, never evaluated: not neutralised
            "score": -5,
            "consent": True,
            "phone": None,
        }
    ]
    assert json.loads(rendered(json_chunks(rows))) == {
        "items": [
            {
                "name": NAMES[0],
                "amount": "1500.00",
                "registered_at": "2024-04-01T09:30:00+00:00",
                "day": "2024-04-23",
                "answers": {"diet": "vegan"},
                "languages": ["en", "ar"],
                "items": ["lodging", "travel"],
                "status": "confirmed",
                "note": "=1+1",
                "score": -5,
                "consent": True,
                "phone": None,
            }
        ]
    }


def test_json_of_no_rows_is_an_empty_items_list() -> None:
    assert json.loads(rendered(json_chunks([]))) == {"items": []}


def test_json_refuses_values_it_cannot_represent() -> None:
    with pytest.raises(ValueError, match="Out of range float"):
        rendered(json_chunks([{"x": float("nan")}]))
    with pytest.raises(TypeError, match="cannot export a object"):
        rendered(json_chunks([{"x": object()}]))


@settings(PROPERTY, max_examples=100)
@given(st.lists(st.dictionaries(CELL_TEXT, CELL_TEXT | st.integers() | st.booleans() | st.none(), max_size=4)))
def test_json_round_trips_through_the_json_module(rows: list[dict[str, object]]) -> None:
    assert json.loads(rendered(json_chunks(rows, chunk_bytes=16))) == {"items": rows}


async def test_async_json_writes_the_same_bytes_and_streams() -> None:
    rows = [{"name": name, "n": i} for i, name in enumerate(NAMES)]
    assert await arendered(ajson_chunks(aiter_of(rows), chunk_bytes=20)) == rendered(json_chunks(rows, chunk_bytes=20))
    source = Counted(20_000, [NAMES[2]])
    chunks = ajson_chunks(({"name": row[0]} async for row in source), chunk_bytes=4096)
    assert (await anext(chunks)).startswith(b'{"items":[{"name":"')
    assert 0 < source.taken < 20_000
    await chunks.aclose()


def test_json_yields_its_first_chunk_before_the_rows_run_out() -> None:
    source = Counted(20_000, [NAMES[3]])
    next(json_chunks(({"name": row[0]} for row in source), chunk_bytes=4096))
    assert 0 < source.taken < 20_000


# --- file names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "kind", "ext", "expected"),
    [
        ("drif-2024", "attendees", "csv", "drif-2024-attendees-2024-06-01.csv"),
        ("drif-2024", "scholarships", ".XLSX", "drif-2024-scholarships-2024-06-01.xlsx"),
        ("café del año", "attendees", "json", "cafe-del-ano-attendees-2024-06-01.json"),
        ("مرحبا", "attendees", "csv", "export-attendees-2024-06-01.csv"),
        ("../../etc/passwd", 'a"b', "csv", "etc-passwd-a-b-2024-06-01.csv"),
    ],
)
def test_export_filename_is_ascii_safe(slug: str, kind: str, ext: str, expected: str) -> None:
    assert export_filename(slug, kind, date(2024, 6, 1), ext) == expected


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("drif-2024.csv", "attachment; filename=\"drif-2024.csv\"; filename*=UTF-8''drif-2024.csv"),
        ("año 你好.csv", "attachment; filename=\"ano __.csv\"; filename*=UTF-8''a%C3%B1o%20%E4%BD%A0%E5%A5%BD.csv"),
        ('a"b\\c.csv', "attachment; filename=\"a_b_c.csv\"; filename*=UTF-8''a%22b%5Cc.csv"),
    ],
)
def test_content_disposition_gives_an_ascii_fallback_and_the_exact_name(filename: str, expected: str) -> None:
    assert content_disposition(filename) == expected


async def test_pages_give_the_same_bytes_as_rows() -> None:
    from calendar_service.domain.exports import acsv_chunks, acsv_pages

    header = ["name", "note", "n"]
    rows = [[f"ليلى {i}", "=1+1" if i % 3 == 0 else 'a "quoted", line\nbreak', i] for i in range(2500)]

    async def as_rows():  # type: ignore[no-untyped-def]
        for row in rows:
            yield row

    async def as_pages():  # type: ignore[no-untyped-def]
        for start in range(0, len(rows), 1000):
            yield rows[start : start + 1000]

    by_rows = b"".join([chunk async for chunk in acsv_chunks(header, as_rows(), bom=True, chunk_bytes=4096)])
    by_pages = b"".join([chunk async for chunk in acsv_pages(header, as_pages(), bom=True, chunk_bytes=4096)])
    assert by_pages == by_rows
