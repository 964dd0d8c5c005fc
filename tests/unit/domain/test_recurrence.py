"""RRULE validation and expansion in local wall-clock time, with EXDATE/RDATE and overrides."""

import dataclasses
import time as clock
from datetime import UTC, date, datetime, timedelta

import pytest

from calendar_service.domain.recurrence import (
    MAX_COUNT,
    exact_duration,
    expand,
    is_occurrence,
    master_span_utc,
    normalize_rrule,
    parse_series_point,
    series_span_utc,
)
from calendar_service.domain.timezones import from_utc, to_utc
from calendar_service.domain.timing import parse_override, parse_timing
from calendar_service.domain.values import Occurrence, Override, Timing
from calendar_service.errors import InvalidInput, InvalidRecurrence

RULE_FIELD = "recurrence.rrule"
ALL_TIME = (datetime(1900, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC))


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def everything(timing: Timing, limit: int = 1000) -> tuple[Occurrence, ...]:
    expansion = expand(timing, *ALL_TIME, limit=limit)
    assert not expansion.truncated
    return expansion.occurrences


def diplomado(**extra: object) -> Timing:
    return parse_timing(
        zone="America/Mexico_City",
        start="2024-09-05T17:00:00",
        end="2024-09-05T19:00:00",
        rrule="FREQ=WEEKLY;BYDAY=TH;UNTIL=20241220T005959Z",
        **extra,  # type: ignore[arg-type]
    )


def weekly(zone: str, start: str, end: str, count: int = 10) -> Timing:
    return parse_timing(zone=zone, start=start, end=end, rrule=f"FREQ=WEEKLY;COUNT={count}")


# --- known series -------------------------------------------------------------------


def test_diplomado_weekly_thursday_series_has_16_occurrences_all_at_23_utc() -> None:
    occurrences = everything(diplomado())
    assert len(occurrences) == 16
    assert {occ.start_utc.time() for occ in occurrences} == {datetime(2000, 1, 1, 23).time()}
    assert {occ.end_utc - occ.start_utc for occ in occurrences} == {timedelta(hours=2)}
    assert all(occ.start.weekday() == 3 and occ.start.hour == 17 for occ in occurrences)
    assert occurrences[0].start_utc == utc(2024, 9, 5, 23)
    assert occurrences[-1].start_utc == utc(2024, 12, 19, 23)
    assert occurrences[-1].original == datetime(2024, 12, 19, 17)


def test_diplomado_until_in_utc_includes_last_thursday_and_span_ends_after_it() -> None:
    timing = diplomado()
    first, last = series_span_utc(timing)
    assert first == utc(2024, 9, 5, 23)
    assert last is not None
    assert last >= utc(2024, 12, 20, 1)


@pytest.mark.parametrize(
    ("zone", "start", "end", "utc_times"),
    [
        pytest.param(
            "Europe/Brussels",
            "2024-10-03T10:00",
            "2024-10-03T11:00",
            [
                *[utc(2024, 10, 3, 8), utc(2024, 10, 10, 8), utc(2024, 10, 17, 8), utc(2024, 10, 24, 8)],
                *[utc(2024, 10, 31, 9), utc(2024, 11, 7, 9)],
            ],
            id="brussels-08-to-09-utc-after-27-october",
        ),
        pytest.param(
            "America/Indiana/Indianapolis",
            "2024-10-21T09:00",
            "2024-10-21T10:00",
            [utc(2024, 10, 21, 13), utc(2024, 10, 28, 13), utc(2024, 11, 4, 14), utc(2024, 11, 11, 14)],
            id="indianapolis-13-to-14-utc-after-3-november",
        ),
        pytest.param(
            "Australia/Sydney",
            "2024-09-26T10:00",
            "2024-09-26T11:00",
            [utc(2024, 9, 26, 0), utc(2024, 10, 3, 0), utc(2024, 10, 9, 23), utc(2024, 10, 16, 23)],
            id="sydney-00-to-23-utc-after-6-october",
        ),
        pytest.param(
            "Australia/Sydney",
            "2024-03-28T10:00",
            "2024-03-28T11:00",
            [utc(2024, 3, 27, 23), utc(2024, 4, 3, 23), utc(2024, 4, 11, 0), utc(2024, 4, 18, 0)],
            id="sydney-23-to-00-utc-after-7-april",
        ),
        pytest.param(
            "America/Santiago",
            "2024-08-29T10:00",
            "2024-08-29T11:00",
            [utc(2024, 8, 29, 14), utc(2024, 9, 5, 14), utc(2024, 9, 12, 13), utc(2024, 9, 19, 13)],
            id="santiago-14-to-13-utc-after-8-september",
        ),
        pytest.param(
            "Australia/Lord_Howe",
            "2024-09-26T10:00",
            "2024-09-26T11:00",
            [utc(2024, 9, 25, 23, 30), utc(2024, 10, 2, 23, 30), utc(2024, 10, 9, 23), utc(2024, 10, 16, 23)],
            id="lord-howe-moves-half-an-hour",
        ),
        pytest.param(
            "Asia/Kathmandu",
            "2024-03-28T09:00",
            "2024-03-28T10:00",
            [utc(2024, 3, 28, 3, 15), utc(2024, 4, 4, 3, 15), utc(2024, 4, 11, 3, 15)],
            id="kathmandu-constant-0315-utc",
        ),
        pytest.param(
            "America/Mexico_City",
            "2024-03-28T17:00",
            "2024-03-28T18:00",
            [utc(2024, 3, 28, 23), utc(2024, 4, 4, 23), utc(2024, 4, 11, 23)],
            id="mexico-city-no-dst-april",
        ),
    ],
)
def test_weekly_series_keeps_local_wall_clock_and_utc_follows_dst(
    zone: str, start: str, end: str, utc_times: list[datetime]
) -> None:
    timing = weekly(zone, start, end, count=len(utc_times))
    occurrences = everything(timing)
    assert [occ.start_utc for occ in occurrences] == utc_times
    assert {occ.start.time() for occ in occurrences} == {timing.start.time()}
    assert {occ.end.time() for occ in occurrences} == {timing.end.time()}
    assert all(from_utc(occ.start_utc, zone).replace(tzinfo=None) == occ.start for occ in occurrences)


