"""Registrations through the API: the truth about seats, a fair waitlist, nothing lost or leaked."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import icalendar
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from calendar_service.app import create_app
from calendar_service.settings import Settings
from tests.support import parsers
from tests.support.factories import EventFactory, outbox_messages, person, register, staff_registrations

PERSON = {"name": "Ada Lovelace", "email": "ada@example.org", "consent": True}


@pytest.fixture
async def small_event(create_event: EventFactory) -> dict[str, Any]:
    return await create_event(title="Small room", capacity=3)


async def test_the_fourth_person_for_three_seats_is_told_waitlisted_position_1(
    client: AsyncTestClient[Litestar], small_event: dict[str, Any]
) -> None:
    statuses = []
    for n in range(5):
        response = await register(client, small_event["slug"], person(n))
        assert response.status_code == 201, response.text
        statuses.append((response.json()["status"], response.json()["waitlist_position"]))
    assert statuses == [("confirmed", None)] * 3 + [("waitlisted", 1), ("waitlisted", 2)]


async def test_cancelling_promotes_the_first_waitlisted_and_tells_them_with_an_invitation(
    client: AsyncTestClient[Litestar], small_event: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    tokens = [(await register(client, small_event["slug"], person(n))).json()["token"] for n in range(5)]
    cancelled = await client.post(f"/api/registrations/{tokens[1]}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    fourth = (await client.get(f"/api/registrations/{tokens[3]}")).json()
    fifth = (await client.get(f"/api/registrations/{tokens[4]}")).json()
    assert (fourth["status"], fourth["waitlist_position"]) == ("confirmed", None)
    assert (fifth["status"], fifth["waitlist_position"]) == ("waitlisted", 1)
    promoted = [m for m in await outbox_messages(client, admin_headers) if m["kind"] == "promoted"]
    assert [m["recipient"] for m in promoted] == ["p3@example.org"]
    ics = promoted[0]["ics"].encode()
    assert promoted[0]["ics_method"] == "REQUEST"
    cal = icalendar.Calendar.from_ical(ics)
    assert str(cal["METHOD"]) == "REQUEST"
    vevent = cal.walk("VEVENT")[0]
    assert str(vevent["ATTENDEE"]).lower() == "mailto:p3@example.org"
    assert str(vevent["ORGANIZER"]).startswith("mailto:")
    assert str(vevent["UID"]) == small_event["uid"]
    # Independent parsers read the same invitation at the same instant.
    window = (datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC))
    expanded = parsers.expand_icalendar(ics, *window)
    assert [i.start_utc for i in expanded] == [datetime(2024, 10, 3, 8, tzinfo=UTC)]
    assert parsers.expand_vobject(ics, *window) == expanded
    if parsers.node_available():
        assert parsers.expand_icaljs(ics, *window) == expanded
    cancel_messages = [m for m in await outbox_messages(client, admin_headers) if m["kind"] == "cancelled"]
    assert cancel_messages[0]["ics_method"] == "CANCEL"
    assert b"METHOD:CANCEL" in cancel_messages[0]["ics"].encode()


async def test_same_email_twice_is_409_and_reveals_nothing(
    client: AsyncTestClient[Litestar], small_event: dict[str, Any]
) -> None:
    first = await register(client, small_event["slug"], PERSON)
    assert first.status_code == 201
    again = await register(client, small_event["slug"], {**PERSON, "name": "Someone Else", "email": "ADA@Example.org"})
    assert again.status_code == 409
    body = again.text
    for secret in ("Ada Lovelace", "confirmed", first.json()["token"]):
        assert secret not in body


async def test_a_cancelled_person_may_register_again(
    client: AsyncTestClient[Litestar], small_event: dict[str, Any]
) -> None:
    token = (await register(client, small_event["slug"], PERSON)).json()["token"]
    await client.post(f"/api/registrations/{token}/cancel")
    again = await register(client, small_event["slug"], PERSON)
    assert again.status_code == 201
    assert again.json()["status"] == "confirmed"


async def test_idempotency_key_replays_the_first_answer_and_never_registers_twice(
    client: AsyncTestClient[Litestar], small_event: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    first = await register(client, small_event["slug"], PERSON, **{"Idempotency-Key": "k-1"})
    retry = await register(client, small_event["slug"], PERSON, **{"Idempotency-Key": "k-1"})
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    other_body = await register(client, small_event["slug"], person(9), **{"Idempotency-Key": "k-1"})
    assert other_body.status_code == 409
    listing = await staff_registrations(client, small_event["slug"], admin_headers)
    assert [r["email"] for r in listing["items"]] == ["ada@example.org"]
    assert listing["items"][0]["waiting_reason"] is None
    assert listing["seats_taken"] == 1


BAD = [
    ("invalid email", {"email": "ada@"}, 422, "email"),
    ("no consent", {"consent": False}, 422, "consent"),
    ("unknown field", {"phone": "123"}, 422, "phone"),
    ("missing required answer", {"answers": {}}, 422, "answers.diet"),
    ("unknown choice", {"answers": {"diet": "carnivore"}}, 422, "answers.diet"),
    ("unknown question", {"answers": {"diet": "vegan", "shoe": "42"}}, 422, "answers.shoe"),
    ("oversized answer", {"answers": {"diet": "vegan", "access": "x" * 2001}}, 422, "answers.access"),
]


@pytest.mark.parametrize(("case", "change", "status", "field"), BAD, ids=[b[0] for b in BAD])
async def test_bad_registrations_are_refused_and_take_no_seat(
    client: AsyncTestClient[Litestar],
    create_event: EventFactory,
    admin_headers: dict[str, str],
    case: str,
    change: dict[str, Any],
    status: int,
    field: str,
) -> None:
    questions = [
        {"key": "diet", "label": "Dietary needs", "type": "choice", "options": ["none", "vegan"], "required": True},
        {"key": "access", "label": "Accessibility", "type": "text"},
    ]
    event = await create_event(capacity=5, registration={"questions": questions})
    response = await register(client, event["slug"], {**PERSON, "answers": {"diet": "none"}, **change})
    assert response.status_code == status, response.text
    assert field in response.json()["detail"]
    listing = await staff_registrations(client, event["slug"], admin_headers)
    assert listing["items"] == []
    assert listing["seats_taken"] == 0


async def test_closed_cancelled_and_zero_capacity_events_refuse_with_409(
    client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    later = await create_event(title="Opens later", registration={"opens_at": "2024-07-01T09:00:00"})
    closed = await create_event(title="Closed", registration={"closes_at": "2024-05-01T09:00:00"})
    none = await create_event(title="No room", capacity=0)
    gone = await create_event(title="Gone")
    await client.post(f"/api/events/{gone['slug']}/cancel", headers=admin_headers)
    for event, hint in ((later, "opens"), (closed, "closed"), (none, "capacity 0"), (gone, "cancelled")):
        response = await register(client, event["slug"], PERSON)
        assert response.status_code == 409, (event["title"], response.text)
        assert hint in response.json()["detail"]
    assert (await register(client, "no-such-event", PERSON)).status_code == 404


async def test_a_token_gives_its_own_registration_only(
    client: AsyncTestClient[Litestar], small_event: dict[str, Any]
) -> None:
    mine = (await register(client, small_event["slug"], person(1))).json()
    theirs = (await register(client, small_event["slug"], person(2))).json()
    seen = (await client.get(f"/api/registrations/{mine['token']}")).json()
    assert seen["email"] == "p1@example.org"
    assert theirs["email"] not in (await client.get(f"/api/registrations/{mine['token']}")).text
    assert (await client.get("/api/registrations/not-a-token")).status_code == 404
    assert (await client.post("/api/registrations/not-a-token/cancel")).status_code == 404
    assert len(mine["token"]) >= 40


async def test_personal_feed_shows_my_events_tentative_while_waiting_with_the_join_link_when_confirmed(
    client: AsyncTestClient[Litestar], create_event: EventFactory
) -> None:
    online = await create_event(
        title="Online seminar",
        attendance_mode="online",
        online_url="https://meet.example.org/room-42",
        registration={"online_capacity": 1},
    )
    other = await create_event(title="Other", attendance_mode="online", online_url="https://meet.example.org/room-7")
    await register(client, online["slug"], person(1))
    mine = (await register(client, online["slug"], PERSON)).json()
    assert mine["status"] == "waitlisted"
    await register(client, other["slug"], PERSON)
    feed = await client.get(mine["feed_url"].replace("http://testserver.local", ""))
    assert feed.status_code == 200
    events = {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(feed.content).walk("VEVENT")}
    assert str(events["Online seminar"]["STATUS"]) == "TENTATIVE"
    assert str(events["Other"]["STATUS"]) == "CONFIRMED"
    unfolded = feed.content.replace(b"\r\n ", b"")
    assert b"room-7" in unfolded
    assert b"room-42" not in unfolded
    assert b"room-42" not in (await client.get("/calendars/test-cal.ics")).content.replace(b"\r\n ", b"")
    rotated = (await client.post(f"/api/registrations/{mine['token']}/feed-token")).json()
    assert rotated["feed_url"] != mine["feed_url"]
    assert (await client.get(mine["feed_url"].replace("http://testserver.local", ""))).status_code == 404
    assert (await client.get(rotated["feed_url"].replace("http://testserver.local", ""))).status_code == 200


async def test_raising_capacity_promotes_in_order_and_lowering_below_taken_is_refused(
    client: AsyncTestClient[Litestar], small_event: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    tokens = [(await register(client, small_event["slug"], person(n))).json()["token"] for n in range(6)]
    lowered = await client.patch(f"/api/events/{small_event['slug']}", json={"capacity": 2}, headers=admin_headers)
    assert lowered.status_code == 409
    assert "3 in-person places are taken" in lowered.json()["detail"]
    raised = await client.patch(f"/api/events/{small_event['slug']}", json={"capacity": 5}, headers=admin_headers)
    assert raised.status_code == 200, raised.text
    states = [(await client.get(f"/api/registrations/{t}")).json() for t in tokens]
    assert [(s["status"], s["waitlist_position"]) for s in states] == [("confirmed", None)] * 5 + [("waitlisted", 1)]
    listing = await staff_registrations(client, small_event["slug"], admin_headers)
    assert listing["items"][-1]["waiting_reason"] == "all 5 in-person places are taken (5/5)"


async def test_moving_or_cancelling_the_event_sends_every_registrant_an_update(
    client: AsyncTestClient[Litestar], small_event: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    for n in range(2):
        await register(client, small_event["slug"], person(n))
    await client.patch(
        f"/api/events/{small_event['slug']}",
        json={"start": "2024-10-03T14:00:00", "end": "2024-10-03T15:00:00"},
        headers=admin_headers,
    )
    changed = [m for m in await outbox_messages(client, admin_headers) if m["kind"] == "event_changed"]
    assert sorted(m["recipient"] for m in changed) == ["p0@example.org", "p1@example.org"]
    vevent = icalendar.Calendar.from_ical(changed[0]["ics"].encode()).walk("VEVENT")[0]
    assert int(vevent["SEQUENCE"]) == 1
    await client.post(f"/api/events/{small_event['slug']}/cancel", headers=admin_headers)
    gone = [m for m in await outbox_messages(client, admin_headers) if m["kind"] == "event_cancelled"]
    assert len(gone) == 2
    assert all(m["ics_method"] == "CANCEL" for m in gone)


async def test_check_in_marks_attendance(
    client: AsyncTestClient[Litestar], small_event: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    await register(client, small_event["slug"], PERSON)
    listing = await staff_registrations(client, small_event["slug"], admin_headers)
    reg_id = listing["items"][0]["id"]
    checked = await client.post(f"/api/staff/registrations/{reg_id}/attend", headers=admin_headers)
    assert checked.status_code == 200
    assert checked.json()["items"][0]["status"] == "attended"


async def test_staff_lists_need_a_token_and_the_outbox_an_admin(
    client: AsyncTestClient[Litestar], small_event: dict[str, Any], token_factory: Callable[..., Any]
) -> None:
    assert (await client.get(f"/api/staff/events/{small_event['slug']}/registrations")).status_code == 401
    assert (await client.get("/api/staff/outbox", headers=await token_factory("organizer"))).status_code == 403


async def test_public_registration_posts_are_rate_limited_with_retry_after(
    settings: Settings, calendar: dict[str, Any], small_event: dict[str, Any]
) -> None:
    limited = Settings(**{**settings.__dict__, "rate_limit": 3})
    async with AsyncTestClient(app=create_app(limited), base_url="http://testserver.local") as other:
        statuses = [(await register(other, small_event["slug"], person(n))).status_code for n in range(4)]
        assert statuses[:3] == [201, 201, 201]
        assert statuses[3] == 429
        response = await register(other, small_event["slug"], person(9))
        assert "Retry-After" in response.headers
        assert (await other.get("/api/events", params={"from": "2024-01-01", "to": "2025-01-01"})).status_code == 200


async def test_staff_confirm_needs_a_free_place_and_staff_cancel_promotes(
    client: AsyncTestClient[Litestar], small_event: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    for n in range(4):
        await register(client, small_event["slug"], person(n))
    path = f"/api/staff/events/{small_event['slug']}/registrations"
    items = (await client.get(path, headers=admin_headers)).json()["items"]
    waiting = items[3]["id"]
    full = await client.patch(
        f"/api/staff/registrations/{waiting}", json={"status": "confirmed"}, headers=admin_headers
    )
    assert full.status_code == 409
    assert "no free place" in full.json()["detail"]
    cancelled = await client.patch(
        f"/api/staff/registrations/{items[0]['id']}", json={"status": "cancelled"}, headers=admin_headers
    )
    assert cancelled.status_code == 200
    after = {r["id"]: r["status"] for r in cancelled.json()["items"]}
    assert (after[items[0]["id"]], after[waiting]) == ("cancelled", "confirmed")
    assert cancelled.json()["seats_taken"] == 3
    bad = await client.patch(f"/api/staff/registrations/{waiting}", json={"status": "maybe"}, headers=admin_headers)
    assert bad.status_code == 422


async def test_staff_message_reaches_the_chosen_registrants_only(
    client: AsyncTestClient[Litestar], small_event: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    for n in range(4):
        await register(client, small_event["slug"], person(n))
    sent = await client.post(
        f"/api/staff/events/{small_event['slug']}/messages",
        json={"subject": "Room change", "body": "We moved to room B.", "statuses": ["waitlisted"]},
        headers=admin_headers,
    )
    assert sent.status_code == 200
    assert sent.json() == {"queued": 1, "recipients": ["p3@example.org"]}
    staff_messages = [m for m in await outbox_messages(client, admin_headers) if m["kind"] == "staff_message"]
    assert [(m["recipient"], m["subject"]) for m in staff_messages] == [("p3@example.org", "Room change")]
    assert "We moved to room B." in staff_messages[0]["body"]


async def test_a_lost_link_is_sent_again_as_a_new_link_and_the_answer_never_says_who_is_registered(
    client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    import re

    event = await create_event(capacity=5)
    first = await register(client, event["slug"], {"name": "Ama", "email": "ama@example.org", "consent": True})
    old_token = first.json()["token"]
    url = f"/api/events/{event['slug']}/registrations/link"
    asked = await client.post(url, json={"email": "AMA@Example.org"})
    stranger = await client.post(url, json={"email": "nobody@example.org"})
    assert asked.status_code == stranger.status_code == 202
    assert asked.json() == stranger.json(), "the answer must not reveal whether an address is registered"
    outbox = await outbox_messages(client, admin_headers)
    links = [m for m in outbox if m["kind"] == "registration_link"]
    assert [m["recipient"] for m in links] == ["ama@example.org"]
    new_token = re.search(r"/api/registrations/([A-Za-z0-9_-]+)", links[-1]["body"]).group(1)  # type: ignore[union-attr]
    assert new_token != old_token
    # Anyone may ask for a link with Ama's address: that must never lock Ama out of her first link.
    still = await client.get(f"/api/registrations/{old_token}")
    assert still.status_code == 200, "asking for a new link must not disable the first one"
    mine = await client.get(f"/api/registrations/{new_token}")
    assert mine.status_code == 200 and mine.json()["email"] == "ama@example.org"
    await client.post(url, json={"email": "ama@example.org"})  # a second resend replaces the first resent link
    outbox = await outbox_messages(client, admin_headers)
    newest = [m for m in outbox if m["kind"] == "registration_link"]
    last = max(newest, key=lambda m: m["id"])
    latest = re.search(r"/api/registrations/([A-Za-z0-9_-]+)", last["body"]).group(1)  # type: ignore[union-attr]
    assert len(newest) == 2 and latest not in (old_token, new_token)
    assert (await client.get(f"/api/registrations/{new_token}")).status_code == 404, "the earlier resent link ends"
    assert (await client.get(f"/api/registrations/{old_token}")).status_code == 200
    new_token = latest
    assert (await client.post(f"/api/registrations/{new_token}/cancel")).status_code == 200
    await client.post(url, json={"email": "ama@example.org"})
    outbox = await outbox_messages(client, admin_headers)
    assert len([m for m in outbox if m["kind"] == "registration_link"]) == 2, "no link for a cancelled registration"
    bad = await client.post(url, json={"email": "not an address"})
    assert bad.status_code == 422 and "email" in bad.json()["detail"]


async def test_erasure_ends_every_link_of_the_registration(
    client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    import re

    event = await create_event(capacity=5)
    path = f"/api/events/{event['slug']}/registrations"
    first = (await client.post(path, json={"name": "Kofi", "email": "kofi@example.org", "consent": True})).json()
    assert (await client.post(f"{path}/link", json={"email": "kofi@example.org"})).status_code == 202
    mail = next(m for m in await outbox_messages(client, admin_headers) if m["kind"] == "registration_link")
    resent = re.search(r"/api/registrations/([A-Za-z0-9_-]+)", mail["body"]).group(1)  # type: ignore[union-attr]
    assert (await client.post(f"/api/registrations/{resent}/erase")).status_code == 200
    for token in (first["token"], resent):
        assert (await client.get(f"/api/registrations/{token}")).status_code == 404
