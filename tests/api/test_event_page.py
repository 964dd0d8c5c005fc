"""The event page through HTTP: times in the event's and the visitor's zone, a series and its sessions,
places per mode, the waiting list, the scholarships block and what search engines read.

Each page is read as text (tags stripped, spaces collapsed) the way a person reads it.
"""

import html
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.clock import FIXED_NOW
from tests.support.factories import EventFactory, person, register
from tests.support.scholarships import put_program

Client = AsyncTestClient[Litestar]
# Brussels leaves summer time on 27 October 2024; Tokyo has none: the gap between them grows by an hour.
SERIES = {
    "title": "Policy roundtable",
    "timezone": "Europe/Brussels",
    "start": "2024-10-03T10:00:00",
    "end": "2024-10-03T11:00:00",
    "recurrence": {"rrule": "FREQ=WEEKLY;BYDAY=TH;UNTIL=20241031T225959Z"},
    "location": {"name": "Mundo-B", "address": "Rue d'Édimbourg 26", "city": "Brussels", "country": "BE"},
}
NOW = [FIXED_NOW]  # the clock of this module's app: a test may move it


@pytest.fixture
def clock() -> Callable[[], datetime]:
    NOW[0] = FIXED_NOW
    return lambda: NOW[0]


def text_of(page: str, element_id: str) -> str:
    """The words inside the element with this id (up to its closing tag of the same name)."""
    found = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>', page)
    assert found, f"no #{element_id} on the page"
    tag, start = found.group(1), found.end()
    depth, pos = 1, start
    pattern = re.compile(rf"<(/?){tag}\b[^>]*>")
    while depth:
        match = pattern.search(page, pos)
        assert match, f"#{element_id} is not closed"
        depth += -1 if match.group(1) else 1
        pos = match.end()
    inner = page[start : match.start()]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inner)).split())


def json_ld(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S)
    assert found, "no JSON-LD on the page"
    return dict(json.loads(found.group(1)))


