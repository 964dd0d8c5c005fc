"""Property tests of the rules of time, 1990-2040, zones in both hemispheres.

Inputs are biased towards DST transitions (found by scanning the pinned tz
database), because that is where conversions go wrong; pytz serves as an
independent oracle up to 2037, where its compiled tables end.
"""

import dataclasses
import functools
import itertools
import os
from datetime import UTC, date, datetime, time, timedelta

import pytest
import pytz
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from calendar_service.domain.recurrence import exact_duration, expand, series_span_utc
from calendar_service.domain.timezones import (
    classify,
    day_start_utc,
    from_utc,
    get_zone,
    to_utc,
    to_utc_lenient,
)
from calendar_service.domain.timing import parse_timing
from calendar_service.domain.values import Occurrence, Override, Timing
from calendar_service.errors import AmbiguousLocalTime, NonexistentLocalTime

# `make fuzz` sets HYPOTHESIS_FUZZ=1: random (not derandomized) and many more examples.
FUZZ = os.environ.get("HYPOTHESIS_FUZZ") == "1"
PROPERTY = settings(
    derandomize=not FUZZ,
    database=None,
    deadline=None,
    max_examples=20_000 if FUZZ else 300,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
SERIES = settings(PROPERTY, max_examples=3_000 if FUZZ else 300)

DST_ZONES = [
    "America/New_York",
    "Europe/Brussels",
    "America/Indiana/Indianapolis",
    "Australia/Sydney",
    "America/Santiago",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Pacific/Chatham",
    "America/Sao_Paulo",
    "America/St_Johns",
    "America/Havana",
    "America/Mexico_City",
    "Europe/Dublin",
    "Africa/Casablanca",
    "Asia/Tehran",
    "Europe/Moscow",
    "Pacific/Apia",
]
ZONES = [*DST_ZONES, "Asia/Kathmandu", "Asia/Kolkata", "Africa/Accra", "UTC"]

FIRST_YEAR, LAST_YEAR, PYTZ_LAST_YEAR = 1990, 2040, 2037


@dataclasses.dataclass(frozen=True)
class Transition:
    instant: datetime  # UTC
    before: timedelta  # offset before
    after: timedelta  # offset after

    @property
    def wall(self) -> datetime:
        """Local wall clock (old offset) at which the clocks change."""
        return (self.instant + self.before).replace(tzinfo=None)

    @property
    def affected(self) -> tuple[datetime, timedelta]:
        """First wall time in the gap or fold, and its length."""
        return (self.instant + min(self.before, self.after)).replace(tzinfo=None), abs(self.after - self.before)


@functools.cache
def transitions(zone_name: str) -> tuple[Transition, ...]:
    """Offset changes from 1990 to 2040, found by a daily scan then bisection to the minute."""
    zone = get_zone(zone_name)

    def offset(instant: datetime) -> timedelta:
        value = instant.astimezone(zone).utcoffset()
        assert value is not None
        return value

    found = []
    day = datetime(FIRST_YEAR, 1, 2, tzinfo=UTC)
    end = datetime(LAST_YEAR, 12, 30, tzinfo=UTC)
    previous = offset(day)
    while day < end:
        following = day + timedelta(days=1)
        current = offset(following)
        if current != previous:
            low, high = day, following  # offset(low) == previous, offset(high) == current
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                middle = middle.replace(second=0, microsecond=0)
                if middle <= low:
                    middle = low + timedelta(minutes=1)
                if offset(middle) == previous:
                    low = middle
                else:
                    high = middle
            found.append(Transition(high, previous, current))
            previous = current
        day = following
    return tuple(found)


def transition_strategy(
    zones: list[str], max_year: int = LAST_YEAR, kind: str | None = None
) -> st.SearchStrategy[tuple[str, Transition]]:
    """A zone and one of its transitions; kind 'gap' (clocks forward) or 'fold' (back) narrows the choice."""

    def wanted(transition: Transition) -> bool:
        if not FIRST_YEAR <= transition.instant.year <= max_year:
            return False
        return kind is None or (transition.after > transition.before) == (kind == "gap")

    def pick(zone: str) -> st.SearchStrategy[tuple[str, Transition]]:
        candidates = [t for t in transitions(zone) if wanted(t)]
        assert candidates, zone
        return st.tuples(st.just(zone), st.sampled_from(candidates))

    return st.sampled_from(zones).flatmap(pick)


def uniform_local(max_year: int = LAST_YEAR) -> st.SearchStrategy[datetime]:
    return st.builds(
        lambda day, minute: datetime.combine(day, time()) + timedelta(minutes=minute),
        st.dates(date(FIRST_YEAR, 1, 1), date(max_year, 12, 31)),
        st.integers(0, 24 * 60 - 1),
    )


def local_near_transition(max_year: int = LAST_YEAR) -> st.SearchStrategy[tuple[str, datetime]]:
    return st.tuples(transition_strategy(DST_ZONES, max_year), st.integers(-180, 180)).map(
        lambda pair: (pair[0][0], pair[0][1].wall + timedelta(minutes=pair[1]))
    )


def any_local(max_year: int = LAST_YEAR) -> st.SearchStrategy[tuple[str, datetime]]:
    return st.one_of(st.tuples(st.sampled_from(ZONES), uniform_local(max_year)), local_near_transition(max_year))


@st.composite
def inside_transition(draw: st.DrawFn, kind: str, max_year: int = LAST_YEAR) -> tuple[str, datetime, Transition]:
    """A local time inside a gap (kind='gap') or fold (kind='fold'), with its transition."""
    zone, transition = draw(transition_strategy(DST_ZONES, max_year, kind))
    first, length = transition.affected
    seconds = draw(st.integers(0, int(length.total_seconds()) - 1))
    return zone, first + timedelta(seconds=seconds), transition


# --- (a) round trips --------------------------------------------------------------------------


@PROPERTY
@given(any_local())
def test_normal_local_time_round_trips_through_utc(case: tuple[str, datetime]) -> None:
    zone, local = case
    assume(classify(local, get_zone(zone)) == "normal")
    instant = to_utc(local, zone)
    assert instant.tzinfo is UTC
    back = from_utc(instant, zone)
    assert back.replace(tzinfo=None) == local
    assert back.fold == 0
    assert to_utc(local, zone, 1) == instant  # fold is irrelevant when unambiguous
    assert to_utc_lenient(local, get_zone(zone)) == instant


@PROPERTY
@given(inside_transition("fold"), st.integers(0, 1))
def test_fold_local_time_round_trips_with_its_fold(case: tuple[str, datetime, Transition], fold: int) -> None:
    zone, local, transition = case
    assert classify(local, get_zone(zone)) == "fold"
    with pytest.raises(AmbiguousLocalTime):
        to_utc(local, zone)
    instant = to_utc(local, zone, fold)
    back = from_utc(instant, zone)
    assert back.replace(tzinfo=None) == local
    assert back.fold == fold
    assert back.utcoffset() == (transition.before if fold == 0 else transition.after)
    assert to_utc(local, zone, 1) - to_utc(local, zone, 0) == transition.before - transition.after


@PROPERTY
@given(inside_transition("gap"))
def test_gap_local_time_is_refused_and_read_leniently_with_the_offset_before(
    case: tuple[str, datetime, Transition],
) -> None:
    zone, local, transition = case
    assert classify(local, get_zone(zone)) == "gap"
    for fold in (None, 0, 1):
        with pytest.raises(NonexistentLocalTime):
            to_utc(local, zone, fold)
    lenient = to_utc_lenient(local, get_zone(zone))
    assert lenient == (local - transition.before).replace(tzinfo=UTC)
    assert from_utc(lenient, zone).replace(tzinfo=None) == local + (transition.after - transition.before)


# --- (b) pytz as an independent oracle ---------------------------------------------------------------


@PROPERTY
@given(any_local(PYTZ_LAST_YEAR))
def test_zoneinfo_agrees_with_pytz_on_normal_times(case: tuple[str, datetime]) -> None:
    zone, local = case
    assume(local.year <= PYTZ_LAST_YEAR)
    assume(classify(local, get_zone(zone)) == "normal")
    oracle = pytz.timezone(zone)
    expected = oracle.localize(local, is_dst=None)
    instant = to_utc(local, zone)
    assert from_utc(instant, zone).utcoffset() == expected.utcoffset()
    assert instant == expected.astimezone(UTC)


@PROPERTY
@given(inside_transition("gap", PYTZ_LAST_YEAR))
def test_pytz_also_says_gap_times_do_not_exist(case: tuple[str, datetime, Transition]) -> None:
    zone, local, _ = case
    with pytest.raises(pytz.exceptions.NonExistentTimeError):
        pytz.timezone(zone).localize(local, is_dst=None)


@PROPERTY
@given(inside_transition("fold", PYTZ_LAST_YEAR), st.integers(0, 1))
def test_pytz_also_says_fold_times_are_ambiguous_and_reads_both_instants_back(
    case: tuple[str, datetime, Transition], fold: int
) -> None:
    zone, local, _ = case
    oracle = pytz.timezone(zone)
    with pytest.raises(pytz.exceptions.AmbiguousTimeError):
        oracle.localize(local, is_dst=None)
    assert to_utc(local, zone, fold).astimezone(oracle).replace(tzinfo=None) == local


# --- all-day bounds ------------------------------------------------------------------------------


@PROPERTY
@given(st.one_of(st.tuples(st.sampled_from(ZONES), uniform_local()), local_near_transition()))
def test_day_start_is_the_first_instant_of_its_local_day(case: tuple[str, datetime]) -> None:
    zone, local = case
    day = local.date()
    start = day_start_utc(day, get_zone(zone))
    assert from_utc(start, zone).date() == day
    assert from_utc(start - timedelta(seconds=1), zone).date() < day


@PROPERTY
@given(st.sampled_from(ZONES), st.dates(date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)), st.integers(0, 40))
def test_all_day_inclusive_end_becomes_day_after_exclusive(zone: str, first: date, extra_days: int) -> None:
    last = first + timedelta(days=extra_days)
    timing = parse_timing(zone=zone, start=first.isoformat(), end=last.isoformat(), all_day=True)
    assert timing.start == datetime.combine(first, time())
    assert timing.end == datetime.combine(last + timedelta(days=1), time())
    (occ,) = expand(timing, datetime(1980, 1, 1, tzinfo=UTC), datetime(2050, 1, 1, tzinfo=UTC)).occurrences
    assert occ.start_utc < occ.end_utc


