"""The event page in Chromium: a visitor in Tokyo reads the Diplomado's sessions in Tokyo and Mexico City
time (first from the script, then from the server once the zone is remembered, then from the picker),
and axe-core finds nothing on any state of the page, in English and Spanish, at desktop and phone width.

Set PAGE_SCREENSHOTS=/some/folder to keep full-page pictures of each state.
"""

import json
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.browser.accessibility import assert_accessible, screenshot
from tests.browser.conftest import Browser, Site
from tests.browser.test_pages import seed, soon
from tests.support.scholarships import program_body

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ["PAGE_SCREENSHOTS"]) if os.environ.get("PAGE_SCREENSHOTS") else None
DIPLOMADO = "diplomado-politica-publica-sociedades-digitales-2024"
LANGUAGES = ["en", "es"]


def words(text: str) -> str:
    return " ".join(text.split())  # Babel's thin spaces around the dash read as spaces


def test_a_visitor_in_tokyo_reads_the_diplomados_sessions_in_tokyo_and_mexico_city_time(
    site: Site, browser: Browser
) -> None:
    seed(site, DIPLOMADO)
    page = browser.page
    page.goto(f"{site.url}/events/{DIPLOMADO}")
    assert words(page.locator("#rule").inner_text()) == "Every Thursday until December 19, 2024 · 16 sessions"

    # First visit: the server knows only Mexico City; the script adds Tokyo to every session.
    sessions = page.locator("#sessions li")
    assert sessions.count() == 16
    first = sessions.first
    first.locator(".js-visitor").wait_for(state="visible")
    assert words(first.inner_text()) == (
        "Thu, Sep 5, 2024, 17:00 – 19:00 · Mexico City time (UTC−6) "
        "Fri, Sep 6, 2024, 08:00 – 10:00 · Tokyo time (UTC+9)"
    )
    assert "Fri, Dec 20, 2024, 08:00 – 10:00 · Tokyo time (UTC+9)" in words(sessions.last.inner_text())

    # The script remembered the zone: the next visit comes rendered by the server, Tokyo first (online event).
    page.reload()
    assert page.locator(".js-visitor").count() == 0
    assert words(page.locator("#when").inner_text()) == (
        "Fri, Sep 6, 2024, 08:00 – 10:00 · Tokyo time (UTC+9) "
        "Thu, Sep 5, 2024, 17:00 – 19:00 · Mexico City time (UTC−6)"
    )
    assert page.input_value("#tz-input") == "Asia/Tokyo"

    # The picker (a plain GET form) shows another zone.
    page.fill("#tz-input", "Europe/Madrid")
    page.click("#tz-form button")
    page.wait_for_url("**?tz=Europe%2FMadrid")
    assert "Fri, Sep 6, 2024, 01:00 – 03:00 · Madrid time (UTC+2)" in words(sessions.first.inner_text())
    assert "Fri, Dec 20, 2024, 00:00 – 02:00 · Madrid time (UTC+1)" in words(sessions.last.inner_text())

    # In Spanish, with the rule in words.
    page.goto(f"{site.url}/events/{DIPLOMADO}?lang=es&tz=Asia/Tokyo")
    assert words(page.locator("#rule").inner_text()) == "Cada jueves hasta el 19 de diciembre de 2024 · 16 sesiones"
    assert "hora de Tokio (UTC+9)" in words(sessions.first.inner_text())
    assert "hora de Ciudad de México (UTC−6)" in words(sessions.first.inner_text())
    browser.assert_no_console_errors()