def test_weekly_brussels_series_moves_from_08_to_09_utc_after_dst_end() -> None:
    occurrences = everything(weekly("Europe/Brussels", "2024-10-17T10:00", "2024-10-17T11:30", count=4))
    hours = [(occ.start_utc.date(), occ.start_utc.hour) for occ in occurrences]
    assert hours == [(date(2024, 10, 17), 8), (date(2024, 10, 24), 8), (date(2024, 10, 31), 9), (date(2024, 11, 7), 9)]


def test_daily_series_occurrence_in_dst_gap_takes_offset_from_before_the_gap() -> None:
    timing = parse_timing(
        zone="America/New_York", start="2024-03-08T02:30", end="2024-03-08T03:00", rrule="FREQ=DAILY;COUNT=4"
    )
    occurrences = everything(timing)
    assert [occ.start_utc for occ in occurrences] == [
        utc(2024, 3, 8, 7, 30),
        utc(2024, 3, 9, 7, 30),
        utc(2024, 3, 10, 7, 30),  # 02:30 EST = 03:30 EDT (RFC 5545 §3.3.5)
        utc(2024, 3, 11, 6, 30),
    ]
    gap_day = occurrences[2]
    assert gap_day.original == datetime(2024, 3, 10, 2, 30)  # identity stays the rule's time
    assert from_utc(gap_day.start_utc, "America/New_York").replace(tzinfo=None) == datetime(2024, 3, 10, 3, 30)
    assert gap_day.end_utc - gap_day.start_utc == timedelta(minutes=30)


def test_occurrence_in_dst_gap_reports_the_wall_clock_it_actually_starts_at() -> None:
    timing = parse_timing(
        zone="America/New_York", start="2024-03-08T02:30", end="2024-03-08T03:00", rrule="FREQ=DAILY;COUNT=4"
    )
    gap_day = everything(timing)[2]
    assert gap_day.start == datetime(2024, 3, 10, 3, 30)
    assert gap_day.end - gap_day.start == gap_day.end_utc - gap_day.start_utc


def test_daily_series_occurrence_in_dst_fold_takes_the_first_instant() -> None:
    timing = parse_timing(
        zone="America/New_York", start="2024-11-01T01:30", end="2024-11-01T02:00", rrule="FREQ=DAILY;COUNT=4"
    )
    occurrences = everything(timing)
    assert [occ.start_utc for occ in occurrences] == [
        utc(2024, 11, 1, 5, 30),
        utc(2024, 11, 2, 5, 30),
        utc(2024, 11, 3, 5, 30),  # 01:30 EDT, the first of the two
        utc(2024, 11, 4, 6, 30),
    ]


@pytest.mark.parametrize(("fold", "first_utc"), [(0, utc(2024, 11, 3, 5, 30)), (1, utc(2024, 11, 3, 6, 30))])
def test_series_whose_master_is_in_a_fold_starts_at_the_chosen_instant(fold: int, first_utc: datetime) -> None:
    timing = parse_timing(
        zone="America/New_York",
        start="2024-11-03T01:30",
        end="2024-11-03T03:00",
        fold=fold,
        rrule="FREQ=DAILY;COUNT=3",
    )
    occurrences = everything(timing)
    assert occurrences[0].start_utc == first_utc
    assert occurrences[0].end_utc == utc(2024, 11, 3, 8)
    assert occurrences[1].start_utc == utc(2024, 11, 4, 6, 30)


