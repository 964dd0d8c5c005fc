"""axe-core on every page and state, in English and Spanish, at desktop and phone width: zero violations.

States: the calendar page; an event open for registration (hybrid, every kind of question), full
with a waiting list, closed; the form refused with an error next to its field; the outcome and
the registrant's page; the confirmation page before and after confirming.

Set PAGE_SCREENSHOTS=/some/folder to keep full-page pictures of each state (desktop and phone).
"""

import os
from pathlib import Path
from typing import Any

import pytest

from tests.browser.accessibility import assert_accessible, axe_violations, screenshot
from tests.browser.conftest import Browser, Site
from tests.browser.test_pages import held_registration, soon

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ["PAGE_SCREENSHOTS"]) if os.environ.get("PAGE_SCREENSHOTS") else None
QUESTIONS = [
    {"key": "diet", "label": "Dietary needs", "type": "choice", "options": ["none", "vegan"], "required": True},
    {"key": "topics", "label": "Topics", "type": "multi_choice", "options": ["privacy", "copyright"]},
    {"key": "travel", "label": "Need travel support?", "type": "yes_no"},
    {"key": "access", "label": "Accessibility needs", "type": "text"},
]
LANGUAGES = ["en", "es"]


def hybrid_event(site: Site, capacity: int = 5) -> dict[str, Any]:
    site.calendar("access-cal", "Community calendar", "America/Mexico_City")
    return site.event(
        calendar="access-cal",
        title="Wiki meetup: open knowledge in Mexico City",
        description="An evening of editing.\n\nBring a laptop.",
        timezone="America/Mexico_City",
        start=soon(20, "17:00:00"),
        end=soon(20, "19:00:00"),
        capacity=capacity,
        attendance_mode="hybrid",
        livestream_url="https://example.org/live",
        online_url="https://example.org/join",
        location={"name": "Biblioteca Vasconcelos", "city": "Ciudad de México", "country": "MX"},
        registration={"questions": QUESTIONS},
    )


def register(site: Site, slug: str, n: int, mode: str = "in_person") -> dict[str, Any]:
    body = {
        "name": f"Person {n}",
        "email": f"p{n}@example.org",
        "consent": True,
        "attendance_mode": mode,
        "answers": {"diet": "none"},
    }
    return site.post(f"/api/events/{slug}/registrations", body, staff=False)


def check(browser: Browser, what: str, name: str) -> None:
    assert_accessible(browser.page, what)
    screenshot(browser.page, SHOTS, name)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_event_and_calendar_pages_have_no_axe_violations(site: Site, browser: Browser, lang: str) -> None:
    event = hybrid_event(site)
    page = browser.page
    page.goto(f"{event['url']}?lang={lang}")
    assert page.get_attribute("html", "lang") == lang
    check(browser, f"open event page ({lang})", f"event-open-{lang}")

    page.goto(f"{site.url}/calendars/access-cal?lang={lang}")
    check(browser, f"calendar page ({lang})", f"calendar-{lang}")
    browser.assert_no_console_errors()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_full_closed_and_cancelled_events_have_no_axe_violations(site: Site, browser: Browser, lang: str) -> None:
    full = hybrid_event(site, capacity=1)
    register(site, full["slug"], 1)
    page = browser.page
    page.goto(f"{full['url']}?lang={lang}")
    # In person is full (online places have no limit): the places per mode say what that means.
    assert {"en": "waiting list", "es": "lista de espera"}[lang] in page.locator("#places-in_person").inner_text()
    check(browser, f"full event with a waiting list ({lang})", f"event-full-{lang}")

    past = site.event(
        calendar="access-cal",
        title="Last year's meetup",
        timezone="America/Argentina/Buenos_Aires",
        start="2024-09-05T17:00:00",
        end="2024-09-05T19:00:00",
        capacity=10,
    )
    page.goto(f"{past['url']}?lang={lang}")
    assert page.locator("#registration-closed").count() == 1
    check(browser, f"closed event ({lang})", f"event-closed-{lang}")

    site.http.post(f"/api/events/{full['slug']}/cancel", headers=site.admin).raise_for_status()
    page.goto(f"{full['url']}?lang={lang}")
    check(browser, f"cancelled event ({lang})", f"event-cancelled-{lang}")
    browser.assert_no_console_errors()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_refused_form_and_the_outcome_have_no_axe_violations(site: Site, browser: Browser, lang: str) -> None:
    event = hybrid_event(site)
    page = browser.page
    page.goto(f"{event['url']}?lang={lang}")
    page.fill("#f-name", "Ana López")
    page.fill("#f-email", "ana at example")  # the browser would refuse it itself: let the server say why
    page.evaluate("document.querySelector('#register-form').noValidate = true")
    page.check("input[name=attendance_mode][value=online]")
    page.select_option("select[name='answers.diet']", "vegan")
    page.check("#f-consent")
    with page.expect_response(lambda r: r.request.method == "POST") as refused:
        page.click("#register-button")
    assert refused.value.status == 422
    page.wait_for_load_state()
    assert page.get_attribute("#f-email", "aria-invalid") == "true"
    assert "f-email-error" in (page.get_attribute("#f-email", "aria-describedby") or "")
    check(browser, f"refused registration form ({lang})", f"form-errors-{lang}")

    page.fill("#f-email", "ana@example.org")
    page.click("#register-button")
    page.wait_for_load_state()
    assert page.locator("#outcome").count() == 1
    check(browser, f"registration outcome ({lang})", f"registered-{lang}")
    assert all("422" in error for error in browser.errors), browser.errors


