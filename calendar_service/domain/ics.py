"""RFC 5545 rendering of events and feeds, deterministic to the byte.

Decisions:
- The same data renders the same bytes: DTSTAMP and LAST-MODIFIED are the
  event's last change, never the clock, so a feed's ETag can come from a
  version number the database keeps and a poll is answered before anything
  is rendered.
- Each event renders to its own block of VEVENTs (the master plus one per
  overridden occurrence), stored when the event is written; a feed is a
  header, the VTIMEZONEs its events need, and those blocks concatenated.
- Timed events carry TZID + local time (recurring series must, or they drift
  across DST); a VTIMEZONE for every TZID is generated from the same tz
  database (`domain.vtimezone`). A non-recurring event at the *second* of two
  ambiguous local times (fold=1) is written in UTC, since TZID form cannot
  say "the second 01:30".
- Cancelled events and cancelled occurrences stay in the feed with
  STATUS:CANCELLED and a raised SEQUENCE, so clients remove them.
- Private join links go only into personal renderings (`include_join_link`).
- One EXDATE/RDATE per line: some parsers read only the first value of a list.
- Every TEXT value is escaped (RFC 5545 3.3.11), the X-WR-* ones too.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event, vRecur, vText

from calendar_service.domain.recurrence import exact_duration, is_occurrence
from calendar_service.domain.timezones import classify, get_zone, to_utc_lenient
from calendar_service.domain.values import Override, Timing

PRODID = "-//calendar-service//calendar-service 0.1//EN"
# Raise when the bytes a feed or an event block render to change: stored blocks are then re-rendered at startup
# and every ETag changes, so subscribed clients fetch the new bytes (2: the header escapes NAME and X-WR-* as TEXT).
RENDER_VERSION = 2
REFRESH = "PT1H"


@dataclass(frozen=True, slots=True)
class EventDoc:
    """Everything a VEVENT says about one event (no database, no HTTP)."""

    uid: str
    title: str
    description: str
    status: str
    sequence: int
    created: datetime
    last_modified: datetime
    timing: Timing
    url: str | None = None
    location: str | None = None
    geo: tuple[float, float] | None = None
    livestream_url: str | None = None
    online_url: str | None = None
    categories: tuple[str, ...] = ()
    language: str | None = None
    organizer_name: str | None = None
    organizer_email: str | None = None
    hosts: tuple[str, ...] = field(default=())
    # iTIP (RFC 5546) invitations only: the registrant as ATTENDEE.
    attendee_email: str | None = None
    attendee_name: str | None = None
    attendee_partstat: str = "ACCEPTED"


def _local(moment: datetime, timing: Timing, fold: int = 0) -> datetime | date:
    if timing.all_day:
        return moment.date()
    return moment.replace(tzinfo=get_zone(timing.zone), fold=fold)


def _utc_if_second_fold(moment: datetime, timing: Timing, fold: int) -> datetime | date:
    """TZID form can't name the second of two ambiguous times; write that one in UTC."""
    zone = get_zone(timing.zone)
    if not timing.all_day and fold == 1 and classify(moment, zone) == "fold":
        return to_utc_lenient(moment, zone, 1)
    return _local(moment, timing, fold)


def _text_params(doc: EventDoc) -> dict[str, str]:
    return {"LANGUAGE": doc.language} if doc.language else {}


def _description(doc: EventDoc, include_join_link: bool) -> str:
    parts = [doc.description.strip()] if doc.description.strip() else []
    if doc.livestream_url:
        parts.append(f"Livestream: {doc.livestream_url}")
    if include_join_link and doc.online_url:
        parts.append(f"Join online: {doc.online_url}")
    if doc.hosts:
        parts.append("Hosts: " + ", ".join(doc.hosts))
    if doc.url:
        parts.append(f"Details: {doc.url}")
    return "\n\n".join(parts)


def _common(component: Event, doc: EventDoc, include_join_link: bool) -> None:
    component.add("uid", doc.uid)
    component.add("dtstamp", doc.last_modified.astimezone(UTC))
    component.add("created", doc.created.astimezone(UTC))
    component.add("last-modified", doc.last_modified.astimezone(UTC))
    component.add("sequence", doc.sequence)
    description = _description(doc, include_join_link)
    if description:
        component.add("description", description, parameters=_text_params(doc))
    if doc.location:
        component.add("location", doc.location, parameters=_text_params(doc))
    if doc.geo is not None:
        component.add("geo", doc.geo)
    if doc.url:
        component.add("url", doc.url)
    if doc.categories:
        component.add("categories", list(doc.categories))
    if doc.livestream_url:
        component.add(
            "conference",
            doc.livestream_url,
            parameters={"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": "Livestream"},
        )
    if include_join_link and doc.online_url:
        component.add(
            "conference",
            doc.online_url,
            parameters={"VALUE": "URI", "FEATURE": "AUDIO,VIDEO", "LABEL": "Join"},
        )
    if doc.organizer_email:
        params = {"CN": doc.organizer_name} if doc.organizer_name else {}
        component.add("organizer", f"mailto:{doc.organizer_email}", parameters=params)
    if doc.attendee_email:
        attendee = {"ROLE": "REQ-PARTICIPANT", "PARTSTAT": doc.attendee_partstat, "RSVP": "FALSE"}
        if doc.attendee_name:
            attendee["CN"] = doc.attendee_name
        component.add("attendee", f"mailto:{doc.attendee_email}", parameters=attendee)


