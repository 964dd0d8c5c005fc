"""Finding events: the front page, /events (search, filters, upcoming/past, years, paging) and a calendar
by month, as HTML on both databases, with a constant number of SQL statements whatever the number of events."""

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import event

from tests.support.factories import EventFactory

Client = AsyncTestClient[Litestar]
LATE_2025 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)  # the fixtures (2024) are all past
DIPLOMADO = "diplomado-politica-publica-sociedades-digitales-2024"


@pytest.fixture
def clock() -> Callable[[], datetime]:
    return lambda: datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


class Page:
    """A page's HTML with Babel's thin and narrow no-break spaces read as plain spaces."""

    def __init__(self, response: Any) -> None:
        self.status_code = response.status_code
        self.headers = response.headers
        self.text = re.sub("[\u2009\u202f\xa0]", " ", response.text)


async def get(client: Client, path: str, **params: str) -> Page:
    return Page(await client.get(path, params=params or None))


def titles(html: str) -> list[str]:
    return re.findall(r'class="event-title">([^<]*)<', html)


def series(**overrides: Any) -> dict[str, Any]:
    body = {
        "title": "Weekly clinic",
        "timezone": "America/Mexico_City",
        "start": "2024-09-05T17:00:00",
        "end": "2024-09-05T19:00:00",
        "recurrence": {"rrule": "FREQ=WEEKLY;BYDAY=TH;COUNT=16"},
    }
    body.update(overrides)
    return body


async def test_the_front_page_lists_calendars_upcoming_events_a_series_once_and_the_way_to_the_past(
    client: Client, create_event: EventFactory
) -> None:
    await create_event(**series())
    await create_event(title="Roundtable in Brussels", start="2024-10-03T10:00:00", end="2024-10-03T11:00:00")
    await create_event(title="Old meeting", start="2024-01-10T10:00:00", end="2024-01-10T11:00:00")
    page = await get(client, "/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert titles(page.text) == ["Weekly clinic", "Roundtable in Brussels"]
    assert "16 sessions · Sep 5 – Dec 19, 2024" in page.text
    assert (
        "Next session: <time" in page.text
        and "Thu, Sep 5, 2024, 17:00 – 19:00</time> · Mexico (Mexico City) Time" in page.text
    )
    assert (
        'href="/calendars/test-cal"' in page.text
        and 'href="webcal://testserver.local/calendars/test-cal.ics"' in page.text
    )
    assert 'href="/events?when=past"' in page.text
    assert '<form method="get" action="/events"' in page.text and 'name="q"' in page.text
    for name in ("calendar", "tag", "language", "country", "mode"):
        assert f'name="{name}"' in page.text


async def test_search_is_case_insensitive_on_title_and_description(client: Client, create_event: EventFactory) -> None:
    await create_event(title="Copyright reform", description="About the EU directive")
    await create_event(title="Open data", description="Public DIRECTIVES and more")
    await create_event(title="Something else")
    found = await get(client, "/events", q="directive")
    assert found.status_code == 200 and sorted(titles(found.text)) == ["Copyright reform", "Open data"]
    assert titles((await get(client, "/events", q="COPYRIGHT")).text) == ["Copyright reform"]
    assert titles((await get(client, "/events", q="100%_")).text) == []


async def test_filters_narrow_the_list(client: Client, create_event: EventFactory) -> None:
    await create_event(title="Online in Spanish", attendance_mode="online", languages=["es"], tags=["course"])
    await create_event(title="In Accra", tags=["africa"], languages=["en"], location={"city": "Accra", "country": "GH"})
    assert titles((await get(client, "/events?mode=online")).text) == ["Online in Spanish"]
    assert titles((await get(client, "/events?language=es")).text) == ["Online in Spanish"]
    assert titles((await get(client, "/events?tag=africa")).text) == ["In Accra"]
    assert titles((await get(client, "/events?country=GH")).text) == ["In Accra"]
    assert titles((await get(client, "/events?calendar=test-cal&country=gh")).text) == ["In Accra"]


async def test_an_empty_result_says_so_and_offers_to_clear_the_filters(
    client: Client, create_event: EventFactory
) -> None:
    await create_event()
    page = await get(client, "/events", q="nothing like this")
    assert page.status_code == 200 and "No events match these filters." in page.text
    assert 'id="clear-filters"' in page.text and 'href="/events"' in page.text


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("mode=sideways", "Choose in person, online or hybrid."),
        ("year=twenty", "The year must be a number such as 2024."),
        ("page=0", "The page number must be a whole number, 1 or more."),
        ("when=later", "Choose upcoming or past events."),
        ("country=Mexico", "two-letter country code"),
        ("calendar=nope", "There is no calendar with that name."),
    ],
)
async def test_a_bad_filter_is_an_html_422_saying_what_to_fix(
    client: Client, calendar: dict[str, Any], query: str, says: str
) -> None:
    page = await get(client, f"/events?{query}")
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert "<main" in page.text and says in page.text and "These filters cannot be used" in page.text


