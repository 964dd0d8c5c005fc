"""A scholarship program through the API, from the call for applications to the last answer.

The DRIF-style forum in Accra (Africa/Accra) runs one cycle: program, applications (one a
draft edited then submitted), reviewer assignment, blind scoring by two reviewers with a
conflict of interest, ranking, allocation within the budget and a regional target,
acceptance (a confirmed scholarship place), a decline and a lapsed offer giving money back,
and the exports read back.
"""

import csv
import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

import openpyxl
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from calendar_service.db.engine import create_engine, create_session_maker
from calendar_service.db.tables import Event, Registration
from tests.support.clock import MovableClock
from tests.support.factories import EventFactory, outbox_messages, register, staff_registrations
from tests.support.scholarships import applicant, apply, award_token, budget, forum, put_program, review
from tests.support.tokens import token_id

Client = AsyncTestClient[Litestar]


@pytest.fixture
def clock() -> Callable[[], datetime]:
    return MovableClock()


async def scholarship_flags(database_url: str, slug: str) -> dict[str, tuple[str, bool]]:
    """Registration status and the `scholarship` flag per email, read from the table itself."""
    engine = create_engine(database_url, pool=False)
    try:
        async with create_session_maker(engine)() as session:
            rows = (
                await session.scalars(
                    select(Registration).join(Event, Event.id == Registration.event_id).where(Event.slug == slug)
                )
            ).all()
            return {r.email: (r.status, r.scholarship) for r in rows}
    finally:
        await engine.dispose()


SCORES = {  # applicant -> (relevance 0-10, impact 1-5) from each reviewer
    "Ama": ((10, 5), (9, 5)),
    "Chen": ((8, 4), (8, 3)),
    "Bruno": ((6, 3), (7, 3)),
    "Dana": ((4, 2), (3, 2)),
}


