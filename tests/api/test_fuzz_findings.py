"""Inputs a schemathesis run (session 3) turned into 500s or a 15-second request: each is now a clear 4xx."""

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.factories import EventFactory, create_calendar, register

Client = AsyncTestClient[Litestar]
HUGE = 2**63  # one past SQLite's and PostgreSQL's 64-bit integers


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PATCH", f"/api/staff/registrations/{HUGE}", {"status": "attended"}),
        ("POST", f"/api/staff/registrations/{HUGE}/attend", None),
        ("GET", f"/api/staff/scholarship-applications/{HUGE}", None),
        ("POST", f"/api/staff/scholarship-applications/{HUGE}/award", {"amounts": {"travel": "1.00"}}),
        ("POST", f"/api/staff/tokens/{HUGE}/revoke", None),
        ("GET", f"/api/staff/audit?before_id={HUGE}", None),
        ("GET", "/api/staff/audit?before_id=0", None),
    ],
)
async def test_ids_beyond_any_row_are_refused_by_name(
    client: Client, admin_headers: dict[str, str], method: str, path: str, body: Any
) -> None:
    response = await client.request(method, path, json=body, headers=admin_headers)
    assert response.status_code == 422, response.text
    assert any(name in response.text for name in ("registration_id", "application_id", "token_id", "before_id"))


async def test_attendance_ids_beyond_any_row_are_refused_by_name(
    client: Client, admin_headers: dict[str, str], create_event: EventFactory
) -> None:
    event = await create_event(recurrence={"rrule": "FREQ=WEEKLY;COUNT=4"}, capacity=10)
    response = await client.put(
        f"/api/staff/events/{event['slug']}/sessions/2024-10-03T10:00:00/attendance",
        json={"registration_ids": [HUGE]},
        headers=admin_headers,
    )
    assert response.status_code == 422, response.text
    assert "registration_ids" in response.text


@pytest.mark.parametrize("calendars", ["test-cal", None, ["c"] * 101])
async def test_a_malformed_calendars_field_is_a_422_not_a_500(
    client: Client, admin_headers: dict[str, str], calendars: Any
) -> None:
    response = await client.post(
        "/api/staff/tokens", json={"name": "x", "role": "organizer", "calendars": calendars}, headers=admin_headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "calendars"


async def test_a_calendar_named_twice_is_stored_once(client: Client, admin_headers: dict[str, str]) -> None:
    await create_calendar(client, admin_headers, slug="test-cal", name="Test")
    made = await client.post(
        "/api/staff/tokens",
        json={"name": "x", "role": "organizer", "calendars": ["test-cal", "test-cal"]},
        headers=admin_headers,
    )
    assert made.status_code == 201, made.text
    assert made.json()["calendars"] == ["test-cal"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "9999-12-31", "to": "9999-12-31T23:59:59Z"}, "from"),
        ({"from": "0001-01-01", "to": "0001-01-02", "tz": "America/Los_Angeles"}, "from"),
        ({"from": "2024-01-01", "to": "9999-01-01"}, "to"),
    ],
)
async def test_windows_at_the_ends_of_time_are_refused_by_name(
    client: Client, params: dict[str, str], field: str
) -> None:
    response = await client.get("/api/events", params=params)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


async def test_an_until_thousands_of_years_out_is_refused(client: Client, admin_headers: dict[str, str]) -> None:
    await create_calendar(client, admin_headers, slug="test-cal", name="Test")
    response = await client.post(
        "/api/events",
        json={
            "calendar": "test-cal",
            "title": "Daily forever",
            "timezone": "UTC",
            "start": "2027-01-01T10:00:00",
            "end": "2027-01-01T11:00:00",
            "recurrence": {"rrule": "FREQ=DAILY;UNTIL=99991231T000000Z"},
        },
        headers=admin_headers,
    )
    assert response.status_code == 422, response.text
    assert "30 years" in response.json()["detail"]


async def test_an_occurrence_beyond_an_open_series_horizon_is_no_occurrence(
    client: Client, admin_headers: dict[str, str], create_event: EventFactory
) -> None:
    event = await create_event(recurrence={"rrule": "FREQ=DAILY"})  # open-ended
    far = await client.put(
        f"/api/events/{event['slug']}/occurrences/9999-12-30T10:00:00", json={"title": "x"}, headers=admin_headers
    )
    assert far.status_code == 422, far.text  # answered at once; stepping there took 15 s
    near = await client.put(
        f"/api/events/{event['slug']}/occurrences/2030-01-01T10:00:00", json={"title": "x"}, headers=admin_headers
    )
    assert near.status_code == 200, near.text


# -- session 4's schemathesis run and concurrency probe ------------------------------------------


@pytest.mark.parametrize("path", ["/api/events/{slug}/registrations", "/api/calendars"])
async def test_json_with_bytes_that_are_not_utf8_is_a_422_not_a_500(
    client: Client, admin_headers: dict[str, str], create_event: EventFactory, path: str
) -> None:
    event = await create_event(capacity=5)
    body = b'{"name":"\xe9","email":"x@example.com","consent":true,"slug":"x"}'
    response = await client.post(
        path.format(slug=event["slug"]),
        content=body,
        headers={**admin_headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert "UTF-8" in response.json()["detail"] and response.json()["field"] == "body"


@pytest.mark.parametrize(
    ("name", "problem"),
    [("   ", "letter"), ("\u200b", "letter"), ("\t\n", "letter"), ("Ada\u0000", "control"), ("Ada\nX", "control")],
)
async def test_a_name_must_show_a_letter_and_no_control_characters(
    client: Client, admin_headers: dict[str, str], create_event: EventFactory, name: str, problem: str
) -> None:
    event = await create_event(capacity=5)
    body = {"name": name, "email": "ws@example.org", "consent": True}
    response = await register(client, event["slug"], body)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "name" and problem in response.json()["detail"]
    listing = await client.get(f"/api/staff/events/{event['slug']}/registrations", headers=admin_headers)
    assert listing.json()["items"] == []
    fine = await register(client, event["slug"], {**body, "name": "  张伟  "})
    assert fine.status_code == 201 and fine.json()["name"] == "张伟"


async def test_an_idempotency_key_longer_than_200_characters_is_refused_not_cut(
    client: Client, create_event: EventFactory
) -> None:
    """Cut to 200, two different keys sharing a prefix answered for each other (a 409 for a new request)."""
    event = await create_event(capacity=5)
    path = f"/api/events/{event['slug']}/registrations"
    first = {"name": "A", "email": "a@example.org", "consent": True}
    assert (await client.post(path, json=first, headers={"Idempotency-Key": "L" * 200})).status_code == 201
    long = await client.post(
        path, json={**first, "email": "b@example.org"}, headers={"Idempotency-Key": "L" * 200 + "zzz"}
    )
    assert long.status_code == 422, long.text
    assert long.json()["field"] == "Idempotency-Key" and "200" in long.json()["detail"]
    empty = await client.post(path, json={**first, "email": "c@example.org"}, headers={"Idempotency-Key": " "})
    assert empty.status_code == 201, "an empty key means no key"


async def test_the_registration_answer_is_documented_as_a_registration(client: Client) -> None:
    doc = (await client.get("/schema/openapi.json")).json()
    created = doc["paths"]["/api/events/{slug}/registrations"]["post"]["responses"]["201"]
    assert created["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/RegistrationRead"}
