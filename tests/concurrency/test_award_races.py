"""Simultaneous awards against one budget, through REAL server processes, on SQLite and PostgreSQL.

Forty-odd award requests at once over two uvicorn workers that share only the
database: the budget is never exceeded, the 201s add up to exactly what is
committed, and every refusal asked for more than was left.
"""

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import anyio
import httpx
import pytest

from tests.support.factories import create_calendar, event_body
from tests.support.server import ServerPool, http_client

pytestmark = pytest.mark.slow

BUDGET = Decimal("10000.00")


def local(instant: datetime) -> str:
    """A wall-clock time in Africa/Accra (UTC all year), as program windows are written."""
    return instant.astimezone(UTC).replace(tzinfo=None, microsecond=0).isoformat()


async def setup_program(http: httpx.AsyncClient, admin: dict[str, str], applicants: int) -> tuple[str, list[int]]:
    await create_calendar(http, admin, slug="race-cal", name="Races", timezone="Africa/Accra")
    body = event_body(
        calendar="race-cal",
        title="Forum with scholarships",
        timezone="Africa/Accra",
        start="2030-09-10T09:00:00",
        end="2030-09-10T17:00:00",
    )
    event = await http.post("/api/events", json=body, headers=admin)
    assert event.status_code == 201, event.text
    slug = str(event.json()["slug"])
    now = datetime.now(UTC)  # the servers run on the real clock
    program = {
        "budget": {"amount": str(BUDGET), "currency": "USD"},
        "opens_at": local(now - timedelta(days=1)),
        "closes_at": local(now + timedelta(days=30)),
        "award_items": ["travel"],
        "criteria": [{"key": "merit", "max": 10}],
    }
    put = await http.put(f"/api/staff/events/{slug}/scholarship-program", json=program, headers=admin)
    assert put.status_code == 200, put.text
    for n in range(applicants):
        application = {
            "name": f"Applicant {n}",
            "email": f"applicant{n}@example.org",
            "country": "GH",
            "motivation": "To take part",
            "requested": {"travel": "1000.00"},
            "consent": True,
        }
        response = await http.post(f"/api/events/{slug}/scholarship-applications", json=application)
        assert response.status_code == 201, response.text
    ranking = await http.get(f"/api/staff/events/{slug}/scholarship-applications", headers=admin)
    return slug, sorted(item["id"] for item in ranking.json()["items"])


async def test_simultaneous_awards_never_exceed_the_budget_and_the_201s_match_the_money(
    servers: ServerPool, admin: dict[str, str], backend: str
) -> None:
    server = await anyio.to_thread.run_sync(lambda: servers.start(2))
    async with http_client(server) as http:
        slug, ids = await setup_program(http, admin, applicants=36)
        # Amounts from 400 to 1000: no simple count of winners. The first six applications are
        # awarded twice at once with the same amount: the second is a re-award that moves nothing.
        requests = [(app_id, Decimal(400 + (n * 170) % 601)) for n, app_id in enumerate(ids)]
        requests += requests[:6]

        async def award(app_id: int, amount: Decimal) -> tuple[int, Decimal, int, Any]:
            response = await http.post(
                f"/api/staff/scholarship-applications/{app_id}/award",
                json={"amounts": {"travel": f"{amount:.2f}"}},
                headers=admin,
            )
            return (
                app_id,
                amount,
                response.status_code,
                response.json() if response.status_code < 500 else response.text,
            )

        outcomes = await asyncio.gather(*(award(app_id, amount) for app_id, amount in requests))
        codes = [code for _, _, code, _ in outcomes]
        assert set(codes) <= {201, 409}, [o for o in outcomes if o[2] not in (201, 409)][:5]
        assert codes.count(201) >= 10 and codes.count(409) >= 1, codes

        money = (await http.get(f"/api/staff/events/{slug}/scholarship-program/budget", headers=admin)).json()
        committed, remaining = Decimal(money["committed"]), Decimal(money["remaining"])
        assert committed <= BUDGET and committed + remaining == BUDGET, money
        ranking = (await http.get(f"/api/staff/events/{slug}/scholarship-applications", headers=admin)).json()
        awarded = {item["id"]: Decimal(item["award_total"]) for item in ranking["items"] if item["award_total"]}
        assert sum(awarded.values(), Decimal(0)) == committed, "the ledger and the awards agree"
        # Each awarded application holds the amount of one of its 201s (the last one to commit).
        granted: dict[int, set[Decimal]] = {}
        for app_id, amount, code, _ in outcomes:
            if code == 201:
                granted.setdefault(app_id, set()).add(amount)
        assert set(awarded) == set(granted)
        assert all(awarded[app_id] in granted[app_id] for app_id in awarded)
        refused = [(app_id, amount, body["detail"]) for app_id, amount, code, body in outcomes if code == 409]
        assert all("remains" in detail for _, _, detail in refused), refused[:3]
        # Commitments only grew while they raced, so anything refused asked for more than is left now.
        assert all(amount > remaining for _, amount, _ in refused), (remaining, refused)
        print(f"[{backend}] {len(requests)} simultaneous awards: {codes.count(201)} granted, {len(refused)} refused")
