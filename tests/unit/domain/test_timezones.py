"""Local wall clock + IANA zone <-> UTC: known cases, DST gaps and folds, zone lookup, parsing."""

import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
import tzdata

from calendar_service.domain.timezones import (
    TZDB_VERSION,
    canonical_zone_name,
    classify,
    day_start_utc,
    fold_of,
    format_offset,
    from_utc,
    get_zone,
    iso_local,
    iso_utc,
    iso_with_offset,
    parse_local_date,
    parse_local_datetime,
    to_utc,
    to_utc_lenient,
)
from calendar_service.errors import (
    AmbiguousLocalTime,
    InvalidInput,
    NonexistentLocalTime,
    UnknownTimeZone,
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# --- the pinned tz database ---------------------------------------------------


def test_zoneinfo_reads_only_the_pinned_tzdata_package_not_the_os_copy() -> None:
    assert zoneinfo.TZPATH == ()
    assert TZDB_VERSION == tzdata.IANA_VERSION
    assert TZDB_VERSION[:4].isdigit()


# --- known conversions --------------------------------------------------------

KNOWN_CONVERSIONS = [
    # (zone, local wall clock, UTC instant)
    pytest.param(
        "America/New_York", datetime(2024, 9, 21, 11, 15), utc(2024, 9, 21, 15, 15), id="power-of-commons-start"
    ),
    pytest.param(
        "America/New_York", datetime(2024, 9, 21, 12, 30), utc(2024, 9, 21, 16, 30), id="power-of-commons-end"
    ),
    pytest.param("America/Mexico_City", datetime(2024, 9, 5, 17), utc(2024, 9, 5, 23), id="mexico-2024-no-dst"),
    pytest.param("America/Mexico_City", datetime(2024, 1, 11, 17), utc(2024, 1, 11, 23), id="mexico-winter"),
    pytest.param("America/Mexico_City", datetime(2022, 7, 7, 17), utc(2022, 7, 7, 22), id="mexico-2022-still-had-dst"),
    pytest.param("Europe/Brussels", datetime(2024, 10, 24, 10), utc(2024, 10, 24, 8), id="brussels-cest"),
    pytest.param("Europe/Brussels", datetime(2024, 10, 31, 10), utc(2024, 10, 31, 9), id="brussels-cet"),
    pytest.param("America/Indiana/Indianapolis", datetime(2024, 7, 4, 12), utc(2024, 7, 4, 16), id="indiana-edt"),
    pytest.param("America/Indiana/Indianapolis", datetime(2024, 1, 4, 12), utc(2024, 1, 4, 17), id="indiana-est"),
    pytest.param(
        "America/Indiana/Indianapolis", datetime(2005, 7, 4, 12), utc(2005, 7, 4, 17), id="indiana-2005-no-dst-yet"
    ),
    pytest.param("Australia/Sydney", datetime(2024, 7, 1, 9), utc(2024, 6, 30, 23), id="sydney-aest-winter"),
    pytest.param("Australia/Sydney", datetime(2024, 12, 1, 9), utc(2024, 11, 30, 22), id="sydney-aedt-summer"),
    pytest.param("America/Santiago", datetime(2024, 7, 1, 9), utc(2024, 7, 1, 13), id="santiago-winter"),
    pytest.param("America/Santiago", datetime(2024, 12, 1, 9), utc(2024, 12, 1, 12), id="santiago-summer"),
    pytest.param("Australia/Lord_Howe", datetime(2024, 7, 1, 9), utc(2024, 6, 30, 22, 30), id="lord-howe-+1030"),
    pytest.param("Australia/Lord_Howe", datetime(2024, 12, 1, 9), utc(2024, 11, 30, 22), id="lord-howe-+11"),
    pytest.param("Asia/Kathmandu", datetime(2024, 9, 21, 12), utc(2024, 9, 21, 6, 15), id="kathmandu-+0545"),
    pytest.param("Asia/Kathmandu", datetime(2024, 1, 1, 0), utc(2023, 12, 31, 18, 15), id="kathmandu-previous-utc-day"),
    pytest.param("America/St_Johns", datetime(2024, 7, 1, 12), utc(2024, 7, 1, 14, 30), id="st-johns--0230"),
    pytest.param("Pacific/Chatham", datetime(2024, 12, 1, 12), utc(2024, 11, 30, 22, 15), id="chatham-+1345"),
    pytest.param("America/New_York", datetime(2039, 7, 4, 12), utc(2039, 7, 4, 16), id="new-york-2039-edt"),
    pytest.param("UTC", datetime(2024, 2, 29, 23, 59, 59), utc(2024, 2, 29, 23, 59, 59), id="utc"),
]


@pytest.mark.parametrize(("zone", "local", "expected"), KNOWN_CONVERSIONS)
def test_local_wall_clock_converts_to_the_known_utc_instant(zone: str, local: datetime, expected: datetime) -> None:
    assert to_utc(local, zone) == expected


@pytest.mark.parametrize(("zone", "local", "expected"), KNOWN_CONVERSIONS)
def test_known_utc_instant_converts_back_to_the_same_wall_clock(zone: str, local: datetime, expected: datetime) -> None:
    back = from_utc(expected, zone)
    assert back.replace(tzinfo=None) == local
    assert back.utcoffset() == local - expected.replace(tzinfo=None)


def test_new_york_july_2039_is_daylight_time_beyond_pytz_2037_table() -> None:
    # zoneinfo reads the POSIX footer: EDT in 2039 as in every year.
    assert from_utc(to_utc(datetime(2039, 7, 4, 12), "America/New_York"), "America/New_York").utcoffset() == (
        timedelta(hours=-4)
    )


# --- DST gaps -------------------------------------------------------------------

GAPS = [
    # (zone, nonexistent local time, first valid wall clock after the gap)
    pytest.param("America/New_York", datetime(2024, 3, 10, 2, 30), "03:00", id="new-york"),
    pytest.param("Europe/Brussels", datetime(2024, 3, 31, 2, 30), "03:00", id="brussels"),
    pytest.param("Australia/Sydney", datetime(2024, 10, 6, 2, 30), "03:00", id="sydney"),
    pytest.param("America/Santiago", datetime(2024, 9, 8, 0, 30), "01:00", id="santiago-midnight-skipped"),
    pytest.param("Australia/Lord_Howe", datetime(2024, 10, 6, 2, 15), "02:30", id="lord-howe-30-minute-gap"),
    pytest.param("America/Havana", datetime(2024, 3, 10, 0, 0), "01:00", id="havana-midnight-skipped"),
]


@pytest.mark.parametrize(("zone", "local", "after"), GAPS)
@pytest.mark.parametrize("field", ["start", "end"])
def test_local_time_in_dst_gap_is_refused_naming_the_field(zone: str, local: datetime, after: str, field: str) -> None:
    with pytest.raises(NonexistentLocalTime) as caught:
        to_utc(local, zone, field=field)
    error = caught.value
    assert error.field == field
    assert error.message.startswith(f"{field}: ")
    assert local.isoformat() in error.message
    assert "does not exist" in error.message
    assert zone in error.message
    assert f"from {after} on" in error.message


@pytest.mark.parametrize(("zone", "local", "after"), GAPS)
@pytest.mark.parametrize("fold", [0, 1])
def test_fold_does_not_make_a_dst_gap_time_acceptable(zone: str, local: datetime, after: str, fold: int) -> None:
    with pytest.raises(NonexistentLocalTime):
        to_utc(local, zone, fold)


@pytest.mark.parametrize(("zone", "local", "after"), GAPS)
def test_gap_time_is_classified_gap(zone: str, local: datetime, after: str) -> None:
    assert classify(local, get_zone(zone)) == "gap"


@pytest.mark.parametrize(
    ("zone", "local", "expected"),
    [
        # RFC 5545 §3.3.5: a generated time in a gap takes the offset from before the gap.
        pytest.param("America/New_York", datetime(2024, 3, 10, 2, 30), utc(2024, 3, 10, 7, 30), id="new-york"),
        pytest.param("Europe/Brussels", datetime(2024, 3, 31, 2, 30), utc(2024, 3, 31, 1, 30), id="brussels"),
        pytest.param("Australia/Sydney", datetime(2024, 10, 6, 2, 30), utc(2024, 10, 5, 16, 30), id="sydney"),
        pytest.param("Australia/Lord_Howe", datetime(2024, 10, 6, 2, 15), utc(2024, 10, 5, 15, 45), id="lord-howe"),
    ],
)
def test_lenient_conversion_reads_gap_time_with_offset_from_before_the_gap(
    zone: str, local: datetime, expected: datetime
) -> None:
    assert to_utc_lenient(local, get_zone(zone)) == expected


# --- DST folds ------------------------------------------------------------------

FOLDS = [
    # (zone, ambiguous local time, UTC for fold=0 (first), UTC for fold=1 (second), offsets)
    pytest.param(
        "America/New_York",
        datetime(2024, 11, 3, 1, 30),
        utc(2024, 11, 3, 5, 30),
        utc(2024, 11, 3, 6, 30),
        ("UTC-04:00", "UTC-05:00"),
        id="new-york",
    ),
    pytest.param(
        "Europe/Brussels",
        datetime(2024, 10, 27, 2, 30),
        utc(2024, 10, 27, 0, 30),
        utc(2024, 10, 27, 1, 30),
        ("UTC+02:00", "UTC+01:00"),
        id="brussels",
    ),
    pytest.param(
        "Australia/Sydney",
        datetime(2024, 4, 7, 2, 30),
        utc(2024, 4, 6, 15, 30),
        utc(2024, 4, 6, 16, 30),
        ("UTC+11:00", "UTC+10:00"),
        id="sydney",
    ),
    pytest.param(
        "America/Santiago",
        datetime(2024, 4, 6, 23, 30),
        utc(2024, 4, 7, 2, 30),
        utc(2024, 4, 7, 3, 30),
        ("UTC-03:00", "UTC-04:00"),
        id="santiago",
    ),
    pytest.param(
        "Australia/Lord_Howe",
        datetime(2024, 4, 7, 1, 45),
        utc(2024, 4, 6, 14, 45),
        utc(2024, 4, 6, 15, 15),
        ("UTC+11:00", "UTC+10:30"),
        id="lord-howe-30-minute-fold",
    ),
]


@pytest.mark.parametrize(("zone", "local", "first", "second", "offsets"), FOLDS)
def test_ambiguous_local_time_without_fold_is_refused_offering_both_offsets(
    zone: str, local: datetime, first: datetime, second: datetime, offsets: tuple[str, str]
) -> None:
    with pytest.raises(AmbiguousLocalTime) as caught:
        to_utc(local, zone, field="end")
    error = caught.value
    assert error.field == "end"
    assert error.message.startswith("end: ")
    assert "happens twice" in error.message
    assert f"fold=0 for the first ({offsets[0]})" in error.message
    assert f"fold=1 for the second ({offsets[1]})" in error.message


@pytest.mark.parametrize(("zone", "local", "first", "second", "offsets"), FOLDS)
def test_fold_0_picks_the_first_and_fold_1_the_second_instant(
    zone: str, local: datetime, first: datetime, second: datetime, offsets: tuple[str, str]
) -> None:
    assert to_utc(local, zone, 0) == first
    assert to_utc(local, zone, 1) == second
    assert second > first


@pytest.mark.parametrize(("zone", "local", "first", "second", "offsets"), FOLDS)
def test_both_instants_of_a_fold_convert_back_with_their_fold(
    zone: str, local: datetime, first: datetime, second: datetime, offsets: tuple[str, str]
) -> None:
    for fold, instant in ((0, first), (1, second)):
        back = from_utc(instant, zone)
        assert back.replace(tzinfo=None) == local
        assert back.fold == fold
        assert fold_of(instant, get_zone(zone)) == fold


@pytest.mark.parametrize(("zone", "local", "first", "second", "offsets"), FOLDS)
def test_fold_time_is_classified_fold_and_lenient_reading_takes_the_first(
    zone: str, local: datetime, first: datetime, second: datetime, offsets: tuple[str, str]
) -> None:
    assert classify(local, get_zone(zone)) == "fold"
    assert to_utc_lenient(local, get_zone(zone)) == first
    assert to_utc_lenient(local, get_zone(zone), fold=1) == second


@pytest.mark.parametrize("fold", [2, -1])
def test_fold_other_than_0_or_1_leaves_an_ambiguous_time_refused(fold: int) -> None:
    with pytest.raises(AmbiguousLocalTime):
        to_utc(datetime(2024, 11, 3, 1, 30), "America/New_York", fold)


@pytest.mark.parametrize("fold", [0, 1])
def test_fold_is_ignored_for_an_unambiguous_time(fold: int) -> None:
    assert to_utc(datetime(2024, 9, 21, 11, 15), "America/New_York", fold) == utc(2024, 9, 21, 15, 15)


@pytest.mark.parametrize(
    ("zone", "local", "kind"),
    [
        ("America/New_York", datetime(2024, 3, 10, 1, 59), "normal"),
        ("America/New_York", datetime(2024, 3, 10, 2, 0), "gap"),
        ("America/New_York", datetime(2024, 3, 10, 2, 59, 59), "gap"),
        ("America/New_York", datetime(2024, 3, 10, 3, 0), "normal"),
        ("America/New_York", datetime(2024, 11, 3, 0, 59, 59), "normal"),
        ("America/New_York", datetime(2024, 11, 3, 1, 0), "fold"),
        ("America/New_York", datetime(2024, 11, 3, 1, 59, 59), "fold"),
        ("America/New_York", datetime(2024, 11, 3, 2, 0), "normal"),
        ("Australia/Lord_Howe", datetime(2024, 10, 6, 2, 0), "gap"),
        ("Australia/Lord_Howe", datetime(2024, 10, 6, 2, 30), "normal"),
        ("Australia/Lord_Howe", datetime(2024, 4, 7, 1, 29), "normal"),
        ("Australia/Lord_Howe", datetime(2024, 4, 7, 1, 30), "fold"),
        ("Australia/Lord_Howe", datetime(2024, 4, 7, 2, 0), "normal"),
        ("America/Mexico_City", datetime(2024, 4, 7, 2, 30), "normal"),  # no DST since 2022
        ("America/Mexico_City", datetime(2024, 10, 27, 1, 30), "normal"),
        ("Asia/Kathmandu", datetime(2024, 3, 31, 2, 30), "normal"),
    ],
)
def test_classify_tells_normal_gap_and_fold_at_the_edges(zone: str, local: datetime, kind: str) -> None:
    assert classify(local, get_zone(zone)) == kind


# --- day starts (all-day events) -----------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "expected"),
    [
        pytest.param("America/New_York", date(2024, 9, 21), utc(2024, 9, 21, 4), id="new-york-midnight"),
        pytest.param("Asia/Kathmandu", date(2024, 9, 21), utc(2024, 9, 20, 18, 15), id="kathmandu"),
        pytest.param("America/Santiago", date(2024, 9, 8), utc(2024, 9, 8, 4), id="santiago-day-starts-at-01:00"),
        pytest.param("America/Havana", date(2024, 3, 10), utc(2024, 3, 10, 5), id="havana-day-starts-at-01:00"),
        pytest.param("America/Havana", date(2024, 11, 3), utc(2024, 11, 3, 4), id="havana-first-of-two-midnights"),
    ],
)
def test_day_start_is_the_first_instant_of_the_local_day(zone: str, day: date, expected: datetime) -> None:
    assert day_start_utc(day, get_zone(zone)) == expected


