"""Attendee-export benchmark: 100,000 registrations as CSV, XLSX and JSON over HTTP, next to `sqlite3 -csv`.

    .venv/bin/python -m bench.exports [--rows 100000] [--runs 3]

Starts uvicorn (one worker, RATE_LIMIT=0) on a fresh SQLite file, creates one
event with three custom questions through the API, registers one person
through the API (its raw row is the model for the storage format of every
other row: timestamps, booleans, the answers' JSON), then inserts the other
registrations directly with sqlite3 (names in four scripts with emoji; mostly
confirmed, some waitlisted, some cancelled). Then, round by round so the
machine's noise falls on every contender alike, it times:

- `GET /api/staff/events/{slug}/attendees?format=csv|xlsx|json`, streamed to
  nowhere (bytes counted), with the server process's peak RSS growth during
  the download: VmHWM after resetting it through /proc/PID/clear_refs (exact),
  and VmRSS sampled every 10 ms (a cross-check), both minus VmRSS before;
- `sqlite3 -csv -header` over the same rows and the same columns the export's
  query reads, its stdout read through a pipe the same way, and its peak RSS
  (GNU time's %M) minus that of `sqlite3 … "SELECT 1"`.

Targets (issue): CSV within 2x of the sqlite3 command line; peak memory growth < 50 MB.
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from bench.export_reference import differing_rows, same_output_sql
from bench.support import admin_token, free_port
from calendar_service.db.migrate import upgrade
from calendar_service.settings import normalize_database_url

FORMATS = ("csv", "xlsx", "json")
ZONE = "America/Santiago"  # summer time starts on 6 September 2026, amid the registrations
# The columns calendar_service.exports.attendees reads (COLUMNS), in its order and with its filter.
SQLITE_COLUMNS = "id, name, email, status, attendance_mode, scholarship, created_at, confirmed_at, attended_at, answers"
LANGUAGES = ["en", "fr", "ar", "hi", "zh"]
QUESTIONS = [
    {"key": "affiliation", "label": "Affiliation / المؤسسة", "type": "text"},
    {"key": "diet", "label": "Diet", "type": "choice", "options": ["none", "vegetarian", "vegan", "halal"]},
    {"key": "languages", "label": "Languages", "type": "multi_choice", "options": LANGUAGES},
]
GIVEN = [
    "مريم",
    "أحمد",
    "يوسف",
    "प्रिया",
    "राहुल",
    "अनन्या",
    "李",
    "王",
    "张",
    "Zoë",
    "José",
    "Ana María",
    "Oluwaseun",
]
FAMILY = ["العلي", "حداد", "शर्मा", "पटेल", "伟", "芳", "O'Brien", "Müller", "Nkrumah", "García"]
EMOJI = ["", "", "", " 🎉", " 🌍", " 👩🏽‍💻"]
AFFILIATIONS = [
    "Paradigm Initiative",
    "Wikimedia Ghana User Group",
    "جامعة القاهرة",
    "IIT दिल्ली",
    "清华大学",
    "=1+1",
    "",
]


def set_up_event(client: httpx.Client) -> tuple[str, int]:
    """A calendar, one hybrid event with three questions, and one registration made by the API."""
    client.post("/api/calendars", json={"slug": "bench", "name": "Bench"}).raise_for_status()
    event = client.post(
        "/api/events",
        json={
            "calendar": "bench",
            "title": "Export benchmark 🎉",
            "timezone": ZONE,
            "start": "2027-03-01T10:00:00",
            "end": "2027-03-01T12:00:00",
            "attendance_mode": "hybrid",
            "capacity": 1_000_000,
            "registration": {"questions": QUESTIONS},
        },
    )
    event.raise_for_status()
    slug = event.json()["slug"]
    made = client.post(
        f"/api/events/{slug}/registrations",
        json={
            "name": "مريم O'Brien 🎉",
            "email": "Model.Person@Example.org",
            "consent": True,
            "attendance_mode": "in_person",
            "answers": {"affiliation": "清华大学", "diet": "vegan", "languages": ["ar", "en"]},
        },
    )
    made.raise_for_status()
    return slug, 1


def storage_formats(db: Path) -> tuple[Callable[[datetime], str], Callable[[object], str], int]:
    """Read the API-made row raw and return (timestamp text, answers text, event id) as SQLite stores them."""
    with closing(sqlite3.connect(db)) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM registration ORDER BY id LIMIT 1").fetchone()
    raw_ts, raw_answers = row["created_at"], row["answers"]
    assert isinstance(raw_ts, str) and isinstance(raw_answers, str), (raw_ts, raw_answers)
    instant = datetime.fromisoformat(raw_ts).replace(tzinfo=UTC)

    def ts(value: datetime) -> str:
        text = value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        return text + raw_ts[26:]  # whatever suffix (none, or an offset) the type writes

    def answers(value: object) -> str:
        return json.dumps(value)

    assert ts(instant) == raw_ts, f"timestamp format differs: ours {ts(instant)!r}, stored {raw_ts!r}"
    assert answers(json.loads(raw_answers)) == raw_answers, f"answers format differs: {raw_answers!r}"
    assert row["scholarship"] == 0 and row["consent"] == 1, "booleans are not stored as 0/1"
    return ts, answers, int(row["event_id"])


def bulk_insert(db: Path, event_id: int, count: int) -> dict[str, int]:
    """`count` registrations straight into the table, in the API's storage format; returns status counts."""
    ts, dump, _ = storage_formats(db)
    rng = random.Random(100_000)
    start = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    rows = []
    statuses: dict[str, int] = {}
    seats = online = 0
    for n in range(count):
        name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}{rng.choice(EMOJI)}"
        email = f"Person.{n}@example.org"
        key = email.lower()
        roll = rng.random()
        status = "confirmed" if roll < 0.8 else "waitlisted" if roll < 0.92 else "cancelled"
        statuses[status] = statuses.get(status, 0) + 1
        mode = "in_person" if rng.random() < 0.7 else "online"
        created = start + timedelta(seconds=17 * n, microseconds=rng.randrange(1_000_000))
        confirmed = created if status == "confirmed" else None
        attended = created + timedelta(days=180) if status == "confirmed" and rng.random() < 0.3 else None
        if status == "confirmed":
            seats += mode == "in_person"
            online += mode == "online"
        picked = set(rng.sample(LANGUAGES, rng.randrange(0, 3)))
        langs = [code for code in LANGUAGES if code in picked]  # the API keeps the options' order
        answers = {"affiliation": rng.choice(AFFILIATIONS), "diet": rng.choice(QUESTIONS[1]["options"])}
        if langs:
            answers["languages"] = langs
        digest = hashlib.sha256(f"bench-{n}".encode()).hexdigest()
        rows.append(
            (
                event_id,
                digest,
                digest[::-1][:43],
                name,
                email,
                key,
                None if status == "cancelled" else key,
                mode,
                dump(answers),
                1,
                status,
                int(status == "confirmed"),
                ts(created),
                ts(created),
                ts(created) if status == "waitlisted" else None,
                None if confirmed is None else ts(confirmed),
                ts(created + timedelta(days=3)) if status == "cancelled" else None,
                None if attended is None else ts(attended),
                int(status == "confirmed" and rng.random() < 0.02),
            )
        )
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.executemany(
            "INSERT INTO registration (event_id, token_hash, feed_token, name, email, email_key, active_email,"
            " attendance_mode, answers, consent, status, holds_seat, created_at, updated_at, waitlisted_at,"
            " confirmed_at, cancelled_at, attended_at, scholarship)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.execute(
            "UPDATE event SET seats_taken = seats_taken + ?, online_taken = online_taken + ? WHERE id = ?",
            (seats, online, event_id),
        )
    return statuses


