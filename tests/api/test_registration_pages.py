"""Registering on the event page (an HTML form) and the registrant's own page: the same desk, places and
refusals as the JSON API, told in HTML; a refused form keeps what was typed and says what to fix."""

import re
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.factories import EventFactory, outbox_messages, staff_registrations
from tests.support.forms import post_form

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
    first = await post_form(client, f"/events/{slug}/register", body)
    assert first.status_code == 200, first.text
    assert "You are registered" in first.text
    assert "email" not in first.text.split('id="message"')[1].split("</p>")[0], "no mail server: no promise of email"
    second = await post_form(client, f"/events/{slug}/register", form(2))
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
    first = await post_form(client, f"/events/{event['slug']}/register", body)
    again = await post_form(client, f"/events/{event['slug']}/register", body)
    assert first.status_code == again.status_code == 200
    assert "You are registered" in again.text, "the same form sent twice is the same registration, not a 409"


async def test_a_refused_form_keeps_what_was_typed_and_says_what_to_fix(
    client: Client, create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    event = await create_event(
        capacity=5, start="2030-10-03T10:00:00", end="2030-10-03T12:00:00", registration={"questions": QUESTIONS}
    )
    slug = event["slug"]
    bad_email = await post_form(client, f"/events/{slug}/register", form(1, email="ama at example"))
    assert bad_email.status_code == 422
    assert 'id="form-error"' in bad_email.text and "Please enter your email address" in bad_email.text
    assert 'value="Person 1"' in bad_email.text, "the name typed stays in the form"
    no_answer = await post_form(client, f"/events/{slug}/register", form(2, **{"answers.diet": ""}))
    assert no_answer.status_code == 422 and "Please answer “Dietary needs”." in no_answer.text
    no_consent = await post_form(client, f"/events/{slug}/register", {"name": "X", "email": "x@example.org"})
    assert no_consent.status_code == 422 and "Please tick the box" in no_consent.text
    assert (await post_form(client, f"/events/{slug}/register", form(3))).status_code == 200
    twice = await post_form(client, f"/events/{slug}/register", form(3))
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
    assert (
        'id="register-form"' not in page and "Registration opens on Tue, Jan 1, 2030, 09:00 (Brussels, UTC+1)." in page
    )
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
    assert mine.status_code == 200 and 'id="cancel-link"' in mine.text and "p1@example.org" in mine.text
    assert "p2@example.org" not in mine.text, "a registrant's page shows nobody else"
    cancelled = await post_form(client, f"/registrations/{first['token']}/cancel")
    assert cancelled.status_code == 200 and "Your registration is cancelled" in cancelled.text
    assert 'id="cancel-link"' not in cancelled.text
    promoted = (await client.get(f"/api/registrations/{second['token']}")).json()
    assert promoted["status"] == "confirmed"
    unknown = await client.get("/registrations/not-a-token")
    assert unknown.status_code == 404 and "text/html" in unknown.headers["content-type"]
    mail = await outbox_messages(client, admin_headers)
    body = next(m["body"] for m in mail if m["recipient"] == "p2@example.org" and m["kind"] == "waitlisted")
    assert f"/registrations/{second['token']}\n" in body, "the email links to the registrant's page"


async def test_every_mistake_is_reported_at_once_next_to_its_field_in_plain_words(
    client: Client, create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    event = await create_event(
        capacity=5,
        start="2030-10-03T10:00:00",
        end="2030-10-03T12:00:00",
        attendance_mode="hybrid",
        online_url="https://example.org/join",
        registration={"questions": QUESTIONS},
    )
    slug = event["slug"]
    answer = await post_form(client, f"/events/{slug}/register", {"name": "  ", "email": "nope", "answers.diet": ""})
    assert answer.status_code == 422
    page = answer.text
    summary = page.split('id="form-error"')[1].split("</div>")[0]
    assert (
        'tabindex="-1"' in page.split('id="form-error"')[1][:120]
        and "autofocus" in page.split('<form method="post"')[0]
    )
    expected = {
        "f-name": "Please enter your name",
        "f-email": "Please enter your email address",
        "f-mode-in_person": "Please choose how you will attend",
        "q-1": "Please answer “Dietary needs”.",
        "f-consent": "Please tick the box",
    }
    for anchor, words in expected.items():
        assert f'href="#{anchor}"' in summary and words in summary, (anchor, summary)
    assert summary.count("<li>") == 5, "five problems, all reported in one answer"
    assert "name:" not in summary and "answers." not in summary and "consent:" not in summary, "no field keys"
    for field_id, error_id in [
        ("f-name", "f-name-error"),
        ("f-email", "f-email-error"),
        ("f-mode-in_person", "f-mode-error"),
        ("q-1", "q-1-error"),
        ("f-consent", "f-consent-error"),
    ]:
        tag = re.search(rf'<(?:input|select|textarea)[^>]*id="{field_id}"[^>]*>', page)
        assert tag is not None and 'aria-invalid="true"' in tag.group(0), field_id
        assert f'aria-describedby="{error_id}"' in tag.group(0) or error_id in tag.group(0), field_id
        assert f'id="{error_id}"' in page
    spanish = await post_form(client, f"/events/{slug}/register?lang=es", {"name": "Ana", "email": "x"})
    assert "Escriba su dirección de correo electrónico" in spanish.text
    assert (await staff_registrations(client, slug, admin_headers))["items"] == []


async def test_the_json_api_still_answers_the_first_refusal_with_its_field(
    client: Client, create_event: EventFactory
) -> None:
    event = await create_event(capacity=5, start="2030-10-03T10:00:00", end="2030-10-03T12:00:00")
    answer = await client.post(
        f"/api/events/{event['slug']}/registrations", json={"name": "Ana", "email": "nope", "consent": False}
    )
    assert answer.status_code == 422 and answer.json()["field"] == "consent"
    assert answer.json()["detail"].startswith("consent: ")


async def test_the_registrant_page_shows_time_place_answers_and_calendar_links(
    client: Client, create_event: EventFactory
) -> None:
    event = await create_event(
        capacity=1,
        timezone="America/Mexico_City",
        start="2030-10-03T17:00:00",
        end="2030-10-03T19:00:00",
        attendance_mode="hybrid",
        online_url="https://example.org/join",
        location={"name": "Biblioteca Vasconcelos", "city": "Ciudad de México", "country": "MX"},
        registration={"questions": QUESTIONS},
    )
    path = f"/api/events/{event['slug']}/registrations"
    body = {"consent": True, "answers": {"diet": "vegan", "topics": ["privacy"], "travel": True}}
    here = (
        await client.post(path, json={**body, "name": "Ana", "email": "a@example.org", "attendance_mode": "in_person"})
    ).json()
    online = (
        await client.post(path, json={**body, "name": "Bo", "email": "b@example.org", "attendance_mode": "online"})
    ).json()
    page = (await client.get(f"/registrations/{here['token']}")).text
    assert "Biblioteca Vasconcelos" in page and "17:00" in page and "Mexico" in page
    assert "Dietary needs" in page and "vegan" in page and "privacy" in page and ">Yes<" in page
    assert event["add_to_calendar"]["ics"] in page and here["webcal_feed_url"] in page
    assert 'id="join-link"' not in page, "no join link for an in-person place"
    joined = (await client.get(f"/registrations/{online['token']}")).text
    assert 'id="join-link"' in joined and "https://example.org/join" in joined
    spanish = (await client.get(f"/registrations/{here['token']}?lang=es")).text
    assert "Su inscripción" in spanish and 'lang="es"' in spanish


async def test_cancel_and_erase_ask_first_and_then_do_it(
    client: Client, create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    event = await create_event(capacity=1, start="2030-10-03T10:00:00", end="2030-10-03T12:00:00")
    path = f"/api/events/{event['slug']}/registrations"
    first = (await client.post(path, json={"name": "P1", "email": "p1@example.org", "consent": True})).json()
    second = (await client.post(path, json={"name": "P2", "email": "p2@example.org", "consent": True})).json()
    waiting = (await client.get(f"/registrations/{second['token']}")).text
    assert '<span id="position">1</span>' in waiting
    question = await client.get(f"/registrations/{first['token']}/cancel")
    assert question.status_code == 200 and 'id="cancel-form"' in question.text and "_csrf_token" in question.text
    assert (await client.get(f"/api/registrations/{first['token']}")).json()["status"] == "confirmed", (
        "a GET changes nothing"
    )
    assert (await post_form(client, f"/registrations/{first['token']}/cancel")).status_code == 200
    assert (await client.get(f"/api/registrations/{second['token']}")).json()["status"] == "confirmed"
    erase_question = await client.get(f"/registrations/{second['token']}/erase")
    assert erase_question.status_code == 200 and 'id="erase-form"' in erase_question.text
    assert (await client.get(f"/api/registrations/{second['token']}")).status_code == 200
    erased = await post_form(client, f"/registrations/{second['token']}/erase")
    assert erased.status_code == 200 and "Your data is erased" in erased.text
    assert (await client.get(f"/registrations/{second['token']}")).status_code == 404
    items = (await staff_registrations(client, event["slug"], admin_headers))["items"]
    assert "p2@example.org" not in str(items)


async def test_the_link_page_answers_the_same_either_way_and_promises_no_email_without_a_mail_server(
    client: Client, create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    event = await create_event(title="Link night", capacity=5, start="2030-10-03T10:00:00", end="2030-10-03T12:00:00")
    slug = event["slug"]
    path = f"/api/events/{slug}/registrations"
    await client.post(path, json={"name": "P1", "email": "p1@example.org", "consent": True})
    form_page = await client.get("/registrations/link")
    assert form_page.status_code == 200 and 'id="l-event"' in form_page.text, "without ?event= the event is chosen"
    chosen = await client.get(f"/registrations/link?event={slug}")
    assert 'name="event" value="' + slug in chosen.text
    known = await post_form(client, "/registrations/link", {"event": slug, "email": "p1@example.org"})
    unknown = await post_form(client, "/registrations/link", {"event": slug, "email": "nobody@example.org"})
    invalid = await post_form(client, "/registrations/link", {"event": slug, "email": "not an address"})
    sentence = re.compile(r'<p id="link-sent" role="status">(.*?)</p>', re.DOTALL)
    said = {sentence.search(a.text).group(1) for a in (known, unknown, invalid)}  # type: ignore[union-attr]
    assert len(said) == 1 and known.status_code == unknown.status_code == invalid.status_code == 200
    (text,) = said
    assert "ask the organisers" in text and "on its way" not in text
    mail = await outbox_messages(client, admin_headers)
    assert [m["recipient"] for m in mail if m["kind"] == "registration_link"] == ["p1@example.org"]
