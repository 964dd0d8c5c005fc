"""The three-parser harness (tests/support/parsers.py) on small hand-written feeds.

Each feature is checked against hand-computed instances in every parser, so "the three agree"
also means "the three are right". The ical.js half needs `npm ci --prefix tests/js`: without it
those tests are skipped locally and fail under CI.
"""

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support import parsers
from tests.support.parsers import Instance, expand_all, expand_icalendar, expand_vobject, node_available

Expand = Callable[[bytes, datetime, datetime], list[Instance]]

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

BRUSSELS = """\
BEGIN:VTIMEZONE
TZID:Europe/Brussels
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""

# Mexico City as it was before October 2022: DST from the first Sunday of April to the last
# Sunday of October. tzdata (since 2022f) has no DST there, so 2024 is UTC-6 all year.
MEXICO_CITY_PRE_2022 = """\
BEGIN:VTIMEZONE
TZID:America/Mexico_City
BEGIN:DAYLIGHT
TZOFFSETFROM:-0600
TZOFFSETTO:-0500
TZNAME:CDT
DTSTART:19700405T020000
RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0500
TZOFFSETTO:-0600
TZNAME:CST
DTSTART:19701025T020000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""

MEXICO_CITY_CURRENT = """\
BEGIN:VTIMEZONE
TZID:America/Mexico_City
BEGIN:STANDARD
TZOFFSETFROM:-0600
TZOFFSETTO:-0600
TZNAME:CST
DTSTART:19700101T000000
END:STANDARD
END:VTIMEZONE
"""

WEEKLY_ACROSS_DST = """\
BEGIN:VEVENT
UID:weekly@harness.test
DTSTAMP:20240901T000000Z
DTSTART;TZID=Europe/Brussels:20241010T100000
DTEND;TZID=Europe/Brussels:20241010T110000
RRULE:FREQ=WEEKLY;COUNT=4
SUMMARY:Weekly sync
END:VEVENT
"""

WITH_EXDATE = """\
BEGIN:VEVENT
UID:exdate@harness.test
DTSTAMP:20240901T000000Z
DTSTART;TZID=Europe/Brussels:20241014T090000
DTEND;TZID=Europe/Brussels:20241014T093000
RRULE:FREQ=WEEKLY;COUNT=3
EXDATE;TZID=Europe/Brussels:20241021T090000
SUMMARY:Stand-up
END:VEVENT
"""

# The 15 October instance moves to 16 October 14:00; the 22 October one is cancelled.
WITH_OVERRIDES = """\
BEGIN:VEVENT
UID:overrides@harness.test
DTSTAMP:20240901T000000Z
SEQUENCE:0
DTSTART;TZID=Europe/Brussels:20241008T160000
DTEND;TZID=Europe/Brussels:20241008T170000
RRULE:FREQ=WEEKLY;COUNT=4
SUMMARY:Reading group
END:VEVENT
BEGIN:VEVENT
UID:overrides@harness.test
DTSTAMP:20240901T000000Z
SEQUENCE:1
RECURRENCE-ID;TZID=Europe/Brussels:20241015T160000
DTSTART;TZID=Europe/Brussels:20241016T140000
DTEND;TZID=Europe/Brussels:20241016T150000
SUMMARY:Reading group (moved)
END:VEVENT
BEGIN:VEVENT
UID:overrides@harness.test
DTSTAMP:20240901T000000Z
SEQUENCE:1
RECURRENCE-ID;TZID=Europe/Brussels:20241022T160000
DTSTART;TZID=Europe/Brussels:20241022T160000
DTEND;TZID=Europe/Brussels:20241022T170000
STATUS:CANCELLED
SUMMARY:Reading group
END:VEVENT
"""

ALL_DAY_MULTI_DAY = """\
BEGIN:VEVENT
UID:retreat@harness.test
DTSTAMP:20240901T000000Z
DTSTART;VALUE=DATE:20241224
DTEND;VALUE=DATE:20241227
SUMMARY:Retreat
END:VEVENT
"""

CANCELLED_SINGLE = """\
BEGIN:VEVENT
UID:cancelled@harness.test
DTSTAMP:20240901T000000Z
SEQUENCE:2
DTSTART:20241105T130000Z
DTEND:20241105T140000Z
STATUS:CANCELLED
SUMMARY:Town hall
END:VEVENT
"""

