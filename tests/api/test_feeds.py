"""iCalendar feeds: three independent parsers agree with each other and with /api/events;
bytes are RFC 5545-clean and deterministic; polls are answered with 304."""

import os
from datetime import UTC, date, datetime, timedelta
from typing import Any

import icalendar
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import event as sa_event

from calendar_service.app import create_app
from calendar_service.settings import Settings
from tests.support import parsers
from tests.support.factories import EventFactory, create_calendar, occurrences

YEAR_2024 = (datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC))
FEED = "/calendars/test-cal.ics"


def require_icaljs() -> None:
    if not parsers.node_available():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("ical.js missing: run `npm ci --prefix tests/js` (make test does)")
        pytest.skip("ical.js missing: run `npm ci --prefix tests/js`")


def api_instances(items: list[dict[str, Any]]) -> list[parsers.Instance]:
    """/api/events items in the harness's shape (all-day: dates as midnight UTC, end exclusive)."""
    out = []
    for item in items:
        if item["all_day"]:
            start = datetime.combine(date.fromisoformat(item["start"]), datetime.min.time(), UTC)
            end = datetime.combine(date.fromisoformat(item["end"]) + timedelta(days=1), datetime.min.time(), UTC)
        else:
            start = datetime.fromisoformat(item["start_utc"].replace("Z", "+00:00"))
            end = datetime.fromisoformat(item["end_utc"].replace("Z", "+00:00"))
        out.append(parsers.Instance(item["uid"], start, end, item["status"].upper(), item["all_day"], item["title"]))
    return sorted(out)


def times(instances: list[parsers.Instance]) -> list[tuple[str, datetime, datetime, str, bool]]:
    return [(i.uid, i.start_utc, i.end_utc, i.status, i.all_day) for i in instances]


async def assert_parsers_agree_with_api(
    client: AsyncTestClient[Litestar], body: bytes, window: tuple[datetime, datetime], **params: str
) -> list[parsers.Instance]:
    require_icaljs()
    expected = api_instances(
        await occurrences(client, **{"from": window[0].isoformat(), "to": window[1].isoformat(), **params})
    )
    assert expected, "the window should hold occurrences"
    for name, expand in (
        ("icalendar", parsers.expand_icalendar),
        ("vobject", parsers.expand_vobject),
        ("ical.js", parsers.expand_icaljs),
    ):
        got = expand(body, *window)
        assert times(got) == times(expected), f"{name} disagrees with /api/events"
    return expected


def assert_clean_bytes(body: bytes) -> None:
    assert body.startswith(b"BEGIN:VCALENDAR\r\n")
    assert body.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    for line in body.split(b"\r\n"):
        assert len(line) <= 75, line
        line.decode("utf-8")  # a fold never splits a multi-byte character


WIDE = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2045, 1, 1, tzinfo=UTC))


@pytest.fixture(autouse=True)
def every_feed_is_cross_parsed(client: AsyncTestClient[Litestar], monkeypatch: pytest.MonkeyPatch) -> None:
    """Every feed any test here fetches must be clean bytes on which all parsers agree, 2000-2045."""
    original = client.get

    async def checked(*args: Any, **kwargs: Any) -> Any:
        response = await original(*args, **kwargs)
        if response.status_code == 200 and response.headers.get("content-type", "").startswith("text/calendar"):
            assert_clean_bytes(response.content)
            reference = times(parsers.expand_icalendar(response.content, *WIDE))
            assert times(parsers.expand_vobject(response.content, *WIDE)) == reference, "vobject disagrees"
            if parsers.node_available():
                assert times(parsers.expand_icaljs(response.content, *WIDE)) == reference, "ical.js disagrees"
        return response

    monkeypatch.setattr(client, "get", checked)


