"""An applicant in the browser: saves a draft, comes back by the link, submits, and after an award accepts it
through the "Are you sure?" page; in English and in Spanish. axe-core on every state (the form empty and
with errors, the applicant's page as a draft, submitted, awarded and accepted, the confirmation page),
at desktop and phone width.

Set PAGE_SCREENSHOTS=/some/folder to keep full-page pictures of each state.
"""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.browser.accessibility import assert_accessible, screenshot
from tests.browser.conftest import Browser, Site

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ["PAGE_SCREENSHOTS"]) if os.environ.get("PAGE_SCREENSHOTS") else None
WORDS = {
    "en": {
        "draft": "Your draft application",
        "saved": "Your draft is saved.",
        "submitted": "Your application is submitted",
        "awarded": "You are awarded a scholarship",
        "confirm": "Accept the scholarship?",
        "accepted": "You accepted your scholarship",
        "motivation": "Tell the reviewers why you want to attend.",
        "amount": "Enter an amount such as 1500.00",
        "limit": "Travel: up to $2,000.00",
    },
    "es": {
        "draft": "Su borrador de solicitud",
        "saved": "Su borrador está guardado.",
        "submitted": "Su solicitud fue enviada",
        "awarded": "Se le otorgó una beca",
        "confirm": "¿Aceptar la beca?",
        "accepted": "Usted aceptó su beca",
        "motivation": "Cuéntele al comité evaluador por qué quiere asistir.",
        "amount": "Escriba un monto como 1500.00",
        "limit": "Viaje: hasta 2.000,00\xa0US$",
    },
}


def local(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:00")


def forum_with_program(site: Site) -> dict[str, Any]:
    site.calendar("forum-cal", "Forums", "Africa/Accra")
    event = site.event(
        calendar="forum-cal",
        title="Digital Rights and Inclusion Forum",
        timezone="Africa/Accra",
        start=local(60)[:10] + "T09:00:00",
        end=local(62)[:10] + "T17:00:00",
        capacity=50,
        location={"name": "Accra International Conference Centre", "city": "Accra", "country": "GH"},
    )
    program = {
        "budget": {"amount": "5000.00", "currency": "USD"},
        "opens_at": local(-1),
        "closes_at": local(30),
        "award_items": ["travel", "lodging"],
        "max_per_item": {"travel": "2000.00"},
        "criteria": [{"key": "relevance", "label": "Relevance", "max": 10}],
        "questions": [{"key": "first_time", "label": "First time at the forum?", "type": "yes_no", "required": True}],
        "accept_within_days": 7,
    }
    response = site.http.put(f"/api/staff/events/{event['slug']}/scholarship-program", json=program, headers=site.admin)
    assert response.status_code == 200, response.text
    return event


def award_everyone(site: Site, slug: str) -> None:
    ranking = site.get(f"/api/staff/events/{slug}/scholarship-applications", staff=True)
    for item in ranking["items"]:
        site.post(f"/api/staff/scholarship-applications/{item['id']}/award", {"amounts": {"travel": "1200.00"}})


def check(browser: Browser, what: str, name: str) -> None:
    browser.page.wait_for_load_state("load")
    assert_accessible(browser.page, what)
    screenshot(browser.page, SHOTS, name)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_an_applicant_saves_a_draft_comes_back_by_link_submits_and_accepts(
    site: Site, browser: Browser, lang: str
) -> None:
    words, page = WORDS[lang], browser.page
    event = forum_with_program(site)
    page.goto(f"{site.url}/events/{event['slug']}/apply?lang={lang}")
    assert page.get_attribute("html", "lang") == lang
    assert words["limit"] in page.inner_text("#covers")
    check(browser, f"application form ({lang})", f"apply-empty-{lang}")

    # Mistakes first: an amount over the limit; the service refuses it, next to its field.
    page.fill("#f-name", "Ama Mensah")
    page.fill("#f-email", "ama@example.org")
    page.select_option("#f-country", "GH")
    page.fill("#f-req-travel", "2500.00")
    page.check("#f-consent")
    page.click("#save-draft")
    assert words["amount"] in page.inner_text("#f-req-travel-error")
    assert page.get_attribute("#f-req-travel", "aria-invalid") == "true"
    assert page.input_value("#f-name") == "Ama Mensah", "what was typed stays"
    check(browser, f"application form with an error ({lang})", f"apply-error-{lang}")

    # Submitting without a motivation: the error sits at the motivation.
    page.fill("#f-req-travel", "1500.00")
    page.click("#submit-application")
    assert page.inner_text("#f-motivation-error") == words["motivation"]
    assert page.is_visible("#error-summary")
    check(browser, f"application form, nothing to submit ({lang})", f"apply-errors-{lang}")

    # The browser logs each refused form's 422 as a failed load: those two are expected.
    refused = [e for e in browser.errors if "status of 422" in e]
    assert len(refused) == 2, browser.errors
    browser.errors[:] = [e for e in browser.errors if e not in refused]

    # Save as draft: the applicant's own page, with the link to continue later.
    page.click("#save-draft")
    assert page.inner_text("#outcome") == words["draft"]
    assert words["saved"] in page.inner_text("#notice")
    link = page.get_attribute("#continue-link", "href")
    assert link and "/applications/" in link
    check(browser, f"applicant page, draft ({lang})", f"application-draft-{lang}")

    # Later, by the link: the draft as it was; finish it and submit.
    page.goto("about:blank")
    page.goto(link)
    assert page.input_value("#f-req-travel") == "1500.00" and page.input_value("#f-country") == "GH"
    page.fill("#f-motivation", "I build community networks in northern Ghana.")
    page.check("input[name='answers.first_time'][value='yes']")
    page.click("#submit-application")
    assert page.inner_text("#outcome") == words["submitted"]
    check(browser, f"applicant page, submitted ({lang})", f"application-submitted-{lang}")

    award_everyone(site, event["slug"])
    page.goto(link)
    assert page.inner_text("#outcome") == words["awarded"]
    assert page.is_visible("#answer-by")
    check(browser, f"applicant page, awarded ({lang})", f"application-awarded-{lang}")

    page.click("#accept-link")
    assert page.inner_text("h1") == words["confirm"]
    check(browser, f"accept confirmation ({lang})", f"application-confirm-{lang}")
    page.click("#confirm-answer")
    assert page.inner_text("#outcome") == words["accepted"]
    check(browser, f"applicant page, accepted ({lang})", f"application-accepted-{lang}")
    browser.assert_no_console_errors()
