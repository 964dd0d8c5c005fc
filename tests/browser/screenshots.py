"""`make screenshots`: the main pages at desktop (1280 px) and phone (390 px) width, into docs/screenshots/.

A fresh server on its own SQLite file with fixtures/ loaded and one demo event
in 2027 (hybrid, with places, questions and a scholarship program), opened in
Debian's Chromium as a visitor in Asia/Tokyo would. Pictures for the README and
for looking at the pages as a person does; not a test.
"""

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import sync_playwright

from calendar_service.cli.fixtures import load_fixtures
from calendar_service.db.engine import create_engine, create_session_maker
from calendar_service.db.migrate import upgrade
from calendar_service.settings import Settings
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWER_ZONE
from tests.support.factories import FIXTURES_DIR
from tests.support.server import Server
from tests.support.tokens import bearer, make_token

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {"desktop": 1280, "phone": 390}
DEMO: dict[str, Any] = {
    "calendar": "global-advocacy",
    "slug": "community-networks-forum-2027",
    "title": "Community Networks Forum 2027",
    "description": "Two days on community networks, digital inclusion and the policies that let them grow.",
    "timezone": "Africa/Accra",
    "start": "2027-04-20T09:00:00",
    "end": "2027-04-20T17:00:00",
    "attendance_mode": "hybrid",
    "location": {"name": "Kofi Annan ICT Centre", "city": "Accra", "country": "GH", "lat": 5.5526, "lon": -0.1995},
    "livestream_url": "https://live.example.org/cnf-2027",
    "online_url": "https://meet.example.org/cnf-2027",
    "languages": ["en"],
    "hosts": ["Paradigm Initiative", "Wikimedia Foundation"],
    "capacity": 40,
    "registration": {
        "online_capacity": 200,
        "questions": [
            {"key": "organisation", "label": "Organisation", "required": True},
            {"key": "diet", "label": "Dietary needs", "type": "choice", "options": ["none", "vegetarian", "halal"]},
        ],
    },
    "translations": {"es": {"title": "Foro de Redes Comunitarias 2027"}},
}
PROGRAM: dict[str, Any] = {
    "budget": {"amount": "20000.00", "currency": "USD"},
    "opens_at": "2026-11-01T00:00:00",
    "closes_at": "2027-02-28T23:59:00",
    "award_items": ["travel", "lodging"],
    "criteria": [{"key": "relevance", "label": "Relevance", "weight": 1, "min": 0, "max": 10}],
    "max_per_item": {"travel": "1500.00", "lodging": "600.00"},
}


def seed(url: str) -> None:
    async def work() -> None:
        engine = create_engine(url)
        async with create_session_maker(engine)() as session, session.begin():
            await load_fixtures(session, FIXTURES_DIR, Settings(database_url=url, base_url="http://127.0.0.1"))
        await engine.dispose()

    asyncio.run(work())


def main(out: Path = OUT) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'screens.db'}"
        upgrade(url)
        seed(url)
        admin = bearer(asyncio.run(make_token(url, "admin")))
        server = Server(url, Path(tmp) / "server.log", workers=1).start()
        try:
            with httpx.Client(base_url=server.url, timeout=30, trust_env=False) as http:
                http.post("/api/events", json=DEMO, headers=admin).raise_for_status()
                http.put(f"/api/staff/events/{DEMO['slug']}/scholarship-program", json=PROGRAM, headers=admin)
            pages = {
                "home": "/",
                "events-past": "/events?when=past",
                "calendar": "/calendars/global-advocacy",
                "event-series": "/events/diplomado-politica-publica-sociedades-digitales-2024",
                "event-register": f"/events/{DEMO['slug']}",
                "apply": f"/events/{DEMO['slug']}/apply",
            }
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for kind, width in WIDTHS.items():
                    for lang in ("en", "es"):
                        context = browser.new_context(
                            viewport={"width": width, "height": 900}, timezone_id=VIEWER_ZONE, locale=lang
                        )
                        page = context.new_page()
                        for name, path in pages.items():
                            if lang == "es" and name not in ("home", "event-series", "event-register"):
                                continue
                            joiner = "&" if "?" in path else "?"
                            page.goto(f"{server.url}{path}{joiner}lang={lang}")
                            page.screenshot(path=str(out / f"{name}-{lang}-{kind}.png"), full_page=True)
                        context.close()
                browser.close()
        finally:
            server.stop()
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
