"""VTIMEZONE blocks derived from the pinned tz database, rule-shaped.

Decisions (see shared/notes/icalendar-clients.md §3 and §6):
- The source is the zoneinfo zone itself (pinned `tzdata`, via
  `timezones.get_zone`). zoneinfo has no public transition list, so the
  UTC offset and abbreviation are sampled daily and every change is bisected
  to the second. zoneinfo applies the POSIX footer rule after 2037, so the
  far future comes out right too.
- The window is whole UTC years: from 1 January of the year before `first`
  to the end of the year after `last`. Feeds whose range moves day by day
  therefore keep the same bytes (and ETag) all year, and a result can be
  cached per (zone, years).
- Changes that recur on the same weekday rule at the same local time in
  consecutive years become one observance with
  `RRULE:FREQ=YEARLY;BYMONTH=m;BYDAY=nDOW` (n = 1..4, or -1 for the last),
  the RRULE form Outlook reads reliably. Rules such as Chile's "first Sunday
  on or after the 2nd" use `BYDAY=SU;BYMONTHDAY=2,...,8`, as vzic/tzurl do.
  A rule is open-ended only if it is the zone's current rule: zoneinfo must
  agree with it for every later year up to past 2037 (when only the footer
  rule is left). Otherwise it ends with a UTC UNTIL.
- Anything else (Mexico 2022, Samoa 2011, Morocco's Ramadan changes) is one
  observance per change with a single DTSTART: never a comma-separated RDATE
  list, which vobject and ical.js read only the first value of.
- If no change starts before `first` (no DST at all, or none recently), a
  STANDARD observance with TZOFFSETFROM = TZOFFSETTO comes first, so the
  first event is always covered.
- The label follows the size of the offset, not tzdata's isdst flag: a
  change to a larger offset is DAYLIGHT, else STANDARD. Europe/Dublin (whose
  winter tzdata marks as negative DST) thus gets the conventional shape,
  and dateutil-based readers (vobject), which assume that `utcoffset - dst`
  stays constant, see a constant standard offset wherever the zone's really
  is constant. A jump of a whole day (Samoa, -10 -> +14) is STANDARD: a
  DAYLIGHT one would make dateutil's dst() 24 h, which Python refuses.
  Only the offsets matter for correctness; the labels are cosmetic to
  RFC 5545 readers.
- Output is a function of (zone, years) alone: no COMMENT, no LAST-MODIFIED,
  no clock.
- Which zones a feed or an invitation needs, over which years, is decided
  here too (`zone_spans`, `timezone_blocks`): all-day and UTC events need
  none, an open series a year past its start; blocks are cached per
  (zone, first year, last year).
"""

import calendar
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from calendar_service.domain.timezones import get_zone
from calendar_service.errors import InvalidInput

# Daily samples find every change in every zone from 1970 to 2045 (checked
# against 2-hourly ones); no zone changes and changes back within a day.
_SAMPLE_STEP = timedelta(days=1)
_ONE_SECOND = timedelta(seconds=1)
_ONE_DAY = timedelta(days=1)
# zoneinfo uses explicit transitions up to 2037 and the footer rule after
# it: a rule that still holds a few years past 2037 holds forever.
_FOOTER_YEAR = 2040
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_NTH_WEEK_STARTS = (1, 8, 15, 22)

State = tuple[timedelta, str]  # (UTC offset, abbreviation)
# How a change picks its day in the month: ("nth", 1..4), ("last", -1) or
# ("from", d) = the weekday on or after day d.
DayRule = tuple[str, int]


@dataclass(frozen=True)
class _Change:
    at: datetime  # UTC instant of the change
    before: timedelta
    after: timedelta
    name: str  # abbreviation after the change

    @property
    def onset(self) -> datetime:
        """Naive local time on the old offset: the observance's DTSTART."""
        return (self.at + self.before).replace(tzinfo=None)

    @property
    def daylight(self) -> bool:
        # A tzinfo's dst() must stay under 24 h: Samoa's jump from -10 to +14
        # (2011) is a change of standard time.
        return timedelta() < self.after - self.before < _ONE_DAY

    @property
    def kind(self) -> tuple[int, int, time, timedelta, timedelta, str]:
        """What a yearly rule keeps fixed: month, weekday, local time, offsets, name."""
        onset = self.onset
        return (onset.month, onset.weekday(), onset.time(), self.before, self.after, self.name)


@dataclass(frozen=True)
class _Observance:
    daylight: bool
    start: datetime  # naive local time on the old offset
    offset_from: timedelta
    offset_to: timedelta
    name: str
    day_rule: DayRule | None = None  # None: a single onset, no RRULE
    until: datetime | None = None  # UTC; None with a day rule: open-ended


