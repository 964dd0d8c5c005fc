"""Registration benchmark: registrations per second under contention vs the database's raw commit rate.

    .venv/bin/python -m bench.registrations [--registrations 2000] [--concurrency 50 200] [--workers 2]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/DB .venv/bin/python -m bench.registrations

Starts uvicorn on a fresh database; for each concurrency level, creates one event
with capacity 100 and fires the registrations from that many concurrent clients (so both confirmed and waitlisted
paths run, all contending for one event row), then measures, in the same run,
a loop of single-row INSERT + COMMIT on the same database with its plain
driver: the ceiling any durable write path has. Target: >= half of it.
"""

import argparse
import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg
from sqlalchemy.engine import make_url

from bench.loadgen import Request, fire
from bench.support import fresh_service, wait_until_healthy


def raw_commit_rate(database_url: str, n: int) -> float:
    """Single-row INSERT + COMMIT per iteration, one connection: commits per second."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        conn = sqlite3.connect(url.database or "", isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")  # the service's settings: WAL, synchronous FULL (default)
        conn.execute("CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, v TEXT)")
        t0 = time.perf_counter()
        for i in range(n):
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO bench_raw (v) VALUES (?)", (f"row {i}",))
            conn.execute("COMMIT")
        elapsed = time.perf_counter() - t0
        conn.execute("DROP TABLE bench_raw")
        conn.close()
        return n / elapsed
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_raw (id serial PRIMARY KEY, v text)")
        conn.commit()
        t0 = time.perf_counter()
        for i in range(n):
            conn.execute("INSERT INTO bench_raw (v) VALUES (%s)", (f"row {i}",))
            conn.commit()
        elapsed = time.perf_counter() - t0
        conn.execute("DROP TABLE bench_raw")
        conn.commit()
    return n / elapsed


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU of every process in a process group (the server and its workers), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # after the command: state, ppid, pgrp, …, utime (12), stime (13)
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def set_up_event(base: str, token: str) -> str:
    headers = {"Authorization": f"Bearer {token}"}
    calendar = f"bench-{time.time_ns()}"  # a database used before (PostgreSQL) may hold earlier runs
    with httpx.Client(base_url=base, timeout=120, headers=headers) as client:
        client.post("/api/calendars", json={"slug": calendar, "name": "Bench"}).raise_for_status()
        event = client.post(
            "/api/events",
            json={
                "calendar": calendar,
                "title": "Contended event",
                "timezone": "Europe/Brussels",
                "start": "2027-03-01T10:00:00",
                "end": "2027-03-01T12:00:00",
                "capacity": 100,
            },
        )
        event.raise_for_status()
        return str(event.json()["slug"])


def run_load(port: int, slug: str, total: int, concurrency: int) -> tuple[float, float, dict[int, int], dict[str, int]]:
    """(seconds, client CPU seconds, responses by status code, outcomes by registration status)."""
    requests = [
        Request(
            "POST", f"/api/events/{slug}/registrations", {"name": f"P{n}", "email": f"p{n}@ex.org", "consent": True}
        )
        for n in range(total)
    ]
    cpu, t0 = time.process_time(), time.perf_counter()
    results = asyncio.run(fire("127.0.0.1", port, requests, concurrency))
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu
    codes: dict[int, int] = {}
    statuses: dict[str, int] = {}
    for code, body in results:
        codes[code] = codes.get(code, 0) + 1
        if code == 201:
            status = json.loads(body)["status"]
            statuses[status] = statuses.get(status, 0) + 1
    return elapsed, cpu, codes, statuses


def run_ceiling(port: int, total: int, concurrency: int) -> float:
    """The same client and concurrency against GET /health (one small read): the HTTP stack's own ceiling."""
    t0 = time.perf_counter()
    results = asyncio.run(fire("127.0.0.1", port, [Request("GET", "/health")] * total, concurrency))
    elapsed = time.perf_counter() - t0
    assert all(code == 200 for code, _ in results), "GET /health failed during the benchmark"
    return total / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--registrations", type=int, default=2000, help="per concurrency level")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[50, 200], help="concurrent clients")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    service = fresh_service("bench-reg-")
    database_url, port, base, env, token = service.database_url, service.port, service.base, service.env, service.token
    raw_before = raw_commit_rate(database_url, 2000)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "calendar_service.asgi:app",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        env=env,
        start_new_session=True,
    )
    levels = []
    try:
        wait_until_healthy(base)
        time.sleep(1.0 if args.workers > 1 else 0)  # let every worker finish starting
        for concurrency in args.concurrency:
            slug = set_up_event(base, token)
            cpu_before = group_cpu_seconds(server.pid)
            elapsed, client_cpu, codes, statuses = run_load(port, slug, args.registrations, concurrency)
            cpu_load = group_cpu_seconds(server.pid) - cpu_before
            cpu_before = group_cpu_seconds(server.pid)
            ceiling = run_ceiling(port, args.registrations, concurrency)
            cpu_ceiling = group_cpu_seconds(server.pid) - cpu_before
            levels.append((concurrency, elapsed, client_cpu, codes, statuses, cpu_load, ceiling, cpu_ceiling))
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    raw_after = raw_commit_rate(database_url, 2000)
    raw = max(raw_before, raw_after)  # the harder yardstick of the two
    backend = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    n = args.registrations
    print(
        f"registration benchmark — {backend}, uvicorn x{args.workers} workers, {n} registrations per level "
        f"for one event of capacity 100 (all contend for its row), each with its outbox message"
    )
    print(
        f"  raw single-row INSERT+COMMIT/s, same database, one connection, same run: {raw_before:.0f} before the "
        f"load, {raw_after:.0f} after; ratios use the higher, {raw:.0f}"
    )
    for concurrency, elapsed, client_cpu, codes, statuses, cpu_load, ceiling, cpu_ceiling in levels:
        rate = n / elapsed
        print(f"  {concurrency} concurrent clients:")
        print(f"    responses: {dict(sorted(codes.items()))}, outcomes: {dict(sorted(statuses.items()))}")
        print(
            f"    registrations/s: {rate:.0f}; ratio to raw commits: {rate / raw:.2f} (target >= 0.5); "
            f"GET /health/s (the HTTP stack's ceiling): {ceiling:.0f}; ratio to it: {rate / ceiling:.2f}"
        )
        print(
            f"    server CPU per request: registration {cpu_load / n * 1000:.2f} ms, GET /health "
            f"{cpu_ceiling / n * 1000:.2f} ms (all workers); client {client_cpu / n * 1000:.2f} ms"
        )


if __name__ == "__main__":
    main()