def test_series_occurrences_keep_the_masters_exact_duration_across_the_fold() -> None:
    # 00:30 EDT -> 01:30 EST is two hours elapsed; RFC 5545: DTEND gives an exact duration.
    timing = parse_timing(
        zone="America/New_York",
        start="2024-11-03T00:30",
        end="2024-11-03T01:30",
        fold=1,
        rrule="FREQ=WEEKLY;COUNT=3",
    )
    assert exact_duration(timing) == timedelta(hours=2)
    occurrences = everything(timing)
    assert {occ.end_utc - occ.start_utc for occ in occurrences} == {timedelta(hours=2)}
    assert occurrences[1].end == datetime(2024, 11, 10, 2, 30)


def test_master_span_of_power_of_the_commons_is_1515_to_1630_utc() -> None:
    timing = parse_timing(zone="America/New_York", start="2024-09-21T11:15:00", end="2024-09-21T12:30:00")
    assert master_span_utc(timing) == (utc(2024, 9, 21, 15, 15), utc(2024, 9, 21, 16, 30))
    assert series_span_utc(timing) == (utc(2024, 9, 21, 15, 15), utc(2024, 9, 21, 16, 30))


# --- EXDATE, RDATE ------------------------------------------------------------------------


def test_exdate_removes_that_occurrence_only() -> None:
    base = everything(diplomado())
    timing = diplomado(exdates=["2024-10-31T17:00"])
    occurrences = everything(timing)
    assert len(occurrences) == 15
    assert datetime(2024, 10, 31, 17) not in [occ.original for occ in occurrences]
    assert [occ for occ in base if occ.original != datetime(2024, 10, 31, 17)] == list(occurrences)


def test_exdate_of_the_master_removes_the_first_occurrence() -> None:
    occurrences = everything(diplomado(exdates=["2024-09-05T17:00"]))
    assert occurrences[0].original == datetime(2024, 9, 12, 17)


def test_rdate_adds_an_occurrence_in_time_order() -> None:
    timing = diplomado(rdates=["2024-10-02T09:00"])
    occurrences = everything(timing)
    assert len(occurrences) == 17
    extra = [occ for occ in occurrences if occ.original == datetime(2024, 10, 2, 9)]
    assert len(extra) == 1
    assert extra[0].start_utc == utc(2024, 10, 2, 15)
    assert extra[0].end_utc == utc(2024, 10, 2, 17)
    assert [occ.start_utc for occ in occurrences] == sorted(occ.start_utc for occ in occurrences)


def test_rdate_equal_to_a_rule_occurrence_is_listed_once() -> None:
    assert len(everything(diplomado(rdates=["2024-09-12T17:00"]))) == 16


def test_rdate_only_series_lists_master_and_rdates() -> None:
    timing = parse_timing(
        zone="Europe/Brussels",
        start="2024-03-01T10:00",
        end="2024-03-01T11:00",
        rdates=["2024-04-01T10:00", "2024-02-01T10:00"],
    )
    assert timing.recurring
    starts = [occ.start_utc for occ in everything(timing)]
    assert starts == [utc(2024, 2, 1, 9), utc(2024, 3, 1, 9), utc(2024, 4, 1, 8)]
    assert series_span_utc(timing) == (utc(2024, 2, 1, 9), utc(2024, 4, 1, 9))


def test_exdate_can_remove_an_rdate() -> None:
    timing = parse_timing(
        zone="Europe/Brussels",
        start="2024-03-01T10:00",
        end="2024-03-01T11:00",
        rdates=["2024-04-01T10:00"],
        exdates=["2024-04-01T10:00"],
    )
    assert [occ.original for occ in everything(timing)] == [datetime(2024, 3, 1, 10)]


# --- overrides --------------------------------------------------------------------------------


def with_overrides(timing: Timing, *overrides: Override) -> Timing:
    return dataclasses.replace(timing, overrides=overrides)


def override(timing: Timing, original: str, **changes: object) -> Override:
    values: dict[str, object] = {"start": None, "end": None, "fold": None, "title": None, "status": None}
    values.update(changes)
    return parse_override(timing, datetime.fromisoformat(original), **values)  # type: ignore[arg-type]