# --- zone lookup ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("Europe/Brussels", "Europe/Brussels"),
        ("europe/brussels", "Europe/Brussels"),
        ("AMERICA/MEXICO_CITY", "America/Mexico_City"),
        ("  Asia/Kathmandu  ", "Asia/Kathmandu"),
        ("america/indiana/indianapolis", "America/Indiana/Indianapolis"),
        ("utc", "UTC"),
    ],
)
def test_zone_names_are_matched_case_insensitively_and_canonicalised(given: str, canonical: str) -> None:
    assert get_zone(given).key == canonical
    assert canonical_zone_name(given) == canonical


@pytest.mark.parametrize(
    ("given", "suggestion"),
    [
        ("America/New_Yrok", "America/New_York"),
        ("Europe/Brusels", "Europe/Brussels"),
        ("Australia/Sidney", "Australia/Sydney"),
        ("America/Mexico City", "America/Mexico_City"),
    ],
)
def test_unknown_zone_error_names_the_zone_and_suggests_a_close_match(given: str, suggestion: str) -> None:
    with pytest.raises(UnknownTimeZone) as caught:
        get_zone(given)
    assert caught.value.field == "timezone"
    assert f"'{given}'" in caught.value.message
    assert f"Did you mean '{suggestion}'?" in caught.value.message


