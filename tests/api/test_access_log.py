"""A real server's access log after a walk through every token route holds none of the tokens."""

import asyncio
from pathlib import Path

import httpx

from calendar_service.db.migrate import upgrade
from tests.support.factories import event_body
from tests.support.server import Server
from tests.support.tokens import bearer, make_token


def test_no_token_reaches_the_access_log(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'log.db'}"
    upgrade(url)
    admin = bearer(asyncio.run(make_token(url, "admin")))
    server = Server(url, tmp_path / "server.log", workers=1)
    try:
        server.start()
        with httpx.Client(base_url=server.url, timeout=30, trust_env=False) as http:
            http.post("/api/calendars", json={"slug": "test-cal", "name": "Test"}, headers=admin).raise_for_status()
            slug = http.post(
                "/api/events",
                json=event_body(start="2030-10-03T10:00:00", end="2030-10-03T11:00:00", capacity=5),
                headers=admin,
            ).json()["slug"]
            reg = http.post(
                f"/api/events/{slug}/registrations", json={"name": "Ana", "email": "ana@example.org", "consent": True}
            ).json()
            token, feed = reg["token"], reg["feed_url"].rsplit("/", 1)[1]
            secrets = {token, feed.removesuffix(".ics")}
            for path in (f"/api/registrations/{token}", f"/registrations/{token}", f"/feeds/{feed}"):
                assert http.get(path).status_code == 200
            assert http.post(f"/api/registrations/{token}/cancel").status_code == 200
            assert http.get("/api/registrations/confirm/" + "Zz" * 21).status_code in (404, 405)
    finally:
        server.stop()
    log = (tmp_path / "server.log").read_text()
    assert "[redacted]" in log
    for secret in secrets:
        assert secret not in log, f"a token reached the log: {secret[:6]}…"
