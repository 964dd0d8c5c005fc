"""A real server process and a real Chromium for every browser test, both gone at teardown.

The server is `uvicorn calendar_service.asgi:app` (tests/support/server.py) on
its own SQLite file under the test's tmp_path, migrated first; the browser is
Debian's Chromium (`$CHROMIUM`, default /usr/bin/chromium) driven by
Playwright's sync API, with a fresh profile directory. No browser download,
ever. Browser tests are plain sync functions: the sync API refuses to run
inside an event loop.

Without Chromium the tests skip, saying so, except under CI=true, where that
is a failure.
"""

import asyncio
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import ConsoleMessage, Error, Page, sync_playwright

from calendar_service.db.migrate import upgrade
from tests.conftest import IN_CI
from tests.support.server import Server
from tests.support.tokens import bearer, make_token

CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
# The machine's network is closed: without the background-networking flags Chromium keeps
# calling Google's hosts at start-up and its refused connections fill the log.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWER_ZONE = "Asia/Tokyo"  # the reader's zone, so the page's "your time" line differs from the event's


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    """Keep each phase's report on the item, so fixtures know at teardown whether the test failed."""
    report: pytest.TestReport = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


def _failed(request: pytest.FixtureRequest) -> bool:
    reports = request.node.stash.get(_REPORTS, {})
    return any(report.failed for report in reports.values())


@pytest.fixture(scope="session")
def chromium() -> str:
    if not os.access(CHROMIUM, os.X_OK):
        message = f"Chromium not found at {CHROMIUM} (`make install-dev` installs Debian's): browser tests NOT RUN"
        if IN_CI:
            pytest.fail(message + " — under CI this is a failure", pytrace=False)
        pytest.skip(message)
    return CHROMIUM


@dataclass
class Site:
    """The running server, an HTTP client for the JSON API, and an admin's headers."""

    server: Server
    http: httpx.Client
    admin: dict[str, str]
    created: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    def post(self, path: str, body: dict[str, Any], staff: bool = True) -> dict[str, Any]:
        response = self.http.post(path, json=body, headers=self.admin if staff else None)
        assert response.status_code == 201, f"POST {path}: {response.status_code} {response.text}"
        return dict(response.json())

    def get(self, path: str, staff: bool = False) -> dict[str, Any]:
        response = self.http.get(path, headers=self.admin if staff else None)
        assert response.status_code == 200, f"GET {path}: {response.status_code} {response.text}"
        return dict(response.json())

    def calendar(self, slug: str, name: str, timezone: str = "UTC") -> dict[str, Any]:
        return self.post("/api/calendars", {"slug": slug, "name": name, "timezone": timezone})

    def event(self, **body: Any) -> dict[str, Any]:
        return self.post("/api/events", body)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'browser.db'}"
    upgrade(url)
    admin = bearer(asyncio.run(make_token(url, "admin")))
    server = Server(url, tmp_path / "server.log", workers=1)
    try:
        server.start()
        with httpx.Client(base_url=server.url, timeout=30, trust_env=False) as http:
            yield Site(server, http, admin)
    finally:
        print(f"--- server log (access lines left out):\n{server.log_excerpt()}")  # shown when the test failed
        server.stop()
        assert not server.running, "the server process survived teardown"


@dataclass
class Browser:
    """A page plus everything it logged: console errors and uncaught exceptions fail the test."""

    page: Page
    errors: list[str]

    def assert_no_console_errors(self) -> None:
        assert not self.errors, "console errors:\n" + "\n".join(self.errors)


def _console_error(errors: list[str]) -> Any:
    def record(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{message.text} ({json.dumps(message.location)})")

    return record


@pytest.fixture
def browser(chromium: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path / "chromium-profile",  # a fresh, empty profile for every test
            executable_path=chromium,
            headless=True,
            args=CHROMIUM_ARGS,
            locale="en-US",
            timezone_id=VIEWER_ZONE,
            accept_downloads=True,
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            errors: list[str] = []
            page.on("console", _console_error(errors))
            page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
            yield Browser(page, errors)
            if _failed(request):
                shot = tmp_path / "failure.png"
                try:
                    page.screenshot(path=shot, full_page=True)
                    print(f"screenshot of the page at failure: {shot} ({page.url})")
                except Error as exc:
                    print(f"no screenshot: {exc}")
        finally:
            context.close()
