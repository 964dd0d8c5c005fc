"""RFC 5545 recurrence: validation and expansion in local wall-clock time.

Decisions:
- Rules are expanded on *naive local* times and each occurrence is converted
  to UTC afterwards, so a weekly 09:00 stays 09:00 across DST changes (and a
  generated time in a DST gap takes the offset before the gap, RFC 5545
  §3.3.5). Expanding on aware times with dateutil gets offsets wrong.
- The stored rule is canonical: upper case, no `RRULE:` prefix, UNTIL in UTC
  (`...Z`) for timed events and a DATE for all-day ones, as RFC 5545 requires
  next to a DTSTART with TZID; feeds can emit it unchanged.
- Every expansion is windowed and capped; no request can make us iterate a
  rule without bound. SECONDLY/MINUTELY rules are refused (an event calendar
  has no use for them), COUNT is capped and a COUNT series must end within a
  horizon, and the first occurrence must be the event's start (RFC 5545 calls
  a DTSTART that is not synchronised with its rule undefined, and clients
  disagree on it).
- Occurrence identity is the original local start (RECURRENCE-ID). Overrides
  may move an occurrence anywhere; a moved occurrence is listed where it now
  is, never where it was.
"""

import functools
import itertools
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rruleset, rrulestr

from calendar_service.domain.timezones import (
    classify,
    day_start_utc,
    get_zone,
    parse_local_date,
    parse_local_datetime,
    to_utc,
    to_utc_lenient,
)
from calendar_service.domain.values import Expansion, Occurrence, Override, Timing
from calendar_service.errors import InvalidRecurrence

RULE_FIELD = "recurrence.rrule"
MAX_COUNT = 5000
MAX_INTERVAL = 1000
MAX_LIST = 1000  # exdates / rdates per event
DEFAULT_LIMIT = 1000  # occurrences per event per query

_FREQS = {"YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY"}
_REFUSED_FREQS = {"SECONDLY", "MINUTELY"}
# How far ahead a rule may look for its occurrences: bounds the iteration
# dateutil does for sparse rules (e.g. DAILY;BYMONTH=2;BYMONTHDAY=29).
_HORIZON_YEARS = {"HOURLY": 2, "DAILY": 30, "WEEKLY": 100, "MONTHLY": 200, "YEARLY": 200}


def _years_after(moment: datetime, years: int) -> datetime:
    return moment.replace(year=min(moment.year + years, 9999), day=min(moment.day, 28))