async def test_a_whole_scholarship_cycle_for_the_accra_forum(
    client: Client,
    admin_headers: dict[str, str],
    create_event: EventFactory,
    token_factory: Any,
    clock: MovableClock,
    clean_db: str,
) -> None:
    admin = admin_headers
    event = await forum(create_event)
    slug = event["slug"]
    walk_in = {"name": "Walk In", "email": "walk-in@example.org", "consent": True}
    assert (await register(client, slug, walk_in)).status_code == 201

    # -- the program ------------------------------------------------------------------------
    created = await put_program(client, slug, admin)
    assert created.status_code == 200, created.text
    program = created.json()
    assert program["budget"] == {"amount": "5000.00", "currency": "USD"}
    assert (program["committed"], program["remaining"]) == ("0.00", "5000.00")
    assert program["closes_at_utc"] == "2024-06-10T23:59:00Z"  # Accra is UTC all year
    assert (program["phase"], program["reserved_seats"], program["regional_targets"]) == (
        "applications",
        3,
        {"Africa": "0.4"},
    )
    fetched = await client.get(f"/api/staff/events/{slug}/scholarship-program", headers=admin)
    assert fetched.json() == program

    # -- applications: three at once, one as a draft edited and then submitted -----------------
    tokens: dict[str, str] = {}
    ids: dict[str, int] = {}
    for name, country, requested in (
        ("Ama Mensah", "gh", {"travel": "1500", "lodging": "500.00"}),
        ("Chen Wei", "CN", {"travel": "1200.00", "lodging": "300.00"}),
        ("Bruno Souza", "BR", {"travel": "1800.00"}),
    ):
        response = await apply(client, slug, applicant(name, country, requested))
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["status"] == "submitted" and len(body["token"]) >= 43
        tokens[name.split()[0]] = body["token"]
    ama = (await client.get(f"/api/scholarship-applications/{tokens['Ama']}")).json()
    assert (ama["country"], ama["region"]["un_region"], ama["region"]["global_south"]) == ("GH", "Africa", True)
    assert ama["requested"] == {"travel": "1500.00", "lodging": "500.00"} and ama["requested_total"] == "2000.00"
    receipt = await outbox_messages(client, admin, recipient="ama@example.org")
    assert [m["kind"] for m in receipt] == ["scholarship_received"]

    draft = await apply(client, slug, applicant("Dana Weber", "DE", {"travel": "600.00"}, motivation="", draft=True))
    assert draft.status_code == 201, draft.text
    assert draft.json()["status"] == "draft" and "submit" in draft.json()["links"]
    tokens["Dana"] = draft.json()["token"]
    edited = await client.patch(
        f"/api/scholarship-applications/{tokens['Dana']}",
        json={"requested": {"travel": "800.00"}, "motivation": "Policy research on data protection."},
    )
    assert edited.status_code == 200, edited.text
    assert (edited.json()["status"], edited.json()["requested_total"]) == ("draft", "800.00")
    submitted = await client.post(f"/api/scholarship-applications/{tokens['Dana']}/submit")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    again = await client.post(f"/api/scholarship-applications/{tokens['Dana']}/submit")
    assert again.status_code == 409

    # -- reviewers join and are assigned -------------------------------------------------------
    reviewers = [await token_factory("reviewer") for _ in range(3)]
    reviewer_ids = [await token_id(client, admin, h) for h in reviewers]
    by_id = dict(zip(reviewer_ids, reviewers, strict=True))
    assigned = await client.post(
        f"/api/staff/events/{slug}/scholarship-program/assign", json={"reviewers": reviewer_ids}, headers=admin
    )
    assert assigned.status_code == 200, assigned.text
    plan = assigned.json()
    assert plan["added"] == 8 and plan["short"] == {}
    assert sorted(r["load"] for r in plan["reviewers"]) in ([2, 3, 3], [3, 3, 2])
    ranking = await client.get(f"/api/staff/events/{slug}/scholarship-applications", headers=admin)
    ids = {item["name"].split()[0]: item["id"] for item in ranking.json()["items"]}
    assert set(ids) == {"Ama", "Chen", "Bruno", "Dana"}
    panels = {name: list(plan["assignments"][str(i)]) for name, i in ids.items()}

    # Each reviewer's list holds their applications, without anyone else's work.
    first = (await client.get("/api/staff/reviews", headers=by_id[reviewer_ids[0]])).json()["items"]
    assert {a["id"] for a in first} == {i for n, i in ids.items() if reviewer_ids[0] in panels[n]}
    assert all(a["reviews"] == [] and a["email"] == "" for a in first)

    # Scoring opens at the deadline.
    early = await review(client, ids["Ama"], by_id[panels["Ama"][0]], scores={"relevance": 9, "impact": 5})
    assert early.status_code == 409 and early.json()["field"] == "scoring_opens_at", early.text
    clock.move_to("2024-06-12T09:00:00+00:00")

    # -- a conflict of interest: the reviewer leaves, a replacement arrives ----------------------
    conflicted, stays = panels["Dana"]
    replacement_expected = next(r for r in reviewer_ids if r not in panels["Dana"])
    declared = await review(client, ids["Dana"], by_id[conflicted], conflict_of_interest=True, comment="My colleague")
    assert declared.status_code == 201, declared.text
    assert declared.json()["replacement_reviewer"] == replacement_expected
    gone = await client.get(f"/api/staff/scholarship-applications/{ids['Dana']}", headers=by_id[conflicted])
    assert gone.status_code == 404
    panels["Dana"] = [stays, replacement_expected]

    # -- blind scoring ----------------------------------------------------------------------------
    for name, panel in panels.items():
        a_id, b_id = panel
        first_scores, second_scores = SCORES[name]
        scored = await review(
            client, ids[name], by_id[a_id], scores=dict(zip(("relevance", "impact"), first_scores, strict=True))
        )
        assert scored.status_code == 201, scored.text
        blind = (await client.get(f"/api/staff/scholarship-applications/{ids[name]}", headers=by_id[b_id])).json()
        assert blind["reviews"] == [] and blind["hidden_reviews"] == 1 and blind["my_review"] is None
        assert blind["can_review"] == ["scoring"]
        scored = await review(
            client,
            ids[name],
            by_id[b_id],
            scores=dict(zip(("relevance", "impact"), second_scores, strict=True)),
            comment="Strong",
        )
        assert scored.status_code == 201, scored.text
        seen = scored.json()["application"]
        assert [r["reviewer_id"] for r in seen["reviews"]] == [a_id] and seen["hidden_reviews"] == 0
        assert seen["reviews"][0]["scores"] == dict(zip(("relevance", "impact"), first_scores, strict=True))

    full = (await client.get(f"/api/staff/events/{slug}/scholarship-applications/{ids['Dana']}", headers=admin)).json()
    assert {(r["reviewer_id"], r["phase"]) for r in full["reviews"]} == {
        (conflicted, "conflict"),
        (stays, "scoring"),
        (replacement_expected, "scoring"),
    }
    assert full["email"] == "dana@example.org"

    # -- ranking ------------------------------------------------------------------------------------
    ranked = (await client.get(f"/api/staff/events/{slug}/scholarship-applications", headers=admin)).json()
    assert [i["name"].split()[0] for i in ranked["items"]] == ["Ama", "Chen", "Bruno", "Dana"]
    top = ranked["items"][0]
    # Ama: (2·10/10 + 4/4)/3·100 = 100 and (2·9/10 + 1)/3·100 = 93.33
    assert (top["rank"], top["score"], top["review_count"], top["spread"]) == (1, "96.67", 2, "6.67")
    assert {i["screening"] for i in ranked["items"]} == {"not_required"}, "this program has no screening phase"
    assert top["criterion_means"] == {"relevance": "9.50", "impact": "5.00"}
    normalized = (
        await client.get(
            f"/api/staff/events/{slug}/scholarship-applications", params={"normalize": "true"}, headers=admin
        )
    ).json()
    assert normalized["normalize"] is True
    assert [i["rank"] for i in normalized["items"]] == [1, 2, 3, 4]
    assert all(
        i["raw_score"] == next(r["score"] for r in ranked["items"] if r["id"] == i["id"]) for i in normalized["items"]
    )
    africa = (
        await client.get(
            f"/api/staff/events/{slug}/scholarship-applications", params={"region": "africa"}, headers=admin
        )
    ).json()
    assert [(i["name"], i["rank"], i["overall_rank"]) for i in africa["items"]] == [("Ama Mensah", 1, 1)]
    south = (
        await client.get(
            f"/api/staff/events/{slug}/scholarship-applications", params={"region": "south"}, headers=admin
        )
    ).json()
    assert [(i["name"].split()[0], i["rank"]) for i in south["items"]] == [("Ama", 1), ("Chen", 2), ("Bruno", 3)]
    by_spread = (
        await client.get(
            f"/api/staff/events/{slug}/scholarship-applications", params={"sort": "-spread"}, headers=admin
        )
    ).json()
    assert by_spread["items"][0]["spread"] == max(i["spread"] for i in ranked["items"])

    # -- allocation: preview, then confirm; the rest is told ----------------------------------------
    preview = await client.post(f"/api/staff/events/{slug}/scholarship-program/allocate", json={}, headers=admin)
    assert preview.status_code == 200, preview.text
    proposal = preview.json()
    assert [(a["name"].split()[0], a["total"], a["reason"]) for a in proposal["awards"]] == [
        ("Ama", "2000.00", "target: Africa"),
        ("Chen", "1500.00", "rank"),
        ("Dana", "800.00", "rank"),
    ]
    assert proposal["skipped"] == [
        {"application_id": ids["Bruno"], "reason": "requests 1800.00; only 1500.00 was left"}
    ]
    assert (proposal["total"], proposal["remaining"], proposal["confirmed"]) == ("4300.00", "700.00", False)
    assert proposal["targets"] == [
        {"label": "Africa", "share": "0.4", "target": "2000.00", "funded": "2000.00", "met": True, "reason": None}
    ]
    assert (await budget(client, slug, admin))["committed"] == "0.00", "a preview commits nothing"
    confirmed = await client.post(
        f"/api/staff/events/{slug}/scholarship-program/allocate",
        json={
            "confirm": True,
            "expected_application_ids": [a["application_id"] for a in proposal["awards"]],
            "mark_rest_not_awarded": True,
        },
        headers=admin,
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["not_awarded"] == [ids["Bruno"]]
    money = await budget(client, slug, admin)
    assert (money["awarded"], money["committed"], money["remaining"]) == ("4300.00", "4300.00", "700.00")
    assert money["per_region"] == {"Africa": "2000.00", "Asia": "1500.00", "Europe": "800.00"}
    bruno = (await client.get(f"/api/scholarship-applications/{tokens['Bruno']}")).json()
    assert bruno["status"] == "not_awarded" and bruno["award"] is None
    assert "scholarship_not_awarded" in [
        m["kind"] for m in await outbox_messages(client, admin, recipient="bruno@example.org")
    ]
    more = await client.post(
        f"/api/staff/scholarship-applications/{ids['Bruno']}/award",
        json={"amounts": {"travel": "1800.00"}},
        headers=admin,
    )
    assert more.status_code == 409 and "700.00" in more.json()["detail"], more.text

    # -- answers: Ama accepts (a confirmed scholarship place), Chen declines ------------------------
    first_link = (await client.get(f"/api/scholarship-applications/{tokens['Ama']}")).json()
    assert first_link["status"] == "awarded", "the application's own link keeps working beside the award link"
    ama_token = await award_token(client, admin, "ama@example.org")
    assert ama_token != tokens["Ama"]
    offer = (await client.get(f"/api/scholarship-applications/{ama_token}")).json()
    assert offer["status"] == "awarded"
    assert offer["award"]["amounts"] == {"travel": "1500.00", "lodging": "500.00"}
    assert (offer["award"]["kind"], offer["award"]["answer_by"]) == ("full", "2024-06-19T09:00:00Z")
    accepted = await client.post(f"/api/scholarship-applications/{ama_token}/accept")
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["status"], accepted.json()["registration_status"]) == ("accepted", "confirmed")
    assert (await client.post(f"/api/scholarship-applications/{ama_token}/accept")).status_code == 200  # idempotent
    registrations = await staff_registrations(client, slug, admin)
    mine = next(r for r in registrations["items"] if r["email"] == "ama@example.org")
    assert mine["status"] == "confirmed" and mine["scholarship"] is True
    assert registrations["seats_taken"] == 2
    exported = await client.get(f"/api/staff/events/{slug}/attendees", headers=admin, params={"format": "json"})
    recipients = {r["email"]: r["scholarship"] for r in exported.json()["items"]}
    assert recipients["ama@example.org"] is True and recipients["walk-in@example.org"] is False
    flags = await scholarship_flags(clean_db, slug)
    assert flags["ama@example.org"] == ("confirmed", True)
    assert flags["walk-in@example.org"] == ("confirmed", False)
    program_now = (await client.get(f"/api/staff/events/{slug}/scholarship-program", headers=admin)).json()
    assert program_now["reserved_seats"] == 2, "the acceptance used one reserved place"
    invitation = [
        m for m in await outbox_messages(client, admin, recipient="ama@example.org") if m["kind"] == "confirmed"
    ]
    assert invitation and invitation[0]["ics_method"] == "REQUEST"

    chen_token = await award_token(client, admin, "chen@example.org")
    declined = await client.post(f"/api/scholarship-applications/{chen_token}/decline")
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert (await client.post(f"/api/scholarship-applications/{chen_token}/accept")).status_code == 409
    money = await budget(client, slug, admin)
    assert (money["accepted"], money["awarded"], money["declined"]) == ("2000.00", "800.00", "1500.00")
    assert (money["committed"], money["remaining"]) == ("2800.00", "2200.00")

    # -- Dana does not answer in time: the offer lapses and the money comes back -------------------
    dana_token = await award_token(client, admin, "dana@example.org")
    clock.move_to("2024-06-19T09:00:00+00:00")
    lapsed = await client.post(f"/api/scholarship-applications/{dana_token}/accept")
    assert lapsed.status_code == 410 and lapsed.json()["field"] == "answer_by", lapsed.text
    money = await budget(client, slug, admin)
    assert (money["expired"], money["committed"], money["remaining"]) == ("800.00", "2000.00", "3000.00")
    assert (await client.get(f"/api/scholarship-applications/{dana_token}")).json()["status"] == "expired"

    # -- exports ---------------------------------------------------------------------------------
    exported = await client.get(f"/api/staff/events/{slug}/scholarships", params={"format": "csv"}, headers=admin)
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("text/csv")
    assert 'attachment; filename="' in exported.headers["content-disposition"]
    assert "scholarships-2024-06-19.csv" in exported.headers["content-disposition"]
    assert exported.content.startswith(b"\xef\xbb\xbf"), "a BOM by default, so Excel reads the names right"
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [(r["rank"], r["name"], r["status"], r["award_total"]) for r in rows] == [
        ("1", "Ama Mensah", "accepted", "2000.00"),
        ("2", "Chen Wei", "declined", "1500.00"),
        ("3", "Bruno Souza", "not_awarded", ""),
        ("4", "Dana Weber", "expired", "800.00"),
    ]
    assert rows[0]["requested"] == "travel: 1500.00; lodging: 500.00" and rows[0]["score"] == "96.67"

    xlsx = await client.get(f"/api/staff/events/{slug}/scholarships", params={"format": "xlsx"}, headers=admin)
    assert xlsx.status_code == 200 and xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0][:5] == ["rank", "id", "status", "screening", "name"]
    assert [row[4] for row in table[1:]] == ["Ama Mensah", "Chen Wei", "Bruno Souza", "Dana Weber"]
    header = table[0]
    assert float(table[1][header.index("award_total")]) == 2000.0

    as_json = await client.get(f"/api/staff/events/{slug}/scholarships", params={"format": "json"}, headers=admin)
    items = as_json.json()["items"]
    assert items[0]["requested"] == {"travel": "1500.00", "lodging": "500.00"}
    assert (items[0]["score"], items[0]["global_south"], items[3]["award"]) == ("96.67", True, {"travel": "800.00"})

    audit = (await client.get("/api/staff/audit", params={"action": "scholarship"}, headers=admin)).json()["items"]
    actions = {entry["action"] for entry in audit}
    assert {"scholarship.program.put", "scholarship.assign", "scholarship.allocate.confirm"} <= actions
    assert {"scholarship.review.scored", "scholarship.review.conflict_declared"} <= actions
    exports = (await client.get("/api/staff/audit", params={"action": "export"}, headers=admin)).json()["items"]
    assert [e["detail"]["format"] for e in exports if e["action"] == "export.scholarships"] == ["json", "xlsx", "csv"]
