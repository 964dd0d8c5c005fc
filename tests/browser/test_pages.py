"""The public pages in a real Chromium against a real server: what a visitor sees, clicks and downloads."""

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator

from tests.browser.conftest import VIEWER_ZONE, Browser, Site

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SEED_SLUG = "power-of-the-commons-2024"


def seed(site: Site, slug: str) -> dict[str, Any]:
    """The fixtures' calendar and one of its events, created through the staff API."""
    (calendar,) = json.loads((FIXTURES / "calendars.json").read_text(encoding="utf-8"))
    site.post("/api/calendars", calendar)
    event = next(e for e in json.loads((FIXTURES / "events.json").read_text(encoding="utf-8")) if e["slug"] == slug)
    return site.event(**event)


def query(href: str | None) -> dict[str, str]:
    assert href is not None
    return {key: values[0] for key, values in parse_qs(urlsplit(href).query).items()}


def base(href: str | None) -> str:
    assert href is not None
    parts = urlsplit(href)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def soon(days: int, time: str) -> str:
    """A local wall-clock time `days` from today: inside the calendar page's window (a year ahead)."""
    return f"{(datetime.now(UTC) + timedelta(days=days)).date().isoformat()}T{time}"


def assert_sound_html(browser: Browser, title: str) -> None:
    page = browser.page
    assert page.evaluate("document.compatMode") == "CSS1Compat", "no doctype: the page renders in quirks mode"
    assert page.get_attribute("html", "lang") == "en"
    assert page.evaluate("document.characterSet") == "UTF-8"
    assert page.title() == f"{title} · calendar-service"
    assert page.locator("h1").count() == 1
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids)), f"duplicate ids: {ids}"
    browser.assert_no_console_errors()


def test_event_page_shows_the_seed_event_in_its_own_zone_with_working_calendar_links(
    site: Site, browser: Browser
) -> None:
    event = seed(site, SEED_SLUG)
    page = browser.page
    response = page.goto(f"{site.url}/events/{SEED_SLUG}")
    assert response is not None
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/html")

    assert page.locator("h1").inner_text() == event["title"]
    lead = " ".join(page.locator("#when .zoned").first.inner_text().split())  # Babel's thin spaces as spaces
    assert lead == "Sat, Sep 21, 2024, 11:15 – 12:30 · New York time (UTC−4)"
    assert page.get_attribute("#when time", "datetime") == "2024-09-21T15:15:00Z"
    # The script adds the reader's own time, start and end: 15:15 UTC is 00:15 the next day in Tokyo.
    viewer = page.locator("#when .js-visitor")
    viewer.wait_for(state="visible")
    assert " ".join(viewer.inner_text().split()) == "Sun, Sep 22, 2024, 00:15 – 01:30 · Tokyo time (UTC+9)"
    assert VIEWER_ZONE == "Asia/Tokyo"

    host = urlsplit(site.url).netloc
    assert page.get_attribute("#add-ics", "href") == f"{site.url}/events/{SEED_SLUG}.ics"
    assert page.get_attribute("#subscribe", "href") == f"webcal://{host}/calendars/global-advocacy.ics"

    google = page.get_attribute("#add-google", "href")
    assert base(google) == "https://calendar.google.com/calendar/render"
    assert query(google) | {"details": "", "location": ""} == {
        "action": "TEMPLATE",
        "text": event["title"],
        "dates": "20240921T151500Z/20240921T163000Z",
        "ctz": "America/New_York",
        "details": "",
        "location": "",
    }
    assert f"{site.url}/events/{SEED_SLUG}" in query(google)["details"]
    for selector, outlook_base in (
        ("#add-outlook", "https://outlook.live.com/calendar/0/deeplink/compose"),
        ("#add-office365", "https://outlook.office.com/calendar/0/deeplink/compose"),
    ):
        href = page.get_attribute(selector, "href")
        assert base(href) == outlook_base
        params = query(href)
        assert params["path"] == "/calendar/action/compose"
        assert params["rru"] == "addevent"
        assert params["subject"] == event["title"]
        assert (params["startdt"], params["enddt"], params["allday"]) == (
            "2024-09-21T15:15:00Z",
            "2024-09-21T16:30:00Z",
            "false",
        )

    # "Download .ics" really downloads the event, in its zone.
    with page.expect_download() as download_info:
        page.click("#add-ics")
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    ics = Path(download.path()).read_text(encoding="utf-8").replace("\r\n ", "")
    assert ics.startswith("BEGIN:VCALENDAR")
    assert "DTSTART;TZID=America/New_York:20240921T111500" in ics
    assert "BEGIN:VTIMEZONE" in ics

    assert_sound_html(browser, event["title"])
    # The event is over: no registration form (the zone picker is the page's only form).
    assert page.locator("form").count() == 1 and page.locator("#tz-form").count() == 1


