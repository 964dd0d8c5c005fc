"""Creating events: times stored as local + zone, derived UTC, and every bad input refused whole."""

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.factories import EventFactory, event_body, occurrences


async def test_create_echoes_local_time_and_derives_utc(create_event: EventFactory) -> None:
    event = await create_event(
        title="The Power of the Commons",
        timezone="America/New_York",
        start="2024-09-21T11:15:00",
        end="2024-09-21T12:30:00",
    )
    assert (event["start"], event["end"]) == ("2024-09-21T11:15:00", "2024-09-21T12:30:00")
    assert (event["start_utc"], event["end_utc"]) == ("2024-09-21T15:15:00Z", "2024-09-21T16:30:00Z")
    assert event["timezone"] == "America/New_York"
    assert event["sequence"] == 0
    assert event["slug"] == "the-power-of-the-commons"
    assert event["uid"].endswith("@calendar-service") and len(event["uid"]) > 30
    assert event["ics_url"] == "http://testserver.local/events/the-power-of-the-commons.ics"
    assert event["webcal_url"].startswith("webcal://testserver.local/")


async def test_zone_name_is_canonicalised(create_event: EventFactory) -> None:
    event = await create_event(
        timezone="america/indiana/indianapolis", start="2024-10-31T13:00:00", end="2024-10-31T17:00:00"
    )
    assert event["timezone"] == "America/Indiana/Indianapolis"
    assert event["start_utc"] == "2024-10-31T17:00:00Z"


async def test_slug_from_non_latin_title_and_collisions_get_a_suffix(create_event: EventFactory) -> None:
    first = await create_event(title="Taller Anual del CELE – Año 12")
    second = await create_event(title="Taller Anual del CELE – Año 12")
    assert first["slug"] == "taller-anual-del-cele-ano-12"
    assert second["slug"] == "taller-anual-del-cele-ano-12-2"
    assert first["uid"] != second["uid"]


