"""Everything about a VEVENT except its times: text, place, links, labels.

Decisions:
- LOCATION is the place's name (our feed writes `name, address, city,
  country` back as one LOCATION, so a one-line LOCATION round-trips). A
  multi-line one is name + address. Apple's X-APPLE-STRUCTURED-LOCATION gives
  name (X-TITLE), address (X-ADDRESS) and coordinates; GEO wins for coordinates.
- URL is a page about the event, not a stream: it is kept as a "More
  information" line in the description, not as `livestream_url`.
- A CONFERENCE labelled as a livestream (our own feed writes LABEL=Livestream)
  becomes `livestream_url`; any other conference or meeting link (Google Meet,
  Teams, Zoom) becomes `online_url`, which only registrants see, and makes
  the event online (hybrid when it also has a LOCATION).
- CATEGORIES become tags in our tag alphabet (lower case, '-' for spaces).
- ORGANIZER's name (CN) becomes the host; its e-mail address is not kept.
- Properties with no place in the data model are named in a note, never
  dropped silently; X- properties of other vendors are ignored.
"""

import re
from typing import Any

from calendar_service.domain import validation
from calendar_service.errors import InvalidInput

TITLE_MAX = 300
DESCRIPTION_MAX = 20_000
NAME_MAX = 300
ADDRESS_MAX = 500
URL_MAX = 2000
TAGS_MAX = 50
UNTITLED = "Untitled event"

# Read by the mapper (times, recurrence) or here; not worth a note.
HANDLED = frozenset(
    {
        "UID", "DTSTAMP", "DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID",
        "SUMMARY", "DESCRIPTION", "LOCATION", "GEO", "CATEGORIES", "URL", "STATUS", "CLASS", "ORGANIZER",
        "CONFERENCE", "SEQUENCE", "CREATED", "LAST-MODIFIED", "TRANSP", "PRIORITY", "COLOR",
    }
)  # fmt: skip
_ONLINE_X = ("X-GOOGLE-CONFERENCE", "X-MICROSOFT-SKYPETEAMSMEETINGURL", "X-MICROSOFT-ONLINEMEETINGEXTERNALLINK")
_TAG_CHARS = re.compile(r"[^\w\-.]+", re.UNICODE)


def text(component: Any, name: str) -> str:
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return "" if value is None else str(value).strip()


def clip(value: str, limit: int, what: str, notes: list[str]) -> str:
    if len(value) <= limit:
        return value
    notes.append(f"{what} cut to {limit} characters (it had {len(value)})")
    return value[: limit - 1].rstrip() + "…"


def title(component: Any, notes: list[str]) -> str:
    found = " ".join(text(component, "SUMMARY").split())
    if not found:
        notes.append(f"no SUMMARY: titled '{UNTITLED}'")
        return UNTITLED
    return clip(found, TITLE_MAX, "SUMMARY", notes)


def description(component: Any, notes: list[str]) -> str:
    body = text(component, "DESCRIPTION").replace("\r\n", "\n")
    if not body and "X-ALT-DESC" in component:
        notes.append("X-ALT-DESC (HTML description) not imported")
    url = text(component, "URL")
    if url and url not in body:
        body = f"{body}\n\nMore information: {url}" if body else f"More information: {url}"
    return clip(body, DESCRIPTION_MAX, "DESCRIPTION", notes)


def _coordinate(value: float, low: float, high: float, field: str, notes: list[str]) -> float | None:
    try:
        return validation.coordinate(value, low, high, field)
    except InvalidInput as exc:
        notes.append(f"GEO not imported: {exc.message}")
        return None