def test_moved_override_appears_at_its_new_time_and_not_its_original() -> None:
    timing = diplomado()
    moved = override(timing, "2024-10-10T17:00", start="2024-10-11T12:00", end="2024-10-11T13:00")
    occurrences = everything(with_overrides(timing, moved))
    assert len(occurrences) == 16
    by_original = {occ.original: occ for occ in occurrences}
    occ = by_original[datetime(2024, 10, 10, 17)]
    assert occ.overridden
    assert (occ.start, occ.end) == (datetime(2024, 10, 11, 12), datetime(2024, 10, 11, 13))
    assert (occ.start_utc, occ.end_utc) == (utc(2024, 10, 11, 18), utc(2024, 10, 11, 19))
    assert utc(2024, 10, 10, 23) not in [o.start_utc for o in occurrences]
    assert [o.start_utc for o in occurrences] == sorted(o.start_utc for o in occurrences)


def test_moved_override_without_end_keeps_the_series_duration() -> None:
    timing = diplomado()
    moved = override(timing, "2024-10-10T17:00", start="2024-10-10T09:00")
    occ = next(o for o in everything(with_overrides(timing, moved)) if o.overridden)
    assert occ.start_utc == utc(2024, 10, 10, 15)
    assert occ.end_utc - occ.start_utc == timedelta(hours=2)
    assert occ.end == datetime(2024, 10, 10, 11)


def test_override_moved_into_the_window_from_outside_is_listed() -> None:
    timing = diplomado()
    moved = override(timing, "2024-12-19T17:00", start="2024-12-24T17:00", end="2024-12-24T18:00")
    window = (utc(2024, 12, 21), utc(2024, 12, 31))
    occurrences = expand(with_overrides(timing, moved), *window).occurrences
    assert [(occ.original, occ.start_utc) for occ in occurrences] == [
        (datetime(2024, 12, 19, 17), utc(2024, 12, 24, 23))
    ]
    assert expand(timing, *window).occurrences == ()


def test_override_moved_out_of_the_window_is_not_listed_there() -> None:
    timing = diplomado()
    moved = override(timing, "2024-10-10T17:00", start="2024-11-30T10:00", end="2024-11-30T11:00")
    window = (utc(2024, 10, 7), utc(2024, 10, 14))
    assert [occ.original for occ in expand(timing, *window).occurrences] == [datetime(2024, 10, 10, 17)]
    assert expand(with_overrides(timing, moved), *window).occurrences == ()


def test_cancelled_override_keeps_its_place_with_status_cancelled() -> None:
    timing = diplomado()
    cancelled = override(timing, "2024-10-10T17:00", status="cancelled")
    retitled = override(timing, "2024-10-17T17:00", title="Session 7 (guest lecture)")
    occurrences = everything(with_overrides(timing, cancelled, retitled))
    assert len(occurrences) == 16
    by_original = {occ.original: occ for occ in occurrences}
    gone = by_original[datetime(2024, 10, 10, 17)]
    assert (gone.status, gone.overridden, gone.start_utc) == ("cancelled", True, utc(2024, 10, 10, 23))
    assert by_original[datetime(2024, 10, 17, 17)].title == "Session 7 (guest lecture)"
    assert by_original[datetime(2024, 10, 17, 17)].status is None
    assert not by_original[datetime(2024, 10, 24, 17)].overridden


def test_override_of_an_excluded_occurrence_is_not_listed() -> None:
    timing = diplomado()
    moved = override(timing, "2024-10-10T17:00", start="2024-10-11T12:00")
    excluded = dataclasses.replace(timing, exdates=(datetime(2024, 10, 10, 17),), overrides=(moved,))
    occurrences = everything(excluded)
    assert len(occurrences) == 15
    assert datetime(2024, 10, 10, 17) not in [occ.original for occ in occurrences]


# --- limits and windows ------------------------------------------------------------------------


def test_limit_truncates_the_list_and_says_so() -> None:
    expansion = expand(diplomado(), *ALL_TIME, limit=5)
    assert expansion.truncated
    assert [occ.original.date() for occ in expansion.occurrences] == [
        date(2024, 9, 5),
        date(2024, 9, 12),
        date(2024, 9, 19),
        date(2024, 9, 26),
        date(2024, 10, 3),
    ]


def test_limit_equal_to_the_number_of_occurrences_is_not_truncated() -> None:
    expansion = expand(diplomado(), *ALL_TIME, limit=16)
    assert len(expansion.occurrences) == 16
    assert not expansion.truncated


def test_limit_keeps_the_earliest_occurrences_when_one_was_moved_earlier() -> None:
    timing = diplomado()
    moved = override(timing, "2024-12-19T17:00", start="2024-09-01T10:00", end="2024-09-01T11:00")
    expansion = expand(with_overrides(timing, moved), *ALL_TIME, limit=3)
    assert expansion.truncated
    assert [occ.original for occ in expansion.occurrences] == [
        datetime(2024, 12, 19, 17),
        datetime(2024, 9, 5, 17),
        datetime(2024, 9, 12, 17),
    ]