# --- (c) series keep their wall clock across DST --------------------------------------------------


@st.composite
def timed_series(draw: st.DrawFn, freqs: tuple[str, ...] = ("DAILY", "WEEKLY")) -> tuple[Timing, str, int, int]:
    """A validated timed series with its k-th occurrence near a DST transition (often in its gap or fold)."""
    zone, transition = draw(transition_strategy(DST_ZONES))
    freq = draw(st.sampled_from(freqs))
    interval = draw(st.integers(1, 2))
    count = draw(st.integers(2, {"HOURLY": 80, "DAILY": 60, "WEEKLY": 30}[freq]))
    step = {"HOURLY": timedelta(hours=1), "DAILY": timedelta(days=1), "WEEKLY": timedelta(weeks=1)}[freq] * interval
    if draw(st.booleans()):  # inside the gap or fold itself
        first, length = transition.affected
        near = first + timedelta(minutes=draw(st.integers(0, int(length.total_seconds() // 60) - 1)))
    else:
        near = transition.wall + timedelta(minutes=draw(st.integers(-120, 120)))
    near = near.replace(second=0)
    start = near - step * draw(st.integers(0, count - 1))
    kind = classify(start, get_zone(zone))
    assume(kind != "gap")
    end = start + timedelta(minutes=draw(st.integers(5, 8 * 60)))
    assume(classify(end, get_zone(zone)) == "normal")
    fold = draw(st.integers(0, 1)) if kind == "fold" else None
    parts = [f"FREQ={freq}", f"INTERVAL={interval}", f"COUNT={count}"]
    if freq == "WEEKLY" and draw(st.booleans()):
        parts.insert(1, "BYDAY=" + ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[start.weekday()])
    timing = parse_timing(zone=zone, start=start.isoformat(), end=end.isoformat(), fold=fold, rrule=";".join(parts))
    return timing, freq, interval, count


def full_expansion(timing: Timing) -> tuple[Occurrence, ...]:
    first, last = series_span_utc(timing)
    assert last is not None
    expansion = expand(timing, first - timedelta(days=3), last + timedelta(days=3), limit=5000)
    assert not expansion.truncated
    return expansion.occurrences


@SERIES
@given(timed_series())
def test_series_across_dst_keeps_local_wall_clock_and_exact_duration(case: tuple[Timing, str, int, int]) -> None:
    timing, freq, interval, count = case
    zone = get_zone(timing.zone)
    occurrences = full_expansion(timing)
    assert len(occurrences) == count
    step = timedelta(days=interval) if freq == "DAILY" else timedelta(weeks=interval)
    assert [occ.original for occ in occurrences] == [timing.start + i * step for i in range(count)]
    duration = exact_duration(timing)
    first, last = series_span_utc(timing)
    for index, occ in enumerate(occurrences):
        assert occ.original.time() == timing.start.time()
        assert occ.end_utc - occ.start_utc == duration
        assert first <= occ.start_utc
        assert last is not None
        assert occ.end_utc <= last
        kind = classify(occ.original, zone)
        wall_at_instant = from_utc(occ.start_utc, timing.zone).replace(tzinfo=None)
        if kind == "gap":  # RFC 5545: the offset from before the gap, i.e. later on the wall clock
            before = occ.original.replace(tzinfo=zone, fold=0).utcoffset()
            after = occ.original.replace(tzinfo=zone, fold=1).utcoffset()
            assert before is not None
            assert after is not None
            assert wall_at_instant == occ.original + (after - before)
        else:  # the wall clock of the series, also at the instant listed
            assert occ.start == occ.original
            assert occ.start.time() == timing.start.time()
            assert wall_at_instant == occ.original
            fold = timing.start_fold if index == 0 else 0
            assert occ.start_utc == to_utc(occ.original, timing.zone, fold if kind == "fold" else None)
    kinds = {classify(occ.original, zone) for occ in occurrences}
    event(f"occurrence kinds: {sorted(kinds)}")
    event(f"utc offsets in series: {len({from_utc(occ.start_utc, timing.zone).utcoffset() for occ in occurrences})}")
    # Strictly increasing, except that RFC 5545 §3.3.10 reads a time in a gap with the offset from before
    # the gap, which can land it on the next occurrence's instant when the gap is as long as the step
    # (Samoa skipped 2011-12-30 entirely).
    for earlier, later in itertools.pairwise(occurrences):
        assert earlier.start_utc <= later.start_utc
        if earlier.start_utc == later.start_utc:
            assert classify(earlier.original, zone) == "gap"
            event("gap occurrence shares its instant with the next one")


# --- (d) windows split anywhere give the same occurrences ---------------------------------------------


@st.composite
def all_day_series(draw: st.DrawFn) -> Timing:
    zone, transition = draw(transition_strategy(DST_ZONES))
    first = transition.wall.date() - timedelta(days=draw(st.integers(0, 30)))
    last = first + timedelta(days=draw(st.integers(0, 3)))
    freq = draw(st.sampled_from(["DAILY", "WEEKLY"]))
    count = draw(st.integers(2, 40))
    return parse_timing(
        zone=zone,
        start=first.isoformat(),
        end=last.isoformat(),
        all_day=True,
        rrule=f"FREQ={freq};COUNT={count}",
    )


@st.composite
def decorated_series(draw: st.DrawFn) -> Timing:
    """A series, sometimes with an EXDATE, a moved occurrence and a cancelled one."""
    if draw(st.integers(0, 3)) == 0:
        timing = draw(all_day_series())
    else:
        timing = draw(timed_series(("HOURLY", "DAILY", "WEEKLY")))[0]
    originals = [occ.original for occ in full_expansion(timing)]
    overrides: list[Override] = []
    if draw(st.booleans()):
        moved = draw(st.sampled_from(originals))
        unit = timedelta(days=1) if timing.all_day else timedelta(minutes=30)
        new_start = moved + unit * draw(st.integers(-200, 200))
        overrides.append(Override(original=moved, start=new_start, end=new_start + (timing.end - timing.start)))
    if draw(st.booleans()):
        overrides.append(Override(original=draw(st.sampled_from(originals)), status="cancelled", title="Off"))
    overrides = list({ov.original: ov for ov in overrides}.values())
    exdates: tuple[datetime, ...] = ()
    if draw(st.booleans()):
        exdates = (draw(st.sampled_from(originals)),)
    return dataclasses.replace(timing, exdates=exdates, overrides=tuple(overrides))


def key(occ: Occurrence) -> tuple[object, ...]:
    return (occ.original, occ.start_utc, occ.end_utc, occ.status, occ.title, occ.overridden)


@SERIES
@given(decorated_series(), st.data())
def test_adjacent_windows_together_list_exactly_the_combined_window(timing: Timing, data: st.DataObject) -> None:
    everything = full_expansion(timing)
    assume(everything)
    edges = sorted({moment for occ in everything for moment in (occ.start_utc, occ.end_utc)})
    low, high = edges[0] - timedelta(days=2), edges[-1] + timedelta(days=2)
    minutes = int((high - low).total_seconds() // 60)
    arbitrary = st.integers(0, minutes).map(lambda m: low + timedelta(minutes=m))
    points = data.draw(st.lists(st.one_of(st.sampled_from(edges), arbitrary), min_size=3, max_size=6, unique=True))
    points.sort()
    combined = expand(timing, points[0], points[-1], limit=5000)
    assert not combined.truncated
    pieces = [expand(timing, a, b, limit=5000) for a, b in itertools.pairwise(points)]
    union: set[tuple[object, ...]] = set()
    for piece in pieces:
        keys = [key(occ) for occ in piece.occurrences]
        assert len(keys) == len(set(keys)), "an occurrence listed twice in one window"
        union.update(keys)
    assert union == {key(occ) for occ in combined.occurrences}
    assert len(combined.occurrences) == len({key(occ) for occ in combined.occurrences})
    for boundary, left, right in zip(points[1:-1], pieces, pieces[1:], strict=False):
        shared = {key(occ) for occ in left.occurrences} & {key(occ) for occ in right.occurrences}
        for occ in right.occurrences:
            if key(occ) in shared:  # only what straddles the boundary may be in both
                assert occ.start_utc < boundary < occ.end_utc
    assert {key(occ) for occ in everything} >= union