def location(component: Any, notes: list[str]) -> dict[str, Any] | None:
    raw = text(component, "LOCATION").replace("\r\n", "\n")
    lines = [line.strip() for line in raw.split("\n") if line.strip()]
    name = lines[0] if lines else None
    address = ", ".join(lines[1:]) or None
    lat = lon = None
    apple = component.get("X-APPLE-STRUCTURED-LOCATION")
    if apple is not None and not isinstance(apple, list):
        params = apple.params
        name = str(params.get("X-TITLE") or "").strip() or name
        apple_address = re.sub(r"\s*(\\n|\n)+\s*", ", ", str(params.get("X-ADDRESS") or "")).strip(", ")
        address = apple_address or address
        match = re.match(r"^geo:(-?[\d.]+),(-?[\d.]+)", str(apple))
        if match:
            lat, lon = float(match.group(1)), float(match.group(2))
    geo = component.get("GEO")
    if geo is not None:
        lat, lon = float(geo.latitude), float(geo.longitude)
    if lat is not None and lon is not None:
        lat = _coordinate(lat, -90, 90, "location.lat", notes)
        lon = _coordinate(lon, -180, 180, "location.lon", notes) if lat is not None else None
        lat = lat if lon is not None else None
    if name is None and address is None and lat is None:
        return None
    return {
        "name": clip(name, NAME_MAX, "LOCATION", notes) if name else None,
        "address": clip(address, ADDRESS_MAX, "location address", notes) if address else None,
        "city": None,
        "country": None,
        "lat": lat,
        "lon": lon,
    }


def tags(component: Any, notes: list[str]) -> list[str]:
    lines = component.get("CATEGORIES")
    if lines is None:
        return []
    found: list[str] = []
    for line in lines if isinstance(lines, list) else [lines]:
        for category in getattr(line, "cats", []):
            tag = _TAG_CHARS.sub("-", str(category).strip().lower()).strip("-.")[:64]
            if not tag:
                notes.append(f"category '{category}' not imported: nothing of it fits a tag")
                continue
            found.append(tag)
    cleaned = validation.tags(found)
    if len(cleaned) > TAGS_MAX:
        notes.append(f"{len(cleaned) - TAGS_MAX} categories beyond the first {TAGS_MAX} not imported")
    return cleaned[:TAGS_MAX]


def _url(value: str, field: str, notes: list[str]) -> str | None:
    try:
        url = validation.http_url(value, field)
    except InvalidInput as exc:
        notes.append(f"{field} not imported: {exc.message}")
        return None
    if url is not None and len(url) > URL_MAX:
        notes.append(f"{field} not imported: longer than {URL_MAX} characters")
        return None
    return url


def links(component: Any, notes: list[str]) -> tuple[str | None, str | None]:
    """(livestream_url, online_url)."""
    livestream = online = None
    lines = component.get("CONFERENCE")
    for line in lines if isinstance(lines, list) else ([lines] if lines is not None else []):
        label = str(line.params.get("LABEL", "")).lower()
        if "stream" in label and livestream is None:
            livestream = _url(str(line), "livestream_url", notes)
        elif online is None:
            online = _url(str(line), "online_url", notes)
    for name in _ONLINE_X:
        if online is None and text(component, name):
            online = _url(text(component, name), "online_url", notes)
    if online:
        notes.append("meeting link imported as online_url (shown to registrants only)")
    return livestream, online


def languages(component: Any) -> list[str]:
    summary = component.get("SUMMARY")
    tag = summary.params.get("LANGUAGE") if summary is not None and hasattr(summary, "params") else None
    if not tag:
        return []
    try:
        return validation.language_tags([str(tag)])
    except InvalidInput:
        return []


def hosts(component: Any) -> list[str]:
    organizer = component.get("ORGANIZER")
    name = str(organizer.params.get("CN", "")).strip() if organizer is not None else ""
    return [name[:NAME_MAX]] if name else []


def unmapped(component: Any) -> list[str]:
    """Notes for what this service has no field for."""
    notes: list[str] = []
    attendees = component.get("ATTENDEE")
    if attendees is not None:
        count = len(attendees) if isinstance(attendees, list) else 1
        notes.append(f"ATTENDEE list ({count}) not imported: registrations are made in this service")
    if any(sub.name == "VALARM" for sub in component.subcomponents):
        notes.append("VALARM ignored: subscribers set their own reminders")
    others = sorted(
        {
            str(key).upper()
            for key in component
            if str(key).upper() not in HANDLED
            and not str(key).upper().startswith("X-")
            and str(key).upper() not in ("ATTENDEE", "X-ALT-DESC")
        }
    )
    if others:
        notes.append(f"not imported (no such field here): {', '.join(others)}")
    return notes