async def test_past_events_are_grouped_by_year_newest_first_with_a_link_to_each_year(
    client: Client, create_event: EventFactory, clock: Callable[[], datetime]
) -> None:
    await create_event(title="In 2023", start="2023-05-02T10:00:00", end="2023-05-02T11:00:00")
    await create_event(title="Early 2024", start="2024-02-02T10:00:00", end="2024-02-02T11:00:00")
    await create_event(title="Later 2024", start="2024-04-02T10:00:00", end="2024-04-02T11:00:00")
    await create_event(title="Still to come", start="2024-09-02T10:00:00", end="2024-09-02T11:00:00")
    await create_event(
        **series(
            title="Series of 2024",
            start="2024-03-07T17:00:00",
            end="2024-03-07T19:00:00",
            recurrence={"rrule": "FREQ=WEEKLY;COUNT=4"},
        )
    )
    page = await get(client, "/events?when=past")
    assert titles(page.text) == ["Later 2024", "Series of 2024", "Early 2024", "In 2023"]
    assert page.text.index('id="year-2024"') < page.text.index('id="year-2023"')
    assert (
        'href="/events?when=past&amp;year=2024"' in page.text and 'href="/events?when=past&amp;year=2023"' in page.text
    )
    assert "4 sessions · Mar 7 – 28, 2024" in page.text
    assert titles((await get(client, "/events?when=past&year=2023")).text) == ["In 2023"]
    assert "Past events in 2023" in (await get(client, "/events?when=past&year=2023")).text


async def test_pages_of_twenty_with_previous_and_next_links_keeping_the_filters(
    client: Client, create_event: EventFactory
) -> None:
    for n in range(45):
        await create_event(
            title=f"Talk {n:02d}",
            start=f"2024-07-{1 + n % 28:02d}T{8 + n // 28:02d}:00:00",
            end=f"2024-07-{1 + n % 28:02d}T{8 + n // 28:02d}:30:00",
            tags=["talk"],
        )
    first = await get(client, "/events?tag=talk")
    assert len(titles(first.text)) == 20 and "45 events found." in first.text
    assert 'href="/events?tag=talk&amp;page=2" rel="next"' in first.text and 'rel="prev"' not in first.text
    third = await get(client, "/events?tag=talk&page=3")
    assert len(titles(third.text)) == 5 and 'href="/events?tag=talk&amp;page=2" rel="prev"' in third.text
    assert 'rel="next"' not in third.text and "Page 3 of 3" in third.text
    seen = titles(first.text) + titles((await get(client, "/events?tag=talk&page=2")).text) + titles(third.text)
    assert sorted(seen) == sorted(f"Talk {n:02d}" for n in range(45))


async def test_the_calendar_page_groups_by_month_shows_a_series_once_and_honours_from_and_to(
    client: Client, create_event: EventFactory
) -> None:
    await create_event(**series())
    await create_event(title="October talk", start="2024-10-03T10:00:00", end="2024-10-03T11:00:00")
    await create_event(title="Next year", start="2025-08-03T10:00:00", end="2025-08-03T11:00:00")
    page = await get(client, "/calendars/test-cal")
    assert page.status_code == 200
    assert titles(page.text) == ["Weekly clinic", "October talk"]  # a year from today (2024-06-01)
    assert page.text.count("Weekly clinic") == 1 and "16 sessions · Sep 5 – Dec 19, 2024" in page.text
    assert re.search(
        r'<h3 id="month-2024-09-01">September 2024</h3>\s*<ul class="events">\s*'
        r'<li[^>]*>\s*<a href="/events/weekly-clinic"',
        page.text,
    )
    assert '<h3 id="month-2024-10-01">October 2024</h3>' in page.text
    assert 'href="/events?calendar=test-cal&amp;when=past"' in page.text
    assert (
        'readonly value="http://testserver.local/calendars/test-cal.ics"' in page.text
        and '<label for="feed-url">' in page.text
    )
    october = await get(client, "/calendars/test-cal?from=2024-10-01&to=2024-11-01")
    assert titles(october.text) == ["October talk", "Weekly clinic"]  # 08:00 UTC, then 23:00 UTC
    assert "Events from Tue, Oct 1, 2024 to Thu, Oct 31, 2024" in october.text  # to= is exclusive
    assert "Next session: <time" in october.text and "Oct 3, 2024, 17:00" in october.text
    later = await get(client, "/calendars/test-cal?from=2025-01-01&to=2025-12-31")
    assert titles(later.text) == ["Next year"]