async def test_explicit_duplicate_slug_is_409_and_writes_nothing(
    client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    await create_event(slug="roundtable", tags=["one"])
    response = await client.post("/api/events", json=event_body(slug="roundtable", tags=["two"]), headers=admin_headers)
    assert response.status_code == 409
    assert "roundtable" in response.json()["detail"]
    assert [
        o["slug"] for o in await occurrences(client, **{"from": "2024-01-01", "to": "2025-01-01", "tag": "two"})
    ] == []


async def test_all_day_end_is_inclusive_in_the_api(create_event: EventFactory) -> None:
    event = await create_event(
        title="DRIF", timezone="Africa/Accra", all_day=True, start="2024-04-23", end="2024-04-25"
    )
    assert (event["start"], event["end"]) == ("2024-04-23", "2024-04-25")
    assert event["start_utc"] == "2024-04-23T00:00:00Z"
    assert event["end_utc"] == "2024-04-26T00:00:00Z"


async def test_fold_picks_the_second_of_two_ambiguous_times(create_event: EventFactory) -> None:
    first = await create_event(
        timezone="America/New_York", start="2024-11-03T01:30:00", end="2024-11-03T01:45:00", fold=0
    )
    second = await create_event(
        timezone="America/New_York", start="2024-11-03T01:30:00", end="2024-11-03T01:45:00", fold=1
    )
    assert first["start_utc"] == "2024-11-03T05:30:00Z"
    assert second["start_utc"] == "2024-11-03T06:30:00Z"
    assert second["fold"] == 1


BAD_INPUT: list[tuple[str, dict[str, Any], int, str, str]] = [
    ("unknown zone", {"timezone": "Europe/Brusels"}, 422, "timezone", "Europe/Brussels"),
    (
        "DST gap",
        {"timezone": "America/New_York", "start": "2024-03-10T02:30:00", "end": "2024-03-10T04:00:00"},
        422,
        "start",
        "does not exist",
    ),
    (
        "DST fold without fold",
        {"timezone": "America/New_York", "start": "2024-11-03T01:30:00", "end": "2024-11-03T03:00:00"},
        422,
        "start",
        "fold=1",
    ),
    ("end before start", {"start": "2024-10-03T10:00:00", "end": "2024-10-03T09:00:00"}, 422, "end", "after"),
    ("end equals start", {"start": "2024-10-03T10:00:00", "end": "2024-10-03T10:00:00"}, 422, "end", "after"),
    ("offset in start", {"start": "2024-10-03T10:00:00+02:00"}, 422, "start", "without offset"),
    ("impossible date", {"start": "2024-02-30T10:00:00"}, 422, "start", "not a real"),
    ("malformed rrule", {"recurrence": {"rrule": "FREQ=WEEKLY;BYDAY=XX"}}, 422, "recurrence.rrule", "BYDAY"),
    ("secondly rrule", {"recurrence": {"rrule": "FREQ=SECONDLY"}}, 422, "recurrence.rrule", "at most hourly"),
    (
        "zero interval (would loop forever)",
        {"recurrence": {"rrule": "FREQ=WEEKLY;INTERVAL=0"}},
        422,
        "recurrence.rrule",
        "INTERVAL",
    ),
    (
        "URL with a line break",
        {"livestream_url": "https://live.example.org/a\r\nX-Injected: 1"},
        422,
        "livestream_url",
        "line breaks",
    ),
    (
        "rrule not starting at start",
        {"recurrence": {"rrule": "FREQ=WEEKLY;BYDAY=FR"}},
        422,
        "recurrence.rrule",
        "first occurrence",
    ),
    (
        "exdate not an occurrence",
        {"recurrence": {"rrule": "FREQ=WEEKLY;COUNT=4", "exdates": ["2024-10-04T10:00:00"]}},
        422,
        "recurrence.exdates[0]",
        "not an occurrence",
    ),
    ("unknown calendar", {"calendar": "nope"}, 422, "calendar", "/api/calendars"),
    ("unknown field", {"timezon": "UTC"}, 422, "timezon", "unknown field"),
    ("title too long", {"title": "x" * 301}, 422, "title", "300"),
    ("wrong type", {"capacity": "many"}, 422, "capacity", "int"),
    ("negative capacity", {"capacity": -1}, 422, "capacity", ">= 0"),
    ("bad country", {"location": {"country": "XX"}}, 422, "location.country", "ISO 3166"),
    ("bad status", {"status": "maybe"}, 422, "status", "confirmed"),
    (
        "join link on in-person event",
        {"online_url": "https://meet.example.org/x"},
        422,
        "online_url",
        "attendance_mode",
    ),
    ("bad language", {"languages": ["english language"]}, 422, "languages[0]", "BCP 47"),
    (
        "all-day end before start",
        {"all_day": True, "start": "2024-04-25", "end": "2024-04-23"},
        422,
        "end",
        "inclusive",
    ),
]


@pytest.mark.parametrize(("case", "change", "status", "field", "hint"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
async def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    client: AsyncTestClient[Litestar],
    admin_headers: dict[str, str],
    calendar: dict[str, Any],
    case: str,
    change: dict[str, Any],
    status: int,
    field: str,
    hint: str,
) -> None:
    response = await client.post("/api/events", json=event_body(**change), headers=admin_headers)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status_code"] == status
    assert field in body["detail"], body
    assert hint in body["detail"], body
    assert "Traceback" not in response.text
    assert await occurrences(client, **{"from": "2000-01-01", "to": "2009-12-31"}) == []
    listed = await client.get("/api/events", params={"from": "2024-01-01", "to": "2025-01-01"})
    assert listed.json()["items"] == []


async def test_body_that_is_not_json_is_a_422_saying_so(
    client: AsyncTestClient[Litestar], admin_headers: dict[str, str], calendar: dict[str, Any]
) -> None:
    response = await client.post(
        "/api/events", content=b"{not json", headers={**admin_headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 422, "invalid input is 422 (PRODUCT.md), a malformed body included"
    assert "JSON" in response.json()["detail"] and response.json()["field"] == "body"


async def test_oversized_body_is_refused(
    client: AsyncTestClient[Litestar], admin_headers: dict[str, str], calendar: dict[str, Any]
) -> None:
    response = await client.post("/api/events", json=event_body(description="x" * 1_100_000), headers=admin_headers)
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]


async def test_unbounded_hourly_series_is_capped_and_says_so(
    client: AsyncTestClient[Litestar], create_event: EventFactory
) -> None:
    await create_event(recurrence={"rrule": "FREQ=HOURLY"}, start="2024-10-03T10:00:00", end="2024-10-03T10:30:00")
    response = await client.get("/api/events", params={"from": "2024-10-01", "to": "2025-10-01", "limit": "50"})
    body = response.json()
    assert len(body["items"]) == 50
    assert body["truncated"] is True
    assert any("narrow from/to" in w for w in body["warnings"])
