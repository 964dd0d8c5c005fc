"""Listing occurrences in a window: the seed calendar at the right hours, filters, viewer zones."""

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.factories import EventFactory, occurrences

YEAR_2024 = {"from": "2024-01-01", "to": "2025-01-01"}


async def test_seed_events_appear_at_the_right_utc_times(client: AsyncTestClient[Litestar], seeded: str) -> None:
    items = await occurrences(client, **YEAR_2024)
    first = {o["slug"]: o for o in reversed(items)}
    commons = first["power-of-the-commons-2024"]
    assert (commons["start_utc"], commons["end_utc"]) == ("2024-09-21T15:15:00Z", "2024-09-21T16:30:00Z")
    assert commons["utc_offset"] == "-04:00"
    assert first["wiki-week-brussels-2024"]["start_utc"] == "2024-10-28T09:00:00Z"
    assert first["wiki-week-indianapolis-2024"]["start_utc"] == "2024-10-31T17:00:00Z"
    assert first["wiki-week-johannesburg-2024"]["start_utc"] == "2024-10-29T07:00:00Z"
    assert first["wiki-week-bangkok-2024"]["start_utc"] == "2024-10-30T02:00:00Z"
    assert (first["drif-2024"]["start"], first["drif-2024"]["end"]) == ("2024-04-23", "2024-04-25")
    diplomado = [o for o in items if o["slug"].startswith("diplomado")]
    assert len(diplomado) == 16
    assert {o["start_utc"][11:] for o in diplomado} == {"23:00:00Z"}
    assert diplomado[0]["start"] == "2024-09-05T17:00:00"
    assert diplomado[-1]["start"] == "2024-12-19T17:00:00"
    assert [o["start_utc"] for o in items] == sorted(o["start_utc"] for o in items)


async def test_viewer_zone_adds_local_times_with_offset(client: AsyncTestClient[Litestar], seeded: str) -> None:
    items = await occurrences(client, **YEAR_2024, tz="America/Los_Angeles", tag="summit-of-the-future")
    assert [(o["start_in_tz"], o["end_in_tz"]) for o in items] == [
        ("2024-09-21T08:15:00-07:00", "2024-09-21T09:30:00-07:00")
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"tag": "wiki-week"}, 4),
        ({"tag": "wiki-week", "country": "TH"}, 1),
        ({"country": "th,be"}, 3),
        ({"lang": "es"}, 17),
        ({"mode": "online"}, 16),
        ({"calendar": "global-advocacy", "tag": "africa"}, 2),
    ],
)
async def test_filters_narrow_the_listing(
    client: AsyncTestClient[Litestar], seeded: str, params: dict[str, str], expected: int
) -> None:
    assert len(await occurrences(client, **YEAR_2024, **params)) == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"tz": "Mars/Olympus"}, "tz"),
        ({"from": "yesterday"}, "from"),
        ({"mode": "telepathy"}, "mode"),
        ({"from": "2024-01-01", "to": "2023-01-01"}, "to"),
        ({"from": "2000-01-01", "to": "2030-01-02"}, "to"),
        ({"country": "ZZ"}, "country"),
        ({"limit": "0"}, "limit"),
    ],
)
async def test_bad_window_or_filter_is_422_naming_it(
    client: AsyncTestClient[Litestar], params: dict[str, str], field: str
) -> None:
    response = await client.get("/api/events", params=params)
    assert response.status_code == 422, response.text
    assert response.json()["detail"].startswith(field)


async def test_unknown_calendar_filter_is_404(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/api/events", params={"calendar": "nope"})
    assert response.status_code == 404


async def test_weekly_brussels_series_keeps_10_local_across_dst_end(
    client: AsyncTestClient[Litestar], create_event: EventFactory
) -> None:
    await create_event(recurrence={"rrule": "FREQ=WEEKLY;COUNT=6"})
    items = await occurrences(client, **YEAR_2024)
    assert [o["start"][11:] for o in items] == ["10:00:00"] * 6
    assert [o["start_utc"] for o in items] == [
        "2024-10-03T08:00:00Z",
        "2024-10-10T08:00:00Z",
        "2024-10-17T08:00:00Z",
        "2024-10-24T08:00:00Z",
        "2024-10-31T09:00:00Z",
        "2024-11-07T09:00:00Z",
    ]


async def test_window_overlap_includes_events_running_across_the_start(
    client: AsyncTestClient[Litestar], create_event: EventFactory
) -> None:
    await create_event(start="2024-10-03T10:00:00", end="2024-10-03T12:00:00")
    assert len(await occurrences(client, **{"from": "2024-10-03T09:30:00Z", "to": "2024-10-03T09:31:00Z"})) == 1
    assert await occurrences(client, **{"from": "2024-10-03T10:00:00Z", "to": "2024-10-04T00:00:00Z"}) == []
    assert len(await occurrences(client, **{"from": "2024-10-03", "to": "2024-10-04", "tz": "Europe/Brussels"})) == 1


async def test_listing_is_paged_with_next_from(client: AsyncTestClient[Litestar], create_event: EventFactory) -> None:
    await create_event(recurrence={"rrule": "FREQ=DAILY;COUNT=10"})
    first = (await client.get("/api/events", params={**YEAR_2024, "limit": "4"})).json()
    assert len(first["items"]) == 4
    assert first["truncated"] is True
    assert first["next_from"] == "2024-10-07T08:00:00Z"
    rest = await occurrences(client, **{"from": first["next_from"], "to": "2025-01-01", "limit": "100"})
    assert rest[0]["original_start"] == "2024-10-07T10:00:00"
    assert len(rest) == 6
