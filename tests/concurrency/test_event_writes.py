"""Concurrent writers on one event or one title: no lost update, no duplicate, no 5xx."""

import asyncio

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.factories import EventFactory, event_body


async def test_concurrent_time_changes_each_raise_sequence_exactly_once(
    client: AsyncTestClient[Litestar], create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    event = await create_event()

    async def move(hour: int) -> int:
        response = await client.patch(
            f"/api/events/{event['slug']}",
            json={"start": f"2024-10-03T{hour:02d}:00:00", "end": f"2024-10-03T{hour:02d}:30:00"},
            headers=admin_headers,
        )
        return response.status_code

    statuses = await asyncio.gather(*(move(hour) for hour in range(1, 21)))
    assert statuses == [200] * 20
    final = (await client.get(f"/api/events/{event['slug']}")).json()
    assert final["sequence"] == 20


async def test_concurrent_creates_with_one_title_all_get_distinct_slugs(
    client: AsyncTestClient[Litestar], calendar: dict[str, object], admin_headers: dict[str, str]
) -> None:
    async def create() -> tuple[int, str]:
        response = await client.post("/api/events", json=event_body(title="Wiki week"), headers=admin_headers)
        return response.status_code, response.json().get("slug", response.text)

    results = await asyncio.gather(*(create() for _ in range(10)))
    assert [status for status, _ in results] == [201] * 10
    slugs = {slug for _, slug in results}
    assert slugs == {"wiki-week", *(f"wiki-week-{n}" for n in range(2, 11))}
