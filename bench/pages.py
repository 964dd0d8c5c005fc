"""Pages benchmark: the front page, /events, the archive, a calendar page and an event page with 5,000 events
(a fifth of them weekly series), served by uvicorn over real HTTP.

Reports, in one run, warm p50 and p90 per page (one connection, one request at a time: latency, not
throughput) and the number of SQL statements each page runs (counted in-process on the same database
with SQLAlchemy's `before_cursor_execute`). The client is `wrk` when installed (Debian: `apt-get
install wrk`), else a tight httpx loop; the report says which.

    make bench            # or: .venv/bin/python -m bench.pages [--events 5000] [--seconds 5]

DATABASE_URL selects the database (default: a fresh SQLite file in a temp dir).
"""

import argparse
import asyncio
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from litestar.testing import AsyncTestClient
from sqlalchemy import event

from bench.feeds import ADMIN, ZONES
from bench.support import fresh_service, wait_until_healthy
from calendar_service.app import create_app
from calendar_service.calendars.schemas import CalendarCreate
from calendar_service.calendars.service import CalendarService
from calendar_service.db.engine import create_engine, create_session_maker
from calendar_service.events.schemas import EventCreate, Recurrence
from calendar_service.events.service import EventService
from calendar_service.settings import Settings

PAGES = {
    "/": "/",
    "/events": "/events",
    "/events?when=past": "/events?when=past",
    "calendar page": "/calendars/bench",
    "event page": "/events/event-1",
}


async def load(database_url: str, count: int, base_url: str) -> None:
    """`count` events from a year ago to a year ahead of today, so the upcoming and past lists both fill."""
    engine = create_engine(database_url, pool=False)
    rng = random.Random(5000)
    now = datetime.now(UTC)
    today = datetime(now.year, now.month, now.day, 9)  # noqa: DTZ001 - a local wall time
    async with create_session_maker(engine)() as session, session.begin():
        await CalendarService(session, base_url, now).create(
            CalendarCreate(slug="bench", name="Benchmark calendar", timezone="UTC"), ADMIN
        )
        events = EventService(session, base_url, now)
        for n in range(count):
            start = today + timedelta(days=rng.randrange(-365, 365), hours=rng.randrange(0, 9))
            await events.create(
                EventCreate(
                    calendar="bench",
                    title=f"Event {n}: policy, knowledge; and more",
                    description="A description long enough to fold across several lines. " * 3,
                    timezone=ZONES[n % len(ZONES)],
                    start=start.isoformat(),
                    end=(start + timedelta(hours=1, minutes=30)).isoformat(),
                    recurrence=Recurrence(rrule="FREQ=WEEKLY;COUNT=12") if n % 5 == 0 else None,
                    tags=["bench", f"t{n % 7}"],
                    languages=["en"],
                    slug=f"event-{n}",
                ),
                ADMIN,
            )
    await engine.dispose()


async def statements_per_page(database_url: str, base_url: str) -> dict[str, int]:
    app = create_app(Settings(database_url=database_url, base_url=base_url, rate_limit=0))
    counts: dict[str, int] = {}
    async with AsyncTestClient(app=app, base_url=base_url) as client:
        seen = [0]

        def count(*_: Any) -> None:
            seen[0] += 1

        for engine in (app.state.engine.sync_engine, app.state.read_engine.sync_engine):
            event.listen(engine, "before_cursor_execute", count)
        for name, path in PAGES.items():
            for _ in range(3):  # warm: caches, catalogs, templates
                await client.get(path)
            before = seen[0]
            response = await client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            counts[name] = seen[0] - before
    return counts


def with_wrk(url: str, seconds: int) -> tuple[float, float, int]:
    out = subprocess.run(
        ["wrk", "-t1", "-c1", f"-d{seconds}s", "--latency", url], capture_output=True, text=True, check=True
    ).stdout

    def ms(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        assert match, out
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return ms("50"), ms("90"), requests


def with_httpx(client: httpx.Client, path: str, seconds: int) -> tuple[float, float, int]:
    times: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        t0 = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    cuts = statistics.quantiles(times, n=10)
    return statistics.median(times), cuts[8], len(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    service = fresh_service("bench-pages-")
    t0 = time.perf_counter()
    asyncio.run(load(service.database_url, args.events, service.base))
    print(f"loaded {args.events} events ({args.events // 5} weekly series of 12) in {time.perf_counter() - t0:.0f} s")
    counts = asyncio.run(statements_per_page(service.database_url, service.base))
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "calendar_service.asgi:app",
            "--port",
            str(service.port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=service.env,
    )
    client_name = "wrk (1 thread, 1 connection)" if shutil.which("wrk") else "httpx loop (1 connection)"
    try:
        wait_until_healthy(service.base)
        with httpx.Client(base_url=service.base, timeout=60) as client:
            for path in PAGES.values():
                for _ in range(20):  # warm
                    assert client.get(path).status_code == 200, path
            print(f"client: {client_name}; database: {service.database_url.split(':')[0]}")
            print(f"{'page':<22}{'p50 ms':>8}{'p90 ms':>8}{'requests':>10}{'SQL':>5}")
            for name, path in PAGES.items():
                if shutil.which("wrk"):
                    p50, p90, n = with_wrk(service.base + path, args.seconds)
                else:
                    p50, p90, n = with_httpx(client, path, args.seconds)
                print(f"{name:<22}{p50:>8.2f}{p90:>8.2f}{n:>10}{counts[name]:>5}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