def _status_kib(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    raise LookupError(field)


class RssWatch:
    """Peak RSS of a process over a block: VmHWM after a reset (exact) and VmRSS sampled every 10 ms."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.can_reset = True
        self.before = self.sampled = self.hwm = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "RssWatch":
        try:
            Path(f"/proc/{self.pid}/clear_refs").write_text("5")  # 5: reset the peak RSS (VmHWM)
        except OSError:
            self.can_reset = False
        self.before = self.sampled = _status_kib(self.pid, "VmRSS:")
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            self.sampled = max(self.sampled, _status_kib(self.pid, "VmRSS:"))

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join()
        self.sampled = max(self.sampled, _status_kib(self.pid, "VmRSS:"))
        self.hwm = _status_kib(self.pid, "VmHWM:") if self.can_reset else self.sampled

    @property
    def growth_mib(self) -> float:
        return (max(self.hwm, self.sampled) - self.before) / 1024

    @property
    def sampled_growth_mib(self) -> float:
        return (self.sampled - self.before) / 1024


def http_export(client: httpx.Client, slug: str, fmt: str, pid: int) -> tuple[float, int, int, RssWatch]:
    with RssWatch(pid) as watch:
        t0 = time.perf_counter()
        with client.stream("GET", f"/api/staff/events/{slug}/attendees", params={"format": fmt}) as response:
            response.raise_for_status()
            size = sum(len(chunk) for chunk in response.iter_raw(65536))
        seconds = time.perf_counter() - t0
    return seconds, size, int(response.headers["x-export-rows"]), watch


def run_sqlite3(db: Path, sql: str) -> tuple[float, int, int]:
    """`sqlite3 -csv -header DB SQL`, stdout read through a pipe: (seconds, bytes, peak RSS in KiB).

    The peak comes from GNU time (`%M`) when /usr/bin/time exists: the RSS high-water mark of a child
    forked from this (large) Python process starts at our own RSS, one forked from `time` does not.
    """
    gnu_time = Path("/usr/bin/time").exists()
    command = ["sqlite3", "-csv", "-header", str(db), sql]
    if gnu_time:
        command = ["/usr/bin/time", "-f", "%M", *command]
    t0 = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    size = 0
    while chunk := proc.stdout.read(65536):
        size += len(chunk)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode()
    proc.stdout.close()
    proc.stderr.close()
    assert proc.returncode == 0, (proc.returncode, err)
    return seconds, size, int(err.split()[-1]) if gnu_time else usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000, help="registrations in the event (one made by the API)")
    parser.add_argument("--runs", type=int, default=3, help="rounds; each round runs every contender once")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-exports-"))
    database_url = normalize_database_url(f"sqlite:///{workdir / 'bench.db'}")
    db = Path(make_url(database_url).database or "")
    upgrade(database_url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": database_url, "BASE_URL": base, "RATE_LIMIT": "0"}
    token = admin_token(env)
    # No --workers: uvicorn serves in the process it was started as, so the Popen pid is the server's.
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "calendar_service.asgi:app", "--port", str(port), "--log-level", "warning"],
        env=env,
        start_new_session=True,
    )
    times: dict[str, list[float]] = {k: [] for k in (*FORMATS, "sqlite3", "same")}
    growth: dict[str, list[float]] = {k: [] for k in FORMATS}
    sampled: dict[str, list[float]] = {k: [] for k in FORMATS}
    sizes: dict[str, int] = {}
    exported: dict[str, int] = {}
    try:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
            for _ in range(300):
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            slug, made = set_up_event(client)
            _, _, event_id = storage_formats(db)
            t0 = time.perf_counter()
            statuses = bulk_insert(db, event_id, args.rows - made)
            statuses["confirmed"] = statuses.get("confirmed", 0) + made  # the API-made one
            load_s = time.perf_counter() - t0
            rss_start = _status_kib(server.pid, "VmRSS:") / 1024
            sql = f"SELECT {SQLITE_COLUMNS} FROM registration WHERE event_id = {event_id} ORDER BY id"
            same_sql = same_output_sql(db, event_id, ZONE, QUESTIONS)
            base_rss = run_sqlite3(db, "SELECT 1")[2]
            sqlite_peak: list[float] = []
            max_rss = 0
            for _ in range(args.runs):
                seconds, sizes["sqlite3"], peak = run_sqlite3(db, sql)
                max_rss = max(max_rss, peak)
                times["sqlite3"].append(seconds)
                sqlite_peak.append((peak - base_rss) / 1024)
                seconds, sizes["same"], _ = run_sqlite3(db, same_sql)
                times["same"].append(seconds)
                for fmt in FORMATS:
                    seconds, sizes[fmt], exported[fmt], watch = http_export(client, slug, fmt, server.pid)
                    times[fmt].append(seconds)
                    growth[fmt].append(watch.growth_mib)
                    sampled[fmt].append(watch.sampled_growth_mib)
            rss_end = _status_kib(server.pid, "VmRSS:") / 1024
            ours = client.get(f"/api/staff/events/{slug}/attendees", params={"format": "csv", "bom": "false"}).content
            theirs = subprocess.run(["sqlite3", "-csv", "-header", str(db), same_sql], capture_output=True, check=True)
            differing = differing_rows(ours, theirs.stdout)
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)

    print(
        f"attendee export benchmark — SQLite, uvicorn x1 worker, {args.rows:,} registrations of one event "
        f"(3 questions; {', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))}), "
        f"{args.runs} rounds"
    )
    print(f"  bulk insert (sqlite3 executemany, one transaction): {load_s:.1f} s")
    print(f"  {'':<22} {'rows':>8} {'output':>10} {'best':>8} {'median':>8} {'rows/s':>9} {'peak RSS growth':>22}")
    for key in ("sqlite3", "same", *FORMATS):
        best, median = min(times[key]), statistics.median(times[key])
        label = {"sqlite3": "sqlite3 -csv -header", "same": "sqlite3, same cells"}.get(key, f"GET ?format={key}")
        rows = args.rows if key in ("sqlite3", "same") else exported[key]
        if key == "same":
            memory = "-"
        elif key == "sqlite3":
            memory = f"{max(sqlite_peak):.1f} MiB (peak {max_rss / 1024:.1f})"
        else:
            memory = f"{max(growth[key]):.1f} MiB (10 ms: {max(sampled[key]):.1f})"
        print(
            f"  {label:<22} {rows:>8,} {sizes[key] / 1e6:>7.1f} MB {best:>6.2f} s {median:>6.2f} s "
            f"{rows / median:>9,.0f} {memory:>22}"
        )
    ratio_best = min(times["csv"]) / min(times["sqlite3"])
    ratio_median = statistics.median(times["csv"]) / statistics.median(times["sqlite3"])
    worst = max(max(v) for v in growth.values())
    print(f"  csv / sqlite3: best {ratio_best:.2f}, median {ratio_median:.2f} (target <= 2)")
    same_best = min(times["csv"]) / min(times["same"])
    same_median = statistics.median(times["csv"]) / statistics.median(times["same"])
    print(
        f"  csv / sqlite3 printing the same cells (bench/export_reference.py): best {same_best:.2f}, "
        f"median {same_median:.2f}; rows whose cells differ between the two: {differing}"
    )
    print(f"  server peak RSS growth, worst of all exports: {worst:.1f} MiB (target < 50 MB)")
    print(f"  server RSS before the first export {rss_start:.0f} MiB, after the last {rss_end:.0f} MiB")
    print(f"  per-run growth (MiB): {', '.join(f'{k} {[round(g, 1) for g in v]}' for k, v in growth.items())}")
    print(f"  per-run seconds: {', '.join(f'{k} {[round(t, 2) for t in v]}' for k, v in times.items())}")


if __name__ == "__main__":
    main()