def test_unknown_zone_without_close_match_points_to_iana_names() -> None:
    with pytest.raises(UnknownTimeZone) as caught:
        get_zone("Mars/Olympus_Mons")
    assert "'Mars/Olympus_Mons'" in caught.value.message
    assert "Did you mean" not in caught.value.message
    assert "IANA" in caught.value.message


@pytest.mark.parametrize("given", ["", "   ", None, 42])
def test_missing_zone_is_refused_as_required(given: object) -> None:
    with pytest.raises(UnknownTimeZone) as caught:
        get_zone(given)  # type: ignore[arg-type]
    assert "required" in caught.value.message
    assert caught.value.field == "timezone"


def test_unknown_zone_error_carries_the_callers_field_name() -> None:
    with pytest.raises(UnknownTimeZone) as caught:
        get_zone("Nowhere/Land", "tz")
    assert caught.value.field == "tz"
    assert caught.value.message.startswith("tz: ")


def test_strict_conversion_refuses_an_unknown_zone() -> None:
    with pytest.raises(UnknownTimeZone, match="America/New_Yrok"):
        to_utc(datetime(2024, 9, 21, 11, 15), "America/New_Yrok")


def test_from_utc_refuses_an_unknown_zone_as_field_tz() -> None:
    with pytest.raises(UnknownTimeZone) as caught:
        from_utc(utc(2024, 9, 21), "Europe/Brusels")
    assert caught.value.field == "tz"