def test_calendar_page_lists_upcoming_events_in_time_order_and_subscribes_by_webcal(
    site: Site, browser: Browser
) -> None:
    calendar = site.calendar("browser-cal", "Browser calendar", "Europe/Brussels")
    # Created out of order; Los Angeles' evening is after Tokyo's next morning (03:00 vs 00:00 UTC),
    # although its local date is earlier: the list follows the instant, not the wall-clock text.
    later = site.event(
        calendar="browser-cal",
        title="Evening in Los Angeles",
        timezone="America/Los_Angeles",
        start=soon(20, "20:00:00"),
        end=soon(20, "21:00:00"),
    )
    last = site.event(
        calendar="browser-cal",
        title="Workshop in Brussels",
        timezone="Europe/Brussels",
        start=soon(40, "10:00:00"),
        end=soon(40, "12:00:00"),
    )
    first = site.event(
        calendar="browser-cal",
        title="Morning in Tokyo",
        timezone="Asia/Tokyo",
        start=soon(21, "09:00:00"),
        end=soon(21, "10:00:00"),
    )
    assert first["start_utc"] < later["start_utc"] < last["start_utc"]

    page = browser.page
    response = page.goto(f"{site.url}/calendars/browser-cal")
    assert response is not None
    assert response.status == 200
    items = page.locator("ul li a")
    assert items.all_inner_texts() == [first["title"], later["title"], last["title"]]
    assert [items.nth(i).get_attribute("href") for i in range(3)] == [
        urlsplit(e["url"]).path for e in (first, later, last)
    ]
    rows = page.locator("ul li").all_inner_texts()
    assert "09:00" in rows[0] and "10:00" in rows[0] and "Japan" in rows[0]  # the event's wall clock and zone
    assert "20:00" in rows[1] and "Los Angeles" in rows[1]

    host = urlsplit(site.url).netloc
    webcal = f"webcal://{host}/calendars/browser-cal.ics"
    assert page.get_attribute("#subscribe-webcal", "href") == webcal == calendar["webcal_url"]
    assert query(page.get_attribute("#subscribe-google", "href")) == {"cid": webcal}
    assert query(page.get_attribute("#subscribe-outlook", "href")) == {
        "url": f"{site.url}/calendars/browser-cal.ics",
        "name": "Browser calendar",
    }
    assert page.input_value("#feed-url") == f"{site.url}/calendars/browser-cal.ics"
    assert_sound_html(browser, "Browser calendar")

    items.first.click()
    page.wait_for_url(first["url"])
    assert page.locator("h1").inner_text() == first["title"]
    browser.assert_no_console_errors()