def states(site: Site) -> dict[str, str]:
    """One event per state of the page; the slug of each."""
    site.calendar("states-cal", "Community calendar", "America/Mexico_City")
    common: dict[str, Any] = {"calendar": "states-cal", "timezone": "America/Mexico_City", "capacity": 20}
    place = {
        "name": "Biblioteca Vasconcelos",
        "city": "Ciudad de México",
        "country": "MX",
        "lat": 19.4459,
        "lon": -99.1525,
    }
    made = {
        "in-person": site.event(
            **common,
            title="Editatón en la biblioteca",
            start=soon(20, "17:00:00"),
            end=soon(20, "19:00:00"),
            location=place,
            languages=["es"],
        ),
        "online": site.event(
            **common,
            title="Online office hours",
            start=soon(21, "17:00:00"),
            end=soon(21, "18:00:00"),
            attendance_mode="online",
            online_url="https://example.org/join",
        ),
        "hybrid": site.event(
            **common,
            title="Hybrid meetup",
            start=soon(22, "17:00:00"),
            end=soon(22, "19:00:00"),
            attendance_mode="hybrid",
            location=place,
            livestream_url="https://example.org/live",
            registration={"online_capacity": 50},
        ),
        "series": site.event(
            **common,
            title="Weekly workshop",
            start=soon(23, "17:00:00"),
            end=soon(23, "19:00:00"),
            location=place,
            recurrence={"rrule": "FREQ=WEEKLY;COUNT=6"},
        ),
        "cancelled": site.event(
            **common, title="Cancelled talk", start=soon(24, "17:00:00"), end=soon(24, "19:00:00"), location=place
        ),
        "scholarships": site.event(
            **common, title="Regional summit", start=soon(40, "09:00:00"), end=soon(42, "17:00:00"), location=place
        ),
    }
    slugs = {name: event["slug"] for name, event in made.items()}
    series = made["series"]
    second = series["start"][:10]  # move the second session by a day, cancel the third
    occurrences = site.get(f"/api/events?calendar=states-cal&from={second}&to={soon(80, '00:00:00')[:10]}")["items"]
    weekly = [o for o in occurrences if o["slug"] == series["slug"]]
    moved_from, cancelled = weekly[1]["original_start"], weekly[2]["original_start"]
    moved_to = (datetime.fromisoformat(moved_from) + timedelta(days=1, hours=1)).isoformat()
    base = f"/api/events/{series['slug']}/occurrences"
    site.http.put(f"{base}/{moved_from}", json={"start": moved_to}, headers=site.admin).raise_for_status()
    site.http.put(f"{base}/{cancelled}", json={"status": "cancelled"}, headers=site.admin).raise_for_status()
    site.http.post(f"/api/events/{slugs['cancelled']}/cancel", headers=site.admin).raise_for_status()
    program = program_body(
        opens_at=soon(-1, "00:00:00"), closes_at=soon(10, "23:59:00"), reserved_seats=2, regional_targets={}
    )
    answer = site.http.put(
        f"/api/staff/events/{slugs['scholarships']}/scholarship-program", json=program, headers=site.admin
    )
    assert answer.status_code in (200, 201), answer.text
    return slugs


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_state_of_the_event_page_has_no_axe_violations(site: Site, browser: Browser, lang: str) -> None:
    slugs = states(site)
    page = browser.page
    for name, slug in slugs.items():
        page.goto(f"{site.url}/events/{slug}?lang={lang}")
        assert page.get_attribute("html", "lang") == lang
        page.wait_for_load_state("networkidle")
        assert_accessible(page, f"{name} event page ({lang})")
        screenshot(page, SHOTS, f"event-{name}-{lang}")
    assert page.locator("#scholarships").count() == 1 and page.locator("#apply-link").count() == 1
    doc = json.loads(page.locator("#json-ld").text_content() or "{}")
    assert doc["@type"] == "Event" and doc["startDate"].endswith("-06:00")

    # With the visitor's zone known (a server-rendered second zone everywhere) and an unknown zone's notice.
    page.goto(f"{site.url}/events/{slugs['series']}?lang={lang}&tz=Asia/Tokyo")
    assert_accessible(page, f"series in two zones ({lang})")
    screenshot(page, SHOTS, f"event-series-tokyo-{lang}")
    page.goto(f"{site.url}/events/{slugs['series']}?lang={lang}&tz=Nowhere/Atlantis")
    assert page.locator("#tz-notice").count() == 1
    assert_accessible(page, f"unknown zone notice ({lang})")
    browser.assert_no_console_errors()
