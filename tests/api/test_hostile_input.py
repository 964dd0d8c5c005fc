"""Hostile input gets a 4xx naming the field, never a 500, and writes nothing (issue: hardening)."""

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from calendar_service.domain.registration import normalize_email
from calendar_service.errors import InvalidInput
from tests.support.factories import event_body

Client = AsyncTestClient[Litestar]
JSON = {"Content-Type": "application/json"}


async def event_count(client: Client) -> int:
    return len((await client.get("/api/events?from=2024-01-01&to=2025-01-01")).json()["items"])


async def test_deeply_nested_json_is_a_422_on_public_and_staff_writes(
    client: Client, create_event: Any, admin_headers: dict[str, str]
) -> None:
    slug = (await create_event(capacity=5))["slug"]
    before = await event_count(client)
    nested = '{"name":"x","email":"d@example.org","consent":true,"answers":{"note":' + '{"a":' * 10_000 + "1"
    nested += "}" * 10_000 + "}}"
    public = await client.post(f"/api/events/{slug}/registrations", content=nested, headers=JSON)
    assert (public.status_code, public.json()["field"]) == (422, "body")
    for method in ("POST", "PATCH"):
        path = "/api/events" if method == "POST" else f"/api/events/{slug}"
        staff = await client.request(method, path, content="[" * 10_000 + "]" * 10_000, headers=admin_headers | JSON)
        assert staff.status_code == 422, staff.text
        assert "nested too deeply" in staff.json()["detail"]
    assert await event_count(client) == before
    listing = await client.get(f"/api/staff/events/{slug}/registrations", headers=admin_headers)
    assert listing.json()["items"] == []


@pytest.mark.parametrize("value", [10**23, 2**63, 2**31, 1_000_001, -1])
async def test_places_beyond_what_both_databases_hold_are_refused(
    client: Client, calendar: dict[str, Any], admin_headers: dict[str, str], value: int
) -> None:
    response = await client.post("/api/events", json=event_body(capacity=value), headers=admin_headers)
    assert (response.status_code, response.json()["field"]) == (422, "capacity")
    online = await client.post(
        "/api/events",
        json=event_body(attendance_mode="online", registration={"online_capacity": value}),
        headers=admin_headers,
    )
    assert online.status_code == 422, online.text
    assert await event_count(client) == 0
    assert (
        await client.post("/api/events", json=event_body(capacity=1_000_000), headers=admin_headers)
    ).status_code == 201


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "x\u0000y"}, "title"),
        ({"title": "Legit\r\nX-EVIL:1"}, "title"),
        ({"title": "tab\there"}, "title"),
        ({"description": "nul \u0000 inside"}, "description"),
        ({"description": "escape \u001b[31m"}, "description"),
        ({"location": {"name": "Room\nX-EVIL:1"}}, "location.name"),
        ({"hosts": ["Access Now", "Bad\r\nhost"]}, "hosts[1]"),
        ({"speakers": [{"name": "Ana\nX"}]}, "speakers[0].name"),
        ({"translations": {"es": {"title": "Hola\r\nX-EVIL:1"}}}, "translations.es.title"),
    ],
)
async def test_control_characters_in_event_texts_are_422_naming_the_field(
    client: Client, calendar: dict[str, Any], admin_headers: dict[str, str], overrides: dict[str, Any], field: str
) -> None:
    response = await client.post("/api/events", json=event_body(**overrides), headers=admin_headers)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert await event_count(client) == 0


