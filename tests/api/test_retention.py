"""Retention erases exactly what it should: personal data of events past the retention, after folding
closed answers into per-event totals; the registrant's own erasure frees and promotes."""

from datetime import UTC, datetime
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from calendar_service.db.engine import create_engine, create_session_maker
from calendar_service.db.tables import OutboxMessage, Registration
from calendar_service.registrations.retention import RetentionReport, RetentionService
from calendar_service.settings import Settings
from tests.support.factories import outbox_messages, register, staff_registrations

QUESTIONS = [
    {"key": "diet", "label": "Diet", "type": "choice", "options": ["none", "halal"]},
    {"key": "affiliation", "label": "Affiliation", "type": "text"},
]


async def run_retention(url: str, settings: Settings, now: datetime, days: int, dry_run: bool) -> RetentionReport:
    engine = create_engine(url, pool=False)
    try:
        async with create_session_maker(engine)() as session, session.begin():
            return await RetentionService(session, settings, now).run(days, dry_run=dry_run)
    finally:
        await engine.dispose()


async def rows(url: str) -> list[Registration]:
    engine = create_engine(url, pool=False)
    try:
        async with create_session_maker(engine)() as session:
            stmt = select(Registration).order_by(Registration.id)
            return list((await session.scalars(stmt)).all())
    finally:
        await engine.dispose()


async def outbox_count(url: str, registration_ids: list[int]) -> int:
    engine = create_engine(url, pool=False)
    try:
        async with create_session_maker(engine)() as session:
            stmt = (
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.registration_id.in_(registration_ids)  # type: ignore[union-attr]
                )
            )
            return int(await session.scalar(stmt) or 0)
    finally:
        await engine.dispose()


async def test_retention_erases_past_events_only_and_keeps_their_totals(
    client: AsyncTestClient[Litestar],
    admin_headers: dict[str, str],
    create_event: Any,
    clean_db: str,
    settings: Settings,
) -> None:
    past = await create_event(title="Forum 2024", capacity=2, registration={"questions": QUESTIONS})
    future = await create_event(title="Forum 2027", start="2027-10-03T10:00:00", end="2027-10-03T11:00:00")
    tokens = []
    for name, email, answers in [
        ("Ama", "ama@example.org", {"diet": "halal", "affiliation": "DRIF"}),
        ("Kofi", "kofi@example.org", {"diet": "halal"}),
        ("Efua", "efua@example.org", {"diet": "none", "affiliation": "Ghana NGO"}),
    ]:
        r = await register(
            client,
            past["slug"],
            {"name": name, "email": email, "consent": True, "answers": answers},
        )
        tokens.append(r.json()["token"])
    kept = await register(client, future["slug"], {"name": "Yaw", "email": "yaw@example.org", "consent": True})
    later = datetime(2025, 12, 1, tzinfo=UTC)  # the 2024 forum ended more than 365 days before

    preview = await run_retention(clean_db, settings, later, 365, dry_run=True)
    assert preview.events == [past["slug"]] and preview.registrations == 3
    assert all(r.name for r in await rows(clean_db)), "a dry run changes nothing"

    report = await run_retention(clean_db, settings, later, 365, dry_run=False)
    assert report.events == [past["slug"]] and report.registrations == 3
    after = await rows(clean_db)
    erased = [r for r in after if r.erased_at is not None]
    untouched = [r for r in after if r.erased_at is None]
    assert len(erased) == 3 and [r.email for r in untouched] == ["yaw@example.org"]
    for r in erased:
        assert r.name == "" and r.email == "" and r.answers == {} and r.status in ("confirmed", "waitlisted")
    assert await outbox_count(clean_db, [r.id or 0 for r in erased]) == 0
    assert await outbox_count(clean_db, [r.id or 0 for r in untouched]) == 1
    for token in tokens:
        assert (await client.get(f"/api/registrations/{token}")).status_code == 404
    assert (await client.get(f"/api/registrations/{kept.json()['token']}")).status_code == 200

    totals = (await client.get(f"/api/staff/events/{past['slug']}/answer-totals", headers=admin_headers)).json()
    assert totals == {
        "_mode": {"in_person": 3},
        "_status": {"confirmed": 2, "waitlisted": 1},
        "diet": {"halal": 2, "none": 1},
    }, "free-text answers are deleted, not counted"
    again = await run_retention(clean_db, settings, later, 365, dry_run=False)
    assert again.events == [] and again.registrations == 0, "erasing twice finds nothing more"
    audit = (await client.get("/api/staff/audit", headers=admin_headers, params={"action": "retention"})).json()
    assert audit["items"][0]["detail"]["registrations"] == 3


async def test_a_registrant_erases_themselves_and_the_next_person_is_promoted(
    client: AsyncTestClient[Litestar], admin_headers: dict[str, str], create_event: Any
) -> None:
    event = await create_event(capacity=1)
    first = await register(client, event["slug"], {"name": "Ana", "email": "ana@example.org", "consent": True})
    second = await register(client, event["slug"], {"name": "Bea", "email": "bea@example.org", "consent": True})
    assert second.json()["status"] == "waitlisted"
    erased = await client.post(f"/api/registrations/{first.json()['token']}/erase")
    assert erased.status_code == 200 and erased.json()["status"] == "erased"
    assert (await client.get(f"/api/registrations/{first.json()['token']}")).status_code == 404
    assert (await client.get(f"/api/registrations/{second.json()['token']}")).json()["status"] == "confirmed"
    listed = await staff_registrations(client, event["slug"], admin_headers)
    by_status = {i["status"]: i for i in listed["items"]}
    assert by_status["cancelled"]["name"] == "" and by_status["cancelled"]["email"] == ""
    assert by_status["confirmed"]["email"] == "bea@example.org"
    outbox = await outbox_messages(client, admin_headers)
    assert all(m["recipient"] != "ana@example.org" for m in outbox), "no email kept for an erased address"
    assert (await client.post(f"/api/registrations/{first.json()['token']}/erase")).status_code == 404
