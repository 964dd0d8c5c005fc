"""Feed benchmark: 5,000 events (a fifth recurring), served by uvicorn over real HTTP.

Reports, in one run: cold render (first request after start), re-render after
one edit, warm full feed, 304 poll, and the same bytes from a static file on
the same server; the ratio warm/static is the figure that matters.

    make bench            # or: .venv/bin/python -m bench.feeds [--events 5000] [--requests 200]

DATABASE_URL selects the database (default: a fresh SQLite file in a temp dir).
"""

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.support import free_port
from calendar_service.calendars.schemas import CalendarCreate
from calendar_service.calendars.service import CalendarService
from calendar_service.db.engine import create_engine, create_session_maker
from calendar_service.db.migrate import upgrade
from calendar_service.domain.access import Staff
from calendar_service.events.schemas import EventCreate, Recurrence
from calendar_service.events.service import EventService
from calendar_service.settings import normalize_database_url

ZONES = [
    "Europe/Brussels",
    "America/New_York",
    "America/Mexico_City",
    "Africa/Accra",
    "Asia/Bangkok",
    "Africa/Johannesburg",
    "America/Indiana/Indianapolis",
    "Australia/Sydney",
    "Asia/Kathmandu",
    "UTC",
]
ADMIN = Staff(id=0, name="bench", role="admin")


async def load(database_url: str, count: int, base_url: str) -> None:
    engine = create_engine(database_url, pool=False)
    rng = random.Random(5000)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    async with create_session_maker(engine)() as session, session.begin():
        await CalendarService(session, base_url, now).create(
            CalendarCreate(slug="bench", name="Benchmark calendar", timezone="UTC"), ADMIN
        )
        events = EventService(session, base_url, now)
        for n in range(count):
            start = datetime(2024, 1, 1, 9) + timedelta(  # noqa: DTZ001 - a local wall time
                days=rng.randrange(0, 730), hours=rng.randrange(0, 9)
            )
            recurring = n % 5 == 0
            await events.create(
                EventCreate(
                    calendar="bench",
                    title=f"Event {n}: policy, knowledge; and more 🎉",
                    description="A description long enough to fold across several lines. " * 3,
                    timezone=ZONES[n % len(ZONES)],
                    start=start.isoformat(),
                    end=(start + timedelta(hours=1, minutes=30)).isoformat(),
                    recurrence=Recurrence(rrule="FREQ=WEEKLY;COUNT=12") if recurring else None,
                    tags=["bench", f"t{n % 7}"],
                    languages=["en"],
                    slug=f"event-{n}",
                ),
                ADMIN,
            )
    await engine.dispose()


def timed(client: httpx.Client, url: str, n: int, headers: dict[str, str] | None = None) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        response = client.get(url, headers=headers or {})
        out.append((time.perf_counter() - t0) * 1000)
        assert response.status_code in (200, 304), response.status_code
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-feeds-"))
    database_url = normalize_database_url(os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    upgrade(database_url)
    t0 = time.perf_counter()
    asyncio.run(load(database_url, args.events, base))
    load_s = time.perf_counter() - t0
    static_dir = workdir / "static"
    static_dir.mkdir()
    env = {**os.environ, "DATABASE_URL": database_url, "BASE_URL": base, "BENCH_STATIC_DIR": str(static_dir)}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bench.feed_app:app", "--port", str(port), "--log-level", "warning"],
        env=env,
    )
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            for _ in range(200):
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            feed = "/calendars/bench.ics"
            t0 = time.perf_counter()
            cold = client.get(feed)
            cold_ms = (time.perf_counter() - t0) * 1000
            (static_dir / "bench.ics").write_bytes(cold.content)
            etag = cold.headers["etag"]
            for _ in range(20):  # warm-up both paths
                client.get(feed)
                client.get("/static-bench/bench.ics")
            identity = {"Accept-Encoding": "identity"}
            gzip = {"Accept-Encoding": "gzip"}
            warm = timed(client, feed, args.requests, identity)
            static = timed(client, "/static-bench/bench.ics", args.requests, identity)
            warm_gz = timed(client, feed, args.requests, gzip)
            static_gz = timed(client, "/static-bench/bench.ics", args.requests, gzip)
            polls = timed(client, feed, args.requests, {"If-None-Match": etag})
            health = timed(client, "/health", args.requests)
            token_free_edit = asyncio.run(_edit(database_url, base))
            t0 = time.perf_counter()
            after_edit = client.get(feed)
            rerender_ms = (time.perf_counter() - t0) * 1000
            assert after_edit.headers["etag"] != etag and token_free_edit
    finally:
        server.terminate()
        server.wait(timeout=30)
    backend = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    size = len(cold.content)
    print(
        f"feed benchmark — {backend}, {args.events} events ({args.events // 5} weekly series), "
        f"feed {size / 1e6:.2f} MB, {args.requests} sequential requests each over HTTP/1.1 keep-alive"
    )
    print(f"  load (service layer, one transaction): {load_s:.1f} s")
    print(f"  cold render (first request after start): {cold_ms:.1f} ms")
    print(f"  re-render after one edit:                {rerender_ms:.1f} ms")
    print(f"  warm full feed   median {statistics.median(warm):.2f} ms  p95 {_p95(warm):.2f} ms")
    print(f"  static same size median {statistics.median(static):.2f} ms  p95 {_p95(static):.2f} ms")
    print(f"  warm feed, gzip  median {statistics.median(warm_gz):.2f} ms  p95 {_p95(warm_gz):.2f} ms")
    print(f"  static, gzip     median {statistics.median(static_gz):.2f} ms  p95 {_p95(static_gz):.2f} ms")
    print(f"  304 poll         median {statistics.median(polls):.2f} ms  p95 {_p95(polls):.2f} ms")
    print(f"  /health (floor: one DB round trip) median {statistics.median(health):.2f} ms")
    print(
        f"  warm / static ratio (medians): identity {statistics.median(warm) / statistics.median(static):.2f}, "
        f"gzip {statistics.median(warm_gz) / statistics.median(static_gz):.2f}"
    )


def _p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95) - 1]


async def _edit(database_url: str, base: str) -> bool:
    """Change one event the way the API does (new title) so the next poll must re-render."""
    from calendar_service.events.schemas import EventUpdate

    engine = create_engine(database_url, pool=False)
    async with create_session_maker(engine)() as session, session.begin():
        await EventService(session, base, datetime.now(UTC)).update("event-1", EventUpdate(title="Edited"), ADMIN)
    await engine.dispose()
    return True


if __name__ == "__main__":
    main()
