"""Registration races against REAL server processes (uvicorn, several workers), on SQLite and PostgreSQL.

No test client and no shared event loop: every request crosses a socket to
separate processes that only share the database, the way production runs.
"""

import asyncio
import os
import signal
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import anyio
import httpx
import pytest

from tests.support.factories import create_calendar, event_body, register, staff_registrations
from tests.support.server import Server, ServerPool, http_client

pytestmark = pytest.mark.slow

ACTIVE_STATES = ("confirmed", "waitlisted")


async def start(servers: ServerPool, workers: int = 2) -> Server:
    return await anyio.to_thread.run_sync(lambda: servers.start(workers))


async def create_event(http: httpx.AsyncClient, admin: dict[str, str], capacity: int) -> str:
    await create_calendar(http, admin, slug="race-cal", name="Races", timezone="Europe/Brussels")
    body = event_body(
        calendar="race-cal",
        title="Crowded workshop",
        start="2030-10-03T10:00:00",
        end="2030-10-03T12:00:00",
        capacity=capacity,
    )
    event = await http.post("/api/events", json=body, headers=admin)
    assert event.status_code == 201, event.text
    return str(event.json()["slug"])


@dataclass
class Outcome:
    n: int
    email: str
    status_code: int  # 0: no HTTP answer (transport error)
    body: Any

    @property
    def text(self) -> str:
        return f"#{self.n} {self.email}: {self.status_code} {self.body!r}"[:600]


async def race(http: httpx.AsyncClient, slug: str, n: int) -> Outcome:
    """Racer n registers; a transport error is an outcome too."""
    email = f"racer{n}@example.org"
    try:
        response = await register(http, slug, {"name": f"Racer {n}", "email": email, "consent": True})
    except httpx.TransportError as exc:
        return Outcome(n, email, 0, repr(exc))
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    return Outcome(n, email, response.status_code, body)


def waitlist_in_order(listing: dict[str, Any]) -> list[dict[str, Any]]:
    waiting = [item for item in listing["items"] if item["status"] == "waitlisted"]
    return sorted(waiting, key=lambda item: item["waitlist_position"])


def assert_positions_are_1_to_n(listing: dict[str, Any], n: int) -> None:
    positions = sorted(item["waitlist_position"] for item in listing["items"] if item["status"] == "waitlisted")
    assert positions == list(range(1, n + 1)), f"waitlist positions with gaps or repeats: {positions}"
    others = [item for item in listing["items"] if item["status"] != "waitlisted" and item["waitlist_position"]]
    assert not others, f"positions on people not waiting: {others[:5]}"
    assert listing["waitlisted"] == n


async def test_200_simultaneous_registrations_for_50_seats_confirm_exactly_50(
    servers: ServerPool, admin: dict[str, str], backend: str
) -> None:
    server = await start(servers, workers=2)
    async with http_client(server) as http:
        slug = await create_event(http, admin, capacity=50)

        began = time.perf_counter()
        outcomes = await asyncio.gather(*(race(http, slug, n) for n in range(200)))
        elapsed = time.perf_counter() - began
        print(f"[{backend}] 200 concurrent registrations in {elapsed:.2f} s ({200 / elapsed:.0f}/s), 2 workers")

        broken = [o.text for o in outcomes if o.status_code == 0 or o.status_code >= 500]
        assert not broken, f"{len(broken)} of 200 got 5xx/no answer:\n" + "\n".join(broken[:10])
        refused = [o.text for o in outcomes if o.status_code != 201]
        assert not refused, f"{len(refused)} of 200 not created:\n" + "\n".join(refused[:10])
        told = Counter(o.body["status"] for o in outcomes)
        assert told == {"confirmed": 50, "waitlisted": 150}, told

        listing = await staff_registrations(http, slug, admin)
        assert len(listing["items"]) == 200
        assert (listing["capacity"], listing["seats_taken"]) == (50, 50)
        stored = {item["email"]: item for item in listing["items"]}
        mismatched = [
            (o.email, o.body["status"], stored[o.email]["status"])
            for o in outcomes
            if stored[o.email]["status"] != o.body["status"]
        ]
        assert not mismatched, f"told one status, stored another: {mismatched[:10]}"
        assert_positions_are_1_to_n(listing, 150)
        # Nobody left yet, so the position each person was told is still their position.
        misinformed = [
            (o.email, o.body["waitlist_position"], stored[o.email]["waitlist_position"])
            for o in outcomes
            if o.body["waitlist_position"] != stored[o.email]["waitlist_position"]
        ]
        assert not misinformed, f"{len(misinformed)} were told another waitlist position: {misinformed[:10]}"

        # Cancel 10 confirmed seats at once: the first 10 on the waitlist, and only they, move up.
        waitlist_before = [item["email"] for item in waitlist_in_order(listing)]
        tokens = {o.email: o.body["token"] for o in outcomes}
        leaving = [o.email for o in outcomes if o.body["status"] == "confirmed"][::5]
        assert len(leaving) == 10

        async def cancel(email: str) -> tuple[int, Any]:
            response = await http.post(f"/api/registrations/{tokens[email]}/cancel")
            return response.status_code, response.json() if response.status_code < 500 else response.text

        cancels = await asyncio.gather(*(cancel(email) for email in leaving))
        assert [code for code, _ in cancels] == [200] * 10, cancels
        assert [body["status"] for _, body in cancels] == ["cancelled"] * 10

        after = await staff_registrations(http, slug, admin)
        assert (after["capacity"], after["seats_taken"]) == (50, 50)
        statuses = {item["email"]: item["status"] for item in after["items"]}
        assert Counter(statuses.values()) == {"confirmed": 50, "waitlisted": 140, "cancelled": 10}
        assert {email for email in leaving if statuses[email] == "cancelled"} == set(leaving)
        promoted = {email for email, status in statuses.items() if status == "confirmed"} - {
            o.email for o in outcomes if o.body["status"] == "confirmed"
        }
        assert promoted == set(waitlist_before[:10]), (
            f"promoted {sorted(promoted)}; first ten waiting were {waitlist_before[:10]}"
        )
        assert_positions_are_1_to_n(after, 140)
        assert [item["email"] for item in waitlist_in_order(after)] == waitlist_before[10:], "waitlist order changed"

        # What each person sees through their own link agrees with the staff view.
        async def own_view(email: str) -> dict[str, Any]:
            response = await http.get(f"/api/registrations/{tokens[email]}")
            assert response.status_code == 200, response.text
            return dict(response.json())

        views = await asyncio.gather(*(own_view(email) for email in waitlist_before))
        positions = {item["email"]: item["waitlist_position"] for item in after["items"]}
        for email, view in zip(waitlist_before, views, strict=True):
            assert (view["status"], view["waitlist_position"]) == (statuses[email], positions[email]), email


