"""Group commit changes nothing anyone is told: the same requests decided in one batch and one by one
give the same answers and leave the same rows (random request mixes, reproducible seeds, both databases).

Two events with the same settings get the same sequence of requests: the first all at once (they
reach the desk together and share one transaction), the second one request at a time. Duplicate
addresses, bad addresses, missing consent, both attendance modes, missing required answers and
repeated Idempotency-Keys (same and different bodies) are mixed in.
"""

import asyncio
import hashlib
import json
import random
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from calendar_service.errors import DomainError
from calendar_service.registrations.batch import RegistrationDesk, Ticket
from calendar_service.registrations.schemas import RegistrationCreate
from tests.support.factories import EventFactory, staff_registrations

QUESTIONS = [
    {"key": "diet", "label": "Dietary needs", "type": "choice", "options": ["none", "vegan"], "required": True}
]


def random_settings(rng: random.Random) -> dict[str, Any]:
    registration: dict[str, Any] = {"waitlist": rng.random() < 0.7, "questions": QUESTIONS}
    if rng.random() < 0.5:
        registration["online_capacity"] = rng.randint(0, 3)
    if rng.random() < 0.3:
        registration["requires_confirmation"] = True
    return {
        "capacity": rng.choice([None, 1, 2, 4]),
        "attendance_mode": rng.choice(["in_person", "hybrid"]),
        "registration": registration,
    }


def random_requests(rng: random.Random, count: int) -> list[tuple[dict[str, Any], str | None]]:
    requests = []
    for _ in range(count):
        n = rng.randint(0, count // 2)  # repeated people
        body: dict[str, Any] = {"name": f"Person {n}", "email": f"P{n}@Example.org", "consent": True}
        if rng.random() < 0.5:
            body["email"] = body["email"].lower()  # the same person, another spelling
        if rng.random() < 0.08:
            body["email"] = f"person {n} at example"
        if rng.random() < 0.08:
            body["consent"] = False
        body["attendance_mode"] = rng.choice(["in_person", "in_person", "online"])
        if rng.random() < 0.9:
            body["answers"] = {"diet": rng.choice(["none", "vegan"])}
        key = f"key-{rng.randint(0, 3)}" if rng.random() < 0.3 else None
        requests.append((body, key))
    return requests


def ticket(body: dict[str, Any], key: str | None) -> Ticket:
    raw = json.dumps(body).encode()
    data = msgspec.json.decode(raw, type=RegistrationCreate)
    return Ticket.received(data, key, hashlib.sha256(raw).hexdigest())


def told(outcome: tuple[int, bytes] | BaseException) -> Any:
    """What a person learns, without what must differ between two events (secrets, links, the event)."""
    if isinstance(outcome, DomainError):
        return (type(outcome).__name__, outcome.message, outcome.field)
    if isinstance(outcome, BaseException):
        return ("unexpected", repr(outcome))
    code, body = outcome
    read = json.loads(body)
    return (code, read["status"], read["waitlist_position"], read["email"], read["attendance_mode"], read["answers"])


async def decide(desk: RegistrationDesk, slug: str, tickets: list[Ticket], together: bool) -> list[Any]:
    async def one(t: Ticket) -> Any:
        try:
            return told(await desk.register(slug, t))
        except Exception as exc:
            return told(exc)

    if together:
        return list(await asyncio.gather(*(one(t) for t in tickets)))
    return [await one(t) for t in tickets]


async def rows(client: AsyncTestClient[Litestar], slug: str, headers: dict[str, str]) -> Any:
    listing = await staff_registrations(client, slug, headers)
    people = [
        (i["status"], i["waitlist_position"], i["email"], i["attendance_mode"], i["answers"])
        for i in sorted(listing["items"], key=lambda item: item["id"])
    ]
    return people, listing["seats_taken"], listing["online_taken"], listing["waitlisted"]


@pytest.mark.parametrize("seed", range(20))
async def test_one_batch_tells_everyone_what_one_by_one_would(
    seed: int,
    app: Litestar,
    client: AsyncTestClient[Litestar],
    create_event: EventFactory,
    admin_headers: dict[str, str],
) -> None:
    rng = random.Random(seed)
    settings = random_settings(rng)
    requests = random_requests(rng, rng.randint(8, 24))
    together = await create_event(title=f"Together {seed}", **settings)
    alone = await create_event(title=f"Alone {seed}", **settings)
    desk: RegistrationDesk = app.state.registration_desk

    batched = await decide(desk, together["slug"], [ticket(*r) for r in requests], together=True)
    assert desk.largest_batch > 1, "the requests should have been decided together"
    sequential = await decide(desk, alone["slug"], [ticket(*r) for r in requests], together=False)

    for index, (got, expected) in enumerate(zip(batched, sequential, strict=True)):
        assert got == expected, f"seed {seed}, settings {settings}, request {index}: {requests[index]}"
    assert await rows(client, together["slug"], admin_headers) == await rows(client, alone["slug"], admin_headers)
