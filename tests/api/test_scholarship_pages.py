"""Applying for a scholarship in the browser (HTML forms): the same ApplicationService, rules and refusals
as the JSON API, told in HTML; a draft is kept with a link to continue later, an award is answered after
an "Are you sure?" step, and a refused form keeps what was typed with each error next to its field."""

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.clock import MovableClock
from tests.support.factories import EventFactory, outbox_messages
from tests.support.forms import post_form
from tests.support.scholarships import forum, put_program

Client = AsyncTestClient[Litestar]


@pytest.fixture
def clock() -> Callable[[], datetime]:
    return MovableClock()


def form(**extra: Any) -> dict[str, Any]:
    return {
        "name": "Ama Mensah",
        "email": "ama@example.org",
        "country": "GH",
        "affiliation": "Community network",
        "motivation": "I build community networks in the north.",
        "contribution": "A session on spectrum.",
        "requested.travel": "1500.00",
        "requested.lodging": "",
        "answers.first_time": "yes",
        "consent": "yes",
        "action": "draft",
        **extra,
    }


async def open_forum(client: Client, create_event: EventFactory, admin: dict[str, str], **program: Any) -> str:
    slug = str((await forum(create_event))["slug"])
    put = await put_program(client, slug, admin, **program)
    assert put.status_code == 200, put.text
    return slug


def token_of(location: str) -> str:
    found = re.match(r"/applications/([\w-]+)", location)
    assert found, location
    return found.group(1)


def error_at(page: str, field_id: str) -> str:
    """The error shown next to a control, and checks that the control points at it."""
    found = re.search(rf'id="{field_id}-error">([^<]+)<', page)
    assert found, f"no error at {field_id}"
    control = re.search(rf'<(?:input|select|textarea|fieldset)[^>]*id="{field_id}"[^>]*>', page)
    if control is None:
        control = re.search(rf'<(?:input|select|textarea|fieldset)[^>]*id="{field_id}"', page)
    assert control is not None and f"{field_id}-error" in page[control.start() : control.start() + 600]
    return found.group(1)