@pytest.mark.parametrize("lang", LANGUAGES)
def test_registrant_and_confirmation_pages_have_no_axe_violations(site: Site, browser: Browser, lang: str) -> None:
    event = hybrid_event(site, capacity=1)
    confirmed = register(site, event["slug"], 1, mode="in_person")
    waiting = register(site, event["slug"], 2, mode="in_person")
    online = register(site, event["slug"], 3, mode="online")
    page = browser.page
    for name, reg in (("confirmed", confirmed), ("waitlisted", waiting), ("online", online)):
        page.goto(f"{site.url}/registrations/{reg['token']}?lang={lang}")
        assert page.get_attribute("html", "lang") == lang
        assert page.locator("#cancel-link").count() == 1
        check(browser, f"registrant page, {name} ({lang})", f"registrant-{name}-{lang}")
    manage = f"{site.url}/registrations/{waiting['token']}"
    page.goto(f"{manage}/cancel?lang={lang}")
    check(browser, f"cancel confirmation ({lang})", f"cancel-question-{lang}")
    page.click("#cancel-button")
    page.wait_for_load_state()
    assert page.locator("#cancel-link").count() == 0
    check(browser, f"registrant page, cancelled ({lang})", f"registrant-cancelled-{lang}")
    page.goto(f"{manage}/erase?lang={lang}")
    check(browser, f"erase confirmation ({lang})", f"erase-question-{lang}")
    page.click("#erase-button")
    page.wait_for_load_state()
    check(browser, f"erased ({lang})", f"erased-{lang}")
    page.goto(f"{site.url}/registrations/link?lang={lang}")
    check(browser, f"link page ({lang})", f"link-{lang}")
    page.fill("#l-email", "p1@example.org")
    page.select_option("#l-event", event["slug"])
    page.click("#link-button")
    page.wait_for_load_state()
    assert page.locator("#link-sent").count() == 1
    check(browser, f"link requested ({lang})", f"link-sent-{lang}")
    for path in ("/events/nope", "/no/such/page", f"/registrations/{waiting['token']}"):
        page.goto(f"{site.url}{path}?lang={lang}")
        check(browser, f"error page {path} ({lang})", f"error-{path.strip('/').split('/')[0]}-{lang}")

    _, _, link = held_registration(site, calendar="held-cal")
    page.goto(f"{link}?lang={lang}")
    assert page.locator("#confirm").count() == 1
    check(browser, f"confirmation page ({lang})", f"confirm-{lang}")
    page.click("#confirm")
    page.wait_for_load_state()
    check(browser, f"confirmed page ({lang})", f"confirmed-{lang}")
    assert all("404" in error for error in browser.errors), browser.errors


def test_the_check_itself_finds_violations(browser: Browser) -> None:
    """A page with known faults: axe must report them, or the zero above means nothing."""
    browser.page.set_content(
        "<!doctype html><html><head><title>t</title></head><body>"
        "<img src='data:,'><input><p style='color:#bbb;background:#fff'>low contrast</p></body></html>"
    )
    found = {v["id"] for v in axe_violations(browser.page)}
    assert {"html-has-lang", "image-alt", "label", "color-contrast", "landmark-one-main", "region"} <= found, found
