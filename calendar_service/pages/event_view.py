"""What the event page shows, decided here so the template only lays it out.

Decisions:
- Zones: the event's own zone always; the visitor's when known (`?tz=`, the `tz` cookie) and
  different. In-person and hybrid events lead with the event's zone (people travel to a place);
  online events lead with the visitor's.
- All-day events are dates only, in every zone: a day is the same day wherever the reader is
  (no "9:00 AM" from reading midnight in another zone).
- A session is "moved" when an override changed its start; "cancelled" when its status is (or the
  whole event is). Both are said in words, never by style alone.
- Places are counted per mode: in person against `capacity` (less places kept for scholarship
  recipients), online against `online_capacity`. The form offers only the waiting list when every
  mode the event offers is full.
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from calendar_service.domain.capacity import IN_PERSON, Places
from calendar_service.domain.recurrence_text import describe
from calendar_service.domain.timezones import available_zones, get_zone
from calendar_service.errors import UnknownTimeZone
from calendar_service.events.schemas import EventRead, Location, OccurrenceRead
from calendar_service.pages.formats import instant
from calendar_service.pages.registration import Openness
from calendar_service.pages.text import N_, Text

ZONE_COOKIE = "tz"
OSM = "https://www.openstreetmap.org"
LIMITED_SHARE = 0.1  # "LimitedAvailability" when at most a tenth of the places are left


@dataclass(frozen=True, slots=True)
class ViewerZone:
    """The visitor's zone as the request chose it, and a notice when `?tz=` named no zone we know."""

    zone: str | None = None
    notice: Text = field(default_factory=lambda: Text(""))
    chosen: bool = False  # by `?tz=` in this request: remember it in the cookie

    @classmethod
    def of(cls, query: str | None, cookie: str | None) -> "ViewerZone":
        if query:
            try:
                return cls(get_zone(query, "tz").key, chosen=True)
            except UnknownTimeZone:
                notice = Text(N_("We do not know the time zone “%(zone)s”: times are shown in the event's zone."))
                return cls(_known(cookie), Text(notice.msgid, {"zone": query[:60]}))
        return cls(_known(cookie))


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return get_zone(name, "tz").key
    except UnknownTimeZone:
        return None


@dataclass(frozen=True, slots=True)
class Session:
    start_utc: str
    end_utc: str
    start: str  # local, for all-day dates
    end: str
    cancelled: bool
    moved_from_utc: str | None  # the start it had before it moved


@dataclass(frozen=True, slots=True)
class ModePlaces:
    mode: str  # in_person | online
    note: Text
    full: bool


# Award items are keys (`travel`, `lodging`…): the common ones read as words in the page's language.
ITEM_LABELS = {
    "travel": N_("Travel"),
    "lodging": N_("Lodging"),
    "accommodation": N_("Lodging"),
    "meals": N_("Meals"),
    "visa": N_("Visa fees"),
    "registration": N_("Registration fee"),
    "registration_fee": N_("Registration fee"),
    "per_diem": N_("Daily allowance"),
    "insurance": N_("Travel insurance"),
    "childcare": N_("Childcare"),
}


def item_label(key: str) -> str:
    return ITEM_LABELS.get(key, key.replace("_", " ").capitalize())


@dataclass(frozen=True, slots=True)
class Scholarships:
    items: list[str]  # English messages (ITEM_LABELS) or the key in words: the template says them
    opens_utc: str
    closes_utc: str
    state: str  # not_open | open | closed
    apply_url: str


class PublicProgram(Protocol):
    """What the event page reads of a scholarship program (the scholarships area's `ProgramRead`)."""

    @property
    def award_items(self) -> list[str]: ...
    @property
    def opens_at_utc(self) -> str: ...
    @property
    def closes_at_utc(self) -> str: ...


@dataclass(frozen=True, slots=True)
class EventView:
    zones: list[str]  # the zones times are shown in, the leading one first
    viewer: ViewerZone
    rule_text: str
    sessions: list[Session]
    sessions_truncated: bool
    session_count: int  # said after the rule, unless the rule says it itself (COUNT) or the list is cut short
    places: list[ModePlaces]
    waitlist_only: bool
    availability: str | None
    map_url: str | None
    text_lang: str | None  # `lang` of the title shown, when it differs from the page's
    scholarships: Scholarships | None
    title: str = ""  # the title in the page's language when staff translated it, else the original
    description: str = ""
    description_lang: str | None = None  # `lang` of the description shown, when it differs from the page's


def zones_for(mode: str, event_zone: str, viewer: str | None) -> list[str]:
    if viewer is None or viewer == event_zone:
        return [event_zone]
    return [viewer, event_zone] if mode == "online" else [event_zone, viewer]