def _master(doc: EventDoc, include_join_link: bool) -> Event:
    timing = doc.timing
    component = Event()
    component.add("summary", doc.title, parameters=_text_params(doc))
    if timing.recurring:
        component.add("dtstart", _local(timing.start, timing, timing.start_fold))
        component.add("dtend", _local(timing.end, timing, timing.end_fold))
    else:
        component.add("dtstart", _utc_if_second_fold(timing.start, timing, timing.start_fold))
        component.add("dtend", _utc_if_second_fold(timing.end, timing, timing.end_fold))
    if timing.rrule:
        component.add("rrule", vRecur.from_ical(timing.rrule))
    for point in timing.rdates:
        component.add("rdate", _local(point, timing))
    for point in timing.exdates:
        component.add("exdate", _local(point, timing))
    component.add("status", doc.status.upper())
    if doc.status == "tentative":
        component.add("transp", "OPAQUE")
    _common(component, doc, include_join_link)
    return component


def _override(doc: EventDoc, override: Override, duration: timedelta, include_join_link: bool) -> Event:
    timing = doc.timing
    component = Event()
    component.add("summary", override.title or doc.title, parameters=_text_params(doc))
    component.add(
        "recurrence-id",
        _local(override.original, timing, timing.start_fold if override.original == timing.start else 0),
    )
    start = override.start or override.original
    if timing.all_day:
        end = override.end or start + duration
    elif override.end is not None:
        end = override.end
    else:
        zone = get_zone(timing.zone)
        end_utc = to_utc_lenient(start, zone, override.start_fold) + duration
        end = end_utc.astimezone(zone).replace(tzinfo=None, fold=0)
    component.add("dtstart", _local(start, timing, override.start_fold))
    component.add("dtend", _local(end, timing, override.end_fold))
    status = "cancelled" if doc.status == "cancelled" else (override.status or doc.status)
    component.add("status", status.upper())
    _common(component, doc, include_join_link)
    return component


def render_event(doc: EventDoc, include_join_link: bool = False) -> bytes:
    """The VEVENT block of one event: master, then one VEVENT per overridden occurrence."""
    timing = doc.timing
    blocks = [_master(doc, include_join_link).to_ical()]
    if timing.recurring:
        duration = timing.end - timing.start if timing.all_day else exact_duration(timing)
        for override in sorted(timing.overrides, key=lambda o: o.original):
            if is_occurrence(timing, override.original):
                blocks.append(_override(doc, override, duration, include_join_link).to_ical())
    return b"".join(blocks)


@dataclass(frozen=True, slots=True)
class FeedHeader:
    name: str
    description: str = ""
    url: str | None = None
    method: str = "PUBLISH"
    refresh: str = REFRESH


def _header(header: FeedHeader) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", header.method)
    if header.method == "PUBLISH":  # a feed: name and refresh hints; an iTIP message has neither
        # icalendar writes a property it has no type for (X-WR-*, and RFC 7986's NAME) verbatim:
        # these are TEXT, so they go in as vText and come out escaped (RFC 5545 3.3.11).
        cal.add("name", vText(header.name))
        cal.add("x-wr-calname", vText(header.name))
        if header.description:
            cal.add("description", header.description)
            cal.add("x-wr-caldesc", vText(header.description))
        if header.url:
            cal.add("source", header.url, parameters={"VALUE": "URI"})
        cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", header.refresh)
    text: bytes = cal.to_ical()
    return text[: text.rindex(b"END:VCALENDAR")]


def assemble(header: FeedHeader, timezones: Iterable[bytes], events: Sequence[bytes]) -> bytes:
    """A whole VCALENDAR from pre-rendered VTIMEZONE and VEVENT blocks."""
    return b"".join([_header(header), *timezones, *events, b"END:VCALENDAR\r\n"])


def render_invitation(doc: EventDoc, method: str, timezones: Iterable[bytes]) -> bytes:
    """An iTIP message (RFC 5546) for one registrant: METHOD:REQUEST or METHOD:CANCEL.

    REQUEST carries the whole event (series, overrides) with ORGANIZER and the
    registrant as ATTENDEE, so it lands in their calendar and later REQUESTs
    with a higher SEQUENCE update it; CANCEL removes it (STATUS:CANCELLED).
    """
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"unsupported iTIP method {method}")
    if not doc.organizer_email or not doc.attendee_email:
        raise ValueError("an iTIP message needs ORGANIZER and ATTENDEE")
    blocks = render_event(doc, include_join_link=method == "REQUEST")
    if method == "CANCEL":
        blocks = blocks.replace(b"STATUS:CONFIRMED\r\n", b"STATUS:CANCELLED\r\n").replace(
            b"STATUS:TENTATIVE\r\n", b"STATUS:CANCELLED\r\n"
        )
    header = FeedHeader(name=doc.title, method=method)
    return assemble(header, timezones, [blocks])
