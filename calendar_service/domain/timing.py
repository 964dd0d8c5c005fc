"""From a client's strings to a validated `Timing`, or an error naming the field.

This is the single gate every event time passes through (API, fixtures, CLI),
so the rules of time hold everywhere:
- `start`/`end` are local wall-clock times in `timezone` (dates for all-day,
  with `end` the last day, inclusive); a DST gap is refused, a DST fold needs
  `fold`.
- `end` must be after `start` (all-day: not before it).
- EXDATEs must be occurrences of the rule; RDATEs must exist in the zone.
"""

from collections.abc import Sequence
from datetime import datetime, time, timedelta

from calendar_service.domain.recurrence import MAX_LIST, is_occurrence, normalize_rrule, parse_series_point
from calendar_service.domain.timezones import (
    canonical_zone_name,
    classify,
    get_zone,
    iso_local,
    parse_local_date,
    parse_local_datetime,
    to_utc,
    to_utc_lenient,
)
from calendar_service.domain.values import Override, Timing
from calendar_service.errors import InvalidInput, InvalidRecurrence


def parse_timing(
    *,
    zone: str,
    start: str,
    end: str,
    all_day: bool = False,
    fold: int | None = None,
    rrule: str | None = None,
    exdates: Sequence[str] = (),
    rdates: Sequence[str] = (),
) -> Timing:
    zone_name = canonical_zone_name(zone)
    if fold not in (None, 0, 1):
        raise InvalidInput("fold: must be 0 (the first of two ambiguous times) or 1 (the second)", "fold")
    if all_day:
        first, last = parse_local_date(start, "start"), parse_local_date(end, "end")
        if last < first:
            raise InvalidInput(
                f"end: the last day {last} is before the first day {first}; for all-day events "
                "`end` is the last day, inclusive",
                "end",
            )
        start_local = datetime.combine(first, time())
        end_local = datetime.combine(last + timedelta(days=1), time())
        start_fold = end_fold = 0
    else:
        start_local, end_local = parse_local_datetime(start, "start"), parse_local_datetime(end, "end")
        start_utc = to_utc(start_local, zone_name, fold, "start")
        end_utc = to_utc(end_local, zone_name, fold, "end")
        if end_utc <= start_utc:
            raise InvalidInput(
                f"end: {end} is not after start {start} in {zone_name}; give an end later than the start",
                "end",
            )
        start_fold = fold if classify(start_local, get_zone(zone_name)) == "fold" and fold else 0
        end_fold = fold if classify(end_local, get_zone(zone_name)) == "fold" and fold else 0
    canonical_rule = normalize_rrule(rrule, start_local, zone_name, all_day) if rrule else None
    if len(exdates) > MAX_LIST or len(rdates) > MAX_LIST:
        raise InvalidRecurrence(f"recurrence: at most {MAX_LIST} exdates and {MAX_LIST} rdates", "recurrence")
    excluded_in_order = _points(exdates, all_day, "recurrence.exdates")
    extra_in_order = _points(rdates, all_day, "recurrence.rdates")
    excluded, extra = tuple(sorted(set(excluded_in_order))), tuple(sorted(set(extra_in_order)))
    if excluded and not canonical_rule and not extra:
        raise InvalidRecurrence(
            "recurrence.exdates: an event without rrule or rdates has nothing to exclude", "recurrence.exdates"
        )
    if not all_day:
        for index, point in enumerate(extra_in_order):
            to_utc(
                point,
                zone_name,
                fold if classify(point, get_zone(zone_name)) == "fold" else 0,
                f"recurrence.rdates[{index}]",
            )
    timing = Timing(
        zone=zone_name,
        start=start_local,
        end=end_local,
        all_day=all_day,
        start_fold=start_fold,
        end_fold=end_fold,
        rrule=canonical_rule,
        rdates=extra,
    )
    for index, point in enumerate(excluded_in_order):
        if not is_occurrence(timing, point):
            raise InvalidRecurrence(
                f"recurrence.exdates[{index}]: {format_point(point, all_day)} is not an occurrence of the "
                "series; list only dates the rule produces",
                f"recurrence.exdates[{index}]",
            )
    return Timing(
        zone=timing.zone,
        start=timing.start,
        end=timing.end,
        all_day=all_day,
        start_fold=start_fold,
        end_fold=end_fold,
        rrule=canonical_rule,
        exdates=excluded,
        rdates=extra,
    )


def _points(values: Sequence[str], all_day: bool, field: str) -> list[datetime]:
    """Parsed in the client's order, so an error names the index the client sent."""
    return [parse_series_point(value, all_day, f"{field}[{i}]") for i, value in enumerate(values)]


def format_point(point: datetime, all_day: bool) -> str:
    """The wire form of an occurrence id: a date for all-day series, else local date-time."""
    return point.date().isoformat() if all_day else iso_local(point)


def parse_override(
    timing: Timing,
    original: datetime,
    *,
    start: str | None,
    end: str | None,
    fold: int | None,
    title: str | None,
    status: str | None,
) -> Override:
    """Validate a per-occurrence change; the occurrence must belong to the series."""
    if not timing.recurring:
        raise InvalidInput("this event does not repeat; edit the event itself instead", "original_start")
    if not is_occurrence(timing, original):
        raise InvalidInput(
            f"original_start: {format_point(original, timing.all_day)} is not an occurrence of this series; "
            "use the occurrence's original local start as listed by /api/events",
            "original_start",
        )
    if status is not None and status not in ("confirmed", "tentative", "cancelled"):
        raise InvalidInput("status: use confirmed, tentative or cancelled", "status")
    if start is None and end is None:
        return Override(original=original, title=title, status=status)
    zone = timing.zone
    if timing.all_day:
        first = parse_local_date(start, "start") if start else original.date()
        length = (timing.end - timing.start).days
        last = parse_local_date(end, "end") if end else first + timedelta(days=length - 1)
        if last < first:
            raise InvalidInput("end: the last day is before the first day", "end")
        return Override(
            original=original,
            start=datetime.combine(first, time()),
            end=datetime.combine(last + timedelta(days=1), time()),
            title=title,
            status=status,
        )
    new_start = parse_local_datetime(start, "start") if start else original
    # An unchanged start is the series' own occurrence: read it as the series does (a
    # generated time in a DST gap is valid there); a new start the client sent is strict.
    start_utc = to_utc(new_start, zone, fold, "start") if start else to_utc_lenient(new_start, get_zone(zone))
    new_end = parse_local_datetime(end, "end") if end else None
    end_fold = 0
    if new_end is not None:
        end_utc = to_utc(new_end, zone, fold, "end")
        if end_utc <= start_utc:
            raise InvalidInput("end: must be after start", "end")
        end_fold = (fold or 0) if classify(new_end, get_zone(zone)) == "fold" else 0
    start_fold = (fold or 0) if classify(new_start, get_zone(zone)) == "fold" else 0
    return Override(
        original=original,
        start=new_start,
        end=new_end,
        start_fold=start_fold,
        end_fold=end_fold,
        title=title,
        status=status,
    )
