"""parse_timing / parse_override: the single gate from client strings to a validated Timing."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from calendar_service.domain.recurrence import MAX_LIST, exact_duration, expand, master_span_utc
from calendar_service.domain.timing import format_point, parse_override, parse_timing
from calendar_service.domain.values import Timing
from calendar_service.errors import (
    AmbiguousLocalTime,
    InvalidInput,
    InvalidRecurrence,
    NonexistentLocalTime,
    UnknownTimeZone,
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def timed(**changes: Any) -> Timing:
    values: dict[str, Any] = {"zone": "America/New_York", "start": "2024-09-21T11:15:00", "end": "2024-09-21T12:30:00"}
    values.update(changes)
    return parse_timing(**values)


def diplomado(**changes: Any) -> Timing:
    values: dict[str, Any] = {
        "zone": "America/Mexico_City",
        "start": "2024-09-05T17:00:00",
        "end": "2024-09-05T19:00:00",
        "rrule": "FREQ=WEEKLY;BYDAY=TH;UNTIL=20241220T005959Z",
    }
    values.update(changes)
    return parse_timing(**values)


def refused(error: type[Exception], **changes: Any) -> Any:
    with pytest.raises(error) as caught:
        timed(**changes)
    return caught.value


# --- timed events --------------------------------------------------------------------


def test_power_of_the_commons_is_stored_as_local_wall_clock_and_zone() -> None:
    timing = timed()
    assert timing == Timing(
        zone="America/New_York", start=datetime(2024, 9, 21, 11, 15), end=datetime(2024, 9, 21, 12, 30)
    )
    assert not timing.recurring
    assert master_span_utc(timing) == (utc(2024, 9, 21, 15, 15), utc(2024, 9, 21, 16, 30))


def test_zone_is_canonicalised() -> None:
    assert timed(zone="america/new_york").zone == "America/New_York"


def test_unknown_zone_is_refused_naming_the_zone_and_a_close_match() -> None:
    error = refused(UnknownTimeZone, zone="America/New_Yrok")
    assert error.field == "timezone"
    assert "'America/New_Yrok'" in error.message
    assert "America/New_York" in error.message.split("Did you mean", 1)[1]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start", "2024-09-21T11:15:00Z"),
        ("start", "2024-09-21T15:15:00+00:00"),
        ("end", "2024-09-21T12:30:00-04:00"),
    ],
)
def test_time_with_utc_offset_is_refused_asking_for_local_time(field: str, value: str) -> None:
    error = refused(InvalidInput, **{field: value})
    assert error.field == field
    assert "send the local wall-clock time" in error.message
    assert "timezone" in error.message


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2024-09-21T11:15:00", "2024-09-21T11:00:00"),
        ("2024-09-21T11:15:00", "2024-09-21T11:15:00"),
        ("2024-09-21T11:15:00", "2024-09-20T12:30:00"),
    ],
)
def test_end_not_after_start_is_refused_naming_end(start: str, end: str) -> None:
    error = refused(InvalidInput, start=start, end=end)
    assert error.field == "end"
    assert error.message.startswith("end: ")
    assert "not after start" in error.message


@pytest.mark.parametrize(
    ("zone", "start", "end", "field"),
    [
        ("America/New_York", "2024-03-10T02:30", "2024-03-10T04:00", "start"),
        ("America/New_York", "2024-03-10T01:00", "2024-03-10T02:15", "end"),
        ("Europe/Brussels", "2024-03-31T02:30", "2024-03-31T04:00", "start"),
        ("Australia/Sydney", "2024-10-06T01:00", "2024-10-06T02:30", "end"),
    ],
)
def test_time_in_dst_gap_is_refused_naming_the_field(zone: str, start: str, end: str, field: str) -> None:
    error = refused(NonexistentLocalTime, zone=zone, start=start, end=end)
    assert error.field == field
    assert error.message.startswith(f"{field}: ")
    assert "does not exist" in error.message


def test_ambiguous_start_without_fold_is_refused() -> None:
    error = refused(AmbiguousLocalTime, start="2024-11-03T01:30", end="2024-11-03T03:00")
    assert error.field == "start"
    assert "fold=0" in error.message
    assert "fold=1" in error.message


@pytest.mark.parametrize(
    ("fold", "start_utc", "duration"),
    [
        (0, utc(2024, 11, 3, 5, 30), timedelta(hours=2, minutes=30)),
        (1, utc(2024, 11, 3, 6, 30), timedelta(hours=1, minutes=30)),
    ],
)
def test_fold_chooses_which_ambiguous_start_is_meant(fold: int, start_utc: datetime, duration: timedelta) -> None:
    timing = timed(start="2024-11-03T01:30", end="2024-11-03T03:00", fold=fold)
    assert timing.start_fold == fold
    assert timing.end_fold == 0
    assert master_span_utc(timing)[0] == start_utc
    assert exact_duration(timing) == duration


def test_fold_applies_to_an_ambiguous_end() -> None:
    timing = timed(start="2024-11-03T00:30", end="2024-11-03T01:30", fold=1)
    assert (timing.start_fold, timing.end_fold) == (0, 1)
    assert master_span_utc(timing) == (utc(2024, 11, 3, 4, 30), utc(2024, 11, 3, 6, 30))


def test_fold_is_recorded_as_0_for_unambiguous_times() -> None:
    timing = timed(fold=1)
    assert (timing.start_fold, timing.end_fold) == (0, 0)


@pytest.mark.parametrize("fold", [2, -1, 5])
def test_fold_other_than_0_or_1_is_refused(fold: int) -> None:
    error = refused(InvalidInput, fold=fold)
    assert error.field == "fold"


@pytest.mark.parametrize(
    ("field", "value"),
    [("start", "2024-09-21"), ("end", "21/09/2024 12:30"), ("start", "2024-02-30T10:00"), ("end", None)],
)
def test_malformed_time_is_refused_naming_the_field(field: str, value: object) -> None:
    error = refused(InvalidInput, **{field: value})
    assert error.field == field


# --- all-day events ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "internal_end"),
    [
        ("2024-09-21", "2024-09-21", datetime(2024, 9, 22)),
        ("2024-09-21", "2024-09-23", datetime(2024, 9, 24)),
        ("2024-12-31", "2024-12-31", datetime(2025, 1, 1)),
        ("2024-02-28", "2024-02-29", datetime(2024, 3, 1)),
    ],
)
def test_all_day_inclusive_last_day_becomes_exclusive_internal_end(
    start: str, end: str, internal_end: datetime
) -> None:
    timing = parse_timing(zone="Europe/Brussels", start=start, end=end, all_day=True)
    assert timing.all_day
    assert timing.start == datetime.combine(date.fromisoformat(start), datetime.min.time())
    assert timing.end == internal_end


def test_all_day_end_before_start_is_refused_naming_end_and_explaining_inclusive() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_timing(zone="Europe/Brussels", start="2024-09-21", end="2024-09-20", all_day=True)
    assert caught.value.field == "end"
    assert "inclusive" in caught.value.message


@pytest.mark.parametrize(("field", "value"), [("start", "2024-09-21T00:00"), ("end", "2024-09-21T00:00:00")])
def test_all_day_with_a_time_is_refused(field: str, value: str) -> None:
    values: dict[str, Any] = {"start": "2024-09-21", "end": "2024-09-21", field: value}
    with pytest.raises(InvalidInput) as caught:
        parse_timing(zone="Europe/Brussels", all_day=True, **values)
    assert caught.value.field == field


def test_all_day_on_a_day_whose_midnight_is_skipped_is_accepted() -> None:
    timing = parse_timing(zone="America/Santiago", start="2024-09-08", end="2024-09-08", all_day=True)
    assert master_span_utc(timing) == (utc(2024, 9, 8, 4), utc(2024, 9, 9, 3))


# --- recurrence ------------------------------------------------------------------------------


def test_rrule_is_stored_canonical() -> None:
    timing = diplomado(rrule="rrule:freq=weekly;byday=th;until=20241219T170000")
    assert timing.rrule == "FREQ=WEEKLY;BYDAY=TH;UNTIL=20241219T230000Z"
    assert timing.recurring


def test_invalid_rrule_is_refused_on_the_rrule_field() -> None:
    with pytest.raises(InvalidRecurrence) as caught:
        diplomado(rrule="FREQ=WEEKLY;BYDAY=FR")
    assert caught.value.field == "recurrence.rrule"


def test_exdates_are_deduplicated_and_sorted() -> None:
    timing = diplomado(exdates=["2024-10-10T17:00", "2024-09-12T17:00", "2024-10-10T17:00:00"])
    assert timing.exdates == (datetime(2024, 9, 12, 17), datetime(2024, 10, 10, 17))


@pytest.mark.parametrize(
    ("exdates", "index"),
    [
        (["2024-09-06T17:00"], 0),
        (["2024-09-12T17:00", "2024-09-19T18:00"], 1),
        (["2024-09-12T17:00", "2024-12-26T17:00"], 1),  # after UNTIL
        (["2024-08-29T17:00"], 0),  # before the start
    ],
)
def test_exdate_that_is_not_an_occurrence_is_refused_naming_its_index(exdates: list[str], index: int) -> None:
    with pytest.raises(InvalidRecurrence) as caught:
        diplomado(exdates=exdates)
    assert caught.value.field == f"recurrence.exdates[{index}]"
    assert caught.value.message.startswith(f"recurrence.exdates[{index}]: ")
    assert "not an occurrence" in caught.value.message


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"exdates": ["2024-09-12T17:00", "2024-09-06T17:00"]}, "recurrence.exdates[1]"),
        ({"rdates": ["2024-12-01T10:00", "2024-03-10T02:30"]}, "recurrence.rdates[1]"),
    ],
    ids=["exdate", "rdate"],
)
def test_refused_series_point_is_named_by_its_index_in_the_clients_list(changes: dict[str, Any], field: str) -> None:
    values: dict[str, Any] = {"zone": "America/New_York", "start": "2024-03-01T10:00", "end": "2024-03-01T11:00"}
    if "exdates" in changes:
        values = {"zone": "America/Mexico_City", "start": "2024-09-05T17:00", "end": "2024-09-05T19:00"}
        values["rrule"] = "FREQ=WEEKLY;BYDAY=TH;COUNT=16"
    with pytest.raises(InvalidInput) as caught:
        parse_timing(**values, **changes)
    assert caught.value.field == field


def test_malformed_exdate_is_refused_naming_its_index() -> None:
    with pytest.raises(InvalidInput) as caught:
        diplomado(exdates=["2024-09-12T17:00", "2024-09-19T17:00Z"])
    assert caught.value.field == "recurrence.exdates[1]"
    assert "send the local wall-clock time" in caught.value.message


def test_exdates_without_rrule_or_rdates_are_refused() -> None:
    error = refused(InvalidRecurrence, exdates=["2024-09-21T11:15"])
    assert error.field == "recurrence.exdates"


def test_too_many_exdates_are_refused() -> None:
    many = [(datetime(2024, 9, 5, 17) + timedelta(weeks=i)).isoformat() for i in range(MAX_LIST + 1)]
    with pytest.raises(InvalidRecurrence) as caught:
        diplomado(rrule="FREQ=WEEKLY", exdates=many)
    assert caught.value.field == "recurrence"


def test_exdates_remove_occurrences_from_the_expansion() -> None:
    timing = diplomado(exdates=["2024-09-12T17:00"])
    originals = [occ.original for occ in expand(timing, utc(2024, 9, 1), utc(2025, 1, 1)).occurrences]
    assert len(originals) == 15
    assert datetime(2024, 9, 12, 17) not in originals


def test_rdate_in_dst_gap_is_refused_naming_its_index() -> None:
    error = refused(NonexistentLocalTime, rdates=["2024-03-10T02:30", "2024-12-01T10:00"])
    assert error.field == "recurrence.rdates[0]"


def test_ambiguous_rdate_needs_fold() -> None:
    error = refused(AmbiguousLocalTime, rdates=["2024-11-03T01:30"])
    assert error.field == "recurrence.rdates[0]"
    assert timed(rdates=["2024-11-03T01:30"], fold=1).rdates == (datetime(2024, 11, 3, 1, 30),)


def test_all_day_series_takes_date_exdates_and_rdates() -> None:
    timing = parse_timing(
        zone="Europe/Brussels",
        start="2024-09-02",
        end="2024-09-02",
        all_day=True,
        rrule="FREQ=DAILY;COUNT=5",
        exdates=["2024-09-04"],
        rdates=["2024-09-10"],
    )
    assert timing.exdates == (datetime(2024, 9, 4),)
    assert timing.rdates == (datetime(2024, 9, 10),)
    with pytest.raises(InvalidRecurrence) as caught:
        parse_timing(
            zone="Europe/Brussels",
            start="2024-09-02",
            end="2024-09-02",
            all_day=True,
            rrule="FREQ=DAILY;COUNT=5",
            exdates=["2024-09-09"],
        )
    assert caught.value.field == "recurrence.exdates[0]"


# --- overrides ----------------------------------------------------------------------------------


def change(timing: Timing, original: datetime, **values: Any) -> Any:
    base: dict[str, Any] = {"start": None, "end": None, "fold": None, "title": None, "status": None}
    base.update(values)
    return parse_override(timing, original, **base)


def test_override_with_only_status_keeps_the_time() -> None:
    result = change(diplomado(), datetime(2024, 10, 10, 17), status="cancelled", title="No class")
    assert (result.start, result.end, result.status, result.title) == (None, None, "cancelled", "No class")


def test_override_moving_an_occurrence_records_new_local_times() -> None:
    result = change(diplomado(), datetime(2024, 10, 10, 17), start="2024-10-11T09:00", end="2024-10-11T10:30")
    assert (result.original, result.start, result.end) == (
        datetime(2024, 10, 10, 17),
        datetime(2024, 10, 11, 9),
        datetime(2024, 10, 11, 10, 30),
    )


def test_override_of_something_that_is_not_an_occurrence_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        change(diplomado(), datetime(2024, 10, 11, 17), status="cancelled")
    assert caught.value.field == "original_start"
    assert "2024-10-11T17:00:00" in caught.value.message


def test_override_of_a_single_event_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        change(timed(), datetime(2024, 9, 21, 11, 15), status="cancelled")
    assert caught.value.field == "original_start"


@pytest.mark.parametrize(
    ("values", "field", "error"),
    [
        ({"status": "postponed"}, "status", InvalidInput),
        ({"start": "2024-10-11T09:00", "end": "2024-10-11T08:00"}, "end", InvalidInput),
        ({"start": "2024-10-11T09:00Z"}, "start", InvalidInput),
    ],
)
def test_invalid_override_is_refused_naming_the_field(
    values: dict[str, Any], field: str, error: type[Exception]
) -> None:
    with pytest.raises(error) as caught:
        change(diplomado(), datetime(2024, 10, 10, 17), **values)
    assert caught.value.field == field  # type: ignore[attr-defined]


def test_override_moved_into_dst_gap_is_refused() -> None:
    timing = parse_timing(
        zone="America/New_York", start="2024-03-07T10:00", end="2024-03-07T11:00", rrule="FREQ=DAILY;COUNT=5"
    )
    with pytest.raises(NonexistentLocalTime) as caught:
        change(timing, datetime(2024, 3, 10, 10), start="2024-03-10T02:30")
    assert caught.value.field == "start"


def test_override_moved_into_fold_records_the_fold() -> None:
    timing = parse_timing(
        zone="America/New_York", start="2024-11-01T10:00", end="2024-11-01T11:00", rrule="FREQ=DAILY;COUNT=5"
    )
    with pytest.raises(AmbiguousLocalTime):
        change(timing, datetime(2024, 11, 3, 10), start="2024-11-03T01:30")
    result = change(timing, datetime(2024, 11, 3, 10), start="2024-11-03T01:30", fold=1)
    assert result.start_fold == 1


def test_override_changing_only_the_end_of_a_gap_occurrence_is_accepted() -> None:
    timing = parse_timing(
        zone="America/New_York", start="2024-03-08T02:30", end="2024-03-08T03:00", rrule="FREQ=DAILY;COUNT=4"
    )
    result = change(timing, datetime(2024, 3, 10, 2, 30), end="2024-03-10T04:30")
    assert result.end == datetime(2024, 3, 10, 4, 30)


def test_all_day_override_end_is_inclusive_in_and_exclusive_inside() -> None:
    timing = parse_timing(
        zone="Europe/Brussels", start="2024-09-02", end="2024-09-03", all_day=True, rrule="FREQ=WEEKLY;COUNT=4"
    )
    moved = change(timing, datetime(2024, 9, 9), start="2024-09-10")
    assert (moved.start, moved.end) == (datetime(2024, 9, 10), datetime(2024, 9, 12))
    stretched = change(timing, datetime(2024, 9, 9), end="2024-09-13")
    assert (stretched.start, stretched.end) == (datetime(2024, 9, 9), datetime(2024, 9, 14))
    with pytest.raises(InvalidInput) as caught:
        change(timing, datetime(2024, 9, 9), start="2024-09-10", end="2024-09-09")
    assert caught.value.field == "end"


@pytest.mark.parametrize(
    ("point", "all_day", "text"),
    [
        (datetime(2024, 9, 21), True, "2024-09-21"),
        (datetime(2024, 9, 21, 11, 15), False, "2024-09-21T11:15:00"),
    ],
)
def test_format_point_writes_dates_for_all_day_and_local_times_otherwise(
    point: datetime, all_day: bool, text: str
) -> None:
    assert format_point(point, all_day) == text