def _split_rule(text: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for chunk in text.split(";"):
        if not chunk:
            continue
        key, sep, value = chunk.partition("=")
        if not sep or not key or not value:
            raise InvalidRecurrence(
                f"{RULE_FIELD}: '{chunk}' is not NAME=VALUE; write the rule as in RFC 5545, "
                "e.g. FREQ=WEEKLY;BYDAY=TH;COUNT=16",
                RULE_FIELD,
            )
        if key in parts:
            raise InvalidRecurrence(f"{RULE_FIELD}: {key} appears twice; give it once", RULE_FIELD)
        parts[key] = value
    return parts


def _parse_until(value: str, zone: ZoneInfo, all_day: bool) -> str:
    """UNTIL in canonical form: DATE for all-day, UTC date-time otherwise."""
    text = value.upper()
    try:
        if len(text) == 8:
            day = datetime.strptime(text, "%Y%m%d").date()  # noqa: DTZ007 - local wall time
            if all_day:
                return day.strftime("%Y%m%d")
            # A bare date bounds a timed series at the end of that local day.
            local_end = datetime.combine(day, time(23, 59, 59))
            return to_utc_lenient(local_end, zone).strftime("%Y%m%dT%H%M%SZ")
        if text.endswith("Z"):
            instant = datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        else:
            instant = to_utc_lenient(datetime.strptime(text, "%Y%m%dT%H%M%S"), zone)  # noqa: DTZ007 - local wall time
    except ValueError:
        raise InvalidRecurrence(
            f"{RULE_FIELD}: UNTIL={value} is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSSZ)",
            RULE_FIELD,
        ) from None
    if all_day:
        return instant.astimezone(zone).strftime("%Y%m%d")
    return instant.strftime("%Y%m%dT%H%M%SZ")


def _check_rfc_constraints(parts: dict[str, str], freq: str) -> None:
    """The combinations RFC 5545 §3.3.10 forbids, which dateutil would accept (or loop on)."""
    interval = parts.get("INTERVAL", "1")
    if not interval.isdigit() or not 1 <= int(interval) <= MAX_INTERVAL:
        raise InvalidRecurrence(f"{RULE_FIELD}: INTERVAL must be a whole number from 1 to {MAX_INTERVAL}", RULE_FIELD)
    numbered_days = [d for d in parts.get("BYDAY", "").split(",") if d and not d.isalpha()]
    if numbered_days and freq not in ("MONTHLY", "YEARLY"):
        raise InvalidRecurrence(
            f"{RULE_FIELD}: BYDAY={numbered_days[0]} has a number, which only MONTHLY and YEARLY rules allow; "
            "use plain days (e.g. BYDAY=TH) with FREQ=" + freq,
            RULE_FIELD,
        )
    if numbered_days and "BYWEEKNO" in parts:
        raise InvalidRecurrence(f"{RULE_FIELD}: BYDAY cannot carry numbers together with BYWEEKNO", RULE_FIELD)
    if "BYWEEKNO" in parts and freq != "YEARLY":
        raise InvalidRecurrence(f"{RULE_FIELD}: BYWEEKNO is only allowed with FREQ=YEARLY", RULE_FIELD)
    if "BYYEARDAY" in parts and freq in ("DAILY", "WEEKLY", "MONTHLY"):
        raise InvalidRecurrence(f"{RULE_FIELD}: BYYEARDAY is not allowed with FREQ={freq}", RULE_FIELD)
    if "BYMONTHDAY" in parts and freq == "WEEKLY":
        raise InvalidRecurrence(f"{RULE_FIELD}: BYMONTHDAY is not allowed with FREQ=WEEKLY", RULE_FIELD)


def _until_local(instant: datetime, zone: ZoneInfo) -> datetime:
    """The latest local wall time whose (first-instant) reading is not after the UTC `instant`.

    An UNTIL in the second half of a DST fold bounds every time of that fold: all
    of them were read as their first instant, which is before UNTIL.
    """
    local = instant.astimezone(zone)
    naive = local.replace(tzinfo=None, fold=0)
    if local.fold == 0:
        return naive
    probe = naive
    while classify(probe, zone) == "fold":
        probe += timedelta(minutes=1)
    return probe - timedelta(microseconds=1)


def normalize_rrule(text: str, timing_start: datetime, zone_name: str, all_day: bool) -> str:
    """Validate a client's RRULE and return its canonical form (raises InvalidRecurrence)."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidRecurrence(f"{RULE_FIELD}: empty rule; e.g. FREQ=WEEKLY;BYDAY=TH;COUNT=16", RULE_FIELD)
    cleaned = text.strip().upper()
    if cleaned.startswith("RRULE:"):
        cleaned = cleaned[len("RRULE:") :]
    if "\n" in cleaned or "DTSTART" in cleaned or ":" in cleaned:
        raise InvalidRecurrence(
            f"{RULE_FIELD}: give only the rule's parts (FREQ=...;...), not DTSTART or other properties; "
            "the start comes from `start`",
            RULE_FIELD,
        )
    parts = _split_rule(cleaned)
    freq = parts.get("FREQ")
    if freq is None:
        raise InvalidRecurrence(f"{RULE_FIELD}: FREQ is required, e.g. FREQ=WEEKLY", RULE_FIELD)
    if freq in _REFUSED_FREQS:
        raise InvalidRecurrence(
            f"{RULE_FIELD}: FREQ={freq} is not supported; events repeat at most hourly "
            "(use FREQ=HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY)",
            RULE_FIELD,
        )
    if freq not in _FREQS:
        raise InvalidRecurrence(f"{RULE_FIELD}: FREQ={freq} is not an RFC 5545 frequency", RULE_FIELD)
    _check_rfc_constraints(parts, freq)
    if "COUNT" in parts and "UNTIL" in parts:
        raise InvalidRecurrence(f"{RULE_FIELD}: give COUNT or UNTIL, not both (RFC 5545)", RULE_FIELD)
    if "COUNT" in parts and (not parts["COUNT"].isdigit() or not 1 <= int(parts["COUNT"]) <= MAX_COUNT):
        raise InvalidRecurrence(f"{RULE_FIELD}: COUNT must be a whole number from 1 to {MAX_COUNT}", RULE_FIELD)
    zone = get_zone(zone_name)
    if "UNTIL" in parts:
        parts["UNTIL"] = _parse_until(parts["UNTIL"], zone, all_day)
    canonical = ";".join(f"{key}={value}" for key, value in parts.items())
    rule = _rule_from_canonical(canonical, timing_start, zone_name)
    horizon = _years_after(timing_start, _HORIZON_YEARS[freq])
    until = _rule_until(rule)
    if until is not None and until > horizon:
        raise InvalidRecurrence(
            f"{RULE_FIELD}: UNTIL={parts['UNTIL']} is more than {_HORIZON_YEARS[freq]} years after `start`; "
            f"a FREQ={freq} series may run {_HORIZON_YEARS[freq]} years (leave UNTIL out for an open series)",
            RULE_FIELD,
        )
    probe = rule.replace(count=None, until=horizon if until is None or until > horizon else until)
    first = next(iter(probe), None)
    if first != timing_start:
        found = f"its first occurrence is {first.isoformat()}" if first else "it has no occurrence"
        raise InvalidRecurrence(
            f"{RULE_FIELD}: the rule does not start at `start` ({timing_start.isoformat()}): {found}. "
            "Make `start` the first occurrence.",
            RULE_FIELD,
        )
    if "COUNT" in parts and sum(1 for _ in itertools.islice(probe, int(parts["COUNT"]))) < int(parts["COUNT"]):
        raise InvalidRecurrence(
            f"{RULE_FIELD}: COUNT={parts['COUNT']} does not end within {_HORIZON_YEARS[freq]} years; "
            "use a smaller COUNT or an UNTIL date",
            RULE_FIELD,
        )
    return canonical


@functools.lru_cache(maxsize=4096)
def _rule_from_canonical(canonical: str, start: datetime, zone_name: str) -> rrule:
    """A dateutil rule on naive local times (UNTIL converted to local wall time)."""
    zone = get_zone(zone_name)
    parts = _split_rule(canonical)
    until = parts.pop("UNTIL", None)
    text = ";".join(f"{key}={value}" for key, value in parts.items())
    try:
        rule = rrulestr(text, dtstart=start)
    except (ValueError, TypeError) as exc:
        raise InvalidRecurrence(
            f"{RULE_FIELD}: {exc}; see RFC 5545 §3.3.10, e.g. FREQ=MONTHLY;BYDAY=2TU", RULE_FIELD
        ) from None
    if not isinstance(rule, rrule):  # pragma: no cover - rrulestr returns a set only for multi-line input
        raise InvalidRecurrence(f"{RULE_FIELD}: give a single rule", RULE_FIELD)
    if until is not None:
        if until.endswith("Z"):
            instant = datetime.strptime(until, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            local_until = _until_local(instant, zone)
        else:
            local_until = datetime.strptime(until, "%Y%m%d")  # noqa: DTZ007 - local wall time
        rule = rule.replace(until=local_until)
    return rule


def _rule_count(rule: rrule) -> int | None:
    """dateutil keeps COUNT and UNTIL private and offers no accessor."""
    count: int | None = getattr(rule, "_count", None)
    return count


def _rule_until(rule: rrule) -> datetime | None:
    until: datetime | None = getattr(rule, "_until", None)
    return until


def _bounded(rule: rrule, limit: datetime) -> rrule:
    """The same rule, never iterating past `limit`.

    A COUNT rule is returned as it is: validation proved it ends within its
    horizon, and replacing its COUNT with an UNTIL would change its meaning.
    """
    if _rule_count(rule) is not None:  # dateutil exposes no public accessor
        return rule
    until = _rule_until(rule)
    return rule.replace(until=limit if until is None or until > limit else until)


def _wall_duration(timing: Timing) -> timedelta:
    return timing.end - timing.start


def exact_duration(timing: Timing) -> timedelta:
    """Elapsed time of the master event (RFC 5545: DTEND gives an exact duration)."""
    if timing.all_day:
        return timing.end - timing.start
    start = to_utc(timing.start, timing.zone, timing.start_fold)
    end = to_utc(timing.end, timing.zone, timing.end_fold, "end")
    return end - start


def _occurrence(timing: Timing, original: datetime, zone: ZoneInfo, duration: timedelta) -> Occurrence:
    if timing.all_day:
        start, end = original, original + duration
        return Occurrence(original, start, end, day_start_utc(start.date(), zone), day_start_utc(end.date(), zone))
    fold = timing.start_fold if original == timing.start else 0
    start_utc = to_utc_lenient(original, zone, fold)
    end_utc = start_utc + duration
    # A generated time in a DST gap starts at the wall time it really is (02:30 -> 03:30);
    # `original` keeps the rule's time, which stays the occurrence's identity.
    start_local = start_utc.astimezone(zone).replace(tzinfo=None, fold=0)
    end_local = end_utc.astimezone(zone).replace(tzinfo=None, fold=0)
    return Occurrence(original, start_local, end_local, start_utc, end_utc)


def _moved(timing: Timing, override: Override, zone: ZoneInfo, duration: timedelta) -> Occurrence:
    start = override.start or override.original
    if timing.all_day:
        end = override.end or start + duration
        return Occurrence(
            override.original,
            start,
            end,
            day_start_utc(start.date(), zone),
            day_start_utc(end.date(), zone),
            override.title,
            override.status,
            True,
        )
    start_utc = to_utc_lenient(start, zone, override.start_fold)
    if override.end is not None:
        end_utc = to_utc_lenient(override.end, zone, override.end_fold)
    else:
        end_utc = start_utc + duration
    end = end_utc.astimezone(zone).replace(tzinfo=None, fold=0)
    return Occurrence(override.original, start, end, start_utc, end_utc, override.title, override.status, True)


def _set_for(timing: Timing, until: datetime | None) -> rruleset:
    rules = rruleset()
    if timing.rrule:
        rule = _rule_from_canonical(timing.rrule, timing.start, timing.zone)
        rules.rrule(_bounded(rule, until) if until is not None else rule)
    else:
        rules.rdate(timing.start)
    for extra in timing.rdates:
        rules.rdate(extra)
    for excluded in timing.exdates:
        rules.exdate(excluded)
    return rules


def _overlaps(occ: Occurrence, window_start: datetime, window_end: datetime) -> bool:
    if occ.start_utc == occ.end_utc:
        return window_start <= occ.start_utc < window_end
    return occ.start_utc < window_end and occ.end_utc > window_start


def is_occurrence(timing: Timing, original: datetime) -> bool:
    """Does the series (rule + RDATE − EXDATE) produce an occurrence starting at `original`?

    dateutil answers membership by stepping through the series from its start, so a rule is only
    consulted up to its frequency's horizon (at most about 17,500 steps): a date thousands of years
    out is no occurrence, answered at once instead of after millions of steps.
    """
    if not timing.recurring:
        return original == timing.start
    if original in timing.exdates:
        return False
    if original in timing.rdates:
        return True
    if not timing.rrule:
        return False
    freq = _split_rule(timing.rrule).get("FREQ", "YEARLY")
    if original > _years_after(timing.start, _HORIZON_YEARS.get(freq, 200)):
        return False
    return original in _set_for(timing, original + timedelta(seconds=1))


def iter_originals(timing: Timing, local_from: datetime, local_to: datetime) -> Iterator[datetime]:
    """Original local starts from `local_from` to `local_to` inclusive, in order."""
    rules = _set_for(timing, local_to)
    for original in rules.xafter(local_from, inc=True):
        if original > local_to:
            return
        yield original


def expand(
    timing: Timing,
    window_start: datetime,
    window_end: datetime,
    limit: int = DEFAULT_LIMIT,
) -> Expansion:
    """Occurrences overlapping [window_start, window_end) (UTC), ordered, at most `limit`."""
    zone = get_zone(timing.zone)
    duration = timing.end - timing.start if timing.all_day else exact_duration(timing)
    if not timing.recurring:
        occ = _occurrence(timing, timing.start, zone, duration)
        return Expansion((occ,) if _overlaps(occ, window_start, window_end) else ())
    margin = timedelta(days=2)
    local_from = window_start.astimezone(zone).replace(tzinfo=None, fold=0) - _wall_duration(timing) - margin
    local_to = window_end.astimezone(zone).replace(tzinfo=None, fold=0) + margin
    overrides = {ov.original: ov for ov in timing.overrides}
    found: list[Occurrence] = []
    truncated = False
    for original in iter_originals(timing, local_from, local_to):
        override = overrides.get(original)
        if override is not None and (override.start is not None or override.end is not None):
            continue  # listed below, where it moved to
        occ = _occurrence(timing, original, zone, duration)
        if not _overlaps(occ, window_start, window_end):
            continue
        if override is not None:
            occ = Occurrence(
                occ.original, occ.start, occ.end, occ.start_utc, occ.end_utc, override.title, override.status, True
            )
        if len(found) >= limit:
            truncated = True
            break
        found.append(occ)
    for override in _moved_overrides(timing):
        occ = _moved(timing, override, zone, duration)
        if _overlaps(occ, window_start, window_end):
            found.append(occ)
    found.sort(key=lambda o: (o.start_utc, o.original))
    if len(found) > limit:
        found, truncated = found[:limit], True
    return Expansion(tuple(found), truncated)


def _moved_overrides(timing: Timing) -> Iterable[Override]:
    for override in timing.overrides:
        if (override.start is not None or override.end is not None) and is_occurrence(timing, override.original):
            yield override


def master_span_utc(timing: Timing) -> tuple[datetime, datetime]:
    """Start and end in UTC of the event itself (the series' first occurrence)."""
    zone = get_zone(timing.zone)
    duration = timing.end - timing.start if timing.all_day else exact_duration(timing)
    master = _occurrence(timing, timing.start, zone, duration)
    return master.start_utc, master.end_utc


def series_span_utc(timing: Timing) -> tuple[datetime, datetime | None]:
    """First start and last end in UTC over the whole series; end None = unbounded.

    Used to index events for window queries; an upper bound is enough.
    """
    zone = get_zone(timing.zone)
    duration = timing.end - timing.start if timing.all_day else exact_duration(timing)
    master = _occurrence(timing, timing.start, zone, duration)
    starts = [master.start_utc]
    ends = [master.end_utc]
    for extra in timing.rdates:
        occ = _occurrence(timing, extra, zone, duration)
        starts.append(occ.start_utc)
        ends.append(occ.end_utc)
    for override in _moved_overrides(timing):
        occ = _moved(timing, override, zone, duration)
        starts.append(occ.start_utc)
        ends.append(occ.end_utc)
    if timing.rrule:
        rule = _rule_from_canonical(timing.rrule, timing.start, timing.zone)
        until = _rule_until(rule)
        if _rule_count(rule) is not None:
            ends.append(_occurrence(timing, list(rule)[-1], zone, duration).end_utc)
        elif until is not None:
            ends.append(_occurrence(timing, until, zone, duration).end_utc)
        else:
            return min(starts), None
    return min(starts), max(ends)


def parse_series_point(text: object, all_day: bool, field: str) -> datetime:
    """An EXDATE/RDATE/occurrence id: local date-time, or date for all-day series."""
    if all_day:
        return datetime.combine(parse_local_date(text, field), time())
    return parse_local_datetime(text, field)
