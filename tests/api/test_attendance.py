"""Attendance per session of a series (the four-month Diplomado): counts and completion in the API and export."""

import csv
import io
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.factories import register_all, staff_registrations


async def diplomado(client: AsyncTestClient[Litestar], create_event: Any) -> tuple[str, list[int]]:
    event = await create_event(
        title="Diplomado",
        timezone="America/Mexico_City",
        start="2024-09-05T17:00:00",
        end="2024-09-05T19:00:00",
        recurrence={"rrule": "FREQ=WEEKLY;BYDAY=TH;COUNT=16"},
        capacity=3,
        registration={"completion_percent": 80},
    )
    students = [{"name": f"Estudiante {n}", "email": f"e{n}@example.org", "consent": True} for n in range(4)]
    await register_all(client, event["slug"], students)
    return str(event["slug"]), []


async def registration_ids(client: AsyncTestClient[Litestar], slug: str, headers: dict[str, str]) -> dict[str, int]:
    listed = (await staff_registrations(client, slug, headers))["items"]
    return {item["email"]: item["id"] for item in listed}


async def test_sessions_marked_count_towards_completion_and_appear_in_the_export(
    client: AsyncTestClient[Litestar], admin_headers: dict[str, str], create_event: Any
) -> None:
    slug, _ = await diplomado(client, create_event)
    ids = await registration_ids(client, slug, admin_headers)
    summary = (await client.get(f"/api/staff/events/{slug}/attendance", headers=admin_headers)).json()
    assert len(summary["sessions"]) == 16 and summary["sessions_needed"] == 13
    assert summary["sessions"][0] == "2024-09-05T17:00:00" and summary["sessions"][-1] == "2024-12-19T17:00:00"
    for session in summary["sessions"][:13]:
        marked = await client.put(
            f"/api/staff/events/{slug}/sessions/{session}/attendance",
            headers=admin_headers,
            json={"registration_ids": [ids["e0@example.org"], ids["e1@example.org"]]},
        )
        assert marked.status_code == 200, marked.text
    # e1 missed one after all: unmark it; marking e0 twice changes nothing.
    for body in (
        {"registration_ids": [ids["e1@example.org"]], "attended": False},
        {"registration_ids": [ids["e0@example.org"]]},
    ):
        again = await client.put(
            f"/api/staff/events/{slug}/sessions/2024-09-12T17:00:00/attendance", headers=admin_headers, json=body
        )
        assert again.status_code == 200
    items = {i["registration_id"]: i for i in again.json()["items"]}
    assert items[ids["e0@example.org"]]["sessions_attended"] == 13 and items[ids["e0@example.org"]]["completed"] is True
    assert (
        items[ids["e1@example.org"]]["sessions_attended"] == 12 and items[ids["e1@example.org"]]["completed"] is False
    )
    assert items[ids["e2@example.org"]]["sessions_attended"] == 0
    assert ids["e3@example.org"] not in items, "the waitlisted person holds no place and is not listed"

    exported = await client.get(f"/api/staff/events/{slug}/attendees", headers=admin_headers)
    rows = {r["email"]: r for r in csv.DictReader(io.StringIO(exported.content.decode(), newline=""))}
    assert rows["e0@example.org"]["sessions_attended"] == "13" and rows["e0@example.org"]["completed"] == "yes"
    assert rows["e1@example.org"]["completed"] == "no" and rows["e1@example.org"]["sessions_total"] == "16"
    assert "registered_at (America/Mexico_City)" in rows["e0@example.org"]
    assert rows["e0@example.org"]["registered_at (America/Mexico_City)"] == "2024-06-01 06:00:00"


async def test_marking_refuses_unknown_sessions_strangers_and_people_without_a_place(
    client: AsyncTestClient[Litestar], admin_headers: dict[str, str], create_event: Any
) -> None:
    slug, _ = await diplomado(client, create_event)
    ids = await registration_ids(client, slug, admin_headers)
    url = f"/api/staff/events/{slug}/sessions/2024-09-06T17:00:00/attendance"
    not_a_session = await client.put(url, headers=admin_headers, json={"registration_ids": [ids["e0@example.org"]]})
    assert not_a_session.status_code == 404 and "2024-09-05T17:00:00" in not_a_session.json()["detail"]
    url = f"/api/staff/events/{slug}/sessions/2024-09-05T17:00:00/attendance"
    stranger = await client.put(url, headers=admin_headers, json={"registration_ids": [999999]})
    assert stranger.status_code == 422 and "registration_ids" in stranger.json()["detail"]
    waiting = await client.put(url, headers=admin_headers, json={"registration_ids": [ids["e3@example.org"]]})
    assert waiting.status_code == 409 and "waitlisted" in waiting.json()["detail"]
    summary = (await client.get(f"/api/staff/events/{slug}/attendance", headers=admin_headers)).json()
    assert all(i["sessions_attended"] == 0 for i in summary["items"]), "nothing half-written"