def held_registration(site: Site, calendar: str = "browser-cal") -> tuple[dict[str, Any], dict[str, Any], str]:
    """An event that holds places until confirmed, one registration, and the link from its email."""
    site.calendar(calendar, "Browser calendar", "Europe/Brussels")
    event = site.event(
        calendar=calendar,
        title="Confirmation workshop",
        timezone="Europe/Brussels",
        start=soon(30, "10:00:00"),
        end=soon(30, "12:00:00"),
        capacity=10,
        registration={"requires_confirmation": True},
    )
    registration = site.post(
        f"/api/events/{event['slug']}/registrations",
        {"name": "Amina Diallo", "email": "amina@example.org", "consent": True},
        staff=False,
    )
    assert registration["status"] == "pending_confirmation"
    outbox = site.get("/api/staff/outbox?recipient=amina@example.org", staff=True)["items"]
    (mail,) = [m for m in outbox if m["kind"] == "confirmation_link"]
    match = re.search(r"https?://\S+/registrations/confirm/[A-Za-z0-9_\-]+", mail["body"])
    assert match, mail["body"]
    link = match.group(0)
    assert link.startswith(f"{site.url}/registrations/confirm/"), "the email links to another host"
    return event, registration, link


def test_confirmation_link_confirms_on_click_once_and_a_second_click_is_refused(site: Site, browser: Browser) -> None:
    event, registration, link = held_registration(site)
    page = browser.page

    response = page.goto(link)
    assert response is not None
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Confirm your place"
    status = site.get(f"/api/registrations/{registration['token']}")["status"]
    assert status == "pending_confirmation", "opening the link alone must change nothing (mail scanners open links)"
    assert_sound_html(browser, "Confirm your place")

    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.click("#confirm")
    assert posted.value.status == 200
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Your place is confirmed"
    assert "confirmed" in page.locator("body").inner_text()
    assert page.get_attribute(f"a[href='{event['url']}']", "href") == event["url"]
    assert site.get(f"/api/registrations/{registration['token']}")["status"] == "confirmed"

    # The same link again: it says at once that it was used, and offers no button that cannot work.
    reopened = page.goto(link)
    assert reopened is not None and reopened.status == 409
    assert page.locator("h1").inner_text() == "We could not confirm this place"
    assert "already used" in page.locator("body").inner_text()
    assert page.locator("#confirm").count() == 0
    assert site.get(f"/api/registrations/{registration['token']}")["status"] == "confirmed"
    outbox = site.get("/api/staff/outbox?recipient=amina@example.org", staff=True)["items"]
    assert [m["kind"] for m in outbox].count("confirmed") == 1, "confirmed twice: two invitations were sent"
    # The 409 page is a page, not an error: the only console line allowed is Chromium's note on the 409 itself.
    assert all("409" in error for error in browser.errors), browser.errors


ARABIC_TITLE = "منتدى الحقوق الرقمية والشمول ٢٠٢٤: لنتحدث عن مستقبل الإنترنت!"
ARABIC_DESCRIPTION = "لقاء مجتمعي حول السياسات الرقمية، مع بث مباشر."
# The x of an element's first and last characters and of the letter before the last (one text node).
EDGES = """e => {
    const text = [...e.childNodes].find(n => n.nodeType === Node.TEXT_NODE && n.data.trim());
    const range = document.createRange();
    const x = (i) => { range.setStart(text, i); range.setEnd(text, i + 1); return range.getBoundingClientRect().x; };
    const n = text.data.trimEnd().length;
    return {direction: getComputedStyle(e).direction, last: x(n - 1), before_last: x(n - 2)};
}"""


def assert_right_to_left(element: Locator) -> None:
    """Laid out RTL: a closing "!" or "." sits LEFT of the word it ends, not at the far right (the LTR default)."""
    edges = element.evaluate(EDGES)
    assert edges["direction"] == "rtl", f"Arabic text laid out left to right: {element}"
    assert edges["last"] < edges["before_last"], f"the closing punctuation is drawn at the start of {element}"


