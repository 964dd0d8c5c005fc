"""TZID -> IANA zone, for what other calendar programs write.

Decisions, in the order they are tried:
- An IANA name (any case) is taken as it is; the pinned tz database decides
  the offsets, not the file's VTIMEZONE (as Google and python-icalendar do).
- A globally unique TZID (Lightning/Thunderbird `/mozilla.org/20050126_1/Europe/Berlin`,
  Citadel, libical `/softwarestudio.org/…`) is the longest IANA name it ends with.
- A Windows id (`W. Europe Standard Time`) maps through CLDR's golden zone
  (`windows_zones`); Outlook's display labels (`(UTC+01:00) Amsterdam, Berlin, …`,
  or the older `(GMT+01.00) Amsterdam / Berlin / …`) through the same table,
  then through a city in the label that names an IANA zone.
- Anything else is a custom zone and is accepted only by evidence: when its
  VTIMEZONE gives the same UTC offsets as `fallback` over the event's years it
  is read as `fallback`; an Outlook label may also match any golden zone of
  the table with the label's offset. Otherwise the event is skipped: guessing
  a zone would put every occurrence at a wrong instant without anyone noticing.
- A label or Windows id that comes with a VTIMEZONE must agree with it over
  the event's years; if it does not (a customised Outlook zone) the VTIMEZONE
  wins through the custom-zone rule above.
- UTC in any spelling is reported as UTC (`is_utc`); callers handle it like `Z`.
"""

import bisect
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from calendar_service.domain.ics_import.windows_zones import BY_WINDOWS_ID, WINDOWS_ZONES
from calendar_service.domain.timezones import available_zones, get_zone
from calendar_service.errors import UnknownTimeZone

UTC_ZONES = frozenset(
    name.lower()
    for name in (
        "UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Zulu", "Zulu", "Z", "Universal", "Etc/Universal", "UCT",
        "Etc/UCT", "Etc/Greenwich", "Greenwich", "GMT0", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0",
        "tzone://Microsoft/Utc", "Coordinated Universal Time",
    )
)  # fmt: skip
_LABEL = re.compile(r"^\(\s*(?:UTC|GMT)\s*(?:([+-])(\d{1,2})[:.]?(\d{2}))?\s*\)\s*(.*)$", re.IGNORECASE)
_MAX_YEARS = 3


@dataclass(frozen=True, slots=True)
class ZoneChoice:
    """How a TZID was read: `zone` is None when it could not be mapped, `reason` says why."""

    zone: str | None
    note: str | None = None
    reason: str | None = None

    @property
    def is_utc(self) -> bool:
        return self.zone is not None and self.zone.lower() in UTC_ZONES


def _iana(name: str) -> str | None:
    try:
        return get_zone(name).key
    except UnknownTimeZone:
        return None


def _cities(text: str) -> tuple[str, ...]:
    return tuple(part.strip().lower() for part in re.split(r"[,/]", text) if part.strip())


def _label_parts(tzid: str) -> tuple[timedelta, tuple[str, ...]] | None:
    match = _LABEL.match(tzid)
    if match is None:
        return None
    sign, hours, minutes, rest = match.groups()
    offset = timedelta(0)
    if hours is not None:
        offset = timedelta(hours=int(hours), minutes=int(minutes)) * (-1 if sign == "-" else 1)
    return offset, _cities(rest)


_LABELS: dict[tuple[timedelta, tuple[str, ...]], str] = {}
for _win, _zone, _label in WINDOWS_ZONES:
    _parts = _label_parts(_label)
    if _parts is not None:
        _LABELS.setdefault(_parts, _zone)

_CITY_ZONES: dict[str, list[str]] = {}
for _name in sorted(available_zones()):
    _CITY_ZONES.setdefault(_name.rsplit("/", 1)[-1].replace("_", " ").lower(), []).append(_name)


def _suffix_zone(tzid: str) -> str | None:
    """The longest IANA name a vendor-prefixed TZID ends with."""
    parts = [p for p in tzid.split("/") if p]
    for index in range(len(parts)):
        found = _iana("/".join(parts[index:]))
        if found is not None and index > 0:
            return found
    return None


def _samples(years: tuple[int, int]) -> list[datetime]:
    first = datetime(years[0], 1, 1, tzinfo=UTC)
    last = datetime(min(years[1], years[0] + _MAX_YEARS - 1) + 1, 1, 1, tzinfo=UTC)
    days = (last - first).days
    return [first + timedelta(days=day, hours=12) for day in range(days)]


@dataclass(frozen=True, slots=True)
class OffsetTable:
    """A VTIMEZONE's UTC offsets by transition (UTC, naive), from python-icalendar's expansion.

    Looked up by bisection: dateutil's reading of an Outlook block (observances
    from 1601) re-expands the rules on every lookup and is thousands of times slower.
    """

    times: tuple[datetime, ...]
    offsets: tuple[timedelta, ...]

    @classmethod
    def of(cls, component: Any) -> "OffsetTable | None":
        times, info = component.get_transitions()
        if not times:
            return None
        return cls(tuple(times), tuple(entry[0] for entry in info))

    def at(self, instant: datetime) -> timedelta:
        index = bisect.bisect_right(self.times, instant.astimezone(UTC).replace(tzinfo=None)) - 1
        return self.offsets[max(index, 0)]