async def test_every_acknowledged_registration_survives_sigkill(
    servers: ServerPool, admin: dict[str, str], backend: str
) -> None:
    total, concurrency, kill_after = 300, 20, 120
    server = await start(servers, workers=2)
    async with http_client(server) as http:
        slug = await create_event(http, admin, capacity=100)

    acknowledged: dict[str, Outcome] = {}  # token -> the 201 we were given
    outcomes: list[Outcome] = []
    enough = asyncio.Event()
    killed = False
    numbers = iter(range(total))

    async def worker(http: httpx.AsyncClient) -> None:
        for n in numbers:
            if killed:
                return
            outcome = await race(http, slug, n)
            outcomes.append(outcome)
            if outcome.status_code == 201:
                acknowledged[outcome.body["token"]] = outcome
                if len(acknowledged) >= kill_after:
                    enough.set()

    async with http_client(server) as http:
        began = time.perf_counter()
        load = asyncio.gather(*(worker(http) for _ in range(concurrency)))
        with anyio.fail_after(60):
            await enough.wait()
        os.killpg(server.pgid, signal.SIGKILL)  # supervisor and workers, mid-load, no cleanup
        killed = True
        at_kill = time.perf_counter() - began
        acked_at_kill = len(acknowledged)
        await load
    await anyio.to_thread.run_sync(server.kill)  # reap; the whole group is gone
    print(
        f"[{backend}] {acked_at_kill} acknowledged in {at_kill:.2f} s ({acked_at_kill / at_kill:.0f}/s) "
        "before SIGKILL; "
        f"{len(acknowledged)} acknowledged in all, {sum(o.status_code == 0 for o in outcomes)} cut off"
    )
    broken = [o.text for o in outcomes if o.status_code >= 500 or o.status_code not in (0, 201)]
    assert not broken, f"{len(broken)} answers other than 201 before the kill:\n" + "\n".join(broken[:10])
    assert len(outcomes) < total, "the load finished before the kill; nothing was tested"
    assert any(o.status_code == 0 for o in outcomes), "no request was in flight at the kill"

    restarted = await start(servers, workers=2)
    async with http_client(restarted) as http:

        async def read(token: str) -> tuple[str, int, Any]:
            response = await http.get(f"/api/registrations/{token}")
            return token, response.status_code, response.json() if response.status_code < 500 else response.text

        reads = await asyncio.gather(*(read(token) for token in acknowledged))
        lost = [(acknowledged[token].email, code, body) for token, code, body in reads if code != 200]
        assert not lost, f"{len(lost)} of {len(acknowledged)} acknowledged registrations lost: {lost[:10]}"
        changed = [
            (acknowledged[token].email, acknowledged[token].body["status"], body["status"])
            for token, _, body in reads
            if body["status"] != acknowledged[token].body["status"] or body["status"] not in ACTIVE_STATES
        ]
        assert not changed, f"acknowledged status changed across the crash: {changed[:10]}"

        # The seat counter and the rows were written together: no half-committed registration.
        listing = await staff_registrations(http, slug, admin)
        confirmed = sum(item["status"] == "confirmed" for item in listing["items"])
        waiting = sum(item["status"] == "waitlisted" for item in listing["items"])
        assert listing["seats_taken"] == confirmed <= 100, (listing["seats_taken"], confirmed)
        assert confirmed + waiting == len(listing["items"]) >= len(acknowledged)
        assert_positions_are_1_to_n(listing, waiting)

        # And the database still takes writes after the crash.
        after = await race(http, slug, total)
        assert after.status_code == 201, after.text