@pytest.mark.parametrize("limit", [1000, 50])
def test_unbounded_hourly_rule_over_ten_years_returns_at_most_limit_quickly(limit: int) -> None:
    timing = parse_timing(zone="Europe/Brussels", start="2024-01-01T00:00", end="2024-01-01T00:30", rrule="FREQ=HOURLY")
    assert series_span_utc(timing)[1] is None
    began = clock.perf_counter()
    expansion = expand(timing, utc(2024, 1, 1), utc(2034, 1, 1), limit=limit)
    elapsed = clock.perf_counter() - began
    assert len(expansion.occurrences) == limit
    assert expansion.truncated
    assert elapsed < 2.0


def test_unbounded_weekly_rule_lists_only_the_window() -> None:
    timing = parse_timing(
        zone="Europe/Brussels", start="2024-01-04T10:00", end="2024-01-04T11:00", rrule="FREQ=WEEKLY;BYDAY=TH"
    )
    expansion = expand(timing, utc(2030, 1, 1), utc(2030, 2, 1))
    assert [occ.start.date() for occ in expansion.occurrences] == [
        date(2030, 1, 3),
        date(2030, 1, 10),
        date(2030, 1, 17),
        date(2030, 1, 24),
        date(2030, 1, 31),
    ]
    assert not expansion.truncated


@pytest.mark.parametrize(
    ("window", "listed"),
    [
        pytest.param((utc(2024, 9, 5, 23), utc(2024, 9, 6)), True, id="starts-at-window-start"),
        pytest.param((utc(2024, 9, 6, 1), utc(2024, 9, 7)), False, id="ends-at-window-start"),
        pytest.param((utc(2024, 9, 5), utc(2024, 9, 5, 23)), False, id="starts-at-window-end"),
        pytest.param((utc(2024, 9, 6, 0), utc(2024, 9, 6, 0, 30)), True, id="window-inside-event"),
        pytest.param((utc(2024, 9, 5, 22, 59), utc(2024, 9, 5, 23, 0, 1)), True, id="overlaps-by-one-second"),
    ],
)
def test_window_is_half_open_and_lists_overlapping_occurrences(window: tuple[datetime, datetime], listed: bool) -> None:
    timing = parse_timing(zone="America/Mexico_City", start="2024-09-05T17:00", end="2024-09-05T19:00")
    assert bool(expand(timing, *window).occurrences) is listed
    assert bool(expand(diplomado(), *window).occurrences) is listed


def test_instant_event_is_listed_in_the_window_containing_it_once() -> None:
    moment = Timing(zone="UTC", start=datetime(2024, 9, 5, 12), end=datetime(2024, 9, 5, 12))
    assert len(expand(moment, utc(2024, 9, 5, 11), utc(2024, 9, 5, 12)).occurrences) == 0
    assert len(expand(moment, utc(2024, 9, 5, 12), utc(2024, 9, 5, 13)).occurrences) == 1


def test_long_occurrence_that_began_before_the_window_is_listed() -> None:
    timing = parse_timing(
        zone="Europe/Brussels", start="2024-01-01T09:00", end="2024-01-05T17:00", rrule="FREQ=MONTHLY;COUNT=3"
    )
    occurrences = expand(timing, utc(2024, 2, 4), utc(2024, 2, 5)).occurrences
    assert [occ.original for occ in occurrences] == [datetime(2024, 2, 1, 9)]


# --- all-day series ----------------------------------------------------------------------


def test_all_day_series_uses_dates_with_exclusive_internal_end() -> None:
    timing = parse_timing(
        zone="America/New_York", start="2024-09-21", end="2024-09-22", all_day=True, rrule="FREQ=WEEKLY;COUNT=3"
    )
    assert (timing.start, timing.end) == (datetime(2024, 9, 21), datetime(2024, 9, 23))
    occurrences = everything(timing)
    assert [(occ.start, occ.end) for occ in occurrences] == [
        (datetime(2024, 9, 21), datetime(2024, 9, 23)),
        (datetime(2024, 9, 28), datetime(2024, 9, 30)),
        (datetime(2024, 10, 5), datetime(2024, 10, 7)),
    ]
    assert occurrences[0].start_utc == utc(2024, 9, 21, 4)
    assert occurrences[0].end_utc == utc(2024, 9, 23, 4)


def test_all_day_series_across_dst_starts_each_day_at_local_midnight() -> None:
    timing = parse_timing(
        zone="Europe/Brussels", start="2024-10-26", end="2024-10-26", all_day=True, rrule="FREQ=DAILY;COUNT=3"
    )
    occurrences = everything(timing)
    assert [occ.start_utc for occ in occurrences] == [
        utc(2024, 10, 25, 22),
        utc(2024, 10, 26, 22),
        utc(2024, 10, 27, 23),
    ]
    assert occurrences[1].end_utc - occurrences[1].start_utc == timedelta(hours=25)


