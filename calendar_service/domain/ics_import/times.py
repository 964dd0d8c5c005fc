"""Source DATE / DATE-TIME values -> wall-clock times in the event's zone.

A value keeps its own wall time when it is written in the event's zone (or
floating, read in it): RFC 5545 reads an ambiguous wall time as the first of
the two (fold 0). Values written in another zone or in UTC are converted
through their instant, so they keep the fold they really have.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from calendar_service.domain.ics_import.zones import ZoneChoice, ZoneResolver
from calendar_service.domain.timezones import classify, get_zone, to_utc_lenient

Kind = Literal["date", "utc", "zoned", "floating"]


class Unmappable(Exception):
    """The source item cannot become an event; the message says why, for a person."""


@dataclass(frozen=True, slots=True)
class Stamp:
    """A value as the file wrote it: a date, or a naive wall time with how to read it."""

    value: datetime
    kind: Kind
    tzid: str | None = None
    period_end: datetime | None = None

    @property
    def is_date(self) -> bool:
        return self.kind == "date"


def _stamp(value: Any, tzid: str | None) -> Stamp:
    end = None
    if isinstance(value, tuple):  # PERIOD: (start, end) or (start, duration)
        value, finish = value
        end = finish if isinstance(finish, datetime) else value + finish
    if isinstance(value, datetime):
        naive = value.replace(tzinfo=None)
        end_naive = end.replace(tzinfo=None) if isinstance(end, datetime) else None
        if tzid:
            return Stamp(naive, "zoned", tzid, end_naive)
        if value.tzinfo is not None:
            return Stamp(naive, "utc", None, end.astimezone(UTC).replace(tzinfo=None) if end else None)
        return Stamp(naive, "floating", None, end_naive)
    if isinstance(value, date):
        return Stamp(datetime.combine(value, time()), "date")
    raise Unmappable(f"'{value}' is not a date or date-time")


def read_stamp(prop: Any) -> Stamp:
    """One DTSTART/DTEND/RECURRENCE-ID value."""
    return _stamp(prop.dt, prop.params.get("TZID"))


def read_stamps(component: Any, name: str) -> list[Stamp]:
    """Every value of a list property (EXDATE, RDATE), over all its lines."""
    lines = component.get(name)
    if lines is None:
        return []
    found: list[Stamp] = []
    for line in lines if isinstance(lines, list) else [lines]:
        tzid = line.params.get("TZID")
        found.extend(_stamp(item.dt, tzid) for item in line.dts)
    return found


@dataclass(frozen=True, slots=True)
class Clock:
    """Reads stamps onto the wall clock of `zone` (an IANA name)."""

    zone: str
    floating_zone: str
    resolver: ZoneResolver
    years: tuple[int, int]

    def choice(self, stamp: Stamp) -> ZoneChoice:
        if stamp.kind == "utc":
            return ZoneChoice("UTC")
        if stamp.kind == "floating":
            return ZoneChoice(self.floating_zone)
        return self.resolver.resolve(stamp.tzid or "", self.years)

    def instant(self, stamp: Stamp) -> datetime:
        choice = self.choice(stamp)
        if choice.zone is None:
            raise Unmappable(choice.reason or f"time zone '{stamp.tzid}' cannot be placed")
        return to_utc_lenient(stamp.value, get_zone(choice.zone))

    def local(self, stamp: Stamp) -> tuple[datetime, int]:
        """(wall time in `zone`, fold); a date stays a local midnight."""
        if stamp.is_date:
            return stamp.value, 0
        if self.choice(stamp).zone == self.zone:
            return stamp.value, 0
        aware = self.instant(stamp).astimezone(get_zone(self.zone))
        return aware.replace(tzinfo=None, fold=0), aware.fold

    def exact_end(self, start: datetime, fold: int, length: timedelta) -> tuple[datetime, int]:
        """RFC 5545 §3.3.6: whole days of a DURATION are wall-clock days, the rest elapsed time."""
        zone = get_zone(self.zone)
        wall = start + timedelta(days=length.days)
        instant = to_utc_lenient(wall, zone, fold if wall == start else 0) + timedelta(seconds=length.seconds)
        aware = instant.astimezone(zone)
        return aware.replace(tzinfo=None, fold=0), aware.fold


def shift_out_of_gap(local: datetime, zone_name: str) -> datetime | None:
    """The wall time a time in a DST gap really is (offset before the gap), or None if it exists."""
    zone = get_zone(zone_name)
    if classify(local, zone) != "gap":
        return None
    return to_utc_lenient(local, zone).astimezone(zone).replace(tzinfo=None, fold=0)
