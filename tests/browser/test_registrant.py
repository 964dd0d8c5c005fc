"""The registrant's journey in a real Chromium: mistakes first (all reported at once, next to their fields,
focus on the summary), then right; the next person waits and cancels through the confirmation step; and
the same registration with the keyboard only."""

import pytest

from tests.browser.accessibility import DESKTOP_WIDTH, PHONE_WIDTH, assert_accessible
from tests.browser.conftest import Browser, Site
from tests.browser.test_accessibility import hybrid_event

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [DESKTOP_WIDTH, PHONE_WIDTH])
def test_mistakes_are_shown_at_once_then_a_place_then_the_waiting_list_then_a_cancellation(
    site: Site, browser: Browser, width: int
) -> None:
    event = hybrid_event(site, capacity=1)
    page = browser.page
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(event["url"])
    page.fill("#f-name", "Ana López")
    page.fill("#f-email", "ana at example")
    page.click("#register-button")  # no mode, no diet, no consent, a bad address: the server says it all
    page.wait_for_load_state()
    summary = page.locator("#form-error")
    assert summary.count() == 1 and summary.locator("li").count() == 4, summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "form-error", "focus moves to the summary"
    box = summary.bounding_box()
    assert box is not None and 0 <= box["y"] < 800, f"the summary is on screen at {width} px: {box}"
    for field, error in (("#f-email", "f-email-error"), ("#q-1", "q-1-error"), ("#f-consent", "f-consent-error")):
        assert page.get_attribute(field, "aria-invalid") == "true"
        assert error in (page.get_attribute(field, "aria-describedby") or "")
        assert page.locator(f"#{error}").is_visible()
    assert page.input_value("#f-name") == "Ana López", "what was typed stays"
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "no horizontal scroll"
    page.locator("#form-error a[href='#q-1']").click()
    assert page.evaluate("document.activeElement.id") == "q-1", "a summary link takes you to its field"

    page.fill("#f-email", "ana@example.org")
    page.check("#f-mode-in_person")
    page.select_option("#q-1", "vegan")
    page.check("#f-consent")
    page.click("#register-button")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "You are registered"
    assert "Biblioteca Vasconcelos" in page.locator("#place").inner_text()

    page.goto(event["url"])
    page.fill("#f-name", "Bo Chen")
    page.fill("#f-email", "bo@example.org")
    page.check("#f-mode-in_person")
    page.select_option("#q-1", "none")
    page.check("#f-consent")
    page.click("#register-button")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "You are on the waiting list"
    assert page.locator("#position").inner_text() == "1"
    page.click("#manage-link")
    page.wait_for_load_state()
    page.click("#cancel-link")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Cancel your registration?"
    page.click("#cancel-button")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Your registration is cancelled"
    listing = site.get(f"/api/staff/events/{event['slug']}/registrations", staff=True)["items"]
    assert {r["email"]: r["status"] for r in listing} == {"ana@example.org": "confirmed", "bo@example.org": "cancelled"}
    assert all("422" in error for error in browser.errors), browser.errors


def test_registering_with_the_keyboard_only(site: Site, browser: Browser) -> None:
    event = hybrid_event(site)
    page = browser.page
    page.goto(event["url"])

    def tab_to(element_id: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == element_id:
                return
        raise AssertionError(f"Tab never reached #{element_id}")

    tab_to("f-name")
    page.keyboard.type("Kei Tanaka")
    page.keyboard.press("Tab")
    page.keyboard.type("kei@example.org")
    tab_to("f-mode-in_person")
    page.keyboard.press("ArrowRight")  # radio group: the arrow keys choose
    assert page.is_checked("#f-mode-online")
    tab_to("q-1")
    page.keyboard.press("ArrowDown")
    tab_to("f-consent")
    page.keyboard.press("Space")
    tab_to("register-button")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "You are registered", page.content()[:2000]
    assert_accessible(page, "registered with the keyboard")
    browser.assert_no_console_errors()
