"""Every staff route, found by walking the app, refuses what it must: no token, a bad, revoked or
expired token (401) and a token of the wrong role (403). A new route cannot forget its role:
the walk finds it, and the staff dependency refuses an endpoint that declares none."""

import re
from datetime import timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient
from sqlalchemy import update

from calendar_service.db.engine import create_engine, create_session_maker
from calendar_service.db.tables import StaffToken
from tests.conftest import FIXED_NOW
from tests.support.tokens import bearer, make_token

PATH_VALUES = {"int": "1", "str": "x"}


def staff_routes(app: Litestar) -> list[tuple[str, str, tuple[str, ...]]]:
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if "staff" not in handler.parsed_fn_signature.parameters:
                continue
            roles = tuple(handler.opt.get("roles", ()))
            path = re.sub(r"\{\w+:(\w+)\}", lambda m: PATH_VALUES[m.group(1)], route.path)
            for method in sorted(handler.http_methods):
                found.append((method, path, roles))
    return sorted(found)


def test_every_public_write_is_rate_limited(app: Litestar) -> None:
    """RATE_LIMIT covers every write a caller without a staff token can make (PRODUCT.md: public writes)."""
    public_writes = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            writes = set(handler.http_methods) & {"POST", "PUT", "PATCH", "DELETE"}
            if not writes or "staff" in handler.parsed_fn_signature.parameters:
                continue
            public_writes.append(route.path)
            assert handler.opt.get("rate_limited"), f"{sorted(writes)} {route.path} is a public write without a limit"
    assert len(public_writes) >= 12, public_writes


def wrong_role(roles: tuple[str, ...]) -> str:
    return next(r for r in ("reviewer", "organizer") if r not in roles and r != "admin")


async def call(client: AsyncTestClient[Litestar], method: str, path: str, headers: dict[str, str]) -> Any:
    body = None if method in ("GET", "DELETE") else {}
    return await client.request(method, path, headers=headers, json=body)


def test_every_staff_route_declares_its_roles_and_every_api_staff_path_needs_a_token(app: Litestar) -> None:
    routes = staff_routes(app)
    assert len(routes) >= 15, routes
    for method, path, roles in routes:
        assert roles, f"{method} {path} declares no roles"
        assert set(roles) <= {"admin", "organizer", "reviewer"}
    staff_paths = {path for _, path, _ in routes}
    for route in app.routes:
        if route.path.startswith("/api/staff"):
            concrete = re.sub(r"\{\w+:(\w+)\}", lambda m: PATH_VALUES[m.group(1)], route.path)
            assert concrete in staff_paths, f"{route.path} is under /api/staff but takes no staff token"


async def test_every_staff_route_refuses_missing_bad_revoked_expired_and_wrong_role_tokens(
    app: Litestar, client: AsyncTestClient[Litestar], clean_db: str, admin_headers: dict[str, str]
) -> None:
    revoked = await make_token(clean_db, "admin")
    expired = await make_token(clean_db, "admin")
    listed = (await client.get("/api/staff/tokens", headers=admin_headers)).json()["items"]
    revoked_id = next(t["id"] for t in listed if revoked.startswith(t["prefix"]) and t["prefix"] == revoked[:12])
    assert (await client.post(f"/api/staff/tokens/{revoked_id}/revoke", headers=admin_headers)).status_code == 200
    engine = create_engine(clean_db, pool=False)
    async with create_session_maker(engine)() as session, session.begin():
        await session.execute(
            update(StaffToken)
            .where(StaffToken.prefix == expired[:12])  # type: ignore[arg-type]
            .values(expires_at=FIXED_NOW - timedelta(seconds=1))
        )
    await engine.dispose()
    role_tokens = {role: await make_token(clean_db, role) for role in ("organizer", "reviewer")}

    refusals = {
        "no token": ({}, 401),
        "not bearer": ({"Authorization": "Basic abc"}, 401),
        "unknown token": ({"Authorization": "Bearer cst_not-a-real-token"}, 401),
        "revoked token": (bearer(revoked), 401),
        "expired token": (bearer(expired), 401),
    }
    checked = 0
    for method, path, roles in staff_routes(app):
        for case, (headers, status) in refusals.items():
            response = await call(client, method, path, headers)
            assert response.status_code == status, (
                f"{method} {path} with {case}: {response.status_code} {response.text}"
            )
            assert "token" in response.json()["detail"]
        other = wrong_role(roles)
        response = await call(client, method, path, bearer(role_tokens[other]))
        assert response.status_code == 403, f"{method} {path} as {other}: {response.status_code} {response.text}"
        assert "role" in response.json()["detail"]
        checked += 1
    assert checked == len(staff_routes(app))