async def page(client: Client, slug: str, query: str = "", **headers: str) -> str:
    answer = await client.get(f"/events/{slug}{query}", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.text


async def test_an_in_person_series_leads_with_its_zone_and_shows_the_visitors_across_a_dst_change(
    client: Client, create_event: EventFactory
) -> None:
    slug = (await create_event(**SERIES))["slug"]
    text = await page(client, slug, "?tz=Asia/Tokyo")
    assert text_of(text, "when") == (
        "Thu, Oct 3, 2024, 10:00 – 11:00 · Brussels time (UTC+2) Thu, Oct 3, 2024, 17:00 – 18:00 · Tokyo time (UTC+9)"
    )
    assert text_of(text, "rule") == "Every Thursday until October 31, 2024 · 5 sessions"
    sessions = text_of(text, "sessions")
    # Before the change: 7 hours apart; after it, 8, and Brussels reads UTC+1.
    assert "Thu, Oct 24, 2024, 10:00 – 11:00 · Brussels time (UTC+2) Thu, Oct 24, 2024, 17:00 – 18:00" in sessions
    assert "Thu, Oct 31, 2024, 10:00 – 11:00 · Brussels time (UTC+1) Thu, Oct 31, 2024, 18:00 – 19:00" in sessions
    assert sessions.count("Tokyo time (UTC+9)") == 5


async def test_an_online_event_leads_with_the_visitors_zone(client: Client, create_event: EventFactory) -> None:
    slug = (await create_event(**{**SERIES, "attendance_mode": "online", "location": None}))["slug"]
    text = await page(client, slug, "?tz=America/Mexico_City")
    assert text_of(text, "when").startswith("Thu, Oct 3, 2024, 02:00 – 03:00 · Mexico City time (UTC−6)")
    assert text_of(text, "mode") == "Online"


async def test_an_all_day_multi_day_event_reads_as_dates_in_every_zone(
    client: Client, create_event: EventFactory
) -> None:
    slug = (
        await create_event(
            title="Digital Rights and Inclusion Forum",
            timezone="Africa/Accra",
            all_day=True,
            start="2024-04-23",
            end="2024-04-25",
        )
    )["slug"]
    text = await page(client, slug, "?tz=Pacific/Auckland")
    assert text_of(text, "when") == "Tue, Apr 23 – Thu, Apr 25, 2024"
    assert "Auckland" not in text_of(text, "main") and "9:00" not in text_of(text, "main")
    assert 'id="tz-form"' not in text  # a day is the same day everywhere: nothing to convert
    assert json_ld(text)["startDate"] == "2024-04-23" and json_ld(text)["endDate"] == "2024-04-25"
    spanish = await page(client, slug, "?lang=es")
    assert text_of(spanish, "when") == "mar, 23 abr – jue, 25 abr 2024"


async def test_the_zone_from_the_query_is_remembered_in_a_cookie_and_an_unknown_one_is_ignored(
    client: Client, create_event: EventFactory
) -> None:
    slug = (await create_event(**SERIES))["slug"]
    chosen = await client.get(f"/events/{slug}?tz=asia/tokyo")  # names are matched as the database spells them
    assert chosen.status_code == 200
    assert "Tokyo time (UTC+9)" in text_of(chosen.text, "when")
    cookies = chosen.headers.get_list("set-cookie")
    assert any(c.startswith(('tz="Asia/Tokyo"', "tz=Asia/Tokyo")) for c in cookies), cookies

    client.cookies.clear()
    remembered = await page(client, slug, Cookie="tz=Asia/Tokyo")
    assert "Tokyo time (UTC+9)" in text_of(remembered, "when")
    assert 'value="Asia/Tokyo"' in remembered  # the picker shows the zone in use

    unknown = await client.get(f"/events/{slug}?tz=Mars/Olympus_Mons", headers={"Cookie": ""})
    assert unknown.status_code == 200
    assert not any(c.startswith("tz=") for c in unknown.headers.get_list("set-cookie"))  # the CSRF cookie may be set
    assert text_of(unknown.text, "tz-notice") == (
        "We do not know the time zone “Mars/Olympus_Mons”: times are shown in the event's zone."
    )
    assert text_of(unknown.text, "when") == "Thu, Oct 3, 2024, 10:00 – 11:00 · Brussels time (UTC+2)"
    assert "<script>" not in unknown.text  # the only script is the served file (and the JSON-LD data block)
    assert 'src="/static/pages/time.js"' in unknown.text


async def test_the_time_script_is_served_by_us(client: Client) -> None:
    script = await client.get("/static/pages/time.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert "js-visitor" in script.text


async def test_the_sessions_mark_a_moved_and_a_cancelled_one_in_words(
    client: Client, create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    slug = (await create_event(**SERIES))["slug"]
    base = f"/api/events/{slug}/occurrences"
    moved = {"start": "2024-10-11T15:00:00", "end": "2024-10-11T16:00:00"}
    assert (await client.put(f"{base}/2024-10-10T10:00:00", json=moved, headers=admin_headers)).status_code == 200
    cancelled = {"status": "cancelled"}
    assert (await client.put(f"{base}/2024-10-17T10:00:00", json=cancelled, headers=admin_headers)).status_code == 200

    text = await page(client, slug, "?tz=Asia/Tokyo")
    items = [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", li)).split())
        for li in re.findall(r"<li class=\"session.*?</li>", text, re.S)
    ]
    assert len(items) == 5
    assert items[1].startswith("Fri, Oct 11, 2024, 15:00 – 16:00 · Brussels time (UTC+2)")
    assert items[1].endswith("Moved from Thu, Oct 10, 2024, 10:00")
    assert items[2].startswith("Cancelled: Thu, Oct 17, 2024, 10:00 – 11:00 · Brussels time (UTC+2)")
    assert "Tokyo time (UTC+9)" in items[2]
    assert '<li class="session session-cancelled">' in text and "<s>" in text  # struck through as well
    assert "Cancelled" not in items[0] + items[1] + items[3] + items[4]
    assert text_of(text, "first-session-note").startswith("Google and Outlook add only the first session")

    spanish = await page(client, slug, "?lang=es")
    assert text_of(spanish, "rule") == "Cada jueves hasta el 31 de octubre de 2024 · 5 sesiones"
    assert "Cancelada:" in text_of(spanish, "sessions")
    assert "Cambió de fecha; fecha original: jue, 10 oct 2024, 10:00" in text_of(spanish, "sessions")


async def test_a_hybrid_event_counts_in_person_and_online_places_apart(
    client: Client, create_event: EventFactory
) -> None:
    event = await create_event(
        title="Hybrid meetup",
        start="2030-10-03T10:00:00",
        end="2030-10-03T12:00:00",
        attendance_mode="hybrid",
        capacity=2,
        registration={"online_capacity": 3},
        livestream_url="https://example.org/live",
        location={"name": "Mundo-B", "city": "Brussels", "country": "BE", "lat": 50.8357, "lon": 4.3621},
    )
    slug = event["slug"]
    assert (await register(client, slug, person(1, attendance_mode="in_person"))).status_code == 201
    assert (await register(client, slug, person(2, attendance_mode="online"))).status_code == 201
    text = await page(client, slug)
    assert text_of(text, "places-in_person") == "1 of 2 places left."
    assert text_of(text, "places-online") == "2 of 3 places left."
    assert text_of(text, "mode") == "Hybrid: in person and online"
    assert 'href="https://example.org/live"' in text
    assert 'href="https://www.openstreetmap.org/?mlat=50.835700&amp;mlon=4.362100' in text
    assert text_of(text, "register-button") == "Register"
    assert json_ld(text)["offers"]["availability"] == "https://schema.org/InStock"

    assert (await register(client, slug, person(3, attendance_mode="in_person"))).status_code == 201
    in_person_full = await page(client, slug)
    assert text_of(in_person_full, "places-in_person") == "Full: you can join the waiting list."
    assert text_of(in_person_full, "register-button") == "Register"  # online places are still free

    spanish = await page(client, slug, "?lang=es")
    assert text_of(spanish, "places-online") == "Lugares disponibles: 2 de 3."
    assert text_of(spanish, "mode") == "Híbrido: en persona y en línea"


async def test_a_full_event_offers_the_waiting_list_and_says_sold_out_to_search_engines(
    client: Client, create_event: EventFactory
) -> None:
    slug = (
        await create_event(
            start="2030-10-03T10:00:00", end="2030-10-03T12:00:00", capacity=1, location={"city": "Brussels"}
        )
    )["slug"]
    assert (await register(client, slug, person(1))).status_code == 201
    text = await page(client, slug)
    assert text_of(text, "register-button") == "Join the waiting list"
    assert "waiting list" in text_of(text, "places")
    assert json_ld(text)["offers"]["availability"] == "https://schema.org/SoldOut"
    assert 'href="https://www.openstreetmap.org/search?query=Brussels"' in text
    assert text_of(await page(client, slug, "?lang=es"), "register-button") == "Anotarse en la lista de espera"


async def test_the_json_ld_and_the_cards_describe_the_event(
    client: Client, create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    slug = (await create_event(**SERIES, description="Roundtable <b>on</b> policy.", languages=["fr"]))["slug"]
    text = await page(client, slug)
    doc = json_ld(text)
    assert doc["@type"] == "Event"
    assert doc["startDate"] == "2024-10-03T10:00:00+02:00"
    assert doc["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert doc["location"]["address"]["addressLocality"] == "Brussels"
    assert doc["description"] == "Roundtable <b>on</b> policy."  # JSON escapes, parsed back whole
    assert "<b>" not in re.search(r"ld\+json[^>]*>(.*?)</script>", text, re.S).group(1)  # type: ignore[union-attr]
    assert '<meta property="og:title" content="Policy roundtable">' in text
    assert '<meta name="twitter:card" content="summary">' in text
    assert '<h1 dir="auto" lang="fr">Policy roundtable</h1>' in text  # the event's text in its own language

    await client.post(f"/api/events/{slug}/cancel", headers=admin_headers)
    cancelled = await page(client, slug)
    assert json_ld(cancelled)["eventStatus"] == "https://schema.org/EventCancelled"
    assert text_of(cancelled, "event-cancelled") == "This event is cancelled."
    assert text_of(cancelled, "sessions").count("Cancelled:") == 5


async def test_the_scholarships_block_links_to_apply_until_the_deadline_then_says_closed(
    client: Client, create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    slug = (
        await create_event(
            title="Digital Rights and Inclusion Forum",
            timezone="Africa/Accra",
            start="2024-09-10T09:00:00",
            end="2024-09-12T17:00:00",
            capacity=10,
        )
    )["slug"]
    assert 'id="scholarships"' not in await page(client, slug)  # no program, no block
    assert (await put_program(client, slug, admin_headers)).status_code == 200

    text = await page(client, slug, "?tz=Asia/Tokyo")
    block = text_of(text, "scholarships")
    assert "Travel Lodging" in text_of(text, "scholarship-items")
    assert text_of(text, "scholarship-deadline") == (
        "Mon, Jun 10, 2024, 23:59 · Accra time (UTC) Tue, Jun 11, 2024, 08:59 · Tokyo time (UTC+9)"
    )
    assert f'href="http://testserver.local/events/{slug}/apply"' in text
    assert "closed" not in block
    assert "Viaje Alojamiento" in text_of(await page(client, slug, "?lang=es"), "scholarship-items")

    NOW[0] = datetime(2024, 6, 11, 0, 0, tzinfo=UTC)  # one minute after the deadline
    client.cookies.clear()
    closed = await page(client, slug)
    assert text_of(closed, "scholarships-closed") == "Applications are closed. The deadline was:"
    assert 'id="apply-link"' not in closed
    spanish = await page(client, slug, "?lang=es")
    assert text_of(spanish, "scholarships-closed") == "Las solicitudes están cerradas. La fecha límite fue:"