async def test_seed_feed_agrees_across_three_parsers_and_the_api(
    client: AsyncTestClient[Litestar], seeded: str
) -> None:
    response = await client.get("/calendars/global-advocacy.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert_clean_bytes(response.content)
    instances = await assert_parsers_agree_with_api(client, response.content, YEAR_2024)
    assert len(instances) == 24
    commons = next(i for i in instances if i.uid.startswith("power-of-the-commons"))
    assert commons.start_utc == datetime(2024, 9, 21, 15, 15, tzinfo=UTC)


async def test_hard_cases_agree_across_parsers(
    client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    series = await create_event(
        title="Weekly, across DST; with EXDATE",
        recurrence={"rrule": "FREQ=WEEKLY;UNTIL=20241114T235959", "exdates": ["2024-10-17T10:00:00"]},
    )
    moved = await client.put(
        f"/api/events/{series['slug']}/occurrences/2024-10-24T10:00:00",
        json={"start": "2024-10-25T16:00:00", "end": "2024-10-25T17:30:00", "title": "Moved to Friday"},
        headers=admin_headers,
    )
    assert moved.status_code == 200
    cancelled_one = await client.put(
        f"/api/events/{series['slug']}/occurrences/2024-11-07T10:00:00",
        json={"status": "cancelled"},
        headers=admin_headers,
    )
    assert cancelled_one.status_code == 200
    await create_event(
        title="Diplomado",
        timezone="America/Mexico_City",
        start="2024-09-05T17:00:00",
        end="2024-09-05T19:00:00",
        recurrence={"rrule": "FREQ=WEEKLY;BYDAY=TH;COUNT=16"},
        languages=["es"],
    )
    await create_event(
        title="Indianapolis",
        timezone="America/Indiana/Indianapolis",
        start="2024-10-31T13:00:00",
        end="2024-10-31T17:00:00",
    )
    await create_event(title="Forum", timezone="Africa/Accra", all_day=True, start="2024-04-23", end="2024-04-25")
    gone = await create_event(title="Cancelled session", start="2024-12-02T09:00:00", end="2024-12-02T10:00:00")
    assert (await client.post(f"/api/events/{gone['slug']}/cancel", headers=admin_headers)).status_code == 200
    await create_event(
        title="Texte, avec; ponctuation et «guillemets» 🎉 — 日本語 العربية Ελληνικά",
        description="Line one,\nline two; with a backslash \\ and emoji 🌍🌏🌎",
        timezone="Asia/Kathmandu",
        start="2024-12-10T09:00:00",
        end="2024-12-10T10:00:00",
    )
    response = await client.get(FEED)
    assert_clean_bytes(response.content)
    instances = await assert_parsers_agree_with_api(client, response.content, YEAR_2024)
    by_title = {i.summary: i for i in parsers.expand_icalendar(response.content, *YEAR_2024)}
    assert "Texte, avec; ponctuation et «guillemets» 🎉 — 日本語 العربية Ελληνικά" in by_title
    brussels = [i for i in instances if i.uid == series["uid"]]
    assert [i.start_utc.hour for i in brussels] == [8, 8, 14, 9, 9, 9]
    assert [i.status for i in brussels][-2] == "CANCELLED"
    assert all(i.start_utc.hour == 23 for i in instances if i.summary == "Diplomado")


async def test_every_tzid_has_its_vtimezone_and_all_day_uses_dates(
    client: AsyncTestClient[Litestar], create_event: EventFactory
) -> None:
    await create_event(timezone="Asia/Kathmandu")
    await create_event(timezone="America/Santiago", recurrence={"rrule": "FREQ=MONTHLY;COUNT=12"})
    await create_event(
        title="Fair", all_day=True, start="2024-08-29", end="2024-08-30", timezone="America/Argentina/Buenos_Aires"
    )
    body = (await client.get(FEED)).content
    cal = icalendar.Calendar.from_ical(body)
    declared = {tz["TZID"] for tz in cal.walk("VTIMEZONE")}
    used = {
        prop.params["TZID"]
        for ev in cal.walk("VEVENT")
        for prop in (ev["DTSTART"], ev["DTEND"])
        if "TZID" in prop.params
    }
    assert used == declared == {"Asia/Kathmandu", "America/Santiago"}
    fair = next(ev for ev in cal.walk("VEVENT") if str(ev["SUMMARY"]) == "Fair")
    assert b"DTSTART;VALUE=DATE:20240829" in fair.to_ical()
    assert b"DTEND;VALUE=DATE:20240831" in fair.to_ical()
    assert body.count(b"RDATE:") == 0 or all(
        b"," not in line for line in body.split(b"\r\n") if line.startswith(b"RDATE")
    )


async def test_poll_round_trip_answers_304_and_etag_moves_only_on_change(
    client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    event = await create_event()
    first = await client.get(FEED)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = await client.get(FEED)
    assert again.headers["etag"] == etag
    assert again.content == first.content
    not_modified = await client.get(FEED, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert (await client.get(FEED, headers={"If-Modified-Since": modified})).status_code == 304
    await client.get(f"/api/events/{event['slug']}")  # a read changes nothing
    assert (await client.get(FEED, headers={"If-None-Match": etag})).status_code == 304
    patched = await client.patch(f"/api/events/{event['slug']}", json={"title": "Renamed"}, headers=admin_headers)
    assert patched.status_code == 200
    changed = await client.get(FEED, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert b"SUMMARY:Renamed" in changed.content


async def test_same_data_renders_the_same_bytes_in_a_fresh_process(
    client: AsyncTestClient[Litestar], create_event: EventFactory, settings: Settings
) -> None:
    await create_event(recurrence={"rrule": "FREQ=WEEKLY;COUNT=5"})
    first = await client.get(FEED)
    async with AsyncTestClient(app=create_app(settings), base_url="http://testserver.local") as other:
        second = await other.get(FEED)
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]


async def test_cancelled_event_stays_with_status_cancelled_and_higher_sequence(
    client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    event = await create_event()
    await client.post(f"/api/events/{event['slug']}/cancel", headers=admin_headers)
    vevent = icalendar.Calendar.from_ical((await client.get(FEED)).content).walk("VEVENT")[0]
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert int(vevent["SEQUENCE"]) == 1
    assert str(vevent["UID"]) == event["uid"]


async def test_join_link_never_reaches_public_feeds_but_livestream_does(
    client: AsyncTestClient[Litestar], create_event: EventFactory
) -> None:
    event = await create_event(
        attendance_mode="hybrid",
        online_url="https://meet.example.org/private-room",
        livestream_url="https://live.example.org/public",
    )
    for path in (FEED, f"/events/{event['slug']}.ics"):
        body = (await client.get(path)).content
        assert b"private-room" not in body
        assert b"live.example.org/public" in body.replace(b"\r\n ", b"")
        assert b"CONFERENCE;" in body


async def test_single_event_download_has_a_filename_and_its_own_etag(
    client: AsyncTestClient[Litestar], create_event: EventFactory
) -> None:
    event = await create_event()
    response = await client.get(f"/events/{event['slug']}.ics")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="{event["slug"]}.ics"'
    assert (
        await client.get(f"/events/{event['slug']}.ics", headers={"If-None-Match": response.headers["etag"]})
    ).status_code == 304
    assert (await client.get("/events/nope.ics")).status_code == 404


async def test_gzip_when_asked(client: AsyncTestClient[Litestar], create_event: EventFactory) -> None:
    for n in range(5):
        await create_event(title=f"Event {n}")
    plain = await client.get(FEED, headers={"Accept-Encoding": "identity"})
    zipped = await client.get(FEED, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers.get("content-encoding") == "gzip"
    assert zipped.headers["etag"] == plain.headers["etag"]
    assert zipped.content == plain.content  # httpx decodes; the bytes under gzip are the same feed


async def test_filters_and_window_apply_to_feeds(client: AsyncTestClient[Litestar], create_event: EventFactory) -> None:
    await create_event(title="Tagged", tags=["wiki-week"])
    await create_event(title="Other", start="2024-12-03T10:00:00", end="2024-12-03T11:00:00")
    tagged = icalendar.Calendar.from_ical((await client.get(FEED, params={"tag": "wiki-week"})).content)
    assert [str(e["SUMMARY"]) for e in tagged.walk("VEVENT")] == ["Tagged"]
    late = icalendar.Calendar.from_ical((await client.get(FEED, params={"from": "2024-11-01"})).content)
    assert [str(e["SUMMARY"]) for e in late.walk("VEVENT")] == ["Other"]
    bad = await client.get(FEED, params={"mode": "telepathy"})
    assert bad.status_code == 422


async def test_feed_past_days_drops_old_events_but_keeps_running_series(
    client: AsyncTestClient[Litestar], admin_headers: dict[str, str]
) -> None:
    await create_calendar(client, admin_headers, slug="short", name="Short memory", feed_past_days=30)
    body: dict[str, Any] = {"calendar": "short", "timezone": "UTC"}
    for title, start, end, rec in (
        ("Old", "2024-01-10T10:00:00", "2024-01-10T11:00:00", None),
        ("Recent", "2024-05-20T10:00:00", "2024-05-20T11:00:00", None),
        ("Open series", "2023-01-02T10:00:00", "2023-01-02T11:00:00", {"rrule": "FREQ=WEEKLY"}),
    ):
        response = await client.post(
            "/api/events",
            json={**body, "title": title, "start": start, "end": end, "recurrence": rec},
            headers=admin_headers,
        )
        assert response.status_code == 201, response.text
    cal = icalendar.Calendar.from_ical((await client.get("/calendars/short.ics")).content)
    assert sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT")) == ["Open series", "Recent"]


async def test_unknown_calendar_feed_is_404(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/calendars/nope.ics")
    assert response.status_code == 404
    assert "nope" in response.json()["detail"]


async def test_feed_queries_do_not_grow_with_events(
    app: Litestar, client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    await create_event()
    engine = app.state.engine.sync_engine
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        await client.get(FEED)
        with_one = len(statements)
        for n in range(15):
            await create_event(title=f"More {n}", recurrence={"rrule": "FREQ=DAILY;COUNT=3"})
        statements.clear()
        await client.get(FEED)
        with_sixteen = len(statements)
        statements.clear()
        etag = (await client.get(FEED)).headers["etag"]
        statements.clear()
        await client.get(FEED, headers={"If-None-Match": etag})
        on_poll = len(statements)
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)
    assert with_sixteen == with_one
    assert on_poll <= 2


TRICKY_TEXT = "Events, forums; courses \\ workshops\nand more"
TRICKY_ESCAPED = "Events\\, forums\\; courses \\\\ workshops\\nand more"


async def test_calendar_name_and_description_are_escaped_as_text(
    client: AsyncTestClient[Litestar], admin_headers: dict[str, str]
) -> None:
    await create_calendar(client, admin_headers, slug="tricky", name="Advocacy, policy; law", description=TRICKY_TEXT)
    body = (await client.get("/calendars/tricky.ics")).content
    lines = parsers.unfolded_lines(body)
    assert f"X-WR-CALDESC:{TRICKY_ESCAPED}" in lines
    assert f"DESCRIPTION:{TRICKY_ESCAPED}" in lines
    assert "X-WR-CALNAME:Advocacy\\, policy\\; law" in lines
    assert "NAME:Advocacy\\, policy\\; law" in lines
    assert parsers.calendar_text(body, "X-WR-CALDESC") == {"icalendar": TRICKY_TEXT, "vobject": TRICKY_TEXT}
    assert parsers.calendar_text(body, "X-WR-CALNAME") == {
        "icalendar": "Advocacy, policy; law",
        "vobject": "Advocacy, policy; law",
    }


async def test_single_event_download_escapes_its_title_as_calendar_name(
    client: AsyncTestClient[Litestar], create_event: EventFactory
) -> None:
    event = await create_event(title="Wiki, Week; Brussels")
    body = (await client.get(f"/events/{event['slug']}.ics")).content
    assert "X-WR-CALNAME:Wiki\\, Week\\; Brussels" in parsers.unfolded_lines(body)
    assert parsers.calendar_text(body, "X-WR-CALNAME")["vobject"] == "Wiki, Week; Brussels"