# Escaped comma, semicolon, newline and backslash, an emoji (4 UTF-8 octets), and a fold
# that falls between two characters.
TRICKY_TEXT = r"""BEGIN:VEVENT
UID:text@harness.test
DTSTAMP:20240901T000000Z
DTSTART;TZID=Europe/Brussels:20241112T180000
DTEND;TZID=Europe/Brussels:20241112T190000
SUMMARY:Budget\, Q3\; review\nsecond line 🎉 café – a\\b and a summary long en
 ough to be folded
END:VEVENT
"""
TRICKY_SUMMARY = "Budget, Q3; review\nsecond line 🎉 café – a\\b and a summary long enough to be folded"

AUTUMN = (datetime(2024, 9, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC))


def feed(*blocks: str) -> bytes:
    """A VCALENDAR around `blocks`, with CRLF line endings, as UTF-8."""
    body = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//calendar-service//harness tests//EN\n"
    body += "".join(blocks) + "END:VCALENDAR\n"
    return body.replace("\n", "\r\n").encode("utf-8")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def timed(uid: str, start: datetime, minutes: int, summary: str, status: str = "CONFIRMED") -> Instance:
    return Instance(uid, start, start + timedelta(minutes=minutes), status, False, summary)


def require_icaljs() -> None:
    if node_available():
        return
    message = "ical.js not installed (tests/js/node_modules missing): run `npm ci --prefix tests/js`"
    if IN_CI:
        pytest.fail(message + " — under CI this is a failure", pytrace=False)
    pytest.skip(message)


@pytest.fixture(params=list(parsers.PARSERS))
def expand(request: pytest.FixtureRequest) -> Expand:
    if request.param == "icaljs":
        require_icaljs()
    return parsers.PARSERS[request.param]


@pytest.fixture(params=["vobject", "icaljs"])
def vtimezone_follower(request: pytest.FixtureRequest) -> Expand:
    """The parsers that honour the feed's VTIMEZONE (icalendar uses tzdata instead)."""
    if request.param == "icaljs":
        require_icaljs()
    return parsers.PARSERS[request.param]


EXPECTED_WEEKLY = [
    timed("weekly@harness.test", utc(2024, 10, 10, 8), 60, "Weekly sync"),
    timed("weekly@harness.test", utc(2024, 10, 17, 8), 60, "Weekly sync"),
    timed("weekly@harness.test", utc(2024, 10, 24, 8), 60, "Weekly sync"),
    # Brussels leaves summer time on 27 October: 10:00 local is now 09:00Z.
    timed("weekly@harness.test", utc(2024, 10, 31, 9), 60, "Weekly sync"),
]
EXPECTED_EXDATE = [
    timed("exdate@harness.test", utc(2024, 10, 14, 7), 30, "Stand-up"),
    timed("exdate@harness.test", utc(2024, 10, 28, 8), 30, "Stand-up"),
]
EXPECTED_OVERRIDES = [
    timed("overrides@harness.test", utc(2024, 10, 8, 14), 60, "Reading group"),
    timed("overrides@harness.test", utc(2024, 10, 16, 12), 60, "Reading group (moved)"),
    timed("overrides@harness.test", utc(2024, 10, 22, 14), 60, "Reading group", "CANCELLED"),
    timed("overrides@harness.test", utc(2024, 10, 29, 15), 60, "Reading group"),
]
EXPECTED_ALL_DAY = [
    Instance("retreat@harness.test", utc(2024, 12, 24), utc(2024, 12, 27), "CONFIRMED", True, "Retreat")
]
EXPECTED_CANCELLED = [timed("cancelled@harness.test", utc(2024, 11, 5, 13), 60, "Town hall", "CANCELLED")]
EXPECTED_TEXT = [timed("text@harness.test", utc(2024, 11, 12, 17), 60, TRICKY_SUMMARY)]


def test_feeds_are_crlf() -> None:
    raw = feed(BRUSSELS, WEEKLY_ACROSS_DST)
    assert raw.count(b"\n") == raw.count(b"\r\n") > 0