async def test_descriptions_keep_their_line_breaks_and_the_feed_stays_whole(
    client: Client, calendar: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    created = await client.post(
        "/api/events", json=event_body(description="Line one\r\nX-EVIL:1\n\nTab\there"), headers=admin_headers
    )
    assert created.status_code == 201, created.text
    feed = await client.get(f"/events/{created.json()['slug']}.ics")
    assert feed.status_code == 200
    assert "\r\nX-EVIL" not in feed.text  # escaped inside DESCRIPTION, never a property of its own


async def test_edits_are_held_to_the_same_rules(
    client: Client, create_event: Any, admin_headers: dict[str, str]
) -> None:
    slug = (await create_event())["slug"]
    response = await client.patch(f"/api/events/{slug}", json={"title": "a\nb"}, headers=admin_headers)
    assert (response.status_code, response.json()["field"]) == (422, "title")
    assert (await client.get(f"/api/events/{slug}")).json()["title"] == "Policy roundtable"


async def test_calendar_names_refuse_line_breaks(client: Client, admin_headers: dict[str, str]) -> None:
    response = await client.post(
        "/api/calendars", json={"slug": "evil", "name": "Cal\r\nX-EVIL:1"}, headers=admin_headers
    )
    assert (response.status_code, response.json()["field"]) == (422, "name")
    nul = await client.post(
        "/api/calendars", json={"slug": "evil", "name": "Cal", "description": "a\u0000b"}, headers=admin_headers
    )
    assert (nul.status_code, nul.json()["field"]) == (422, "description")
    assert (await client.get("/api/calendars")).json()["items"] == []


async def test_staff_message_subjects_that_would_reach_a_header_are_one_line(
    client: Client, create_event: Any, admin_headers: dict[str, str]
) -> None:
    slug = (await create_event(capacity=5))["slug"]
    await client.post(
        f"/api/events/{slug}/registrations", json={"name": "Ana", "email": "ana@example.org", "consent": True}
    )
    response = await client.post(
        f"/api/staff/events/{slug}/messages",
        json={"subject": "Hello\r\nBcc: victim@example.org", "body": "hi"},
        headers=admin_headers,
    )
    assert (response.status_code, response.json()["field"]) == (422, "subject")
    outbox = (await client.get("/api/staff/outbox", headers=admin_headers)).json()["items"]
    assert [m["kind"] for m in outbox if m["kind"] == "staff_message"] == []


@pytest.mark.parametrize(
    ("path", "status", "field"),
    [
        ("/api/events/a%00b", 404, None),
        ("/calendars/a%00b.ics", 404, None),
        ("/events/a%00b.ics", 404, None),
        ("/api/staff/audit?actor=a%00b", 422, "actor"),
        ("/api/events?tag=a%00b", 422, "tag"),
    ],
)
async def test_nul_bytes_in_paths_and_queries_name_nothing(
    client: Client, admin_headers: dict[str, str], path: str, status: int, field: str | None
) -> None:
    response = await client.get(path, headers=admin_headers)
    assert response.status_code == status, response.text
    assert response.json().get("field") == field


async def test_nul_in_a_staff_search_is_invalid(
    client: Client, create_event: Any, admin_headers: dict[str, str]
) -> None:
    slug = (await create_event())["slug"]
    response = await client.get(f"/api/staff/events/{slug}/registrations?q=a%00b", headers=admin_headers)
    assert (response.status_code, response.json()["field"]) == (422, "q")


def test_a_local_part_longer_than_64_octets_is_refused() -> None:
    assert normalize_email("a" * 64 + "@example.org").address == "a" * 64 + "@example.org"
    with pytest.raises(InvalidInput, match="longer than 64"):
        normalize_email("a" * 65 + "@example.org")


async def test_an_organizer_of_another_calendar_never_sees_the_join_link(
    client: Client, calendar: dict[str, Any], admin_headers: dict[str, str], token_factory: Any
) -> None:
    await client.post("/api/calendars", json={"slug": "other", "name": "Other"}, headers=admin_headers)
    body = event_body(attendance_mode="online", online_url="https://join.example.org/secret")
    slug = (await client.post("/api/events", json=body, headers=admin_headers)).json()["slug"]
    elsewhere = await token_factory("organizer", ["other"])
    here = await token_factory("organizer", ["test-cal"])
    reviewer = await token_factory("reviewer")
    assert "online_url" not in (await client.get(f"/api/events/{slug}", headers=elsewhere)).json()
    assert "online_url" not in (await client.get(f"/api/events/{slug}", headers=reviewer)).json()
    assert "online_url" not in (await client.get(f"/api/events/{slug}")).json()
    assert (await client.get(f"/api/events/{slug}", headers=here)).json()[
        "online_url"
    ] == "https://join.example.org/secret"
    assert (await client.get(f"/api/events/{slug}", headers=admin_headers)).json()["online_url"].endswith("/secret")
