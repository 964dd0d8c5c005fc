"""Expand an iCalendar feed with three independent parsers so feed tests can check they agree.

- `expand_icalendar`: python `icalendar` + `recurring_ical_events`. Follows tzdata for IANA
  TZIDs and IGNORES the feed's VTIMEZONE for them (shared/notes/icalendar-clients.md §6).
- `expand_vobject`: `vobject`'s parse + `getrruleset()`. Follows the feed's VTIMEZONE.
- `expand_icaljs`: ical.js 2.2.1 (Thunderbird's engine) under node, see tests/js/expand.mjs.
  Follows the feed's VTIMEZONE; a TZID without one is floating.

Each returns every occurrence overlapping [start, end), sorted, as `Instance`s: cancelled
occurrences are kept with status CANCELLED (a cancelled single event, a cancelled series, or a
STATUS:CANCELLED override), moved overrides appear at their new time, EXDATEs remove the
occurrence. Timed occurrences are converted to UTC with the parser's own time-zone handling;
floating times (no TZID, no Z) are reported as if they were UTC in all three. All-day
(VALUE=DATE) occurrences are reported as midnight UTC of their dates with all_day=True.

Shared rules, applied to each parser's raw output so that library differences in window
semantics do not show up as disagreements:
- an occurrence overlaps [start, end) when it starts before `end` and ends after `start`; a
  zero-length one when start <= its start < end;
- an override (RECURRENCE-ID) applies to the occurrence whose original start it names. An
  override naming no occurrence of its series is dropped by vobject and ical.js, but
  recurring_ical_events shows it anyway: the harness keeps that disagreement visible, because
  such an override is a bug in the feed. An override whose master is absent is shown alone.
- the occurrence's own component supplies status and summary (an override does not inherit
  from its master), status defaulting to CONFIRMED.
- vobject has no notion of an occurrence's end: the harness adds DTEND - DTSTART (or DURATION)
  to each local start with Python's wall-clock arithmetic, as recurring_ical_events does.

Not supported: RANGE=THISANDFUTURE overrides in vobject (raises NotImplementedError).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import icalendar
import recurring_ical_events
import vobject
import vobject.icalendar
from icalendar.parser.property import unescape_backslash

# Import for its side effect: zoneinfo reads the pinned `tzdata` package, not the OS copy, so
# icalendar (and vobject's tzdata fallback) use the same tz database as the service.
from calendar_service.domain import timezones as _service_timezones

TZDB_VERSION = _service_timezones.TZDB_VERSION

JS_DIR = Path(__file__).resolve().parents[1] / "js"
ICALJS_VERSION = "2.2.1"
NODE_TIMEOUT_SECONDS = 120

# Each parser is asked for a wider window than the caller's; the shared overlap rule then trims.
_PAD = timedelta(days=2)


@dataclass(frozen=True, order=True)
class Instance:
    uid: str
    start_utc: datetime
    end_utc: datetime
    status: str
    all_day: bool
    summary: str


# --------------------------------------------------------------------------- shared helpers


def _check_window(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"window {name} must be an aware datetime, got {value!r}")
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        raise ValueError(f"empty window: end {end.isoformat()} is not after start {start.isoformat()}")
    return start, end


def _to_utc(value: date | datetime) -> tuple[datetime, bool]:
    """(aware UTC datetime, all_day) for a DATE or DATE-TIME value; floating counts as UTC."""
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC), True
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=UTC), False
    return value.astimezone(UTC), False


def _status(value: Any) -> str:
    text = str(value).strip().upper() if value is not None else ""
    return text or "CONFIRMED"


def _overlaps(instance: Instance, start: datetime, end: datetime) -> bool:
    if instance.end_utc <= instance.start_utc:
        return start <= instance.start_utc < end
    return instance.start_utc < end and instance.end_utc > start


def _finish(instances: list[Instance], start: datetime, end: datetime) -> list[Instance]:
    return sorted(i for i in instances if _overlaps(i, start, end))


def _instance(uid: Any, begin: date | datetime, finish: date | datetime, status: Any, summary: Any) -> Instance:
    start_utc, all_day = _to_utc(begin)
    end_utc, _ = _to_utc(finish)
    return Instance(
        uid=str(uid),
        start_utc=start_utc,
        end_utc=end_utc,
        status=_status(status),
        all_day=all_day,
        summary="" if summary is None else str(summary),
    )


# --------------------------------------------------------------------------- icalendar


def expand_icalendar(ics: bytes, start: datetime, end: datetime) -> list[Instance]:
    """Expand with icalendar + recurring_ical_events (tzdata for IANA TZIDs)."""
    start, end = _check_window(start, end)
    calendar = icalendar.Calendar.from_ical(ics)
    found = []
    for event in recurring_ical_events.of(calendar).between(start - _PAD, end + _PAD):
        begin = event.decoded("DTSTART")
        if "DTEND" in event:
            finish = event.decoded("DTEND")
        elif "DURATION" in event:
            finish = begin + event.decoded("DURATION")
        else:
            finish = begin + timedelta(days=1) if not isinstance(begin, datetime) else begin
        found.append(_instance(event.get("UID"), begin, finish, event.get("STATUS"), event.get("SUMMARY")))
    return _finish(found, start, end)


# --------------------------------------------------------------------------- vobject

# vobject keeps ONE process-wide TZID -> tzinfo registry, and the first definition of a TZID
# wins: a later feed's VTIMEZONE with the same TZID is silently ignored, and a TZID first seen
# without a VTIMEZONE is pinned to pytz. Each parse therefore runs against an empty registry.
_VOBJECT_LOCK = threading.Lock()
_VOBJECT_REGISTRY: dict[str, tzinfo] = vars(vobject.icalendar)["__tzidMap"]
_VOBJECT_DATE_PROPERTIES = ("dtstart", "dtend", "recurrence-id", "exdate", "rdate")


def _parse_vobject(text: str) -> list[Any]:
    with _VOBJECT_LOCK:
        saved = dict(_VOBJECT_REGISTRY)
        _VOBJECT_REGISTRY.clear()
        _VOBJECT_REGISTRY["UTC"] = saved["UTC"]
        try:
            return list(vobject.readComponents(text))
        finally:
            _VOBJECT_REGISTRY.clear()
            _VOBJECT_REGISTRY.update(saved)


def _without_pytz(value: Any) -> Any:
    """Swap a pytz zone (vobject's fallback for a TZID with no VTIMEZONE) for zoneinfo.

    dateutil's rrule copies DTSTART's tzinfo onto every occurrence, and a pytz tzinfo carries a
    fixed offset, so a weekly series would keep its DTSTART offset across DST changes.
    """
    if isinstance(value, list):
        return [_without_pytz(v) for v in value]
    if isinstance(value, datetime) and hasattr(value.tzinfo, "localize"):
        return value.replace(tzinfo=zoneinfo.ZoneInfo(getattr(value.tzinfo, "zone", "")))
    return value


def _prop(component: Any, name: str) -> Any:
    lines = component.contents.get(name)
    return lines[0].value if lines else None


def _vobject_key(value: date | datetime) -> tuple[str, date | datetime]:
    if isinstance(value, datetime):
        return ("datetime", _to_utc(value)[0])
    return ("date", value)


def _vobject_span(component: Any) -> tuple[date | datetime, timedelta]:
    """DTSTART and the length of the component: DTEND - DTSTART, DURATION, or the RFC 5545 default.

    Plain Python arithmetic, as recurring_ical_events does it: DTEND - DTSTART in one zone is a
    wall-clock difference, and adding it to an occurrence's local start is wall-clock too.
    """
    begin = _prop(component, "dtstart")
    finish = _prop(component, "dtend")
    if finish is not None:
        return begin, finish - begin
    duration = _prop(component, "duration")
    if duration is not None:
        return begin, duration
    return begin, timedelta(0) if isinstance(begin, datetime) else timedelta(days=1)


def _vobject_instance(uid: str, component: Any, begin: date | datetime, length: timedelta) -> Instance:
    return _instance(uid, begin, begin + length, _prop(component, "status"), _prop(component, "summary"))


def _vobject_bound(bound: datetime, like: date | datetime) -> datetime:
    """A UTC bound in the domain of the series' rruleset (naive for DATE or floating DTSTART)."""
    if isinstance(like, datetime) and like.tzinfo is not None:
        return bound
    return bound.replace(tzinfo=None)


def _expand_vobject_series(
    uid: str, master: Any, overrides: list[Any], start: datetime, end: datetime
) -> list[Instance]:
    dtstart, length = _vobject_span(master)
    rruleset = master.getrruleset(addRDate=True)
    if rruleset is None:
        return [_vobject_instance(uid, master, dtstart, length)]

    by_recurrence_id: dict[tuple[str, date | datetime], Any] = {}
    for override in overrides:
        line = override.contents["recurrence-id"][0]
        if str(line.params.get("RANGE", [""])[0]).upper() == "THISANDFUTURE":
            raise NotImplementedError(f"{uid}: RANGE=THISANDFUTURE overrides are not supported by expand_vobject")
        by_recurrence_id[_vobject_key(line.value)] = override

    # Expand far enough to see every overridden occurrence, wherever its override moved it.
    low, high = start - _PAD - abs(length), end + _PAD
    for _, recurrence_id in by_recurrence_id:
        low = min(low, _to_utc(recurrence_id)[0] - _PAD)
        high = max(high, _to_utc(recurrence_id)[0] + _PAD)

    found = []
    all_day = not isinstance(dtstart, datetime)
    for occurrence in rruleset.between(_vobject_bound(low, dtstart), _vobject_bound(high, dtstart), inc=True):
        original: date | datetime = occurrence.date() if all_day else occurrence
        override = by_recurrence_id.get(_vobject_key(original))
        if override is None:
            found.append(_vobject_instance(uid, master, original, length))
        else:
            found.append(_vobject_instance(uid, override, *_vobject_span(override)))
    return found


def expand_vobject(ics: bytes, start: datetime, end: datetime) -> list[Instance]:
    """Expand with vobject's getrruleset(), the feed's VTIMEZONEs, RECURRENCE-ID overrides and EXDATE."""
    start, end = _check_window(start, end)
    found: list[Instance] = []
    for calendar in _parse_vobject(ics.decode("utf-8", errors="replace")):
        masters: dict[str, Any] = {}
        overrides: dict[str, list[Any]] = {}
        for event in calendar.contents.get("vevent", []):
            for name in _VOBJECT_DATE_PROPERTIES:
                for line in event.contents.get(name, []):
                    line.value = _without_pytz(line.value)
            uid = str(_prop(event, "uid") or "")
            if "recurrence-id" in event.contents:
                overrides.setdefault(uid, []).append(event)
            elif uid in masters:
                raise ValueError(f"UID {uid!r} has more than one VEVENT without RECURRENCE-ID")
            else:
                masters[uid] = event
        for uid, master in masters.items():
            found.extend(_expand_vobject_series(uid, master, overrides.get(uid, []), start, end))
        for uid, orphans in overrides.items():
            if uid not in masters:
                found.extend(_vobject_instance(uid, o, *_vobject_span(o)) for o in orphans)
    return _finish(found, start, end)


# --------------------------------------------------------------------------- ical.js


def _icaljs_package() -> Path:
    return JS_DIR / "node_modules" / "ical.js" / "package.json"


def node_available() -> bool:
    """node is on PATH and tests/js/node_modules holds ical.js."""
    return shutil.which("node") is not None and _icaljs_package().is_file()


def _icaljs_time(text: str) -> date | datetime:
    if len(text) == 10:
        return date.fromisoformat(text)
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def expand_icaljs(ics: bytes, start: datetime, end: datetime) -> list[Instance]:
    """Expand with ical.js 2.2.1 under node (tests/js/expand.mjs), honouring the feed's VTIMEZONEs."""
    start, end = _check_window(start, end)
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not on PATH: install Node.js 20+, then run `npm ci --prefix tests/js`")
    package = _icaljs_package()
    if not package.is_file():
        raise RuntimeError(f"ical.js is not installed in {package.parent.parent}: run `npm ci --prefix tests/js`")
    installed = json.loads(package.read_text(encoding="utf-8")).get("version")
    if installed != ICALJS_VERSION:
        raise RuntimeError(
            f"tests/js/node_modules has ical.js {installed}, expected {ICALJS_VERSION}: run `npm ci --prefix tests/js`"
        )

    window = [bound.strftime("%Y-%m-%dT%H:%M:%SZ") for bound in (start - _PAD, end + _PAD)]
    result = subprocess.run(
        [node, str(JS_DIR / "expand.mjs"), *window],
        input=ics,
        capture_output=True,
        timeout=NODE_TIMEOUT_SECONDS,
        check=False,
        env={**os.environ, "NODE_NO_WARNINGS": "1"},
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"tests/js/expand.mjs exited with {result.returncode}: {result.stderr.decode('utf-8', 'replace')}"
        )
    found = [
        _instance(item["uid"], _icaljs_time(item["start"]), _icaljs_time(item["end"]), item["status"], item["summary"])
        for item in json.loads(result.stdout)
    ]
    return _finish(found, start, end)


# --------------------------------------------------------------------------- calendar properties


def unfolded_lines(ics: bytes | str) -> list[str]:
    """The content lines of an iCalendar text, folds undone (RFC 5545 3.1), split at CRLF."""
    text = ics.decode("utf-8") if isinstance(ics, bytes) else ics
    return text.replace("\r\n ", "").split("\r\n")


def calendar_text(ics: bytes, name: str) -> dict[str, str | None]:
    """A VCALENDAR TEXT property (NAME, X-WR-CALDESC …) as icalendar and vobject read it back.

    icalendar keeps a property it has no type for (X-WR-*, NAME) as its raw text, so that value is
    unescaped with icalendar's own TEXT rule (RFC 5545 3.3.11) here; vobject unescapes every
    property itself.
    """
    calendar = icalendar.Calendar.from_ical(ics)
    raw = calendar.get(name)
    by_icalendar = None if raw is None else unescape_backslash(raw.to_ical().decode("utf-8"))
    (component,) = _parse_vobject(ics.decode("utf-8"))
    lines = component.contents.get(name.lower())
    by_vobject = str(lines[0].value) if lines else None
    return {"icalendar": by_icalendar, "vobject": by_vobject}


# --------------------------------------------------------------------------- all three

PARSERS = {"icalendar": expand_icalendar, "vobject": expand_vobject, "icaljs": expand_icaljs}


def expand_all(ics: bytes, start: datetime, end: datetime) -> dict[str, list[Instance]]:
    """{"icalendar": [...], "vobject": [...], "icaljs": [...]}; raises RuntimeError if ical.js is missing."""
    return {name: expand(ics, start, end) for name, expand in PARSERS.items()}