def test_weekly_series_across_the_october_dst_change(expand: Expand) -> None:
    assert expand(feed(BRUSSELS, WEEKLY_ACROSS_DST), *AUTUMN) == EXPECTED_WEEKLY


def test_exdate_removes_the_instance(expand: Expand) -> None:
    assert expand(feed(BRUSSELS, WITH_EXDATE), *AUTUMN) == EXPECTED_EXDATE


def test_moved_and_cancelled_overrides(expand: Expand) -> None:
    assert expand(feed(BRUSSELS, WITH_OVERRIDES), *AUTUMN) == EXPECTED_OVERRIDES


def test_a_moved_instance_is_found_at_its_new_time_only(expand: Expand) -> None:
    ics = feed(BRUSSELS, WITH_OVERRIDES)
    assert expand(ics, utc(2024, 10, 15), utc(2024, 10, 16)) == []
    assert expand(ics, utc(2024, 10, 16), utc(2024, 10, 17)) == [EXPECTED_OVERRIDES[1]]


def test_all_day_multi_day_event_has_an_exclusive_end(expand: Expand) -> None:
    ics = feed(ALL_DAY_MULTI_DAY)
    assert expand(ics, *AUTUMN) == EXPECTED_ALL_DAY
    assert expand(ics, utc(2024, 12, 26, 23), utc(2024, 12, 28)) == EXPECTED_ALL_DAY
    assert expand(ics, utc(2024, 12, 27), utc(2024, 12, 28)) == []


def test_cancelled_single_event_is_kept(expand: Expand) -> None:
    assert expand(feed(CANCELLED_SINGLE), *AUTUMN) == EXPECTED_CANCELLED


def test_text_is_unescaped_and_unfolded(expand: Expand) -> None:
    assert expand(feed(BRUSSELS, TRICKY_TEXT), *AUTUMN) == EXPECTED_TEXT


def test_overrides_only_touch_their_own_series(expand: Expand) -> None:
    """Two series share a start time; moving one's instance must leave the other alone.

    A bare `new ICAL.Event(component)` would attach every RECURRENCE-ID in the calendar to
    the first series (notes §6).
    """
    other = WEEKLY_ACROSS_DST.replace("weekly@", "twin@").replace("Weekly sync", "Twin")
    moved = """\
BEGIN:VEVENT
UID:twin@harness.test
DTSTAMP:20240901T000000Z
RECURRENCE-ID;TZID=Europe/Brussels:20241017T100000
DTSTART;TZID=Europe/Brussels:20241018T150000
DTEND;TZID=Europe/Brussels:20241018T160000
SUMMARY:Twin (moved)
END:VEVENT
"""
    result = expand(feed(BRUSSELS, WEEKLY_ACROSS_DST, other, moved), *AUTUMN)
    assert [i for i in result if i.uid == "weekly@harness.test"] == EXPECTED_WEEKLY
    assert [i.start_utc for i in result if i.uid == "twin@harness.test"] == [
        utc(2024, 10, 10, 8),
        utc(2024, 10, 18, 13),
        utc(2024, 10, 24, 8),
        utc(2024, 10, 31, 9),
    ]


def test_all_three_parsers_agree_on_a_combined_feed() -> None:
    require_icaljs()
    ics = feed(
        BRUSSELS, WEEKLY_ACROSS_DST, WITH_EXDATE, WITH_OVERRIDES, ALL_DAY_MULTI_DAY, CANCELLED_SINGLE, TRICKY_TEXT
    )
    expected = sorted(
        EXPECTED_WEEKLY + EXPECTED_EXDATE + EXPECTED_OVERRIDES + EXPECTED_ALL_DAY + EXPECTED_CANCELLED + EXPECTED_TEXT
    )
    results = expand_all(ics, *AUTUMN)
    assert set(results) == {"icalendar", "vobject", "icaljs"}
    assert results["icalendar"] == results["vobject"] == results["icaljs"] == expected


MEXICO_WEEKLY = """\
BEGIN:VEVENT
UID:mexico@harness.test
DTSTAMP:20240901T000000Z
DTSTART;TZID=America/Mexico_City:20240905T100000
DTEND;TZID=America/Mexico_City:20240905T110000
RRULE:FREQ=WEEKLY;COUNT=16
SUMMARY:Mexico weekly
END:VEVENT
"""
# 5 Sep .. 19 Dec 2024 at 10:00 in Mexico City, which tzdata puts at UTC-6 all year.
MEXICO_TRUTH = [
    timed("mexico@harness.test", utc(2024, 9, 5, 16) + timedelta(weeks=n), 60, "Mexico weekly") for n in range(16)
]


