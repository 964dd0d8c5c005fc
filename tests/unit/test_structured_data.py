"""schema.org JSON-LD and OpenGraph for event pages: offsets, modes, status, nothing private, script-safe."""

import json
from typing import Any

import msgspec
import pytest

from calendar_service.events.schemas import EventRead
from calendar_service.pages.structured import event_json_ld, open_graph, script_json


def event(**overrides: Any) -> EventRead:
    base: dict[str, Any] = {
        "slug": "power-of-the-commons",
        "uid": "u1@example.org",
        "calendar": "global-advocacy",
        "title": "The Power of the Commons",
        "description": "Digital public goods.\n\nSecond paragraph.",
        "status": "confirmed",
        "timezone": "America/New_York",
        "start": "2024-09-21T11:15:00",
        "end": "2024-09-21T12:30:00",
        "all_day": False,
        "fold": None,
        "start_utc": "2024-09-21T15:15:00Z",
        "end_utc": "2024-09-21T16:30:00Z",
        "recurrence": None,
        "location": {"name": "UN Headquarters", "city": "New York", "country": "US", "lat": 40.749, "lon": -73.968},
        "livestream_url": "https://live.example.org/commons",
        "attendance_mode": "hybrid",
        "languages": ["en"],
        "tags": [],
        "hosts": ["Access Now"],
        "speakers": [{"name": "Ana Pérez", "affiliation": "TUM Think Tank"}],
        "capacity": 40,
        "registration": {},
        "sequence": 0,
        "created_at": "2024-06-01T12:00:00Z",
        "updated_at": "2024-06-01T12:00:00Z",
        "url": "https://events.example.org/events/power-of-the-commons",
        "api_url": "https://events.example.org/api/events/power-of-the-commons",
        "ics_url": "https://events.example.org/events/power-of-the-commons.ics",
        "webcal_url": "webcal://events.example.org/events/power-of-the-commons.ics",
        "add_to_calendar": {"ics": "x", "google": "x", "outlook": "x", "office365": "x"},
        "overrides": [],
        "translations": {},
        "online_url": "https://secret.example.org/join",
    }
    base.update(overrides)
    return msgspec.convert(base, EventRead)


def test_times_carry_the_event_zones_offset_of_that_day() -> None:
    doc = event_json_ld(event())
    assert doc["startDate"] == "2024-09-21T11:15:00-04:00"
    assert doc["endDate"] == "2024-09-21T12:30:00-04:00"
    winter = event_json_ld(
        event(
            start="2024-12-05T17:00:00",
            end="2024-12-05T19:00:00",
            start_utc="2024-12-05T23:00:00Z",
            end_utc="2024-12-06T01:00:00Z",
            timezone="America/Mexico_City",
        )
    )
    assert (winter["startDate"], winter["endDate"]) == ("2024-12-05T17:00:00-06:00", "2024-12-05T19:00:00-06:00")
    kolkata = event_json_ld(
        event(
            start="2024-01-01T09:00:00",
            end="2024-01-01T10:00:00",
            start_utc="2024-01-01T03:30:00Z",
            end_utc="2024-01-01T04:30:00Z",
        )
    )
    assert kolkata["startDate"].endswith("+05:30")


def test_all_day_events_are_dates() -> None:
    doc = event_json_ld(event(all_day=True, start="2024-04-23", end="2024-04-25"))
    assert (doc["startDate"], doc["endDate"]) == ("2024-04-23", "2024-04-25")


@pytest.mark.parametrize(
    ("mode", "expected", "kinds"),
    [
        ("in_person", "OfflineEventAttendanceMode", ["Place"]),
        ("online", "OnlineEventAttendanceMode", ["VirtualLocation"]),
        ("hybrid", "MixedEventAttendanceMode", ["Place", "VirtualLocation"]),
    ],
)
def test_attendance_mode_and_locations(mode: str, expected: str, kinds: list[str]) -> None:
    doc = event_json_ld(event(attendance_mode=mode))
    assert doc["eventAttendanceMode"] == f"https://schema.org/{expected}"
    location = doc["location"] if isinstance(doc["location"], list) else [doc["location"]]
    assert [place["@type"] for place in location] == kinds


def test_cancelled_events_say_so_and_the_join_link_never_appears() -> None:
    doc = event_json_ld(event(status="cancelled"))
    assert doc["eventStatus"] == "https://schema.org/EventCancelled"
    assert event_json_ld(event())["eventStatus"] == "https://schema.org/EventScheduled"
    assert "secret.example.org" not in json.dumps(doc)
    assert "live.example.org" in json.dumps(doc)


def test_script_json_cannot_close_its_script_element() -> None:
    hostile = event(title="</script><script>alert(1)</script>", description="a & b <!-- c")
    text = script_json(event_json_ld(hostile))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script>"


def test_offers_only_when_availability_is_known() -> None:
    assert "offers" not in event_json_ld(event())
    assert event_json_ld(event(), "SoldOut")["offers"]["availability"] == "https://schema.org/SoldOut"


def test_open_graph_uses_the_first_paragraph() -> None:
    tags = dict(open_graph(event(), "Global advocacy"))
    assert tags["og:title"] == "The Power of the Commons"
    assert tags["og:description"] == "Digital public goods."
    assert tags["og:site_name"] == "Global advocacy"


def test_pages_show_the_visitors_translation_and_mark_its_language() -> None:
    from calendar_service.pages.localized import localized

    translated = event(
        languages=["en"],
        translations={
            "es-MX": {"title": "El poder de los bienes comunes"},
            "fr": {"title": "Le pouvoir", "description": "Biens."},
        },
    )
    spanish = localized(translated, "es")
    assert (spanish.title, spanish.title_lang) == ("El poder de los bienes comunes", "es-MX")
    assert (spanish.description_lang, spanish.description.startswith("Digital")) == ("en", True)  # no Spanish one
    french = localized(translated, "fr")
    assert (french.description, french.description_lang) == ("Biens.", "fr")
    english = localized(translated, "en")
    assert (english.title, english.title_lang) == ("The Power of the Commons", "en")
    untagged = localized(event(languages=[], translations={}), "es")
    assert (untagged.title, untagged.title_lang) == ("The Power of the Commons", None)