async def test_an_unknown_calendar_page_is_an_html_404_and_its_feed_stays_json(client: Client) -> None:
    page = await get(client, "/calendars/no-such-calendar")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "There is no such calendar" in page.text and "<main" in page.text
    feed = await client.get("/calendars/no-such-calendar.ics")
    assert feed.status_code == 404 and feed.json()["status_code"] == 404
    bad = await get(client, "/calendars/no-such-calendar?from=soon")
    assert bad.status_code == 404


async def test_a_bad_calendar_window_is_an_html_422(client: Client, calendar: dict[str, Any]) -> None:
    page = await get(client, "/calendars/test-cal?from=soon")
    assert page.status_code == 422 and "The start date must be a date such as 2024-09-01." in page.text


async def test_all_day_events_show_dates_only(client: Client, create_event: EventFactory) -> None:
    await create_event(title="Forum", all_day=True, start="2024-07-23", end="2024-07-25", timezone="Africa/Accra")
    page = await get(client, "/events")
    assert "Tue, Jul 23 – Thu, Jul 25, 2024" in page.text and "00:00" not in page.text


async def test_pages_in_spanish(client: Client, create_event: EventFactory) -> None:
    await create_event(**series())
    front = await get(client, "/?lang=es")
    assert '<html lang="es">' in front.text and "Eventos pasados" in front.text
    assert "16 sesiones · 5 sept – 19 dic 2024" in front.text
    calendar_page = await get(client, "/calendars/test-cal?lang=es")
    assert "septiembre de 2024" in calendar_page.text
    events = await get(client, "/events?lang=es&mode=nope")
    assert (
        events.status_code == 422
        and '<html lang="es">' in events.text
        and "Elija presencial, en línea o híbrido." in events.text
    )


# ------------------------------------------------------------------------ the fixtures: the Diplomado


@pytest.fixture
def later_clock() -> Callable[[], datetime]:
    return lambda: LATE_2025


async def test_the_diplomado_is_in_the_2024_archive_once_with_its_span(seeded: str, settings: Any) -> None:
    from calendar_service.app import create_app

    app = create_app(settings, clock=lambda: LATE_2025)
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
        front = await get(client, "/")
        assert 'href="/events?when=past"' in front.text
        past = await get(client, "/events?when=past")
        assert past.text.count(f'href="/events/{DIPLOMADO}"') == 1
        assert "16 sessions · Sep 5 – Dec 19, 2024" in past.text
        found = await get(client, "/events?q=diplomado&when=past")
        assert titles(found.text) and titles(found.text)[0].startswith("Diplomado Internacional")
        archive = await get(client, "/events?calendar=global-advocacy&when=past&year=2024")
        assert f'href="/events/{DIPLOMADO}"' in archive.text


# ------------------------------------------------------------------------ a constant number of statements


class StatementCounter:
    """Counts the SQL statements the app's engines run (SQLAlchemy's `before_cursor_execute`)."""

    def __init__(self, app: Litestar) -> None:
        self.count = 0
        self.engines = [app.state.engine.sync_engine, app.state.read_engine.sync_engine]
        for engine in self.engines:
            event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_: Any) -> None:
        self.count += 1

    def close(self) -> None:
        for engine in self.engines:
            event.remove(engine, "before_cursor_execute", self._seen)

    async def during(self, client: Client, path: str) -> int:
        before = self.count
        response = await client.get(path)
        assert response.status_code == 200, response.text
        return self.count - before


@pytest.fixture
def statements(client: Client, app: Litestar) -> Iterator[StatementCounter]:
    counter = StatementCounter(app)
    yield counter
    counter.close()


PAGES = ["/", "/events", "/events?when=past", "/events?when=past&year=2024&q=talk", "/calendars/test-cal"]


async def test_each_page_costs_the_same_statements_for_10_and_200_events(
    client: Client, create_event: EventFactory, statements: StatementCounter
) -> None:
    async def add(count: int, offset: int) -> None:
        for n in range(offset, offset + count):
            month, day = 1 + n % 12, 1 + n % 28
            body = {
                "title": f"Talk {n}",
                "start": f"2024-{month:02d}-{day:02d}T10:00:00",
                "end": f"2024-{month:02d}-{day:02d}T11:00:00",
                "tags": [f"t{n % 5}"],
            }
            if n % 5 == 0:
                body["recurrence"] = {"rrule": "FREQ=WEEKLY;COUNT=8"}
            await create_event(**body)

    await add(10, 0)
    small = [await statements.during(client, path) for path in PAGES]
    await add(190, 10)
    large = [await statements.during(client, path) for path in PAGES]
    assert large == small, dict(zip(PAGES, zip(small, large, strict=True), strict=True))
    assert max(large) <= 8, dict(zip(PAGES, large, strict=True))