def _offset(zone: "tzinfo | OffsetTable", instant: datetime) -> timedelta | None:
    if isinstance(zone, OffsetTable):
        return zone.at(instant)
    return instant.astimezone(zone).utcoffset()


def same_offsets(custom: "tzinfo | OffsetTable", zone_name: str, years: tuple[int, int]) -> bool:
    """Do two zones give the same UTC offset at every hour of these years?

    Compared daily, and hourly on the days either one changes, so a change at
    another hour of the same day is told apart (US 02:00 local vs EU 01:00 UTC).
    """
    zone = get_zone(zone_name)
    days = _samples(years)
    previous: tuple[timedelta | None, timedelta | None] | None = None
    for instant in days:
        pair = (_offset(custom, instant), _offset(zone, instant))
        if pair[0] != pair[1]:
            return False
        if previous is not None and pair != previous:
            for hour in range(-24, 1):
                probe = instant + timedelta(hours=hour)
                if _offset(custom, probe) != _offset(zone, probe):
                    return False
        previous = pair
    return True


class ZoneResolver:
    """Reads the TZIDs of one file; VTIMEZONEs are read only when needed."""

    def __init__(self, vtimezones: Mapping[str, Any], fallback: str) -> None:
        self._vtimezones = vtimezones
        self._custom: dict[str, OffsetTable | None] = {}
        self._resolved: dict[tuple[str, tuple[int, int]], ZoneChoice] = {}
        self.fallback = fallback

    def custom_zone(self, tzid: str) -> OffsetTable | None:
        """The file's own definition of `tzid` (None when absent or unreadable)."""
        if tzid not in self._custom:
            component = self._vtimezones.get(tzid)
            found: OffsetTable | None = None
            if component is not None:
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        found = OffsetTable.of(component)
                except Exception:  # a broken VTIMEZONE is reported, not raised
                    found = None
            self._custom[tzid] = found
        return self._custom[tzid]

    def resolve(self, tzid: str, years: tuple[int, int]) -> ZoneChoice:
        """How to read `tzid` for an event in `years` (first, last); cached per file."""
        key = (tzid, years)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(tzid, years)
        return self._resolved[key]

    def _resolve(self, tzid: str, years: tuple[int, int]) -> ZoneChoice:
        name = tzid.strip().strip('"')
        if name.lower() in UTC_ZONES:
            return ZoneChoice("UTC")
        direct = _iana(name)
        if direct is not None:
            return ZoneChoice(direct)
        suffix = _suffix_zone(name)
        if suffix is not None:
            return ZoneChoice(suffix)
        named, guessed = BY_WINDOWS_ID.get(name.lower()), False
        if named is None:
            named, guessed = self._label_zone(name, years)
        custom = self.custom_zone(name)
        if named is not None and (custom is None or same_offsets(custom, named, years)):
            if named.lower() in UTC_ZONES:
                return ZoneChoice("UTC")
            return ZoneChoice(named, f"time zone '{name}' read as {named}, a city it names" if guessed else None)
        return self._by_offsets(name, custom, years)

    def _label_zone(self, name: str, years: tuple[int, int]) -> tuple[str | None, bool]:
        """(zone, whether it was guessed from a city name) for an Outlook display label."""
        parts = _label_parts(name)
        if parts is None:
            return None, False
        if parts in _LABELS:
            return _LABELS[parts], False
        offset, cities = parts
        custom = self.custom_zone(name)
        for city in cities:
            for candidate in _CITY_ZONES.get(city, []):
                if custom is not None and same_offsets(custom, candidate, years):
                    return candidate, True
                january = _offset(get_zone(candidate), datetime(years[0], 1, 15, tzinfo=UTC))
                if custom is None and january in (offset, offset + timedelta(hours=1)):
                    return candidate, True
        return None, False

    def _by_offsets(self, name: str, custom: OffsetTable | None, years: tuple[int, int]) -> ZoneChoice:
        if custom is None:
            return ZoneChoice(
                None,
                reason=f"time zone '{name}' is not an IANA or Windows zone and the file does not define it "
                "(no VTIMEZONE); its times cannot be placed",
            )
        span = f"{years[0]}" if years[0] == years[1] else f"{years[0]}–{years[1]}"
        if same_offsets(custom, self.fallback, years):
            return ZoneChoice(
                self.fallback, f"custom time zone '{name}' has the same UTC offsets as {self.fallback} in {span}"
            )
        if _label_parts(name) is not None:
            for _win, zone, _label in WINDOWS_ZONES:
                if same_offsets(custom, zone, years):
                    return ZoneChoice(zone, f"time zone '{name}' matched {zone} by its UTC offsets in {span}")
        return ZoneChoice(
            None,
            reason=f"custom time zone '{name}' matches no known zone (its UTC offsets differ from "
            f"{self.fallback} in {span}); import it with a default time zone that has the same offsets",
        )
