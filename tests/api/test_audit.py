"""The audit trail: staff writes recorded with actor, time, target and diff; readable and filterable by admins."""

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.factories import register, staff_registrations


async def audit(client: AsyncTestClient[Litestar], headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/api/staff/audit", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_event_edits_and_cancellation_are_recorded_with_actor_and_diff(
    client: AsyncTestClient[Litestar], admin_headers: dict[str, str], token_factory: Any, create_event: Any
) -> None:
    organizer = await token_factory("organizer", ["test-cal"])
    event = await create_event(capacity=10)
    slug = event["slug"]
    edited = await client.patch(
        f"/api/events/{slug}", headers=organizer, json={"capacity": 12, "location": {"city": "Accra", "country": "GH"}}
    )
    assert edited.status_code == 200, edited.text
    assert (await client.post(f"/api/events/{slug}/cancel", headers=organizer)).status_code == 200

    entries = await audit(client, admin_headers, target_type="event", target_id=slug)
    assert [e["action"] for e in entries] == ["event.cancel", "event.update", "event.create"]  # newest first
    cancel, update, create = entries
    assert update["actor_name"] == "test organizer" and update["actor_role"] == "organizer"
    assert update["calendar"] == "test-cal" and update["at"] == "2024-06-01T12:00:00Z"
    assert update["diff"]["capacity"] == [10, 12]
    assert update["diff"]["location.city"] == [None, "Accra"]
    assert "title" not in update["diff"], "unchanged fields stay out of the diff"
    assert cancel["diff"]["status"] == ["confirmed", "cancelled"]
    assert create["diff"]["title"][0] is None and create["actor_role"] == "admin"


async def test_registration_changes_are_recorded_and_the_log_filters(
    client: AsyncTestClient[Litestar], admin_headers: dict[str, str], create_event: Any
) -> None:
    event = await create_event(capacity=5)
    slug = event["slug"]
    registered = await register(client, slug, {"name": "Ama", "email": "ama@example.org", "consent": True})
    assert registered.status_code == 201, registered.text
    staff_list = await staff_registrations(client, slug, admin_headers)
    registration_id = staff_list["items"][0]["id"]
    checked = await client.post(f"/api/staff/registrations/{registration_id}/attend", headers=admin_headers)
    assert checked.status_code == 200, checked.text

    entries = await audit(client, admin_headers, action="registration")
    assert len(entries) == 1
    assert entries[0]["action"] == "registration.check_in"
    assert entries[0]["target_id"] == str(registration_id)
    assert entries[0]["diff"] == {"status": ["confirmed", "attended"]}
    assert await audit(client, admin_headers, action="registration.status") == []
    assert {e["action"] for e in await audit(client, admin_headers, calendar="test-cal")} >= {
        "event.create",
        "registration.check_in",
    }
    assert await audit(client, admin_headers, since="2024-06-02") == []
    assert await audit(client, admin_headers, actor="nobody") == []


async def test_a_refused_change_leaves_no_entry_and_paging_walks_backwards(
    client: AsyncTestClient[Litestar], admin_headers: dict[str, str], create_event: Any
) -> None:
    event = await create_event()
    refused = await client.patch(f"/api/events/{event['slug']}", headers=admin_headers, json={"timezone": "Mars/Base"})
    assert refused.status_code == 422
    for n in range(3):
        await create_event(title=f"Session {n}")
    first = await client.get("/api/staff/audit", headers=admin_headers, params={"limit": 2})
    page = first.json()
    assert [e["action"] for e in page["items"]] == ["event.create", "event.create"]
    assert page["next_before_id"] is not None
    rest = await audit(client, admin_headers, before_id=page["next_before_id"], limit=10)
    actions = [e["action"] for e in page["items"] + rest]
    assert actions == ["event.create"] * 4 + ["calendar.create"], "nothing for the refused edit"
    bad = await client.get("/api/staff/audit", headers=admin_headers, params={"since": "yesterday"})
    assert bad.status_code == 422 and "since" in bad.json()["detail"]