async def test_tokens_expire_record_last_use_and_show_their_secret_once(
    client: AsyncTestClient[Litestar], admin_headers: dict[str, str], create_event: Any
) -> None:
    event = await create_event()
    created = await client.post(
        "/api/staff/tokens",
        headers=admin_headers,
        json={"name": "Ama (forum desk)", "role": "organizer", "calendars": ["test-cal"], "expires_in_days": 30},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["token"].startswith("cst_") and body["expires_at"] == "2024-07-01T12:00:00Z"
    assert body["last_used_at"] is None
    headers = bearer(body["token"])
    # Used on a successful request (a failed one rolls back, last use included).
    assert (await client.get(f"/api/staff/events/{event['slug']}/registrations", headers=headers)).status_code == 200
    listed = {t["id"]: t for t in (await client.get("/api/staff/tokens", headers=admin_headers)).json()["items"]}
    assert listed[body["id"]]["token"] is None, "the secret is shown once, never listed"
    assert listed[body["id"]]["last_used_at"] == "2024-06-01T12:00:00Z"
    assert listed[body["id"]]["calendars"] == ["test-cal"]
    typo = await client.post(
        "/api/staff/tokens",
        headers=admin_headers,
        json={"name": "x", "role": "organizer", "calendars": ["test-cal", "tset-cal"]},
    )
    assert typo.status_code == 422 and "'tset-cal'" in typo.json()["detail"]
    bad = await client.post(
        "/api/staff/tokens", headers=admin_headers, json={"name": "x", "role": "reviewer", "calendars": ["a"]}
    )
    assert bad.status_code == 422 and "organizer" in bad.json()["detail"]


@pytest.mark.parametrize("role", ["organizer", "reviewer"])
async def test_only_admins_manage_tokens_and_read_the_audit_log(
    client: AsyncTestClient[Litestar], token_factory: Any, role: str
) -> None:
    headers = await token_factory(role)
    for method, path in (("GET", "/api/staff/tokens"), ("POST", "/api/staff/tokens"), ("GET", "/api/staff/audit")):
        response = await call(client, method, path, headers)
        assert response.status_code == 403, (method, path, response.text)


async def test_calendars_are_created_by_admins_and_organizers_for_all_calendars(
    client: AsyncTestClient[Litestar], token_factory: Any
) -> None:
    """PRODUCT.md: POST /api/calendars is for staff; a scoped organizer could not edit what it made."""
    body = {"name": "Community weeks", "timezone": "Europe/Brussels"}
    everywhere = await token_factory("organizer")
    made = await client.post("/api/calendars", json={**body, "slug": "weeks"}, headers=everywhere)
    assert made.status_code == 201, made.text
    scoped = await token_factory("organizer", ["weeks"])
    refused = await client.post("/api/calendars", json={**body, "slug": "other"}, headers=scoped)
    assert refused.status_code == 403 and "limited to calendars weeks" in refused.json()["detail"]
    reviewer = await token_factory("reviewer")
    assert (await client.post("/api/calendars", json={**body, "slug": "r"}, headers=reviewer)).status_code == 403
    listed = (await client.get("/api/calendars")).json()["items"]
    assert [c["slug"] for c in listed] == ["weeks"]