def sessions_of(items: Sequence[OccurrenceRead], zone: str, event_cancelled: bool) -> list[Session]:
    tz = ZoneInfo(zone)
    found = []
    for occ in items:
        moved = occ.overridden and occ.original_start[:19] != occ.start[:19]
        moved_from = None
        if moved and not occ.all_day:
            moved_from = datetime.fromisoformat(occ.original_start).replace(tzinfo=tz).isoformat()
        elif moved:
            moved_from = occ.original_start[:10]
        cancelled = event_cancelled or occ.status == "cancelled"
        found.append(Session(occ.start_utc, occ.end_utc, occ.start, occ.end, cancelled, moved_from))
    return found


def places_of(event: EventRead, taken: int, reserved: int, online_taken: int) -> list[ModePlaces]:
    counts = Places(event.capacity, taken, reserved, event.registration.online_capacity, online_taken)
    modes = ["in_person", "online"] if event.attendance_mode == "hybrid" else [event.attendance_mode]
    lines = []
    for mode in modes:
        limit = counts.capacity if mode == IN_PERSON else counts.online_capacity
        free = counts.free(mode)
        if limit is None or free is None:
            if len(modes) > 1:
                lines.append(ModePlaces(mode, Text(N_("No limit on places.")), False))
            continue
        if free > 0:
            note = Text(N_("%(free)s of %(capacity)s places left."), {"free": free, "capacity": limit})
        elif event.registration.waitlist:
            note = Text(N_("Full: you can join the waiting list."))
        else:
            note = Text(N_("Full."))
        lines.append(ModePlaces(mode, note, free == 0))
    return lines


def all_full(places: Sequence[ModePlaces], mode: str) -> bool:
    """Every mode the event offers is full (a mode without a limit is never full)."""
    offered = 2 if mode == "hybrid" else 1
    return len(places) == offered and all(p.full for p in places)


def availability_of(
    event: EventRead, openness: Openness, places: Sequence[ModePlaces], taken: int, reserved: int, online_taken: int
) -> str | None:
    """schema.org's `ItemAvailability` of a place at the event; None when it takes no registrations."""
    if event.status == "cancelled":
        return "Discontinued"
    if event.capacity == 0 and event.registration.online_capacity in (None, 0):
        return None
    if not openness.open:
        return "PreOrder" if "opens" in openness.note.msgid else "Discontinued"
    if all_full(places, event.attendance_mode):
        return "SoldOut"
    counts = Places(event.capacity, taken, reserved, event.registration.online_capacity, online_taken)
    modes = ["in_person", "online"] if event.attendance_mode == "hybrid" else [event.attendance_mode]
    for mode in modes:
        limit = counts.capacity if mode == IN_PERSON else counts.online_capacity
        free = counts.free(mode)
        if free is None or limit is None or free > limit * LIMITED_SHARE:
            return "InStock"
    return "LimitedAvailability"


def map_url(location: Location | None, mode: str) -> str | None:
    if location is None or mode == "online":
        return None
    if location.lat is not None and location.lon is not None:
        lat, lon = f"{location.lat:.6f}", f"{location.lon:.6f}"
        return f"{OSM}/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    words = [location.name, location.address, location.city, location.country]
    query = ", ".join(w for w in words if w)
    return f"{OSM}/search?query={quote_plus(query)}" if query else None


def text_lang(languages: Sequence[str], page_locale: str) -> str | None:
    if not languages:
        return None
    first = languages[0]
    return None if first.split("-")[0].lower() == page_locale else first


def session_count(event: EventRead, sessions: Sequence[Session], truncated: bool) -> int:
    rule = (event.recurrence.rrule or "") if event.recurrence else ""
    return 0 if truncated or "COUNT=" in rule.upper() else len(sessions)


def rule_text(event: EventRead, locale: str) -> str:
    if event.recurrence is None or not event.recurrence.rrule:
        return ""
    start = instant(event.start_utc).astimezone(ZoneInfo(event.timezone))
    return describe(event.recurrence.rrule, start, locale)


def scholarships_of(program: PublicProgram | None, slug: str, base_url: str, now: datetime) -> Scholarships | None:
    if program is None:
        return None
    opens, closes = instant(program.opens_at_utc), instant(program.closes_at_utc)
    state = "not_open" if now < opens else ("open" if now < closes else "closed")
    items = [item_label(key) for key in program.award_items]
    return Scholarships(items, program.opens_at_utc, program.closes_at_utc, state, f"{base_url}/events/{slug}/apply")


_AREAS = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/", "Indian/", "Pacific/")


@functools.cache
def picker_zones() -> tuple[str, ...]:
    """The zones the picker offers: the pinned database's Area/City names, and UTC (aliases stay accepted)."""
    return ("UTC", *sorted(z for z in available_zones() if z.startswith(_AREAS)))