def test_event_page_renders_an_arabic_title_intact_and_right_to_left(site: Site, browser: Browser) -> None:
    site.calendar("browser-cal", "Browser calendar", "Africa/Cairo")
    event = site.event(
        calendar="browser-cal",
        title=ARABIC_TITLE,
        description=ARABIC_DESCRIPTION,
        timezone="Africa/Cairo",
        start=soon(25, "18:00:00"),
        end=soon(25, "20:00:00"),
        location={"name": "مكتبة الإسكندرية", "city": "الإسكندرية", "country": "EG"},
    )
    page = browser.page
    page.goto(event["url"])

    h1 = page.locator("h1")
    assert h1.inner_text() == ARABIC_TITLE
    body = page.locator("body").inner_text()
    assert ARABIC_DESCRIPTION in body
    assert "مكتبة الإسكندرية, الإسكندرية, EG" in body
    assert "Cairo time (UTC+2)" in page.locator("#when").inner_text()
    assert query(page.get_attribute("#add-google", "href"))["text"] == ARABIC_TITLE
    assert query(page.get_attribute("#add-outlook", "href"))["subject"] == ARABIC_TITLE
    assert_right_to_left(h1)
    assert_right_to_left(page.get_by_text(ARABIC_DESCRIPTION))
    assert_sound_html(browser, ARABIC_TITLE)

    page.goto(f"{site.url}/calendars/browser-cal")
    link = page.locator("ul li a")
    assert link.inner_text() == ARABIC_TITLE
    assert_right_to_left(link)
    browser.assert_no_console_errors()


def test_a_visitor_registers_on_the_event_page_then_the_next_is_waitlisted_and_promoted_on_cancel(
    site: Site, browser: Browser
) -> None:
    """PRODUCT.md: a registrant registers on a web page. The form, a refusal, the waiting list, cancelling."""
    site.calendar("weeks", "Community weeks", "Africa/Johannesburg")
    event = site.event(
        calendar="weeks",
        title="Wiki week Johannesburg",
        timezone="Africa/Johannesburg",
        start=soon(20, "10:00:00"),
        end=soon(20, "16:00:00"),
        capacity=1,
        registration={
            "questions": [{"key": "diet", "label": "Dietary needs", "type": "choice", "options": ["none", "halal"]}]
        },
    )
    page = browser.page
    page.goto(event["url"])
    assert page.locator("#places-in_person").inner_text() == "1 of 1 places left."
    page.fill("#f-name", "Thandiwe Nkosi")
    page.fill("#f-email", "thandiwe@example.org")
    page.select_option("select[name='answers.diet']", "halal")
    page.check("#f-consent")
    page.click("#register-button")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "You are registered"
    assert_sound_html(browser, "You are registered")
    manage = page.get_attribute("#manage-link", "href")
    assert manage is not None and "/registrations/" in manage

    # A second visitor: the browser refuses a bad address itself; the server refuses a duplicate by name.
    page.goto(event["url"])
    assert "The event is full" in page.locator("#places").inner_text()
    assert page.locator("#register-button").inner_text() == "Join the waiting list"
    page.fill("#f-name", "Sipho")
    page.fill("#f-email", "thandiwe@example.org")
    page.select_option("select[name='answers.diet']", "none")
    page.check("#f-consent")
    with page.expect_response(lambda r: r.request.method == "POST") as refused:
        page.click("#register-button")
    assert refused.value.status == 409
    page.wait_for_load_state()
    assert "already registered" in page.locator("#form-error").inner_text()
    assert page.input_value("#f-name") == "Sipho", "what was typed stays"
    page.fill("#f-email", "sipho@example.org")
    page.click("#register-button")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "You are on the waiting list"
    assert page.locator("#position").inner_text() == "1"
    sipho_page = page.url

    # Thandiwe cancels from her page; Sipho's page now says registered.
    page.goto(manage)
    page.click("#cancel-link")  # "Are you sure?" first
    page.wait_for_load_state()
    page.click("#cancel-button")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Your registration is cancelled"
    assert page.locator("#cancel-link").count() == 0
    listing = site.get(f"/api/staff/events/{event['slug']}/registrations", staff=True)["items"]
    assert {r["email"]: r["status"] for r in listing} == {
        "thandiwe@example.org": "cancelled",
        "sipho@example.org": "confirmed",
    }
    assert sipho_page.endswith("/register"), "the result page is the POST's answer"
    # 409 is answered with a page; Chromium logs the status itself, nothing else may be logged.
    assert all("409" in error for error in browser.errors), browser.errors
