"""A visitor finds events: from the front page to the Diplomado (2024) in the archive in two clicks, from
Tokyo; axe-core on the front page, the lists, the archive and a calendar, in English and Spanish.

Set PAGE_SCREENSHOTS=/some/folder to keep full-page pictures (desktop and phone).
"""

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from calendar_service.cli.fixtures import load_fixtures
from calendar_service.db.engine import create_engine, create_session_maker
from calendar_service.settings import Settings
from tests.browser.accessibility import assert_accessible, screenshot
from tests.browser.conftest import Browser, Site
from tests.support.factories import FIXTURES_DIR

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ["PAGE_SCREENSHOTS"]) if os.environ.get("PAGE_SCREENSHOTS") else None
DIPLOMADO = "diplomado-politica-publica-sociedades-digitales-2024"


def with_fixtures(site: Site) -> None:
    """The calendars and events `make run` starts with (all of 2024: in the archive by now)."""

    async def load() -> None:
        engine = create_engine(site.server.database_url, pool=False)
        async with create_session_maker(engine)() as session, session.begin():
            await load_fixtures(
                session, FIXTURES_DIR, Settings(database_url=site.server.database_url, base_url=site.url)
            )
        await engine.dispose()

    with ThreadPoolExecutor(1) as thread:  # Playwright's sync API already runs an event loop here
        thread.submit(asyncio.run, load()).result()


def test_a_visitor_in_tokyo_finds_the_diplomado_in_the_archive_in_two_clicks(site: Site, browser: Browser) -> None:
    with_fixtures(site)
    page = browser.page
    assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == "Asia/Tokyo"
    page.goto(f"{site.url}/")
    assert page.locator("h1").inner_text() == "Events"
    page.get_by_role("link", name="Past events").click()
    assert page.url.endswith("/events?when=past")
    diplomado = page.locator(f'a[href="/events/{DIPLOMADO}"]')
    assert diplomado.count() == 1  # a series once
    item = page.locator("li.event", has=diplomado)
    assert "16 sessions" in item.inner_text() and "2024" in item.inner_text()
    diplomado.click()
    assert page.url == f"{site.url}/events/{DIPLOMADO}"
    assert page.locator("h1").inner_text().startswith("Diplomado Internacional")
    browser.assert_no_console_errors()


def test_a_visitor_searches_and_filters_from_the_front_page_without_javascript_needed(
    site: Site, browser: Browser
) -> None:
    with_fixtures(site)
    page = browser.page
    page.goto(f"{site.url}/")
    page.get_by_label("Search titles and descriptions").fill("diplomado")
    page.get_by_role("button", name="Find events").click()
    assert "q=diplomado" in page.url
    assert page.locator("li.event").count() == 0  # upcoming only: the Diplomado was in 2024
    page.get_by_role("link", name="Past events").first.click()
    assert "q=diplomado" in page.url and "when=past" in page.url
    assert page.locator(f'a[href="/events/{DIPLOMADO}"]').count() == 1


@pytest.mark.parametrize("lang", ["en", "es"])
def test_finding_pages_have_no_axe_violations(site: Site, browser: Browser, lang: str) -> None:
    with_fixtures(site)
    site.event(
        calendar="global-advocacy",
        title="A session still to come",
        timezone="America/Mexico_City",
        start="2099-03-05T17:00:00",
        end="2099-03-05T19:00:00",
        recurrence={"rrule": "FREQ=WEEKLY;COUNT=4"},
        attendance_mode="online",
    )
    page = browser.page
    pages = {
        "home": "/",
        "events": "/events",
        "past": "/events?when=past",
        "past-2024": "/events?when=past&year=2024",
        "empty": "/events?q=nothing-like-this",
        "refused": "/events?mode=sideways",
        "calendar": "/calendars/global-advocacy?from=2024-08-01&to=2025-01-01",
        "calendar-missing": "/calendars/no-such-calendar",
    }
    for name, path in pages.items():
        sep = "&" if "?" in path else "?"
        page.goto(f"{site.url}{path}{sep}lang={lang}")
        assert page.get_attribute("html", "lang") == lang
        assert_accessible(page, f"{name} ({lang})")
        screenshot(page, SHOTS, f"find-{name}-{lang}")
