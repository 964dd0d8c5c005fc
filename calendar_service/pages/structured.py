"""What a shared link and a search engine read from an event page: schema.org JSON-LD and OpenGraph.

Decisions:
- `startDate`/`endDate` carry the event zone's offset (schema.org and Google want an
  offset, never a floating time); all-day events are dates, `endDate` the last day.
- Only public facts: the livestream link may be a `VirtualLocation`, the join link
  (`online_url`) never appears here.
- The JSON is made safe to sit inside `<script type="application/ld+json">`: `<`, `>`
  and `&` are written as JSON escapes, so no text of an event can close the script.
"""

import json
from datetime import datetime
from typing import Any

from calendar_service.events.schemas import EventRead

_MODES = {
    "in_person": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "hybrid": "https://schema.org/MixedEventAttendanceMode",
}
_STATUS = {"cancelled": "https://schema.org/EventCancelled"}  # tentative and confirmed: scheduled
DESCRIPTION_CHARS = 500


def _with_offset(local: str, utc: str) -> str:
    """The local wall time written with the offset it had then ('2024-09-21T11:15:00-04:00')."""
    wall = datetime.fromisoformat(local)
    instant = datetime.fromisoformat(utc.replace("Z", "+00:00"))
    offset = wall - instant.replace(tzinfo=None)
    minutes = round(offset.total_seconds() / 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{wall.isoformat(timespec='seconds')}{sign}{hours:02d}:{mins:02d}"


def _places(event: EventRead) -> list[dict[str, Any]]:
    places: list[dict[str, Any]] = []
    loc = event.location
    if event.attendance_mode != "online" and loc is not None and (loc.name or loc.address or loc.city):
        place: dict[str, Any] = {"@type": "Place", "name": loc.name or loc.city or loc.address}
        address = {
            "@type": "PostalAddress",
            **({"streetAddress": loc.address} if loc.address else {}),
            **({"addressLocality": loc.city} if loc.city else {}),
            **({"addressCountry": loc.country} if loc.country else {}),
        }
        if len(address) > 1:
            place["address"] = address
        if loc.lat is not None and loc.lon is not None:
            place["geo"] = {"@type": "GeoCoordinates", "latitude": loc.lat, "longitude": loc.lon}
        places.append(place)
    if event.attendance_mode != "in_person":
        places.append({"@type": "VirtualLocation", "url": event.livestream_url or event.url})
    return places


def event_json_ld(event: EventRead, availability: str | None = None) -> dict[str, Any]:
    """A schema.org `Event` for this event (a series: its first session, as the page's times)."""
    if event.all_day:
        start, end = event.start, event.end
    else:
        start = _with_offset(event.start, event.start_utc)
        end = _with_offset(event.end, event.end_utc)
    doc: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "startDate": start,
        "endDate": end,
        "eventStatus": _STATUS.get(event.status, "https://schema.org/EventScheduled"),
        "eventAttendanceMode": _MODES[event.attendance_mode],
        "url": event.url,
    }
    if event.description:
        doc["description"] = event.description[:DESCRIPTION_CHARS]
    places = _places(event)
    if places:
        doc["location"] = places[0] if len(places) == 1 else places
    if event.languages:
        doc["inLanguage"] = event.languages[0] if len(event.languages) == 1 else event.languages
    if event.hosts:
        doc["organizer"] = [{"@type": "Organization", "name": host} for host in event.hosts]
    if event.speakers:
        doc["performer"] = [
            {
                "@type": "Person",
                "name": s.name,
                **({"affiliation": {"@type": "Organization", "name": s.affiliation}} if s.affiliation else {}),
            }
            for s in event.speakers
        ]
    if availability is not None:
        doc["offers"] = {
            "@type": "Offer",
            "url": event.url,
            "price": "0",
            "priceCurrency": "USD",
            "availability": f"https://schema.org/{availability}",
        }
    return doc


def script_json(doc: dict[str, Any]) -> str:
    """JSON that cannot end the `<script>` element it sits in, whatever the event's texts say."""
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def open_graph(event: EventRead, site_name: str) -> list[tuple[str, str]]:
    """(property, content) pairs for `<meta property=… content=…>`; the template escapes them."""
    description = (event.description or "").split("\n\n")[0][:300]
    return [
        ("og:type", "website"),
        ("og:title", event.title),
        ("og:url", event.url),
        ("og:site_name", site_name),
        ("og:description", description),
        ("twitter:card", "summary"),
        ("twitter:title", event.title),
        ("twitter:description", description),
    ]
