"""Email confirmation: a held place, a single-use link, and a deadline after which the place moves on."""

import re
from datetime import timedelta
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from calendar_service.app import create_app
from calendar_service.settings import Settings
from tests.conftest import FIXED_NOW
from tests.support.factories import EventFactory, outbox_messages, person, register, register_all, staff_registrations
from tests.support.forms import post_form


def _confirm_token(message: dict[str, Any]) -> str:
    match = re.search(r"/registrations/confirm/([A-Za-z0-9_\-]+)", message["body"])
    assert match, message["body"]
    return match.group(1)


async def _held_event(client: AsyncTestClient[Litestar], create_event: EventFactory) -> dict[str, Any]:
    event = await create_event(capacity=1, registration={"requires_confirmation": True, "confirmation_hours": 24})
    await register_all(client, event["slug"], [person(n, name=f"P{n}") for n in range(2)])
    return event


async def test_confirming_the_held_place_once_and_never_twice(
    client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    event = await _held_event(client, create_event)
    listing = await staff_registrations(client, event["slug"], admin_headers)
    assert [(r["status"], r["waitlist_position"]) for r in listing["items"]] == [
        ("pending_confirmation", None),
        ("waitlisted", 1),
    ]
    link = next(m for m in await outbox_messages(client, admin_headers) if m["kind"] == "confirmation_link")
    token = _confirm_token(link)
    page = await client.get(f"/registrations/confirm/{token}")
    assert page.status_code == 200
    assert 'id="confirm"' in page.text
    still = await staff_registrations(client, event["slug"], admin_headers)
    assert still["items"][0]["status"] == "pending_confirmation"  # GET changed nothing
    confirmed = await client.post(f"/api/registrations/confirm/{token}")
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "confirmed"
    replay = await client.post(f"/api/registrations/confirm/{token}")
    assert replay.status_code == 409
    assert "already used" in replay.json()["detail"]
    reopened = await client.get(f"/registrations/confirm/{token}")
    assert reopened.status_code == 409 and "already used" in reopened.text and 'id="confirm"' not in reopened.text
    unknown = await client.get("/registrations/confirm/not-a-token")
    assert unknown.status_code == 404 and 'id="confirm"' not in unknown.text
    invite = next(m for m in await outbox_messages(client, admin_headers) if m["kind"] == "confirmed")
    assert invite["ics_method"] == "REQUEST"
    assert (await client.post("/api/registrations/confirm/not-a-token")).status_code == 404


async def test_an_expired_link_is_410_and_the_place_goes_to_the_next_person(
    client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str], settings: Settings
) -> None:
    event = await _held_event(client, create_event)
    token = _confirm_token(
        next(m for m in await outbox_messages(client, admin_headers) if m["kind"] == "confirmation_link")
    )
    later = create_app(settings, clock=lambda: FIXED_NOW + timedelta(hours=25))
    async with AsyncTestClient(app=later, base_url="http://testserver.local") as after:
        page = await after.get(f"/registrations/confirm/{token}")
        assert page.status_code == 410 and "expired" in page.text and 'id="confirm"' not in page.text
        expired = await after.post(f"/api/registrations/confirm/{token}")
        assert expired.status_code == 410
        assert "expired" in expired.json()["detail"]
        listing = await staff_registrations(after, event["slug"], admin_headers)
    assert [r["status"] for r in listing["items"]] == ["cancelled", "pending_confirmation"]
    assert listing["seats_taken"] == 1
    kinds = [m["kind"] for m in await outbox_messages(client, admin_headers)]
    assert "lapsed" in kinds
    assert kinds.count("confirmation_link") == 2


async def test_the_background_sweep_releases_lapsed_holds_without_anyone_clicking(
    client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str], settings: Settings
) -> None:
    event = await _held_event(client, create_event)
    later = create_app(settings, clock=lambda: FIXED_NOW + timedelta(hours=25))
    async with AsyncTestClient(app=later, base_url="http://testserver.local") as after:  # startup runs one sweep
        listing = await staff_registrations(after, event["slug"], admin_headers)
    assert [r["status"] for r in listing["items"]] == ["cancelled", "pending_confirmation"]


async def test_the_confirmation_page_confirms_on_post(
    client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    await _held_event(client, create_event)
    token = _confirm_token(
        next(m for m in await outbox_messages(client, admin_headers) if m["kind"] == "confirmation_link")
    )
    done = await post_form(client, f"/registrations/confirm/{token}")
    assert done.status_code == 200
    assert "confirmed" in done.text
    again = await post_form(client, f"/registrations/confirm/{token}")
    assert again.status_code == 409
    assert "already used" in again.text


async def test_offer_policy_offers_a_freed_place_for_a_limited_time_then_to_the_next(
    client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str], settings: Settings
) -> None:
    event = await create_event(capacity=1, registration={"promotion": "offer", "offer_hours": 12})
    tokens = []
    for n in range(3):
        tokens.append((await register(client, event["slug"], person(n, name=f"P{n}"))).json()["token"])
    await client.post(f"/api/registrations/{tokens[0]}/cancel")
    listing = await staff_registrations(client, event["slug"], admin_headers)
    assert [r["status"] for r in listing["items"]] == ["cancelled", "pending_confirmation", "waitlisted"]
    offer = next(m for m in await outbox_messages(client, admin_headers) if m["kind"] == "confirmation_link")
    assert offer["recipient"] == "p1@example.org"
    later = create_app(settings, clock=lambda: FIXED_NOW + timedelta(hours=13))
    async with AsyncTestClient(app=later, base_url="http://testserver.local") as after:
        lapsed = await after.post(f"/api/registrations/confirm/{_confirm_token(offer)}")
        assert lapsed.status_code == 410
        listing = await staff_registrations(after, event["slug"], admin_headers)
    assert [r["status"] for r in listing["items"]] == ["cancelled", "cancelled", "pending_confirmation"]
    assert listing["seats_taken"] == 1
