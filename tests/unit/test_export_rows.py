"""Attendee export rows: CSV rows built already rendered give the bytes the general CSV writer gives."""

import json
from collections.abc import AsyncIterator
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_service.domain.attendance import Programme
from calendar_service.domain.exports import acsv_pages
from calendar_service.domain.timezones import get_zone
from calendar_service.exports.keyset import Times, _Rows

TRICKY = st.sampled_from(["=1+1", "-5", "@x", " \t=x", "＝", "Zoë", "مريم", "王", "👩🏽‍💻", 'a "b", c', "x\r\n", ""])
TEXT = TRICKY | st.text(max_size=8)
ANSWER = st.none() | TEXT | st.booleans() | st.integers() | st.lists(TEXT | st.none(), max_size=3)
STAMP = st.none() | st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)).map(
    lambda d: d.strftime("%Y-%m-%d %H:%M:%S.%f")
)
RAW = st.tuples(
    st.integers(1, 10**6),
    TEXT | st.none(),  # a name (None once erased)
    TEXT,
    st.sampled_from(["confirmed", "waitlisted", "cancelled", "attended"]),
    st.sampled_from(["in_person", "online"]),
    st.sampled_from([0, 1, None]),
    STAMP,
    STAMP,
    STAMP,
    st.dictionaries(st.sampled_from(["a", "b", "c"]), ANSWER).map(json.dumps) | st.none(),
)


async def _csv(rows: list[list[object]], rendered: bool) -> bytes:
    async def pages() -> AsyncIterator[list[list[object]]]:
        yield rows

    return b"".join([c async for c in acsv_pages(["h"], pages(), rendered=rendered)])


@settings(derandomize=True, database=None, deadline=None, max_examples=300)
@given(
    st.lists(RAW, max_size=12),
    st.sampled_from([None, 1, 2]),
    st.sampled_from(["America/Santiago", "Asia/Kathmandu", "UTC"]),
)
async def test_rows_built_as_text_write_the_same_bytes_as_rendering_them(
    raw: list[tuple[object, ...]], needed: int | None, zone: str
) -> None:
    sessions = (datetime(2027, 1, 5, 10), datetime(2027, 1, 12, 10))
    programme = Programme(sessions=sessions, needed=needed) if needed != 2 else None
    builders = [_Rows(Times(get_zone(zone), "csv"), ["a", "b", "c"], programme, text=t) for t in (True, False)]
    for rows in builders:
        rows.positions = {r[0]: n for n, r in enumerate(raw, start=1) if r[3] == "waitlisted"}  # type: ignore[misc]
        rows.attended = {r[0]: 1 for r in raw[::2]}  # type: ignore[misc]
    as_text, typed = (b.build(raw) for b in builders)
    assert await _csv(as_text, rendered=True) == await _csv(typed, rendered=False)