async def test_the_form_shows_items_limits_deadline_and_questions(
    client: Client, create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    slug = await open_forum(client, create_event, admin_headers)
    program = (await client.get(f"/api/staff/events/{slug}/scholarship-program", headers=admin_headers)).json()
    assert program["apply_url"].endswith(f"/events/{slug}/apply")

    page = await client.get(f"/events/{slug}/apply", params={"tz": "America/Mexico_City"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert 'id="apply-form"' in text and "{# csrf #}" not in text  # the comment is for the template, not the page
    assert "Travel: up to $2,000.00" in text and "<li>Lodging</li>" in text and "Amounts are in USD." in text
    assert "Mon, Jun 10, 2024, 23:59" in text and "GMT" in text  # Accra's wall clock
    assert "Mon, Jun 10, 2024, 17:59" in text  # the visitor's (?tz=)
    assert "First time at DRIF?" in text and '<option value="GH">Ghana</option>' in text
    assert text.index("Afghanistan") < text.index("Zimbabwe")
    assert 'name="action" value="draft"' in text and 'name="action" value="submit"' in text


async def test_closed_not_yet_open_and_no_program_say_so(
    client: Client, create_event: EventFactory, admin_headers: dict[str, str], clock: MovableClock
) -> None:
    none = (await forum(create_event))["slug"]
    page = await client.get(f"/events/{none}/apply")
    assert page.status_code == 200 and "This event has no scholarship program." in page.text
    assert 'id="apply-form"' not in page.text
    later = await open_forum(
        client, create_event, admin_headers, opens_at="2024-07-01T09:00:00", closes_at="2024-08-01T00:00:00"
    )
    text = (await client.get(f"/events/{later}/apply")).text
    assert "Applications open on:" in text and "Mon, Jul 1, 2024, 09:00" in text and 'id="apply-form"' not in text
    closed = await open_forum(client, create_event, admin_headers)
    clock.move_to("2024-06-11T09:00:00+00:00")
    text = (await client.get(f"/events/{closed}/apply")).text
    assert "Applications closed on:" in text and 'id="apply-form"' not in text
    missing = await client.get("/events/no-such-event/apply")
    assert missing.status_code == 404 and "<main" in missing.text


async def test_a_draft_is_saved_continued_by_link_edited_and_submitted(
    client: Client, create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    slug = await open_forum(client, create_event, admin_headers)
    saved = await post_form(client, f"/events/{slug}/apply", form(motivation=""), follow_redirects=False)
    assert saved.status_code == 303, saved.text
    token = token_of(saved.headers["location"])
    page = (await client.get(saved.headers["location"])).text
    assert "Your draft application" in page and "Your draft is saved." in page
    assert f"/applications/{token}</code>" in page and 'id="apply-form"' in page
    assert 'value="Ama Mensah"' in page and 'value="1500.00"' in page
    api = (await client.get(f"/api/scholarship-applications/{token}")).json()
    assert api["status"] == "draft" and api["requested"] == {"travel": "1500.00"}
    mail = await outbox_messages(client, admin_headers, recipient="ama@example.org", kind="scholarship_draft")
    assert f"/applications/{token} before" in mail[0]["body"], "the email links to the page, to continue later"

    # Back later by the link: the draft as it was; submitting without a motivation is refused.
    again = await client.get(f"/applications/{token}")
    assert again.status_code == 200 and "I build community networks" not in again.text
    refused = await post_form(client, f"/applications/{token}", form(motivation="", action="submit"))
    assert refused.status_code == 422
    assert error_at(refused.text, "f-motivation") == "Tell the reviewers why you want to attend."
    assert (await client.get(f"/api/scholarship-applications/{token}")).json()["status"] == "draft"

    edited = await post_form(
        client, f"/applications/{token}", form(**{"requested.lodging": "400.00"}), follow_redirects=False
    )
    assert edited.status_code == 303
    assert (await client.get(f"/api/scholarship-applications/{token}")).json()["requested"] == {
        "travel": "1500.00",
        "lodging": "400.00",
    }
    full = form(action="submit", **{"requested.lodging": "400.00"})
    submitted = await post_form(client, f"/applications/{token}", full, follow_redirects=False)
    assert submitted.status_code == 303 and submitted.headers["location"].endswith("saved=submitted")
    page = (await client.get(submitted.headers["location"])).text
    assert "Your application is submitted" in page and 'id="apply-form"' not in page
    assert "Travel: $1,500.00" in page and "Lodging: $400.00" in page
    api = (await client.get(f"/api/scholarship-applications/{token}")).json()
    assert api["status"] == "submitted" and api["motivation"] == "I build community networks in the north."
    late = await post_form(client, f"/applications/{token}", form(action="submit"))
    assert late.status_code == 409 and "already submitted" in late.text


async def test_refused_input_is_rendered_again_with_each_error_at_its_field(
    client: Client, create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    slug = await open_forum(client, create_event, admin_headers)
    empty = await post_form(
        client,
        f"/events/{slug}/apply",
        form(name="", email="", country="", consent="", motivation="", **{"answers.first_time": ""}, action="submit"),
    )
    assert empty.status_code == 422
    page = empty.text
    assert error_at(page, "f-name") == "Enter your name."
    assert error_at(page, "f-email").startswith("Enter an email address")
    assert error_at(page, "f-country") == "Choose the country you live in."
    assert error_at(page, "f-consent").startswith("Tick the box")
    assert error_at(page, "f-motivation") == "Tell the reviewers why you want to attend."
    assert error_at(page, "q-first_time") == "Answer the question “First time at DRIF?”."
    assert 'id="error-summary"' in page and 'href="#f-consent"' in page
    assert 'value="1500.00"' in page and "Community network" in page  # what was typed stays

    over = await post_form(client, f"/events/{slug}/apply", form(**{"requested.travel": "2500.00"}))
    assert over.status_code == 422
    assert error_at(over.text, "f-req-travel").startswith("Enter an amount")
    assert 'value="2500.00"' in over.text
    bad_email = await post_form(client, f"/events/{slug}/apply", form(email="not-an-email"))
    assert bad_email.status_code == 422 and error_at(bad_email.text, "f-email").startswith("Enter an email")

    first = await post_form(client, f"/events/{slug}/apply", form(action="submit"), follow_redirects=False)
    assert first.status_code == 303
    twice = await post_form(client, f"/events/{slug}/apply", form())
    assert twice.status_code == 409 and "already exists" in error_at(twice.text, "f-email")
    staff = await client.get(f"/api/staff/events/{slug}/scholarship-applications", headers=admin_headers)
    assert len(staff.json()["items"]) == 1, "a refused form writes nothing"


async def award(client: Client, slug: str, admin: dict[str, str], amounts: dict[str, str]) -> None:
    ranking = (await client.get(f"/api/staff/events/{slug}/scholarship-applications", headers=admin)).json()
    for item in ranking["items"]:
        awarded = await client.post(
            f"/api/staff/scholarship-applications/{item['id']}/award", json={"amounts": amounts}, headers=admin
        )
        assert awarded.status_code == 201, awarded.text


async def test_an_award_is_accepted_through_a_confirmation_step(
    client: Client, create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    slug = await open_forum(client, create_event, admin_headers)
    both = form(action="submit", **{"requested.lodging": "400.00"})
    applied = await post_form(client, f"/events/{slug}/apply", both, follow_redirects=False)
    token = token_of(applied.headers["location"])
    await award(client, slug, admin_headers, {"travel": "1200.00", "lodging": "300.00"})

    page = (await client.get(f"/applications/{token}")).text
    assert "You are awarded a scholarship" in page and "Total: $1,500.00" in page
    mail = await outbox_messages(client, admin_headers, recipient="ama@example.org", kind="scholarship_awarded")
    renewed = re.search(r"at (\S+/applications/[\w-]+), or with the API", mail[0]["body"])
    assert renewed, mail[0]["body"]
    assert "You are awarded a scholarship" in (await client.get(renewed.group(1))).text, "the award email's link"
    assert "Travel: $1,200.00" in page and "Please answer by:" in page and "Sat, Jun 8, 2024, 12:00" in page
    confirm = await client.get(f"/applications/{token}/accept")
    assert (
        confirm.status_code == 200 and "Accept the scholarship?" in confirm.text and 'id="answer-form"' in confirm.text
    )
    assert (await client.get(f"/api/scholarship-applications/{token}")).json()["status"] == "awarded", (
        "GET changes nothing"
    )

    accepted = await post_form(client, f"/applications/{token}/accept", follow_redirects=False)
    assert accepted.status_code == 303 and accepted.headers["location"] == f"/applications/{token}"
    page = (await client.get(f"/applications/{token}")).text
    assert "You accepted your scholarship" in page and "Your place at the event is confirmed." in page
    api = (await client.get(f"/api/scholarship-applications/{token}")).json()
    assert api["status"] == "accepted" and api["registration_status"] == "confirmed"
    nothing = (await client.get(f"/applications/{token}/decline")).text
    assert "There is no award to answer" in nothing and 'id="answer-form"' not in nothing
    refused = await post_form(client, f"/applications/{token}/decline")
    assert refused.status_code == 409 and "We could not record your answer" in refused.text


async def test_an_award_is_declined_and_an_unknown_link_is_a_page(
    client: Client, create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    slug = await open_forum(client, create_event, admin_headers)
    applied = await post_form(client, f"/events/{slug}/apply", form(action="submit"), follow_redirects=False)
    token = token_of(applied.headers["location"])
    await award(client, slug, admin_headers, {"travel": "1000.00"})
    confirm = (await client.get(f"/applications/{token}/decline")).text
    assert "Decline the scholarship?" in confirm and "Yes, decline the scholarship" in confirm
    declined = await post_form(client, f"/applications/{token}/decline", follow_redirects=False)
    assert declined.status_code == 303
    page = (await client.get(f"/applications/{token}")).text
    assert "You declined the scholarship" in page and "the money goes to another applicant" in page
    budget = await client.get(f"/api/staff/events/{slug}/scholarship-program/budget", headers=admin_headers)
    assert budget.json()["committed"] == "0.00"

    unknown = await client.get("/applications/not-a-real-token")
    assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("text/html")
    assert "<main" in unknown.text and "We could not find this application" in unknown.text
    assert (await client.get("/applications/not-a-real-token/accept")).status_code == 404


async def test_the_pages_in_spanish(client: Client, create_event: EventFactory, admin_headers: dict[str, str]) -> None:
    slug = await open_forum(client, create_event, admin_headers)
    page = (await client.get(f"/events/{slug}/apply", params={"lang": "es"})).text
    assert '<html lang="es">' in page and "Solicitar una beca" in page
    assert "Viaje: hasta 2.000,00\xa0US$" in page and '<option value="GH">Ghana</option>' in page
    assert "lun, 10 jun 2024, 23:59" in page and "Guardar como borrador" in page
    refused = await post_form(client, f"/events/{slug}/apply?lang=es", form(name="", action="submit"))
    assert refused.status_code == 422 and error_at(refused.text, "f-name") == "Escriba su nombre."
    spanish = form(action="submit", **{"requested.travel": "1500,00"})  # a decimal comma, as Spanish writes it
    saved = await post_form(client, f"/events/{slug}/apply?lang=es", spanish, follow_redirects=False)
    assert saved.headers["location"].endswith("lang=es")
    token = token_of(saved.headers["location"])
    text = (await client.get(saved.headers["location"])).text
    assert "Su solicitud fue enviada" in text and "Viaje: 1.500,00\xa0US$" in text
    await award(client, slug, admin_headers, {"travel": "1000.00"})
    confirm = (await client.get(f"/applications/{token}/accept", params={"lang": "es"})).text
    assert "¿Aceptar la beca?" in confirm
    missing = await client.get("/applications/nope", params={"lang": "es"})
    assert missing.status_code == 404 and "No encontramos esta solicitud" in missing.text
