"""`import-ics`: other organisations' .ics files become our events, and our feed serves the same instants."""

import asyncio
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from calendar_service.cli.runner import CliError
from calendar_service.cli.sources import fetch
from calendar_service.domain.ics_import import parse_ics
from tests.cli.helpers import ainvoke, invoke, table_rows
from tests.cli.test_cli import one_error_line
from tests.support.factories import FIXTURES_DIR
from tests.unit.domain.test_ics_import import DEFAULT_ZONE, SAMPLES, WINDOW, source_occurrences

CALENDAR = "global-advocacy"
FEED = f"/calendars/{CALENDAR}.ics"
SUMMARY = re.compile(r"(\d+) imported, (\d+) updated, (\d+) unchanged, (\d+) skipped")


def counts(stdout: str) -> tuple[int, ...]:
    found = SUMMARY.search(stdout.strip().splitlines()[-1])
    assert found, stdout
    return tuple(int(n) for n in found.groups())


def events_of(url: str) -> list[dict[str, object]]:
    return asyncio.run(table_rows(url))["event"]


@pytest.fixture
def calendar_db(clean_db: str) -> str:
    assert invoke("load-fixtures", "--dir", str(FIXTURES_DIR), database_url=clean_db).returncode == 0
    return clean_db


@pytest.fixture
def served() -> Iterator[dict[str, bytes]]:
    """A local HTTP server answering GET /<name> with the bytes put in the returned dict."""
    files: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = files.get(self.path.lstrip("/"))
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    files["__base__"] = f"http://127.0.0.1:{server.server_address[1]}".encode()
    yield files
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize("sample", ["google.ics", "outlook.ics", "apple.ics", "thunderbird.ics"])
async def test_imported_events_are_in_our_feed_at_the_same_utc_instants(
    client: AsyncTestClient[Litestar], clean_db: str, sample: str
) -> None:
    assert (await ainvoke("load-fixtures", "--dir", str(FIXTURES_DIR), database_url=clean_db)).returncode == 0
    source = (SAMPLES / sample).read_bytes()
    plan = parse_ics(source, calendar=CALENDAR, default_timezone=DEFAULT_ZONE)
    result = await ainvoke(
        "import-ics", str(SAMPLES / sample), "--calendar", CALENDAR, "--timezone", DEFAULT_ZONE, database_url=clean_db
    )
    assert result.returncode == 0, result.stderr
    assert counts(result.stdout) == (len(plan.events), 0, 0, len(plan.skipped))

    feed = await client.get(FEED)
    assert feed.status_code == 200
    compared = 0
    for event in plan.events:
        uid = event.body.get("uid")
        if not uid:
            continue
        expected = source_occurrences(source, uid, WINDOW, floating_zone=DEFAULT_ZONE)
        assert expected, uid
        assert source_occurrences(feed.content, uid, WINDOW) == expected, uid
        compared += 1
    assert compared


def test_importing_again_changes_nothing_and_a_changed_file_updates(
    calendar_db: str, tmp_path: Path, served: dict[str, bytes]
) -> None:
    sample = (SAMPLES / "google.ics").read_bytes()
    first = invoke("import-ics", str(SAMPLES / "google.ics"), "--calendar", CALENDAR, database_url=calendar_db)
    assert counts(first.stdout) == (2, 0, 0, 1)
    assert "FREQ=MINUTELY" in first.stdout  # the skipped event, with its reason
    before = {row["uid"]: row["sequence"] for row in events_of(calendar_db)}

    served["google.ics"] = sample
    url = f"{served['__base__'].decode()}/google.ics"
    again = invoke("import-ics", url, "--calendar", CALENDAR, database_url=calendar_db)
    assert again.returncode == 0, again.stderr
    assert counts(again.stdout) == (0, 0, 2, 1)
    assert {row["uid"]: row["sequence"] for row in events_of(calendar_db)} == before

    changed = tmp_path / "changed.ics"
    changed.write_bytes(re.sub(rb"SUMMARY:Wiki Week: editing session(\r?\n)", rb"SUMMARY:Editing session\1", sample))
    assert changed.read_bytes() != sample
    updated = invoke("import-ics", str(changed), "--calendar", CALENDAR, database_url=calendar_db)
    assert counts(updated.stdout) == (0, 1, 1, 1)
    assert "Editing session" in {row["title"] for row in events_of(calendar_db)}


def test_a_dry_run_reports_and_writes_nothing(calendar_db: str) -> None:
    before = events_of(calendar_db)
    result = invoke(
        "import-ics", str(SAMPLES / "outlook.ics"), "--calendar", CALENDAR, "--dry-run", database_url=calendar_db
    )
    assert result.returncode == 0, result.stderr
    assert counts(result.stdout) == (4, 0, 0, 1)
    assert result.stdout.strip().endswith("nothing was written")
    assert "CLASS:PRIVATE" in result.stdout
    assert events_of(calendar_db) == before


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("ftp://example.org/cal.ics", "only http(s) and webcal URLs"),
        ("fixtures/calendars.json", "not an iCalendar file"),
        ("{base}/missing.ics", "answered HTTP 404"),
    ],
)
def test_a_bad_source_is_one_line(calendar_db: str, served: dict[str, bytes], source: str, words: str) -> None:
    result = invoke(
        "import-ics", source.format(base=served["__base__"].decode()), "--calendar", CALENDAR, database_url=calendar_db
    )
    assert result.returncode != 0
    assert words in one_error_line(result.stderr)


def test_an_unknown_calendar_is_one_line(calendar_db: str) -> None:
    result = invoke("import-ics", str(SAMPLES / "apple.ics"), "--calendar", "nope", database_url=calendar_db)
    assert result.returncode == 2
    assert "no calendar 'nope'" in one_error_line(result.stderr)


def test_a_download_larger_than_the_cap_is_refused_while_streaming(served: dict[str, bytes]) -> None:
    served["big.ics"] = b"BEGIN:VCALENDAR\r\n" + b"X" * 5000
    with pytest.raises(CliError, match="larger than"):
        fetch(f"{served['__base__'].decode()}/big.ics", max_bytes=1000)
