"""Group commit (registrations/batch.py): registrations decided together get the answers they would
have had one by one, in arrival order; a failed batch is decided again, one by one, writing nothing twice.

The requests are fired at once into the app (httpx's ASGI transport: concurrently, unlike the
test client, which takes one request at a time), so they meet at the registration desk and share
transactions (checked: fewer transactions than requests); on SQLite and on PostgreSQL.
"""

import asyncio
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from calendar_service.registrations import batch
from calendar_service.registrations.batch import RegistrationDesk
from tests.support.factories import EventFactory, outbox_messages, person, register, staff_registrations


def concurrent(app: Litestar) -> httpx.AsyncClient:
    """Requests into the running app (the `client` fixture started it) that really overlap."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local")


async def fire(app: Litestar, slug: str, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    async with concurrent(app) as http:
        return list(await asyncio.gather(*(register(http, slug, b) for b in bodies)))


def desk(app: Litestar) -> RegistrationDesk:
    found: RegistrationDesk = app.state.registration_desk
    return found


async def test_registrations_decided_together_each_get_the_truth_in_arrival_order(
    app: Litestar, client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    event = await create_event(title="Shared commits", capacity=5)
    slug = event["slug"]
    bodies = [person(n) for n in range(25)]
    bodies.insert(7, person(1))  # the same person twice, amid the others
    bodies.insert(3, {"name": "No address", "email": "not-an-email", "consent": True})
    bodies.insert(12, {"name": "No consent", "email": "nc@example.org", "consent": False})
    responses = await fire(app, slug, bodies)

    assert desk(app).transactions < len(bodies), "the requests should have shared transactions"
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] * 25 + [409] + [422] * 2, [r.text for r in responses if r.status_code != 201]
    refused = {r.json()["field"] for r in responses if r.status_code == 422}
    assert refused == {"email", "consent"}
    created = [r.json() for r in responses if r.status_code == 201]
    assert sorted(c["email"] for c in created) == sorted(f"p{n}@example.org" for n in range(25))
    assert sum(c["status"] == "confirmed" for c in created) == 5
    positions = sorted(c["waitlist_position"] for c in created if c["status"] == "waitlisted")
    assert positions == list(range(1, 21)), "positions 1..20 without gaps or repeats"

    # What each was told is what is stored: the confirmed hold the lowest ids, positions follow ids.
    listing = await staff_registrations(client, slug, admin_headers)
    assert (listing["seats_taken"], listing["waitlisted"]) == (5, 20)
    by_id = sorted(listing["items"], key=lambda item: item["id"])
    assert [i["status"] for i in by_id] == ["confirmed"] * 5 + ["waitlisted"] * 20
    told = {c["email"]: c["waitlist_position"] for c in created}
    assert [told[i["email"]] for i in by_id[5:]] == list(range(1, 21))
    assert [i["waitlist_position"] for i in by_id[5:]] == list(range(1, 21))

    # The one told "position 1" is the one promoted when a place frees up.
    first_confirmed = next(c for c in created if c["email"] == by_id[0]["email"])
    assert (await client.post(f"/api/registrations/{first_confirmed['token']}/cancel")).status_code == 200
    first_waiting = next(c for c in created if c["waitlist_position"] == 1)
    promoted = (await client.get(f"/api/registrations/{first_waiting['token']}")).json()
    assert promoted["status"] == "confirmed"

    # Exactly one message each, the confirmed ones with an invitation.
    outbox = await outbox_messages(client, admin_headers)
    told_kinds = sorted((m["recipient"], m["kind"]) for m in outbox if m["kind"] in ("confirmed", "waitlisted"))
    assert len(told_kinds) == 25 and len({recipient for recipient, _ in told_kinds}) == 25
    assert all(m["ics_method"] == "REQUEST" and "ATTENDEE" in m["ics"] for m in outbox if m["kind"] == "confirmed")


async def test_the_same_idempotency_key_at_once_makes_one_registration(
    app: Litestar, client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    event = await create_event(title="Double clicks", capacity=2)
    path = f"/api/events/{event['slug']}/registrations"
    key = {"Idempotency-Key": "k-1"}
    async with concurrent(app) as http:
        same = await asyncio.gather(
            *(http.post(path, json=person(1), headers=key) for _ in range(5)),
            http.post(path, json=person(2), headers=key),
            http.post(path, json=person(3)),
        )
    retries, other_body, unrelated = same[:5], same[5], same[6]
    assert all(r.status_code == 201 for r in retries), [r.text for r in retries]
    assert len({r.content for r in retries}) == 1, "every retry gets the first answer, byte for byte"
    assert other_body.status_code == 409 and "different request" in other_body.json()["detail"]
    assert unrelated.status_code == 201
    listing = await staff_registrations(client, event["slug"], admin_headers)
    assert sorted(i["email"] for i in listing["items"]) == ["p1@example.org", "p3@example.org"]


async def test_a_failed_batch_is_decided_again_one_by_one_writing_nothing_twice(
    app: Litestar,
    client: AsyncTestClient[Litestar],
    create_event: EventFactory,
    admin_headers: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A batch that fails after writing (a database error at the end, say) is rolled back whole."""
    real = batch.register_batch
    failed: list[int] = []

    async def fails_when_shared(core: Any, slug: str, tickets: Any) -> Any:
        outcomes = await real(core, slug, tickets)  # everything written, then the unit of work fails
        if len(tickets) > 1:
            failed.append(len(tickets))
            raise RuntimeError("injected failure after the batch was written")
        return outcomes

    monkeypatch.setattr(batch, "register_batch", fails_when_shared)
    event = await create_event(title="Failing commits", capacity=4)
    responses = await fire(app, event["slug"], [person(n) for n in range(12)])

    assert failed, "some requests should have shared a (failing) batch"
    assert [r.status_code for r in responses] == [201] * 12, [r.text for r in responses]
    created = [r.json() for r in responses]
    assert sum(c["status"] == "confirmed" for c in created) == 4
    assert sorted(c["waitlist_position"] for c in created if c["waitlist_position"]) == list(range(1, 9))
    listing = await staff_registrations(client, event["slug"], admin_headers)
    assert (len(listing["items"]), listing["seats_taken"], listing["waitlisted"]) == (12, 4, 8)
    outbox = await outbox_messages(client, admin_headers)
    assert len([m for m in outbox if m["kind"] in ("confirmed", "waitlisted")]) == 12


async def test_a_full_event_without_waiting_list_refuses_only_those_beyond_its_places(
    app: Litestar, client: AsyncTestClient[Litestar], create_event: EventFactory
) -> None:
    event = await create_event(title="No queue", capacity=3, registration={"waitlist": False})
    responses = await fire(app, event["slug"], [person(n) for n in range(10)])
    assert sorted(r.status_code for r in responses) == [201] * 3 + [409] * 7
    assert all("no waiting list" in r.json()["detail"] for r in responses if r.status_code == 409)
    assert all(r.json()["status"] == "confirmed" for r in responses if r.status_code == 201)


async def test_registrations_for_an_unknown_event_are_all_told_so(
    app: Litestar, client: AsyncTestClient[Litestar]
) -> None:
    responses = await fire(app, "no-such-event", [person(n) for n in range(5)])
    assert [r.status_code for r in responses] == [404] * 5
    assert all("no event 'no-such-event'" in r.json()["detail"] for r in responses)
