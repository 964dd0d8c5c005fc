"""parse_ics: a whole .ics file -> an ImportPlan.

Decisions:
- Components are grouped by UID: the VEVENT without RECURRENCE-ID is the
  series, the others its overrides. Two copies of one VEVENT (same UID and
  RECURRENCE-ID) keep the highest SEQUENCE, then the latest DTSTAMP.
- Overrides whose series is not in the file become single events of their
  own, without the source UID (it names the whole series).
- VTODO, VJOURNAL, VFREEBUSY and other non-event components are noted and
  ignored.
- The zone hint for UTC, floating and all-day times is the file's
  X-WR-TIMEZONE when it is a zone we know (Google writes it and reads
  floating times in it), else `default_timezone`.
"""

import re
import warnings
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import icalendar

from calendar_service.domain.ics_import import fields
from calendar_service.domain.ics_import.events import SeriesMapper, Source
from calendar_service.domain.ics_import.plan import ImportedEvent, ImportIssue, ImportPlan
from calendar_service.domain.ics_import.times import Unmappable
from calendar_service.domain.ics_import.zones import ZoneResolver
from calendar_service.domain.timezones import canonical_zone_name
from calendar_service.errors import InvalidInput

MAX_COMPONENTS = 20_000
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _calendars(data: bytes) -> list[icalendar.Calendar]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise InvalidInput("file: the file is empty", "file")
    if b"BEGIN:VCALENDAR" not in data[:4096].upper():
        raise InvalidInput("file: not an iCalendar file (no BEGIN:VCALENDAR)", "file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = icalendar.Calendar.from_ical(data, multiple=True)
    except Exception as exc:  # any parser failure is the file's fault
        raise InvalidInput(f"file: not a readable iCalendar file: {exc}", "file") from None
    calendars = [cal for cal in found if isinstance(cal, icalendar.Calendar)]
    if not calendars:
        raise InvalidInput("file: no complete VCALENDAR (BEGIN…END:VCALENDAR) in the file", "file")
    return calendars


def _version(component: Any) -> tuple[int, datetime]:
    sequence = component.get("SEQUENCE")
    try:
        number = int(sequence) if sequence is not None else 0
    except (TypeError, ValueError):
        number = 0
    stamp = component.get("DTSTAMP") or component.get("LAST-MODIFIED")
    moment = getattr(stamp, "dt", None)
    if not isinstance(moment, datetime):
        return number, _EPOCH
    return number, moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _rid_key(component: Any) -> str:
    prop = component.get("RECURRENCE-ID")
    return "" if prop is None else prop.to_ical().decode()


def _issue(component: Any, reason: str) -> ImportIssue:
    return ImportIssue(fields.text(component, "UID"), fields.text(component, "SUMMARY"), reason)


def _hint(calendars: list[icalendar.Calendar], default: str, resolver: ZoneResolver) -> tuple[str, str, str | None]:
    """(zone, where it came from, a note when X-WR-TIMEZONE was unusable)."""
    raw = next((str(cal["X-WR-TIMEZONE"]).strip() for cal in calendars if "X-WR-TIMEZONE" in cal), "")
    if not raw:
        return default, "the default time zone", None
    choice = resolver.resolve(raw, (2000, 2000))
    if choice.zone is None:
        return default, "the default time zone", f"X-WR-TIMEZONE '{raw}' is not a known zone; using {default}"
    return choice.zone, "the calendar's X-WR-TIMEZONE", None


class _Plan:
    def __init__(self) -> None:
        self.events: list[ImportedEvent] = []
        self.skipped: list[ImportIssue] = []
        self.notes: list[ImportIssue] = []

    def map(self, master: Any, overrides: list[Any], source: Source, keep_uid: bool = True) -> None:
        notes: list[str] = []
        try:
            event = SeriesMapper(master, source, notes, keep_uid).run(overrides)
        except Unmappable as exc:
            self.skipped.append(_issue(master, str(exc)))
            return
        except InvalidInput as exc:
            self.skipped.append(_issue(master, f"the API would refuse it: {exc.message}"))
            return
        self.events.append(event)
        self.notes.extend(_issue(master, note) for note in notes)


def _group(events: Iterable[Any], plan: _Plan) -> dict[str, tuple[list[Any], dict[str, Any]]]:
    """UID -> (masters, overrides by RECURRENCE-ID), duplicates resolved by version."""
    groups: dict[str, tuple[list[Any], dict[str, Any]]] = {}
    for index, component in enumerate(events):
        uid = fields.text(component, "UID") or f"\x00no-uid-{index}"
        masters, overrides = groups.setdefault(uid, ([], {}))
        if "RECURRENCE-ID" not in component:
            masters.append(component)
            continue
        key = _rid_key(component)
        previous = overrides.get(key)
        if previous is not None:
            loser = min(previous, component, key=_version)
            plan.skipped.append(_issue(loser, f"duplicate of occurrence {key}; the newer copy was kept"))
            component = max(previous, component, key=_version)
        overrides[key] = component
    return groups


def parse_ics(data: bytes, *, calendar: str, default_timezone: str) -> ImportPlan:
    """Map every VEVENT of an .ics file to an event body; say what was skipped and why."""
    if not _SLUG.fullmatch(calendar):
        raise InvalidInput(f"calendar: '{calendar}' is not a calendar slug", "calendar")
    default = canonical_zone_name(default_timezone, "default_timezone")
    calendars = _calendars(data)
    plan = _Plan()
    vtimezones: dict[str, Any] = {}
    vevents: list[Any] = []
    for cal in calendars:
        for component in cal.subcomponents:
            if component.name == "VTIMEZONE":
                vtimezones.setdefault(str(component.get("TZID", "")).strip(), component)
            elif component.name == "VEVENT":
                vevents.append(component)
            else:
                plan.notes.append(_issue(component, f"{component.name} ignored: only events (VEVENT) are imported"))
    if len(vevents) > MAX_COMPONENTS:
        raise InvalidInput(f"file: {len(vevents)} events; import at most {MAX_COMPONENTS} at a time", "file")
    resolver = ZoneResolver(vtimezones, default)
    hint, origin, hint_note = _hint(calendars, default, resolver)
    if hint_note:
        plan.notes.append(ImportIssue("", "", hint_note))
    source = Source(calendar=calendar, resolver=resolver, zone_hint=hint, hint_origin=origin)
    for masters, overrides in _group(vevents, plan).values():
        if not masters:
            for orphan in overrides.values():
                plan.notes.append(_issue(orphan, "an occurrence whose series is not in the file: imported alone"))
                plan.map(orphan, [], source, keep_uid=False)
            continue
        kept = max(masters, key=_version)
        for other in masters:
            if other is not kept:
                plan.skipped.append(_issue(other, "duplicate of an event with the same UID; the newer copy was kept"))
        plan.map(kept, list(overrides.values()), source)
    name = next((str(cal["X-WR-CALNAME"]).strip() for cal in calendars if "X-WR-CALNAME" in cal), None)
    return ImportPlan(events=plan.events, skipped=plan.skipped, notes=plan.notes, source_name=name or None)