def vtimezone(zone_name: str, first: datetime, last: datetime) -> icalendar.Timezone:
    """A VTIMEZONE (TZID = the IANA name) correct for every instant in [first, last]."""
    zone = get_zone(zone_name)
    start_year, end_year = _years(first, last)
    component = icalendar.Timezone()
    component.add("TZID", zone.key)
    for observance in _observances(zone.key, start_year, end_year):
        component.add_component(_to_component(observance))
    return component


def vtimezone_bytes(zone_name: str, first: datetime, last: datetime) -> bytes:
    """`vtimezone(...)` serialised: CRLF, folded, identical for identical input."""
    return bytes(vtimezone(zone_name, first, last).to_ical())


def _years(first: datetime, last: datetime) -> tuple[int, int]:
    for field, value in (("first", first), ("last", last)):
        if not isinstance(value, datetime) or value.utcoffset() is None:
            raise InvalidInput(f"{field}: an aware datetime is required", field)
    first, last = first.astimezone(UTC), last.astimezone(UTC)
    if last < first:
        raise InvalidInput("last: must not be before first", "last")
    # A year either side: enough to see the rules in force around the range, and
    # local times at its ends are covered whatever the offset.
    return max(first.year - 1, 2), min(last.year + 1, 9997)


@functools.lru_cache(maxsize=256)
def _observances(zone_key: str, start_year: int, end_year: int) -> tuple[_Observance, ...]:
    zone = get_zone(zone_key)
    begin = datetime(start_year, 1, 1, tzinfo=UTC)
    changes = _changes(zone, begin, datetime(end_year + 1, 1, 1, tzinfo=UTC))
    observances = [_observance_of(run, zone, end_year) for run in _runs(changes)]
    if not changes or changes[0].at > datetime(start_year + 1, 1, 1, tzinfo=UTC):  # after `first`
        offset, name = _state(zone, begin)
        local = (begin + offset).replace(tzinfo=None)
        observances.insert(0, _Observance(False, local, offset, offset, name))
    return tuple(observances)


def _state(zone: ZoneInfo, instant: datetime) -> State:
    local = instant.astimezone(zone)
    return local.utcoffset() or timedelta(), local.tzname() or ""


