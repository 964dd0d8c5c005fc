"""Generated VTIMEZONEs, proven against tzdata through a reader that follows the block.

python-icalendar ignores a VTIMEZONE whose TZID is an IANA name and uses tzdata,
so it would hide a wrong block. vobject (dateutil's tzical underneath) follows the
block's own rules, like ical.js and Outlook do, so every check reads the block back
with vobject and compares it with zoneinfo instant by instant.
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from calendar_service.domain import vtimezone as vtimezone_module
from calendar_service.domain.timezones import get_zone
from calendar_service.domain.vtimezone import vtimezone, vtimezone_bytes
from calendar_service.errors import InvalidInput, UnknownTimeZone
from tests.support import parsers

ZONES = [
    "Europe/Brussels",
    "America/New_York",
    "America/Mexico_City",
    "America/Indiana/Indianapolis",
    "Africa/Accra",
    "Asia/Kathmandu",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Europe/Dublin",
    "Africa/Casablanca",
    "Pacific/Apia",
    "America/Sao_Paulo",
    "Asia/Tehran",
    "Europe/Moscow",
]

# name -> (first, last, sampling step). Every change of offset is also checked
# at its exact instant and one second either side.
SPANS = {
    "2000-2040": (datetime(2000, 1, 1, tzinfo=UTC), datetime(2040, 12, 31, 23, tzinfo=UTC), timedelta(hours=6)),
    "2024": (datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 12, 31, 23, tzinfo=UTC), timedelta(hours=1)),
}
CASES = [pytest.param(zone, span, id=f"{zone}-{span}") for zone in ZONES for span in SPANS]

DATEUTIL_FROMUTC_BUG = (
    "dateutil's tzinfo.fromutc (dateutil/tz/_common.py, behind vobject's gettzinfo()) assumes "
    "utcoffset() - dst() is the same on both sides of every change: the class of bug dateutil fixed "
    "for tzfile at Samoa's 2011 date-line jump (dateutil/dateutil#812) but not for tzical. "
    "Where the standard offset itself changes, vobject converts UTC instants up to a day around the "
    "change wrongly although the VTIMEZONE is right (its wall-clock reading is checked instead)"
)
# The only changes in SPANS where the standard offset, as dateutil derives it from
# the STANDARD/DAYLIGHT labels, differs on the two sides: Samoa's jump from -10 to
# +14 (no label gives dateutil a consistent one: DAYLIGHT would mean dst() = 24 h,
# which Python refuses) and the end of that first summer, +14 -> +13.
STANDARD_OFFSET_CHANGES = {
    "Pacific/Apia": {datetime(2011, 12, 30, 10, tzinfo=UTC), datetime(2012, 3, 31, 14, tzinfo=UTC)},
}
BUG_WINDOW = timedelta(hours=26)  # more than any offset, so covers the whole misreading


def utc(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def calendar_text(zone_name: str, first: datetime, last: datetime) -> str:
    calendar = icalendar.Calendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", "-//calendar-service//tests//EN")
    calendar.add_component(vtimezone(zone_name, first, last))
    return str(calendar.to_ical().decode("utf-8"))


def vobject_zone(text: str) -> tzinfo:
    zone = vobject.readOne(text).vtimezone.gettzinfo()
    assert isinstance(zone, tzinfo)
    return zone


def observances(text: str) -> list[dict[str, str]]:
    """Each STANDARD/DAYLIGHT block as {"KIND": ..., property name: value}."""
    blocks: list[dict[str, str]] = []
    for line in parsers.unfolded_lines(text):
        name, _, value = line.partition(":")
        if name == "BEGIN" and value in ("STANDARD", "DAYLIGHT"):
            blocks.append({"KIND": value})
        elif blocks and name == "END" and value == blocks[-1]["KIND"]:
            blocks[-1]["END"] = "yes"
        elif blocks and "END" not in blocks[-1]:
            assert name not in blocks[-1], f"{name} twice in one observance"
            blocks[-1][name] = value
    return blocks


def offset_seconds(value: str) -> int:
    sign = -1 if value[0] == "-" else 1
    digits = value[1:]
    return sign * (int(digits[:2]) * 3600 + int(digits[2:4]) * 60 + int(digits[4:6] or 0))


def offset_changes(zone: ZoneInfo, first: datetime, last: datetime, step: timedelta) -> list[datetime]:
    """Independent oracle: instants in (first, last] where zoneinfo's UTC offset changes, to the second."""
    changes: list[datetime] = []
    before, offset = first, first.astimezone(zone).utcoffset()
    while before < last:
        after = min(before + step, last)
        if after.astimezone(zone).utcoffset() != offset:
            low, high = before, after
            while high - low > timedelta(seconds=1):
                middle = low + timedelta(seconds=int((high - low).total_seconds()) // 2)
                low, high = (middle, high) if middle.astimezone(zone).utcoffset() == offset else (low, middle)
            changes.append(high)
        before, offset = after, after.astimezone(zone).utcoffset()
    return changes


def instants(first: datetime, last: datetime, step: timedelta, changes: list[datetime]) -> Iterator[datetime]:
    """Every `step` from `first` to `last`, and each change with one second either side."""
    yield from hourly(first, last, step)
    for change in changes:
        yield from around(change)


def hourly(first: datetime, last: datetime, step: timedelta = timedelta(hours=1)) -> Iterator[datetime]:
    moment = first
    while moment <= last:
        yield moment
        moment += step


def around(change: datetime) -> tuple[datetime, datetime, datetime]:
    return change - timedelta(seconds=1), change, change + timedelta(seconds=1)


def wall_clock_mismatch(moment: datetime, zone: ZoneInfo, vtz: tzinfo) -> str | None:
    """vobject's reading of the block's rules at the local wall time (fold kept) of `moment`."""
    local = moment.astimezone(zone)
    got = local.replace(tzinfo=vtz).utcoffset()
    return None if got == local.utcoffset() else f"{moment:%Y-%m-%dT%H:%M:%SZ}: {got} != {local.utcoffset()}"


def utc_conversion_mismatch(moment: datetime, zone: ZoneInfo, vtz: tzinfo) -> str | None:
    """vobject converting the UTC instant, as a reader of an event does: offset and wall time."""
    expected, got = moment.astimezone(zone), moment.astimezone(vtz)
    if got.utcoffset() == expected.utcoffset() and got.replace(tzinfo=None) == expected.replace(tzinfo=None):
        return None
    return f"{moment:%Y-%m-%dT%H:%M:%SZ}: {got.isoformat()} != {expected.isoformat()}"


def standard_offset_changes(zone: ZoneInfo, vtz: tzinfo, changes: list[datetime]) -> set[datetime]:
    """Changes where vobject's utcoffset() - dst() differs on the two sides (read at wall times)."""

    def standard(moment: datetime) -> timedelta | None:
        local = moment.astimezone(zone).replace(tzinfo=vtz)
        offset, dst = local.utcoffset(), local.dst()
        return None if offset is None or dst is None else offset - dst

    return {change for change in changes if standard(change - timedelta(seconds=1)) != standard(change)}


# --- read back by vobject: offsets equal tzdata's --------------------------------


@pytest.mark.parametrize(("zone_name", "span"), CASES)
def test_vobject_reading_of_the_block_matches_tzdata(zone_name: str, span: str) -> None:
    first, last, step = SPANS[span]
    zone = get_zone(zone_name)
    vtz = vobject_zone(calendar_text(zone_name, first, last))
    changes = offset_changes(zone, first, last, step)
    known = STANDARD_OFFSET_CHANGES.get(zone_name, set())
    windows = standard_offset_changes(zone, vtz, changes)
    assert windows <= known, f"dateutil would see a standard-offset change at {sorted(windows - known)}"

    checks = [
        utc_conversion_mismatch(moment, zone, vtz)
        for moment in instants(first, last, step, changes)
        if not any(abs(moment - change) <= BUG_WINDOW for change in windows)
    ]
    # The block's rules as vobject reads them at wall-clock times: around every
    # change, and hourly where its UTC conversion cannot be trusted.
    checks += [wall_clock_mismatch(moment, zone, vtz) for change in changes for moment in around(change)]
    checks += [
        wall_clock_mismatch(moment, zone, vtz)
        for change in windows
        for moment in hourly(change - BUG_WINDOW, change + BUG_WINDOW)
    ]
    problems = [problem for problem in checks if problem]
    assert not problems, f"{len(problems)} mismatches, first: {problems[:5]}"


@pytest.mark.parametrize("zone_name", sorted(STANDARD_OFFSET_CHANGES))
def test_vobject_reads_wall_clocks_right_next_to_standard_offset_changes(zone_name: str) -> None:
    first, last, _ = SPANS["2000-2040"]
    zone = get_zone(zone_name)
    vtz = vobject_zone(calendar_text(zone_name, first, last))
    changes = sorted(STANDARD_OFFSET_CHANGES[zone_name])
    assert standard_offset_changes(zone, vtz, changes) == set(changes)
    for change in changes:
        for moment in hourly(change - BUG_WINDOW, change + BUG_WINDOW):
            assert wall_clock_mismatch(moment, zone, vtz) is None


@pytest.mark.xfail(
    strict=True,
    reason=DATEUTIL_FROMUTC_BUG + "; when this passes, drop STANDARD_OFFSET_CHANGES and this marker",
)
@pytest.mark.parametrize("zone_name", sorted(STANDARD_OFFSET_CHANGES))
def test_vobject_utc_conversion_next_to_standard_offset_changes(zone_name: str) -> None:
    first, last, _ = SPANS["2000-2040"]
    zone = get_zone(zone_name)
    vtz = vobject_zone(calendar_text(zone_name, first, last))
    wrong = [
        problem
        for change in sorted(STANDARD_OFFSET_CHANGES[zone_name])
        for moment in hourly(change - BUG_WINDOW, change + BUG_WINDOW)
        if (problem := utc_conversion_mismatch(moment, zone, vtz))
    ]
    assert not wrong, f"{len(wrong)} hourly instants, e.g. {wrong[0]}"


# --- shape ----------------------------------------------------------------------


@pytest.mark.parametrize(("zone_name", "span"), CASES)
def test_block_shape_is_safe_for_every_reader(zone_name: str, span: str) -> None:
    first, last, _ = SPANS[span]
    text = calendar_text(zone_name, first, last)
    lines = parsers.unfolded_lines(text)
    assert [line for line in lines if line.startswith("TZID")] == [f"TZID:{zone_name}"]
    for line in lines:
        name = line.split(":")[0].split(";")[0]
        assert name not in ("COMMENT", "LAST-MODIFIED", "DTSTAMP", "X-LIC-LOCATION"), line
        if name == "RDATE":
            assert "," not in line.partition(":")[2], f"RDATE list (vobject and ical.js read one value): {line}"
    blocks = observances(text)
    assert blocks
    for block in blocks:
        assert {"DTSTART", "TZOFFSETFROM", "TZOFFSETTO", "TZNAME"} <= block.keys(), block
        assert "T" in block["DTSTART"] and not block["DTSTART"].endswith("Z"), block
        rule = block.get("RRULE")
        if rule is not None:
            assert rule.startswith("FREQ=YEARLY;"), rule
            until = [part for part in rule.split(";") if part.startswith("UNTIL=")]
            assert all(part.endswith("Z") for part in until), rule
        # DAYLIGHT is the larger offset of its change (Dublin's negative DST included),
        # except a jump of a whole day, which no tzinfo may report as dst().
        increase = offset_seconds(block["TZOFFSETTO"]) - offset_seconds(block["TZOFFSETFROM"])
        assert (block["KIND"] == "DAYLIGHT") == (0 < increase < 24 * 3600), block
    zone = get_zone(zone_name)
    onsets = []
    for block in blocks:  # read as ical.js does: the onset is DTSTART on the TZOFFSETFROM clock
        onset = datetime.strptime(block["DTSTART"], "%Y%m%dT%H%M%S").replace(tzinfo=UTC) - timedelta(
            seconds=offset_seconds(block["TZOFFSETFROM"])
        )
        before, after = (onset - timedelta(seconds=1)).astimezone(zone), onset.astimezone(zone)
        assert before.utcoffset() == timedelta(seconds=offset_seconds(block["TZOFFSETFROM"])), block
        assert after.utcoffset() == timedelta(seconds=offset_seconds(block["TZOFFSETTO"])), block
        assert after.tzname() == block["TZNAME"], block
        onsets.append(onset)
    assert min(onsets) <= first, "no observance covers the first instant"


RULE_ZONES = [
    "Europe/Brussels",
    "Europe/Dublin",
    "America/New_York",
    "America/Indiana/Indianapolis",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Europe/Moscow",
]


@pytest.mark.parametrize("zone_name", RULE_ZONES)
def test_rule_based_zones_stay_compact(zone_name: str) -> None:
    first, last, _ = SPANS["2000-2040"]
    assert len(observances(calendar_text(zone_name, first, last))) <= 8
    first, last, _ = SPANS["2024"]
    assert len(observances(calendar_text(zone_name, first, last))) <= 2


def rules(zone_name: str, first: datetime, last: datetime) -> list[tuple[str, str, str, str, str | None]]:
    return [
        (block["KIND"], block["DTSTART"], block["TZOFFSETFROM"], block["TZOFFSETTO"], block.get("RRULE"))
        for block in observances(calendar_text(zone_name, first, last))
    ]


def test_brussels_is_two_open_ended_eu_rules() -> None:
    assert rules("Europe/Brussels", utc(2000, 1, 1), utc(2040, 12, 31)) == [
        ("DAYLIGHT", "19990328T020000", "+0100", "+0200", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"),
        ("STANDARD", "19991031T030000", "+0200", "+0100", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"),
    ]


def test_new_york_old_rules_end_with_utc_until_and_the_2007_rules_stay_open() -> None:
    assert rules("America/New_York", utc(2000, 1, 1), utc(2040, 12, 31)) == [
        ("DAYLIGHT", "19990404T020000", "-0500", "-0400", "FREQ=YEARLY;UNTIL=20060402T070000Z;BYDAY=1SU;BYMONTH=4"),
        ("STANDARD", "19991031T020000", "-0400", "-0500", "FREQ=YEARLY;UNTIL=20061029T060000Z;BYDAY=-1SU;BYMONTH=10"),
        ("DAYLIGHT", "20070311T020000", "-0500", "-0400", "FREQ=YEARLY;BYDAY=2SU;BYMONTH=3"),
        ("STANDARD", "20071104T020000", "-0400", "-0500", "FREQ=YEARLY;BYDAY=1SU;BYMONTH=11"),
    ]


def test_a_rule_that_ends_after_the_range_is_not_open_ended() -> None:
    # 2000-2001 sees only the pre-2007 US rules: they must stop (in 2002, the last year scanned).
    blocks = rules("America/New_York", utc(2000, 1, 1), utc(2001, 6, 1))
    assert [rule for *_, rule in blocks] == [
        "FREQ=YEARLY;UNTIL=20020407T070000Z;BYDAY=1SU;BYMONTH=4",
        "FREQ=YEARLY;UNTIL=20021027T060000Z;BYDAY=-1SU;BYMONTH=10",
    ]


def test_until_is_never_before_the_local_onset_of_the_last_change() -> None:
    # Moscow's EU-style rule ended in 2010 (+04 -> +03 at 03:00 local = 23:00Z the day
    # before). dateutil and ical.js compare UNTIL with the local onset, so UNTIL
    # must not be 23:00Z or they drop the last change.
    blocks = rules("Europe/Moscow", utc(2000, 1, 1), utc(2040, 12, 31))
    assert (
        "STANDARD",
        "19991031T030000",
        "+0400",
        "+0300",
        "FREQ=YEARLY;UNTIL=20101031T030000Z;BYDAY=-1SU;BYMONTH=10",
    ) in blocks


def test_mexico_city_keeps_no_rule_after_dst_was_abolished() -> None:
    blocks = rules("America/Mexico_City", utc(2000, 1, 1), utc(2040, 12, 31))
    assert all(rule is None or "UNTIL=" in rule for *_, rule in blocks)
    assert blocks[-1] == (
        "STANDARD",
        "20021027T020000",
        "-0500",
        "-0600",
        "FREQ=YEARLY;UNTIL=20221030T070000Z;BYDAY=-1SU;BYMONTH=10",
    )


@pytest.mark.parametrize(
    ("zone_name", "offset"),
    [
        ("America/Mexico_City", "-0600"),
        ("Asia/Kolkata", "+0530"),
        ("Asia/Kathmandu", "+0545"),
        ("Africa/Accra", "+0000"),
        ("UTC", "+0000"),
        ("Etc/GMT+5", "-0500"),
    ],
)
def test_zones_without_changes_get_one_standard_observance(zone_name: str, offset: str) -> None:
    [(kind, start, offset_from, offset_to, rule)] = rules(zone_name, utc(2024, 3, 1), utc(2024, 11, 1))
    assert (kind, offset_from, offset_to, rule) == ("STANDARD", offset, offset, None)
    assert start < "20240301T000000"


def test_one_off_changes_are_single_onsets_not_rdate_lists() -> None:
    blocks = observances(calendar_text("Pacific/Apia", utc(2000, 1, 1), utc(2040, 12, 31)))
    jump = [block for block in blocks if block["TZOFFSETFROM"] == "-1000" and block["TZOFFSETTO"] == "+1400"]
    assert jump == [
        {
            "KIND": "STANDARD",
            "DTSTART": "20111230T000000",
            "TZNAME": "+14",
            "TZOFFSETFROM": "-1000",
            "TZOFFSETTO": "+1400",
            "END": "yes",
        }
    ]


def test_chile_rules_use_a_week_of_month_days() -> None:
    blocks = rules("America/Santiago", utc(2024, 1, 1), utc(2024, 12, 31))
    assert blocks == [
        ("STANDARD", "20230402T000000", "-0300", "-0400", "FREQ=YEARLY;BYDAY=SU;BYMONTHDAY=2,3,4,5,6,7,8;BYMONTH=4"),
        ("DAYLIGHT", "20230903T000000", "-0400", "-0300", "FREQ=YEARLY;BYDAY=SU;BYMONTHDAY=2,3,4,5,6,7,8;BYMONTH=9"),
    ]


def test_dublin_summer_is_daylight_despite_negative_dst_in_tzdata() -> None:
    blocks = observances(calendar_text("Europe/Dublin", utc(2024, 1, 1), utc(2024, 12, 31)))
    assert {(block["KIND"], block["TZOFFSETTO"], block["TZNAME"]) for block in blocks} == {
        ("DAYLIGHT", "+0100", "IST"),
        ("STANDARD", "+0000", "GMT"),
    }


def test_years_after_2037_follow_the_zone_rule() -> None:
    first, last = utc(2090, 1, 1), utc(2091, 12, 31)
    zone = get_zone("America/New_York")
    vtz = vobject_zone(calendar_text("America/New_York", first, last))
    changes = offset_changes(zone, first, last, timedelta(hours=6))
    assert len(changes) == 4
    problems = [
        utc_conversion_mismatch(moment, zone, vtz) for moment in instants(first, last, timedelta(hours=3), changes)
    ]
    assert not [problem for problem in problems if problem]


# --- determinism and input -----------------------------------------------------


def test_output_is_byte_identical_across_calls_and_processes() -> None:
    first, last = utc(2000, 1, 1), utc(2040, 12, 31)
    zones = ["Europe/Brussels", "Africa/Casablanca", "America/Santiago", "Pacific/Apia"]
    once = [vtimezone_bytes(zone, first, last) for zone in zones]
    vtimezone_module._observances.cache_clear()
    assert [vtimezone_bytes(zone, first, last) for zone in zones] == once
    assert vtimezone_bytes("Europe/Brussels", utc(2024, 2, 1), utc(2024, 5, 1)) == vtimezone_bytes(
        "Europe/Brussels", utc(2024, 9, 1), utc(2024, 12, 31, 23)
    ), "same years, same bytes"
    script = (
        "import sys; from datetime import datetime, UTC; "
        "from calendar_service.domain.vtimezone import vtimezone_bytes; "
        f"[sys.stdout.buffer.write(vtimezone_bytes(z, datetime(2000, 1, 1, tzinfo=UTC), "
        f"datetime(2040, 12, 31, tzinfo=UTC))) for z in {zones!r}]"
    )
    root = Path(__file__).resolve().parents[3]
    other = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        check=True,
        cwd=root,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        timeout=60,
    )
    assert other.stdout == b"".join(once)
    assert b"\r\n" in once[0] and all(len(line) <= 75 for part in once for line in part.split(b"\r\n"))


def test_zone_names_are_canonicalised() -> None:
    assert b"TZID:Europe/Brussels\r\n" in vtimezone_bytes("europe/brussels", utc(2024, 1, 1), utc(2024, 2, 1))


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (datetime(2024, 1, 1), utc(2024, 2, 1)),
        (utc(2024, 1, 1), datetime(2024, 2, 1)),
        (utc(2024, 2, 1), utc(2024, 1, 1)),
    ],
)
def test_bad_ranges_are_refused(first: datetime, last: datetime) -> None:
    with pytest.raises(InvalidInput):
        vtimezone("Europe/Brussels", first, last)


def test_unknown_zones_are_refused() -> None:
    with pytest.raises(UnknownTimeZone):
        vtimezone("Europe/Bruxelles", utc(2024, 1, 1), utc(2024, 2, 1))