# --- parsing local times --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-09-21T11:15:00", datetime(2024, 9, 21, 11, 15)),
        ("2024-09-21T11:15", datetime(2024, 9, 21, 11, 15)),
        ("2024-09-21 11:15:30", datetime(2024, 9, 21, 11, 15, 30)),
        (" 2024-09-21T11:15:00 ", datetime(2024, 9, 21, 11, 15)),
        ("2024-02-29T00:00", datetime(2024, 2, 29)),
    ],
)
def test_local_datetime_is_parsed_as_naive_wall_clock(text: str, expected: datetime) -> None:
    parsed = parse_local_datetime(text, "start")
    assert parsed == expected
    assert parsed.tzinfo is None


@pytest.mark.parametrize("text", ["2024-09-21T11:15:00Z", "2024-09-21T11:15:00+02:00", "2024-09-21T11:15-0500"])
def test_local_datetime_with_utc_offset_is_refused_asking_for_local_time(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_local_datetime(text, "start")
    assert caught.value.field == "start"
    assert "carries a UTC offset" in caught.value.message
    assert "send the local wall-clock time" in caught.value.message


@pytest.mark.parametrize(
    "text", ["2024-09-21", "21/09/2024 11:15", "2024-09-21T11:15:00.5", "tomorrow", "", 20240921, None]
)
def test_malformed_local_datetime_is_refused_naming_the_field(text: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_local_datetime(text, "end")
    assert caught.value.field == "end"
    assert "expected a local time" in caught.value.message


@pytest.mark.parametrize("text", ["2023-02-29T10:00", "2024-09-31T10:00", "2024-09-21T24:00", "2024-09-21T11:60"])
def test_impossible_calendar_datetime_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="not a real calendar date or time") as caught:
        parse_local_datetime(text, "start")
    assert caught.value.field == "start"


def test_local_date_is_parsed_and_bad_dates_refused() -> None:
    assert parse_local_date(" 2024-09-21 ", "start") == date(2024, 9, 21)
    with pytest.raises(InvalidInput, match="not a real calendar date"):
        parse_local_date("2023-02-29", "end")
    with pytest.raises(InvalidInput, match="expected a date") as caught:
        parse_local_date("2024-09-21T00:00", "end")
    assert caught.value.field == "end"


# --- formatting ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "text"),
    [
        (timedelta(hours=5, minutes=45), "UTC+05:45"),
        (timedelta(hours=-3, minutes=-30), "UTC-03:30"),
        (timedelta(hours=-4), "UTC-04:00"),
        (timedelta(hours=10, minutes=30), "UTC+10:30"),
        (timedelta(hours=13, minutes=45), "UTC+13:45"),
        (timedelta(0), "UTC+00:00"),
    ],
)
def test_format_offset_writes_sign_hours_and_minutes(offset: timedelta, text: str) -> None:
    assert format_offset(offset) == text


def test_iso_helpers_write_utc_local_and_offset_forms() -> None:
    instant = to_utc(datetime(2024, 9, 21, 12), "Asia/Kathmandu")
    assert iso_utc(instant) == "2024-09-21T06:15:00Z"
    assert iso_with_offset(from_utc(instant, "Asia/Kathmandu")) == "2024-09-21T12:00:00+05:45"
    assert iso_local(from_utc(utc(2024, 11, 3, 6, 30), "America/New_York")) == "2024-11-03T01:30:00"
    assert iso_utc(datetime(2024, 9, 21, 12, tzinfo=get_zone("Europe/Brussels"))) == "2024-09-21T10:00:00Z"