def test_a_wrong_vtimezone_makes_the_parsers_disagree(vtimezone_follower: Expand) -> None:
    ics = feed(MEXICO_CITY_PRE_2022, MEXICO_WEEKLY)
    assert expand_icalendar(ics, *AUTUMN) == MEXICO_TRUTH  # tzdata, the VTIMEZONE is ignored

    followed = vtimezone_follower(ics, *AUTUMN)
    assert followed != MEXICO_TRUTH
    shifted = [a.start_utc - b.start_utc for a, b in zip(followed, MEXICO_TRUTH, strict=True)]
    # Until the (obsolete) end of DST on 27 October the VTIMEZONE says UTC-5: 8 of 16 are 1 h early.
    assert shifted == [timedelta(hours=-1)] * 8 + [timedelta(0)] * 8


def test_a_correct_mexico_vtimezone_makes_them_agree(vtimezone_follower: Expand) -> None:
    ics = feed(MEXICO_CITY_CURRENT, MEXICO_WEEKLY)
    assert expand_icalendar(ics, *AUTUMN) == vtimezone_follower(ics, *AUTUMN) == MEXICO_TRUTH


def test_vobject_reads_each_feeds_own_vtimezone() -> None:
    """vobject's TZID registry is process-wide and first-come: the harness isolates each parse."""
    wrong, right = feed(MEXICO_CITY_PRE_2022, MEXICO_WEEKLY), feed(MEXICO_CITY_CURRENT, MEXICO_WEEKLY)
    without = feed(MEXICO_WEEKLY)
    first_wrong = expand_vobject(wrong, *AUTUMN)
    assert first_wrong != MEXICO_TRUTH
    assert expand_vobject(right, *AUTUMN) == MEXICO_TRUTH
    assert expand_vobject(without, *AUTUMN) == MEXICO_TRUTH
    assert expand_vobject(wrong, *AUTUMN) == first_wrong


def test_a_missing_vtimezone_is_floating_in_icaljs_only() -> None:
    """icalendar and vobject fall back to tzdata; ical.js reads the wall time as floating (notes §3, §6)."""
    ics = feed(WEEKLY_ACROSS_DST)
    assert expand_icalendar(ics, *AUTUMN) == expand_vobject(ics, *AUTUMN) == EXPECTED_WEEKLY
    require_icaljs()
    floating = [i.start_utc.hour for i in parsers.expand_icaljs(ics, *AUTUMN)]
    assert floating == [10, 10, 10, 10]


def test_a_dtstart_outside_its_rrule_is_expanded_three_ways() -> None:
    """RFC 5545: DTSTART is the first instance and counts towards COUNT. Only vobject does that,
    so a generator must always put DTSTART on the rule (the harness flags it when it does not)."""
    require_icaljs()
    ics = feed(BRUSSELS, WEEKLY_ACROSS_DST.replace("20241010T", "20241009T").replace("COUNT=4", "BYDAY=TH;COUNT=3"))
    starts = {name: [i.start_utc.day for i in found] for name, found in expand_all(ics, *AUTUMN).items()}
    assert starts == {"vobject": [9, 10, 17], "icalendar": [9, 10, 17, 24], "icaljs": [10, 17, 24]}


def test_icaljs_without_node_modules_says_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(parsers, "JS_DIR", tmp_path)
    assert not node_available()
    with pytest.raises(RuntimeError, match=r"npm ci --prefix tests/js"):
        parsers.expand_icaljs(feed(CANCELLED_SINGLE), *AUTUMN)


def test_the_window_must_be_aware_and_non_empty(expand: Expand) -> None:
    ics = feed(CANCELLED_SINGLE)
    with pytest.raises(ValueError, match="aware"):
        expand(ics, datetime(2024, 9, 1), AUTUMN[1])
    with pytest.raises(ValueError, match="empty window"):
        expand(ics, AUTUMN[1], AUTUMN[0])