def test_all_day_until_date_is_inclusive() -> None:
    timing = parse_timing(
        zone="America/New_York", start="2024-09-21", end="2024-09-21", all_day=True, rrule="FREQ=DAILY;UNTIL=20240923"
    )
    assert [occ.start.date() for occ in everything(timing)] == [date(2024, 9, 21), date(2024, 9, 22), date(2024, 9, 23)]
    assert series_span_utc(timing) == (utc(2024, 9, 21, 4), utc(2024, 9, 24, 4))


def test_all_day_day_whose_midnight_is_skipped_starts_at_first_valid_instant() -> None:
    timing = parse_timing(zone="America/Santiago", start="2024-09-08", end="2024-09-08", all_day=True)
    (occ,) = everything(timing)
    assert (occ.start_utc, occ.end_utc) == (utc(2024, 9, 8, 4), utc(2024, 9, 9, 3))


def test_all_day_exdate_is_a_date() -> None:
    timing = parse_timing(
        zone="Europe/Brussels",
        start="2024-09-02",
        end="2024-09-02",
        all_day=True,
        rrule="FREQ=DAILY;COUNT=3",
        exdates=["2024-09-03"],
    )
    assert [occ.start.date() for occ in everything(timing)] == [date(2024, 9, 2), date(2024, 9, 4)]


# --- rule validation -----------------------------------------------------------------------

MEXICO_START = datetime(2024, 9, 5, 17)  # a Thursday

