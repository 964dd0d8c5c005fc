"""Factories shared by API and concurrency tests: calendars, events, registrations and the outbox, all
through the real API.

The functions take any httpx.AsyncClient: the in-process test client (`client`) or a client of a
real server (tests/concurrency). The fixtures build on the suite's `client` and `admin_headers`.
"""

from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from calendar_service.cli.fixtures import load_fixtures
from calendar_service.db.engine import create_engine, create_session_maker
from calendar_service.settings import Settings

EventFactory = Callable[..., Awaitable[dict[str, Any]]]

FIXTURES_DIR = Path(__file__).resolve().parents[2] / "fixtures"


# --------------------------------------------------------------------------- calendars and events


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


async def create_calendar(http: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    """POST /api/calendars with this body; it must be created."""
    response = await http.post("/api/calendars", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.fixture
async def calendar(client: AsyncTestClient[Litestar], admin_headers: dict[str, str]) -> dict[str, Any]:
    return await create_calendar(
        client, admin_headers, slug="test-cal", name="Test calendar", timezone="Europe/Brussels"
    )


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


@pytest.fixture
async def seeded(clean_db: str) -> str:
    """The database with fixtures/ loaded (the calendars and events `make run` starts with)."""
    engine = create_engine(clean_db, pool=False)
    async with create_session_maker(engine)() as session, session.begin():
        await load_fixtures(session, FIXTURES_DIR, Settings(database_url=clean_db, base_url="http://testserver.local"))
    await engine.dispose()
    return clean_db


# --------------------------------------------------------------------------- registrations


def person(n: int, **extra: Any) -> dict[str, Any]:
    """A registration body for person number n (consent given); `extra` adds or replaces fields."""
    return {"name": f"Person {n}", "email": f"p{n}@example.org", "consent": True, **extra}


async def register(http: httpx.AsyncClient, slug: str, body: dict[str, Any], **headers: str) -> httpx.Response:
    """POST a registration for the event; the caller checks the answer."""
    return await http.post(f"/api/events/{slug}/registrations", json=body, headers=headers)


async def register_all(http: httpx.AsyncClient, slug: str, bodies: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Register each body in turn; every one must be accepted (201). Returns the answers."""
    answers = []
    for body in bodies:
        response = await register(http, slug, body)
        assert response.status_code == 201, response.text
        answers.append(dict(response.json()))
    return answers


async def staff_registrations(http: httpx.AsyncClient, slug: str, headers: dict[str, str]) -> dict[str, Any]:
    """The staff listing of an event's registrations (items and counts)."""
    response = await http.get(f"/api/staff/events/{slug}/registrations", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


# --------------------------------------------------------------------------- the outbox


async def outbox_messages(http: httpx.AsyncClient, headers: dict[str, str], **params: str) -> list[dict[str, Any]]:
    """The messages in the outbox (sent or waiting), newest first; `params` filter (recipient=…, kind=…)."""
    response = await http.get("/api/staff/outbox", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])
