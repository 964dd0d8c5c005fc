"""Registering on the event page (an HTML form) and the registrant's own page: the same desk, places and
refusals as the JSON API, told in HTML; a refused form keeps what was typed and says what to fix."""

import re
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.factories import EventFactory, outbox_messages, staff_registrations

Client = AsyncTestClient[Litestar]
QUESTIONS = [
    {"key": "diet", "label": "Dietary needs", "type": "choice", "options": ["none", "vegan"], "required": True},
    {"key": "topics", "label": "Topics", "type": "multi_choice", "options": ["privacy", "copyright"]},
    {"key": "travel", "label": "Need travel support?", "type": "yes_no"},
    {"key": "access", "label": "Accessibility", "type": "text"},
]


def form(n: int, **extra: Any) -> dict[str, Any]:
    return {"name": f"Person {n}", "email": f"p{n}@example.org", "consent": "yes", "answers.diet": "none", **extra}


async def test_the_event_page_registers_with_answers_and_tells_the_truth_about_places(
    client: Client, create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    event = await create_event(
        capacity=1, start="2030-10-03T10:00:00", end="2030-10-03T12:00:00", registration={"questions": QUESTIONS}
    )
    slug = event["slug"]
    page = (await client.get(f"/events/{slug}")).text
    assert 'id="register-form"' in page and "1 of 1 places left." in page
    for label in ("Dietary needs", "Topics", "Need travel support?", "Accessibility"):
        assert label in page
    body = form(1, **{"answers.topics": ["privacy", "copyright"], "answers.travel": "yes", "answers.access": "ramp"})
    first = await client.post(f"/events/{slug}/register", data=body)
    assert first.status_code == 200, first.text
    assert "You are registered" in first.text and "The invitation is in your email." in first.text
    second = await client.post(f"/events/{slug}/register", data=form(2))
    assert "You are on the waiting list" in second.text and '<span id="position">1</span>' in second.text
    assert "The event is full: you can join the waiting list" in (await client.get(f"/events/{slug}")).text
    stored = {r["email"]: r for r in (await staff_registrations(client, slug, admin_headers))["items"]}
    assert stored["p1@example.org"]["answers"] == {
        "diet": "none",
        "topics": ["privacy", "copyright"],
        "travel": True,
        "access": "ramp",
    }
    assert stored["p2@example.org"]["status"] == "waitlisted"


async def test_a_double_click_is_one_registration(client: Client, create_event: EventFactory) -> None:
    event = await create_event(capacity=5, start="2030-10-03T10:00:00", end="2030-10-03T12:00:00")
    page = (await client.get(f"/events/{event['slug']}")).text
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    body = {"name": "Ama", "email": "ama@example.org", "consent": "yes", "idempotency_key": key}
    first = await client.post(f"/events/{event['slug']}/register", data=body)
    again = await client.post(f"/events/{event['slug']}/register", data=body)
    assert first.status_code == again.status_code == 200
    assert "You are registered" in again.text, "the same form sent twice is the same registration, not a 409"


async def test_a_refused_form_keeps_what_was_typed_and_says_what_to_fix(
    client: Client, create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    event = await create_event(
        capacity=5, start="2030-10-03T10:00:00", end="2030-10-03T12:00:00", registration={"questions": QUESTIONS}
    )
    slug = event["slug"]
    bad_email = await client.post(f"/events/{slug}/register", data=form(1, email="ama at example"))
    assert bad_email.status_code == 422
    assert 'id="form-error"' in bad_email.text and "email" in bad_email.text
    assert 'value="Person 1"' in bad_email.text, "the name typed stays in the form"
    no_answer = await client.post(f"/events/{slug}/register", data=form(2, **{"answers.diet": ""}))
    assert no_answer.status_code == 422 and "Dietary needs" in no_answer.text
    no_consent = await client.post(f"/events/{slug}/register", data={"name": "X", "email": "x@example.org"})
    assert no_consent.status_code == 422 and "consent" in no_consent.text
    assert (await client.post(f"/events/{slug}/register", data=form(3))).status_code == 200
    twice = await client.post(f"/events/{slug}/register", data=form(3))
    assert twice.status_code == 409 and "already registered" in twice.text
    assert [r["email"] for r in (await staff_registrations(client, slug, admin_headers))["items"]] == ["p3@example.org"]


async def test_past_cancelled_and_not_yet_open_events_show_why_there_is_no_form(
    client: Client, create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    past = await create_event(title="Past", capacity=5, start="2024-01-10T10:00:00", end="2024-01-10T12:00:00")
    assert "registration is closed" in (await client.get(f"/events/{past['slug']}")).text
    later = await create_event(
        title="Later",
        start="2030-10-03T10:00:00",
        end="2030-10-03T12:00:00",
        registration={"opens_at": "2030-01-01T09:00:00"},
    )
    page = (await client.get(f"/events/{later['slug']}")).text
    assert 'id="register-form"' not in page and "Registration opens on 2030-01-01 09:00" in page
    gone = await create_event(title="Gone", start="2030-10-03T10:00:00", end="2030-10-03T12:00:00")
    assert (await client.post(f"/api/events/{gone['slug']}/cancel", headers=admin_headers)).status_code == 200
    assert "cancelled and takes no registrations" in (await client.get(f"/events/{gone['slug']}")).text


async def test_the_registrant_page_shows_and_cancels_and_promotes_the_next(
    client: Client, create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    event = await create_event(capacity=1, start="2030-10-03T10:00:00", end="2030-10-03T12:00:00")
    slug = event["slug"]
    path = f"/api/events/{slug}/registrations"
    first = (await client.post(path, json={"name": "P1", "email": "p1@example.org", "consent": True})).json()
    second = (await client.post(path, json={"name": "P2", "email": "p2@example.org", "consent": True})).json()
    mine = await client.get(f"/registrations/{first['token']}")
    assert mine.status_code == 200 and 'id="cancel-form"' in mine.text and "p1@example.org" in mine.text
    assert "p2@example.org" not in mine.text, "a registrant's page shows nobody else"
    cancelled = await client.post(f"/registrations/{first['token']}/cancel")
    assert cancelled.status_code == 200 and "Your registration is cancelled" in cancelled.text
    assert 'id="cancel-form"' not in cancelled.text
    promoted = (await client.get(f"/api/registrations/{second['token']}")).json()
    assert promoted["status"] == "confirmed"
    unknown = await client.get("/registrations/not-a-token")
    assert unknown.status_code == 404 and "text/html" in unknown.headers["content-type"]
    mail = await outbox_messages(client, admin_headers)
    body = next(m["body"] for m in mail if m["recipient"] == "p2@example.org" and m["kind"] == "waitlisted")
    assert f"/registrations/{second['token']}\n" in body, "the email links to the registrant's page"