REFUSED_RULES = [
    pytest.param("FREQ=SECONDLY", "not supported", id="secondly"),
    pytest.param("FREQ=MINUTELY;INTERVAL=15", "not supported", id="minutely"),
    pytest.param("FREQ=FORTNIGHTLY", "not an RFC 5545 frequency", id="unknown-freq"),
    pytest.param("FREQ=WEEKLY;COUNT=3;UNTIL=20241220T005959Z", "COUNT or UNTIL, not both", id="count-and-until"),
    pytest.param("BYDAY=TH;COUNT=3", "FREQ is required", id="missing-freq"),
    pytest.param("FREQ=WEEKLY;BYDAY=XX", "BYDAY", id="bad-byday"),
    pytest.param("FREQ=WEEKLY;BYDAY=", "not NAME=VALUE", id="empty-byday"),
    pytest.param("FREQ=WEEKLY;BYDAY=FR", "its first occurrence is 2024-09-06T17:00:00", id="start-not-first"),
    pytest.param("FREQ=MONTHLY;BYMONTHDAY=6", "not start at `start`", id="start-not-first-monthly"),
    pytest.param("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "no occurrence", id="impossible-february-30"),
    pytest.param("FREQ=WEEKLY;UNTIL=20240901T000000Z", "no occurrence", id="until-before-start"),
    pytest.param(f"FREQ=WEEKLY;COUNT={MAX_COUNT + 1}", f"1 to {MAX_COUNT}", id="count-over-cap"),
    pytest.param("FREQ=WEEKLY;COUNT=0", f"1 to {MAX_COUNT}", id="count-zero"),
    pytest.param("FREQ=WEEKLY;COUNT=-3", f"1 to {MAX_COUNT}", id="count-negative"),
    pytest.param("FREQ=WEEKLY;COUNT=abc", f"1 to {MAX_COUNT}", id="count-not-a-number"),
    pytest.param("FREQ=YEARLY;COUNT=300", "does not end within 200 years", id="count-beyond-horizon"),
    pytest.param("FREQ=WEEKLY;UNTIL=2024", "UNTIL=2024 is not a date", id="until-malformed"),
    pytest.param("FREQ=WEEKLY;UNTIL=20241340", "is not a date", id="until-impossible-date"),
    pytest.param("FREQ=WEEKLY;BYDAY=TH;BYDAY=FR", "appears twice", id="duplicate-part"),
    pytest.param("FREQ=WEEKLY;BOGUS", "not NAME=VALUE", id="part-without-value"),
    pytest.param("FREQ=WEEKLY;FOO=BAR", "FOO", id="unknown-part"),
    pytest.param("FREQ=WEEKLY;INTERVAL=abc", "INTERVAL", id="interval-not-a-number"),
    pytest.param("FREQ=DAILY;BYHOUR=25", "hour", id="byhour-out-of-range"),
    pytest.param("FREQ=MONTHLY;BYSETPOS=0", "bysetpos", id="bysetpos-zero"),
    pytest.param("DTSTART:20240905T170000\nRRULE:FREQ=WEEKLY", "not DTSTART", id="dtstart-included"),
    pytest.param("", "empty rule", id="empty"),
    pytest.param("   ", "empty rule", id="blank"),
]


@pytest.mark.parametrize(("rule", "says"), REFUSED_RULES)
def test_refused_rule_raises_invalid_recurrence_on_the_rrule_field(rule: str, says: str) -> None:
    with pytest.raises(InvalidRecurrence) as caught:
        normalize_rrule(rule, MEXICO_START, "America/Mexico_City", False)
    assert caught.value.field == RULE_FIELD
    assert caught.value.message.startswith(f"{RULE_FIELD}: ")
    assert says in caught.value.message


@pytest.mark.parametrize(
    "rule",
    [
        pytest.param(
            "FREQ=WEEKLY;INTERVAL=0",
            id="interval-zero",
        ),
        pytest.param(
            "FREQ=WEEKLY;INTERVAL=-1",
            id="interval-negative",
        ),
        pytest.param(
            "FREQ=WEEKLY;BYDAY=99TH",
            id="numeric-byday-in-weekly",
        ),
    ],
)
def test_rule_that_rfc_5545_forbids_is_refused(rule: str) -> None:
    with pytest.raises(InvalidRecurrence) as caught:
        normalize_rrule(rule, MEXICO_START, "America/Mexico_City", False)
    assert caught.value.field == RULE_FIELD


@pytest.mark.parametrize(
    ("rule", "canonical"),
    [
        pytest.param(
            "FREQ=WEEKLY;BYDAY=TH;UNTIL=20241220T005959Z",
            "FREQ=WEEKLY;BYDAY=TH;UNTIL=20241220T005959Z",
            id="utc-until-kept",
        ),
        pytest.param(
            "FREQ=WEEKLY;BYDAY=TH;UNTIL=20241219T170000",
            "FREQ=WEEKLY;BYDAY=TH;UNTIL=20241219T230000Z",
            id="local-until-to-utc",
        ),
        pytest.param(
            "FREQ=WEEKLY;BYDAY=TH;UNTIL=20241219",
            "FREQ=WEEKLY;BYDAY=TH;UNTIL=20241220T055959Z",
            id="date-until-to-end-of-local-day-in-utc",
        ),
        pytest.param(
            "freq=weekly;byday=th;until=20241220t005959z",
            "FREQ=WEEKLY;BYDAY=TH;UNTIL=20241220T005959Z",
            id="upper-cased",
        ),
        pytest.param("RRULE:FREQ=WEEKLY;COUNT=16", "FREQ=WEEKLY;COUNT=16", id="rrule-prefix-dropped"),
        pytest.param(" FREQ=WEEKLY;BYDAY=TH;COUNT=3; ", "FREQ=WEEKLY;BYDAY=TH;COUNT=3", id="trailing-semicolon"),
        pytest.param(f"FREQ=WEEKLY;COUNT={MAX_COUNT}", f"FREQ=WEEKLY;COUNT={MAX_COUNT}", id="count-at-cap"),
        pytest.param("FREQ=HOURLY;INTERVAL=6", "FREQ=HOURLY;INTERVAL=6", id="hourly"),
        pytest.param("FREQ=MONTHLY;BYDAY=1TH", "FREQ=MONTHLY;BYDAY=1TH", id="first-thursday"),
    ],
)
def test_accepted_rule_is_returned_in_canonical_form(rule: str, canonical: str) -> None:
    assert normalize_rrule(rule, MEXICO_START, "America/Mexico_City", False) == canonical


@pytest.mark.parametrize(
    ("rule", "canonical"),
    [
        ("FREQ=DAILY;UNTIL=20240923", "FREQ=DAILY;UNTIL=20240923"),
        ("FREQ=DAILY;UNTIL=20240923T000000Z", "FREQ=DAILY;UNTIL=20240922"),  # 20:00 on the 22nd in New York
        ("FREQ=DAILY;UNTIL=20240923T120000", "FREQ=DAILY;UNTIL=20240923"),
    ],
)
def test_all_day_rule_until_is_canonicalised_to_a_local_date(rule: str, canonical: str) -> None:
    assert normalize_rrule(rule, datetime(2024, 9, 21), "America/New_York", True) == canonical


def test_until_equal_to_an_occurrence_instant_includes_it() -> None:
    timing = parse_timing(
        zone="America/Mexico_City",
        start="2024-09-05T17:00",
        end="2024-09-05T18:00",
        rrule="FREQ=WEEKLY;UNTIL=20240919T230000Z",
    )
    assert [occ.start_utc for occ in everything(timing)] == [
        utc(2024, 9, 5, 23),
        utc(2024, 9, 12, 23),
        utc(2024, 9, 19, 23),
    ]


def test_until_in_second_half_of_fold_keeps_occurrence_before_it() -> None:
    # 2024-11-03 01:30 EDT is 05:30Z, before UNTIL 06:00Z (= 01:00 EST, the second 01:00).
    timing = parse_timing(
        zone="America/New_York",
        start="2024-11-01T01:30",
        end="2024-11-01T02:00",
        rrule="FREQ=DAILY;UNTIL=20241103T060000Z",
    )
    assert [occ.start_utc for occ in everything(timing)][-1] == utc(2024, 11, 3, 5, 30)


# --- membership and spans ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "member"),
    [
        (datetime(2024, 9, 5, 17), True),
        (datetime(2024, 12, 19, 17), True),
        (datetime(2024, 12, 26, 17), False),  # after UNTIL
        (datetime(2024, 9, 12, 17, 1), False),
        (datetime(2024, 9, 13, 17), False),
        (datetime(2024, 8, 29, 17), False),  # before the start
    ],
)
def test_is_occurrence_tells_rule_members(original: datetime, member: bool) -> None:
    assert is_occurrence(diplomado(), original) is member


