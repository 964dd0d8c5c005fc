"""Factories shared by API and concurrency tests: a calendar and events created through the real app."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

EventFactory = Callable[..., Awaitable[dict[str, Any]]]


def event_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "calendar": "test-cal",
        "title": "Policy roundtable",
        "timezone": "Europe/Brussels",
        "start": "2024-10-03T10:00:00",
        "end": "2024-10-03T11:00:00",
    }
    body.update(overrides)
    return body


@pytest.fixture
async def calendar(client: AsyncTestClient[Litestar], admin_headers: dict[str, str]) -> dict[str, Any]:
    response = await client.post(
        "/api/calendars",
        json={"slug": "test-cal", "name": "Test calendar", "timezone": "Europe/Brussels"},
        headers=admin_headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.fixture
def create_event(
    client: AsyncTestClient[Litestar], admin_headers: dict[str, str], calendar: dict[str, Any]
) -> EventFactory:
    async def factory(**overrides: Any) -> dict[str, Any]:
        response = await client.post("/api/events", json=event_body(**overrides), headers=admin_headers)
        assert response.status_code == 201, response.text
        return dict(response.json())

    return factory


async def occurrences(client: AsyncTestClient[Litestar], **params: str) -> list[dict[str, Any]]:
    response = await client.get("/api/events", params=params)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])
