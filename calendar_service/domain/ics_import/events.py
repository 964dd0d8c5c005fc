"""One source event (a VEVENT and its RECURRENCE-ID overrides) -> an API body, or a reason.

Decisions:
- The body is checked by the API's own gate (`domain.timing.parse_timing`,
  `parse_override`), so what is mapped is what a POST would accept; a refusal
  becomes a skip that quotes the API's message.
- Zone of the event: the DTSTART's TZID, resolved by `zones`. A time in UTC
  (`Z`) or floating (no TZID) is read in the calendar's zone hint (the file's
  X-WR-TIMEZONE, else the caller's default), and all-day events carry that
  zone too. A *series* in UTC stays in UTC: moving it to a zone with DST
  would shift its later occurrences by an hour, and its instants must not change.
- A STATUS:CANCELLED override becomes a cancelled override (not an EXDATE):
  our feed then writes the same override back, which is what the source said
  and what clients need to strike the occurrence (icalendar-clients.md §4).
  An override of an EXDATE'd occurrence revives it (the EXDATE is dropped)
  unless it is cancelled too.
- An EXDATE that names no occurrence (stale after an edit elsewhere) is
  dropped with a note; the API would refuse the whole event for it. A DATE
  EXDATE in a timed series removes the occurrences of that day.
- What cannot be said in our model is skipped, never approximated: no end
  (RFC 5545 makes a DATE-TIME without DTEND an instant; events here need an
  end), several RRULEs, EXRULE, CLASS:PRIVATE/CONFIDENTIAL (this is a public
  calendar), a DTSTART the rule does not produce.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from calendar_service.domain.ics_import import fields
from calendar_service.domain.ics_import.plan import ImportedEvent
from calendar_service.domain.ics_import.times import Clock, Stamp, Unmappable, read_stamp, read_stamps, shift_out_of_gap
from calendar_service.domain.ics_import.zones import ZoneResolver
from calendar_service.domain.recurrence import exact_duration, is_occurrence, iter_originals
from calendar_service.domain.timezones import classify, get_zone, iso_local, to_utc_lenient
from calendar_service.domain.timing import format_point, parse_override, parse_timing
from calendar_service.domain.values import Timing
from calendar_service.errors import InvalidInput

STATUSES = {"CONFIRMED": "confirmed", "TENTATIVE": "tentative", "CANCELLED": "cancelled"}
_ONE_DAY = timedelta(days=1)
_OUTLOOK_ALL_DAY = ("X-MICROSOFT-CDO-ALLDAYEVENT", "X-MICROSOFT-MSNCALENDAR-ALLDAYEVENT")


@dataclass(frozen=True, slots=True)
class Source:
    """What holds for every event of one file."""

    calendar: str
    resolver: ZoneResolver
    zone_hint: str
    hint_origin: str


def _status(component: Any, notes: list[str]) -> str:
    raw = fields.text(component, "STATUS").upper()
    if raw and raw not in STATUSES:
        notes.append(f"STATUS:{raw} is not an event status; imported as confirmed")
    return STATUSES.get(raw, "confirmed")


def _fold(local: datetime, zone: str, fold: int) -> int | None:
    return fold if classify(local, get_zone(zone)) == "fold" else None


class SeriesMapper:
    """Maps one master VEVENT; `notes` collects what was mapped only in part."""

    def __init__(self, master: Any, source: Source, notes: list[str], keep_uid: bool = True) -> None:
        self.master = master
        self.source = source
        self.notes = notes
        self.keep_uid = keep_uid

    # -- zone and span ------------------------------------------------------------------

    def _zone(self, start: Stamp, recurring: bool) -> str:
        hint, origin = self.source.zone_hint, self.source.hint_origin
        if start.kind == "date":
            return hint
        if start.kind == "floating":
            self.notes.append(f"floating time (no time zone) read as {hint} wall-clock time ({origin})")
            return hint
        if start.kind == "zoned":
            years = (start.value.year, start.value.year + (1 if recurring else 0))
            choice = self.source.resolver.resolve(start.tzid or "", years)
            if choice.zone is None:
                raise Unmappable(choice.reason or "its time zone cannot be placed")
            if not choice.is_utc:
                if choice.note:
                    self.notes.append(choice.note)
                return choice.zone
        if recurring:
            self.notes.append("a series in UTC is kept in UTC, so its occurrences stay at the same instants")
            return "UTC"
        self.notes.append(f"time given in UTC; shown in {hint} time ({origin})")
        return hint

    def _day_span(self, start: Stamp) -> tuple[datetime, datetime]:
        """(first day, last day inclusive) of an all-day event, as local midnights."""
        if "DTEND" in self.master:
            end = read_stamp(self.master["DTEND"])
            if not end.is_date:
                raise Unmappable("DTSTART is a date but DTEND a date-time; RFC 5545 needs both of one kind")
            if end.value < start.value:
                raise Unmappable(f"DTEND {end.value.date()} is before DTSTART {start.value.date()}")
            if end.value == start.value:
                self.notes.append("DTEND equals DTSTART; read as a one-day event")
                return start.value, start.value
            return start.value, end.value - _ONE_DAY
        if "DURATION" in self.master:
            days = max(self.master.decoded("DURATION").days, 1)
            return start.value, start.value + timedelta(days=days - 1)
        return start.value, start.value

    def _timed_span(self, start: Stamp, clock: Clock) -> tuple[datetime, int, datetime, int]:
        start_local, start_fold = clock.local(start)
        if "DTEND" in self.master:
            end = read_stamp(self.master["DTEND"])
            if end.is_date:
                raise Unmappable("DTSTART is a date-time but DTEND a date; RFC 5545 needs both of one kind")
            end_local, end_fold = clock.local(end)
        elif "DURATION" in self.master:
            end_local, end_fold = clock.exact_end(start_local, start_fold, self.master.decoded("DURATION"))
        else:
            raise Unmappable(
                "no DTEND or DURATION: RFC 5545 makes it a moment without length, and an event here needs "
                "an end after its start"
            )
        zone = get_zone(clock.zone)
        if to_utc_lenient(end_local, zone, end_fold) <= to_utc_lenient(start_local, zone, start_fold):
            raise Unmappable(f"its end ({iso_local(end_local)}) is not after its start ({iso_local(start_local)})")
        return start_local, start_fold, end_local, end_fold

    def _out_of_gap(self, local: datetime, zone: str, what: str) -> datetime:
        shifted = shift_out_of_gap(local, zone)
        if shifted is None:
            return local
        self.notes.append(
            f"{what} {iso_local(local)} does not exist in {zone} (DST change); imported at the time it was, "
            f"{iso_local(shifted)}"
        )
        return shifted

    # -- recurrence -----------------------------------------------------------------------

    def _rrule(self) -> str | None:
        if "EXRULE" in self.master:
            raise Unmappable("EXRULE (deprecated since RFC 5545) is not supported; list the exceptions as EXDATE")
        rules = self.master.get("RRULE")
        if isinstance(rules, list):
            if len(rules) > 1:
                raise Unmappable("it has several RRULEs; an event here repeats by one rule (plus RDATEs)")
            rules = rules[0]
        return None if rules is None else str(rules.to_ical().decode())

    def _points(self, stamps: list[Stamp], clock: Clock, all_day: bool, what: str) -> list[datetime]:
        points: list[datetime] = []
        for stamp in stamps:
            if stamp.is_date != all_day:
                self.notes.append(f"{what} {stamp.value:%Y-%m-%d %H:%M} not imported: not of the same kind as DTSTART")
                continue
            local, _ = clock.local(stamp)
            points.append(local)
            if stamp.period_end is not None:
                self.notes.append(f"{what} period {iso_local(local)}: imported with the series' length")
        return points

    def _exdates(self, base: Timing, stamps: list[Stamp], clock: Clock) -> list[datetime]:
        kept: list[datetime] = []
        dropped: list[str] = []
        for stamp in stamps:
            if stamp.is_date and not base.all_day:
                day = stamp.value
                matches = list(iter_originals(base, day, day + _ONE_DAY - timedelta(microseconds=1)))
                kept.extend(matches)
                if not matches:
                    dropped.append(day.date().isoformat())
                continue
            local, _ = clock.local(stamp)
            point = local.replace(hour=0, minute=0, second=0) if base.all_day else local
            if is_occurrence(base, point):
                kept.append(point)
            else:
                dropped.append(format_point(point, base.all_day))
        if dropped:
            self.notes.append(f"EXDATE {', '.join(dropped)} names no occurrence of the series; ignored")
        return kept

    # -- the whole event ------------------------------------------------------------------

    def run(self, overrides: list[Any]) -> ImportedEvent:
        master, notes = self.master, self.notes
        privacy = fields.text(master, "CLASS").upper()
        if privacy in ("PRIVATE", "CONFIDENTIAL"):
            raise Unmappable(f"CLASS:{privacy}: a private event is not published in a public calendar")
        if "DTSTART" not in master:
            raise Unmappable("no DTSTART: the event has no time")
        start = read_stamp(master["DTSTART"])
        recurring = "RRULE" in master or "RDATE" in master
        zone = self._zone(start, recurring)
        clock = Clock(zone, self.source.zone_hint, self.source.resolver, (start.value.year, start.value.year + 1))
        all_day = start.is_date
        start_fold = end_fold = 0
        if all_day:
            start_local, end_local = self._day_span(start)
        else:
            start_local, start_fold, end_local, end_fold = self._timed_span(start, clock)
            flagged = any(fields.text(master, name).upper() == "TRUE" for name in _OUTLOOK_ALL_DAY)
            if flagged and start_local.time() == end_local.time() == datetime.min.time():
                notes.append("Outlook all-day event (midnight to midnight) imported as all-day")
                all_day, end_local, start_fold, end_fold = True, end_local - _ONE_DAY, 0, 0
            elif not recurring:
                start_local = self._out_of_gap(start_local, zone, "start")
                end_local = self._out_of_gap(end_local, zone, "end")
        fold = None
        if not all_day:
            start_ambiguous, end_ambiguous = _fold(start_local, zone, start_fold), _fold(end_local, zone, end_fold)
            if None not in (start_ambiguous, end_ambiguous) and start_ambiguous != end_ambiguous:
                raise Unmappable("its start and end fall in a DST fold on different sides; that cannot be stated here")
            fold = start_ambiguous if start_ambiguous is not None else end_ambiguous
        rrule = self._rrule()
        rdates = [format_point(p, all_day) for p in self._points(read_stamps(master, "RDATE"), clock, all_day, "RDATE")]
        start_text, end_text = format_point(start_local, all_day), format_point(end_local, all_day)

        def timing_with(exdates: list[datetime]) -> Timing:
            return parse_timing(
                zone=zone,
                start=start_text,
                end=end_text,
                all_day=all_day,
                fold=fold,
                rrule=rrule,
                rdates=rdates,
                exdates=[format_point(p, all_day) for p in exdates],
            )

        base = timing_with([])
        exdates = self._exdates(base, read_stamps(master, "EXDATE"), clock) if base.recurring else []
        if not base.recurring and "EXDATE" in master:
            notes.append("EXDATE ignored: the event does not repeat")
        title, status = fields.title(master, notes), _status(master, notes)
        live = self._live_overrides(overrides, clock, base, exdates)
        timing = timing_with(exdates)
        mapped = [m for m in (self._override(o, p, timing, clock, title, status) for o, p in live) if m]
        body = self._body(timing, title, status, fold)
        notes.extend(fields.unmapped(master))
        return ImportedEvent(source_uid=fields.text(master, "UID"), body=body, overrides=mapped)

    def _body(self, timing: Timing, title: str, status: str, fold: int | None) -> dict[str, Any]:
        master, notes = self.master, self.notes
        uid = fields.text(master, "UID")
        location = fields.location(master, notes)
        livestream, online = fields.links(master, notes)
        mode = "in_person" if not online else ("hybrid" if location else "online")
        recurrence = None
        if timing.recurring:
            recurrence = {
                "rrule": timing.rrule,
                "exdates": [format_point(p, timing.all_day) for p in timing.exdates],
                "rdates": [format_point(p, timing.all_day) for p in timing.rdates],
            }
        end = timing.end - _ONE_DAY if timing.all_day else timing.end
        return {
            "calendar": self.source.calendar,
            "uid": uid if self.keep_uid and 0 < len(uid) <= 255 else None,
            "title": title,
            "description": fields.description(master, notes),
            "timezone": timing.zone,
            "start": format_point(timing.start, timing.all_day),
            "end": format_point(end, timing.all_day),
            "all_day": timing.all_day,
            "fold": fold,
            "recurrence": recurrence,
            "status": status,
            "location": location,
            "livestream_url": livestream,
            "online_url": online,
            "attendance_mode": mode,
            "languages": fields.languages(master),
            "tags": fields.tags(master, notes),
            "hosts": fields.hosts(master),
        }

    # -- overrides ------------------------------------------------------------------------

    def _live_overrides(
        self, overrides: list[Any], clock: Clock, base: Timing, exdates: list[datetime]
    ) -> list[tuple[Any, datetime]]:
        """(component, original local start) of the overrides to map; EXDATEs they revive are removed."""
        live: list[tuple[Any, datetime]] = []
        for component in overrides:
            prop = component["RECURRENCE-ID"]
            rid = read_stamp(prop)
            label = format_point(rid.value, rid.is_date)
            if str(prop.params.get("RANGE", "")).upper() == "THISANDFUTURE":
                self.notes.append(f"override {label} with RANGE=THISANDFUTURE not imported (not supported)")
                continue
            if rid.is_date != base.all_day:
                self.notes.append(f"override {label} not imported: RECURRENCE-ID is not of the kind of DTSTART")
                continue
            original, _ = clock.local(rid)
            cancelled = fields.text(component, "STATUS").upper() == "CANCELLED"
            if original in exdates:
                if cancelled:
                    continue
                exdates.remove(original)
                self.notes.append(f"EXDATE {format_point(original, base.all_day)} dropped: an override moves it")
            live.append((component, original))
        return sorted(live, key=lambda item: item[1])

    def _override(
        self, component: Any, original: datetime, timing: Timing, clock: Clock, title: str, status: str
    ) -> dict[str, Any] | None:
        ident = format_point(original, timing.all_day)
        new_title = " ".join(fields.text(component, "SUMMARY").split())[: fields.TITLE_MAX] or None
        new_status = STATUSES.get(fields.text(component, "STATUS").upper(), "confirmed")
        start, end, fold = self._override_times(component, original, timing, clock)
        differs = [
            name
            for name in ("DESCRIPTION", "LOCATION")
            if fields.text(component, name) != fields.text(self.master, name)
        ]
        if differs:
            self.notes.append(f"override {ident}: changed {' and '.join(differs)} not imported (not per occurrence)")
        title_change = new_title if new_title != title else None
        status_change = new_status if new_status != status else None
        change = {"start": start, "end": end, "fold": fold, "title": title_change, "status": status_change}
        if all(value is None for value in change.values()):
            return None
        try:
            parse_override(timing, original, start=start, end=end, fold=fold, title=title_change, status=status_change)
        except InvalidInput as exc:
            self.notes.append(f"override {ident} not imported: {exc.message}")
            return None
        return {"original_local_start": ident, **change}

    def _override_times(
        self, component: Any, original: datetime, timing: Timing, clock: Clock
    ) -> tuple[str | None, str | None, int | None]:
        """New start/end (None when the occurrence keeps its time) and the fold they need."""
        start = read_stamp(component["DTSTART"]) if "DTSTART" in component else None
        if timing.all_day:
            first = start.value if start is not None and start.is_date else original
            length = timing.end - timing.start
            if "DTEND" in component and read_stamp(component["DTEND"]).is_date:
                length = max(read_stamp(component["DTEND"]).value - first, _ONE_DAY)
            if first == original and length == timing.end - timing.start:
                return None, None, None
            return format_point(first, True), format_point(first + length - _ONE_DAY, True), None
        zone = get_zone(timing.zone)
        occurrence_start = to_utc_lenient(original, zone, timing.start_fold if original == timing.start else 0)
        occurrence_end = occurrence_start + exact_duration(timing)
        begin, begin_fold = clock.local(start) if start is not None and not start.is_date else (original, 0)
        if "DTEND" in component and not read_stamp(component["DTEND"]).is_date:
            finish, finish_fold = clock.local(read_stamp(component["DTEND"]))
        elif "DURATION" in component:
            finish, finish_fold = clock.exact_end(begin, begin_fold, component.decoded("DURATION"))
        else:
            moved_end = to_utc_lenient(begin, zone, begin_fold) + exact_duration(timing)
            aware = moved_end.astimezone(zone)
            finish, finish_fold = aware.replace(tzinfo=None, fold=0), aware.fold
        if (to_utc_lenient(begin, zone, begin_fold), to_utc_lenient(finish, zone, finish_fold)) == (
            occurrence_start,
            occurrence_end,
        ):
            return None, None, None
        fold = _fold(begin, timing.zone, begin_fold)
        return (
            iso_local(begin),
            iso_local(finish),
            fold if fold is not None else _fold(finish, timing.zone, finish_fold),
        )
