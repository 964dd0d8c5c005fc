"""Editing, cancelling and overriding occurrences; who may do it."""

from collections.abc import Callable
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.factories import EventFactory, event_body, occurrences

WINDOW = {"from": "2024-01-01", "to": "2025-01-01"}


async def test_time_change_bumps_sequence_and_title_change_does_not(
    client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    event = await create_event()
    renamed = await client.patch(f"/api/events/{event['slug']}", json={"title": "New title"}, headers=admin_headers)
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["sequence"] == 0
    assert renamed.json()["title"] == "New title"
    moved = await client.patch(
        f"/api/events/{event['slug']}",
        json={"start": "2024-10-03T14:00:00", "end": "2024-10-03T15:30:00"},
        headers=admin_headers,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["sequence"] == 1
    assert moved.json()["start_utc"] == "2024-10-03T12:00:00Z"
    rezoned = await client.patch(
        f"/api/events/{event['slug']}", json={"timezone": "Asia/Bangkok"}, headers=admin_headers
    )
    assert rezoned.json()["sequence"] == 2
    assert rezoned.json()["start_utc"] == "2024-10-03T07:00:00Z"


async def test_invalid_patch_changes_nothing(
    client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    event = await create_event(tags=["keep"])
    response = await client.patch(
        f"/api/events/{event['slug']}",
        json={
            "title": "Changed",
            "tags": ["gone"],
            "timezone": "America/New_York",
            "start": "2024-03-10T02:30:00",
            "end": "2024-03-10T04:00:00",
        },
        headers=admin_headers,
    )
    assert response.status_code == 422
    assert "does not exist" in response.json()["detail"]
    after = (await client.get(f"/api/events/{event['slug']}")).json()
    assert after["title"] == event["title"]
    assert after["tags"] == ["keep"]
    assert after["sequence"] == 0
    assert [o["slug"] for o in await occurrences(client, **WINDOW, tag="keep")] == [event["slug"]]


async def test_patch_into_a_dst_fold_needs_fold_again(
    client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    event = await create_event(
        timezone="America/New_York", start="2024-11-03T01:30:00", end="2024-11-03T03:00:00", fold=1
    )
    response = await client.patch(
        f"/api/events/{event['slug']}", json={"start": "2024-11-03T01:15:00"}, headers=admin_headers
    )
    assert response.status_code == 422
    assert "fold" in response.json()["detail"]


async def test_cancel_keeps_the_event_marked_cancelled_and_bumps_sequence_once(
    client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    event = await create_event()
    first = await client.post(f"/api/events/{event['slug']}/cancel", headers=admin_headers)
    second = await client.post(f"/api/events/{event['slug']}/cancel", headers=admin_headers)
    assert first.status_code == second.status_code == 200
    assert first.json()["status"] == "cancelled"
    assert second.json()["sequence"] == 1
    listed = await occurrences(client, **WINDOW)
    assert [(o["slug"], o["status"]) for o in listed] == [(event["slug"], "cancelled")]


async def test_moving_one_occurrence_lists_it_at_the_new_time_only(
    client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    event = await create_event(recurrence={"rrule": "FREQ=WEEKLY;COUNT=4"})
    response = await client.put(
        f"/api/events/{event['slug']}/occurrences/2024-10-17T10:00:00",
        json={"start": "2024-10-18T15:00:00", "end": "2024-10-18T16:00:00", "title": "Moved session"},
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["sequence"] == 1
    assert response.json()["overrides"][0]["original_start"] == "2024-10-17T10:00:00"
    listed = await occurrences(client, **WINDOW)
    assert [(o["original_start"], o["start"], o["title"]) for o in listed] == [
        ("2024-10-03T10:00:00", "2024-10-03T10:00:00", "Policy roundtable"),
        ("2024-10-10T10:00:00", "2024-10-10T10:00:00", "Policy roundtable"),
        ("2024-10-17T10:00:00", "2024-10-18T15:00:00", "Moved session"),
        ("2024-10-24T10:00:00", "2024-10-24T10:00:00", "Policy roundtable"),
    ]
    assert listed[2]["start_utc"] == "2024-10-18T13:00:00Z"


async def test_cancelled_occurrence_is_listed_as_cancelled_and_restore_undoes_it(
    client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    event = await create_event(recurrence={"rrule": "FREQ=WEEKLY;COUNT=3"})
    path = f"/api/events/{event['slug']}/occurrences/2024-10-10T10:00:00"
    assert (await client.put(path, json={"status": "cancelled"}, headers=admin_headers)).status_code == 200
    assert [o["status"] for o in await occurrences(client, **WINDOW)] == ["confirmed", "cancelled", "confirmed"]
    restored = await client.post(path + "/restore", headers=admin_headers)
    assert restored.status_code == 200
    assert restored.json()["sequence"] == 2
    assert [o["status"] for o in await occurrences(client, **WINDOW)] == ["confirmed"] * 3


async def test_override_of_a_time_the_series_does_not_have_is_422(
    client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    event = await create_event(recurrence={"rrule": "FREQ=WEEKLY;COUNT=3"})
    response = await client.put(
        f"/api/events/{event['slug']}/occurrences/2024-10-11T10:00:00",
        json={"status": "cancelled"},
        headers=admin_headers,
    )
    assert response.status_code == 422
    assert "not an occurrence" in response.json()["detail"]


async def test_changing_the_rule_drops_overrides_of_vanished_occurrences(
    client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    event = await create_event(recurrence={"rrule": "FREQ=WEEKLY;COUNT=4"})
    await client.put(
        f"/api/events/{event['slug']}/occurrences/2024-10-24T10:00:00",
        json={"status": "cancelled"},
        headers=admin_headers,
    )
    shorter = await client.patch(
        f"/api/events/{event['slug']}", json={"recurrence": {"rrule": "FREQ=WEEKLY;COUNT=2"}}, headers=admin_headers
    )
    assert shorter.status_code == 200, shorter.text
    assert shorter.json()["overrides"] == []
    assert len(await occurrences(client, **WINDOW)) == 2


async def test_join_link_is_shown_to_staff_only(
    client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    event = await create_event(attendance_mode="online", online_url="https://meet.example.org/secret-room")
    public = await client.get(f"/api/events/{event['slug']}")
    assert "online_url" not in public.json()
    assert "secret-room" not in public.text
    listing = await client.get("/api/events", params=WINDOW)
    assert "secret-room" not in listing.text
    staff = await client.get(f"/api/events/{event['slug']}", headers=admin_headers)
    assert staff.json()["online_url"] == "https://meet.example.org/secret-room"


async def test_writes_need_a_valid_staff_token(
    client: AsyncTestClient[Litestar], calendar: dict[str, Any], token_factory: Callable[..., Any]
) -> None:
    missing = await client.post("/api/events", json=event_body())
    assert missing.status_code == 401
    assert "Bearer" in missing.json()["detail"]
    wrong = await client.post("/api/events", json=event_body(), headers={"Authorization": "Bearer cst_nope"})
    assert wrong.status_code == 401
    reviewer = await client.post("/api/events", json=event_body(), headers=await token_factory("reviewer"))
    assert reviewer.status_code == 403
    assert "reviewer" in reviewer.json()["detail"]
    elsewhere = await client.post("/api/events", json=event_body(), headers=await token_factory("organizer", ["other"]))
    assert elsewhere.status_code == 403
    scoped = await client.post("/api/events", json=event_body(), headers=await token_factory("organizer", ["test-cal"]))
    assert scoped.status_code == 201
    organizer_calendar = await client.post(
        "/api/calendars", json={"slug": "mine", "name": "Mine"}, headers=await token_factory("organizer", ["test-cal"])
    )
    assert organizer_calendar.status_code == 403, "a calendar-scoped organizer creates no calendars"
    assert await occurrences(client, **WINDOW) != []


async def test_unknown_event_is_404(client: AsyncTestClient[Litestar], admin_headers: dict[str, str]) -> None:
    response = await client.get("/api/events/nope")
    assert response.status_code == 404
    assert "nope" in response.json()["detail"]
    patched = await client.patch("/api/events/nope", json={"title": "x"}, headers=admin_headers)
    assert patched.status_code == 404