def test_is_occurrence_respects_exdates_and_rdates() -> None:
    timing = diplomado(exdates=["2024-09-12T17:00"], rdates=["2024-09-13T09:00"])
    assert not is_occurrence(timing, datetime(2024, 9, 12, 17))
    assert is_occurrence(timing, datetime(2024, 9, 13, 9))


def test_is_occurrence_of_a_single_event_is_its_start_only() -> None:
    timing = parse_timing(zone="America/New_York", start="2024-09-21T11:15", end="2024-09-21T12:30")
    assert is_occurrence(timing, datetime(2024, 9, 21, 11, 15))
    assert not is_occurrence(timing, datetime(2024, 9, 28, 11, 15))


def test_series_span_of_count_rule_ends_with_last_occurrence() -> None:
    timing = parse_timing(
        zone="Europe/Brussels", start="2024-10-03T10:00", end="2024-10-03T11:00", rrule="FREQ=WEEKLY;COUNT=6"
    )
    assert series_span_utc(timing) == (utc(2024, 10, 3, 8), utc(2024, 11, 7, 10))


def test_series_span_covers_an_rdate_before_the_start_and_a_moved_override_after_the_end() -> None:
    timing = diplomado(rdates=["2024-08-01T10:00"])
    moved = override(timing, "2024-12-19T17:00", start="2025-01-09T17:00", end="2025-01-09T19:00")
    start, end = series_span_utc(with_overrides(timing, moved))
    assert start == utc(2024, 8, 1, 16)
    assert end is not None
    assert end >= utc(2025, 1, 10, 1)


def test_series_span_of_unbounded_rule_has_no_end() -> None:
    timing = parse_timing(zone="Europe/Brussels", start="2024-10-03T10:00", end="2024-10-03T11:00", rrule="FREQ=WEEKLY")
    assert series_span_utc(timing) == (utc(2024, 10, 3, 8), None)


def test_parse_series_point_reads_dates_for_all_day_and_local_times_otherwise() -> None:
    assert parse_series_point("2024-09-21", True, "x") == datetime(2024, 9, 21)
    assert parse_series_point("2024-09-21T10:00", False, "x") == datetime(2024, 9, 21, 10)
    with pytest.raises(InvalidInput) as caught:
        parse_series_point("2024-09-21T10:00", True, "recurrence.exdates[2]")
    assert caught.value.field == "recurrence.exdates[2]"


def test_exact_duration_of_a_plain_event_is_utc_difference() -> None:
    timing = parse_timing(zone="Europe/Brussels", start="2024-03-31T01:00", end="2024-03-31T04:00")
    assert exact_duration(timing) == timedelta(hours=2)
    assert to_utc(timing.end, "Europe/Brussels") - to_utc(timing.start, "Europe/Brussels") == timedelta(hours=2)


def test_daily_series_across_samoas_skipped_day_reads_that_day_with_the_offset_before() -> None:
    # Samoa jumped from 2011-12-29 (-10:00) to 2011-12-31 (+14:00). RFC 5545 §3.3.10 reads the nonexistent
    # 2011-12-30T10:00 with the offset from before the gap, i.e. the same instant as 2011-12-31T10:00.
    timing = parse_timing(
        zone="Pacific/Apia", start="2011-12-28T10:00", end="2011-12-28T11:00", rrule="FREQ=DAILY;COUNT=5"
    )
    occurrences = everything(timing)
    assert [occ.original.day for occ in occurrences] == [28, 29, 30, 31, 1]
    assert [occ.start_utc for occ in occurrences] == [
        utc(2011, 12, 28, 20),
        utc(2011, 12, 29, 20),
        utc(2011, 12, 30, 20),
        utc(2011, 12, 30, 20),
        utc(2011, 12, 31, 20),
    ]