def _changes(zone: ZoneInfo, begin: datetime, end: datetime) -> list[_Change]:
    """Every change of offset or abbreviation in (begin, end], to the second."""
    changes: list[_Change] = []
    probe, state = begin, _state(zone, begin)
    while probe < end:
        upper = min(probe + _SAMPLE_STEP, end)
        upper_state = _state(zone, upper)
        lower, lower_state = probe, state
        while lower_state != upper_state:  # one or more changes in (lower, upper]
            low, high = lower, upper
            while (span := int((high - low).total_seconds())) > 1:  # whole seconds, as in TZif
                middle = low + timedelta(seconds=span // 2)
                if _state(zone, middle) == lower_state:
                    low = middle
                else:
                    high = middle
            new_state = _state(zone, high)
            changes.append(_Change(high, lower_state[0], new_state[0], new_state[1]))
            lower, lower_state = high, new_state
        probe, state = upper, upper_state
    return changes


def _day_rules(day: date) -> tuple[DayRule, ...]:
    """The ways `day` can be named as "weekday n of its month", best first."""
    length = calendar.monthrange(day.year, day.month)[1]
    rules: list[DayRule] = []
    if day.day <= 28:
        rules.append(("nth", (day.day - 1) // 7 + 1))
    if day.day > length - 7:
        rules.append(("last", -1))
    for first_day in range(max(1, day.day - 6), day.day + 1):
        if first_day + 6 <= length and first_day not in _NTH_WEEK_STARTS:
            rules.append(("from", first_day))
    return tuple(rules)


def _day_in(year: int, month: int, weekday: int, rule: DayRule) -> date | None:
    kind, number = rule
    length = calendar.monthrange(year, month)[1]
    if kind == "last":
        last = date(year, month, length)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first_day = (number - 1) * 7 + 1 if kind == "nth" else number
    if first_day + 6 > length:
        return None
    start = date(year, month, first_day)
    return start + timedelta(days=(weekday - start.weekday()) % 7)


@dataclass
class _Run:
    changes: list[_Change]
    day_rules: tuple[DayRule, ...]


def _runs(changes: list[_Change]) -> list[_Run]:
    """Group changes into yearly series: same kind, consecutive years, a shared day rule."""
    runs: list[_Run] = []
    for change in changes:
        rules = _day_rules(change.onset.date())
        for run in runs:
            previous = run.changes[-1]
            shared = tuple(rule for rule in run.day_rules if rule in rules)
            if previous.kind == change.kind and previous.onset.year + 1 == change.onset.year and shared:
                run.changes.append(change)
                run.day_rules = shared
                break
        else:
            runs.append(_Run([change], rules))
    return sorted(runs, key=lambda run: run.changes[0].at)


def _observance_of(run: _Run, zone: ZoneInfo, end_year: int) -> _Observance:
    head, tail = run.changes[0], run.changes[-1]
    single = _Observance(head.daylight, head.onset, head.before, head.after, head.name)
    if len(run.changes) == 1:
        return single
    if tail.onset.year >= end_year:
        for rule in run.day_rules:
            if _holds_from(rule, tail, zone, max(end_year, _FOOTER_YEAR)):
                return _Observance(head.daylight, head.onset, head.before, head.after, head.name, rule)
    # Readers that ignore the Z (dateutil's tzical, ical.js) compare UNTIL with
    # local onsets: take the later of the UTC instant and the local onset, which
    # ends on the same occurrence for every reading.
    until = max(tail.at, tail.onset.replace(tzinfo=UTC))
    return _Observance(head.daylight, head.onset, head.before, head.after, head.name, run.day_rules[0], until)


def _holds_from(rule: DayRule, tail: _Change, zone: ZoneInfo, last_year: int) -> bool:
    """Does zoneinfo change exactly as `rule` says every year after `tail` through `last_year`?"""
    onset = tail.onset
    for year in range(onset.year + 1, last_year + 1):
        day = _day_in(year, onset.month, onset.weekday(), rule)
        if day is None:
            return False
        at = (datetime.combine(day, onset.time()) - tail.before).replace(tzinfo=UTC)
        if _state(zone, at - _ONE_SECOND)[0] != tail.before or _state(zone, at) != (tail.after, tail.name):
            return False
    return True


def _to_component(observance: _Observance) -> icalendar.Component:
    component = icalendar.TimezoneDaylight() if observance.daylight else icalendar.TimezoneStandard()
    component.add("DTSTART", observance.start)
    component.add("TZOFFSETFROM", observance.offset_from)
    component.add("TZOFFSETTO", observance.offset_to)
    component.add("TZNAME", observance.name)
    if observance.day_rule is not None:
        component.add("RRULE", _rrule(observance))
    return component


def _rrule(observance: _Observance) -> icalendar.vRecur:
    assert observance.day_rule is not None
    kind, number = observance.day_rule
    weekday = _WEEKDAYS[observance.start.weekday()]
    parts: dict[str, object] = {"FREQ": "YEARLY", "BYMONTH": observance.start.month}
    if kind == "from":
        parts["BYMONTHDAY"] = list(range(number, number + 7))
        parts["BYDAY"] = weekday
    else:
        parts["BYDAY"] = f"{number}{weekday}"
    if observance.until is not None:
        parts["UNTIL"] = observance.until
    return icalendar.vRecur(parts)


# -- which VTIMEZONEs a feed or an invitation needs -----------------------------------------------

OPEN_SERIES_HORIZON = timedelta(days=366)
UTC_ZONES = {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Zulu", "Zulu", "Universal", "Etc/Universal"}


@functools.lru_cache(maxsize=1024)
def _vtimezone_block(zone: str, first_year: int, last_year: int) -> bytes:
    first = datetime(first_year, 1, 1, tzinfo=UTC)
    last = datetime(last_year, 12, 31, 23, 59, 59, tzinfo=UTC)
    block: bytes = vtimezone(zone, first, last).to_ical()
    return block


def timezone_blocks(spans: dict[str, tuple[datetime, datetime]]) -> list[bytes]:
    """One VTIMEZONE per zone, covering whole years around the zone's events (cached: pure)."""
    return [_vtimezone_block(zone, first.year, last.year) for zone, (first, last) in sorted(spans.items())]


def zone_spans(rows: Sequence[Any]) -> dict[str, tuple[datetime, datetime]]:
    """Per zone: earliest start and latest end of its timed events (open series: a year on).

    All-day events (DATE values) and UTC events (written with Z) need no VTIMEZONE.
    """
    spans: dict[str, tuple[datetime, datetime]] = {}
    for _, zone, all_day, first, last in rows:
        if all_day or zone in UTC_ZONES:
            continue
        end = last if last is not None else first + OPEN_SERIES_HORIZON
        low, high = spans.get(zone, (first, end))
        spans[zone] = (min(low, first), max(high, end))
    return spans
