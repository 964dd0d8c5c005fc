"""Who may see and do what in scholarship review, and how screening gates scoring."""

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.clock import MovableClock
from tests.support.factories import EventFactory
from tests.support.scholarships import applicant, apply, forum, put_program, review
from tests.support.tokens import bearer, token_id

Client = AsyncTestClient[Litestar]


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


async def test_an_organizer_of_another_calendar_is_refused_this_events_program(
    client: Client, admin_headers: dict[str, str], create_event: EventFactory, token_factory: Any
) -> None:
    slug = (await forum(create_event))["slug"]
    assert (await put_program(client, slug, admin_headers)).status_code == 200
    assert (await apply(client, slug, applicant("Ama", "GH", {"travel": "500.00"}))).status_code == 201
    elsewhere = await token_factory("organizer", ["other-cal"])
    program = f"/api/staff/events/{slug}/scholarship-program"
    for method, path, body in (
        ("GET", program, None),
        ("PUT", program, None),
        ("GET", f"{program}/budget", None),
        ("POST", f"{program}/assign", {}),
        ("POST", f"{program}/allocate", {"confirm": True}),
        ("POST", f"{program}/not-awarded", {}),
        ("GET", f"/api/staff/events/{slug}/scholarship-applications", None),
        ("GET", f"/api/staff/events/{slug}/scholarship-applications/1", None),
        ("POST", "/api/staff/scholarship-applications/1/award", {"amounts": {"travel": "500.00"}}),
        ("GET", f"/api/staff/events/{slug}/scholarships", None),
    ):
        if method == "PUT":
            response = await put_program(client, slug, elsewhere, budget={"amount": "1", "currency": "USD"})
        else:
            response = await client.request(method, path, json=body, headers=elsewhere)
        assert response.status_code == 403, (method, path, response.text)
        assert "other-cal" in response.json()["detail"]
    here = await token_factory("organizer", ["test-cal"])
    assert (await client.get(program, headers=here)).status_code == 200
    money = (await client.get(f"{program}/budget", headers=admin_headers)).json()
    assert money["committed"] == "0.00" and money["budget"] == "5000.00"


async def test_reviewers_reach_only_their_assignments_and_nothing_outside_review(
    client: Client, admin_headers: dict[str, str], create_event: EventFactory, token_factory: Any
) -> None:
    slug = (await forum(create_event))["slug"]
    assert (await put_program(client, slug, admin_headers, reviews_per_application=1)).status_code == 200
    for name, country in (("Ama", "GH"), ("Bruno", "BR")):
        assert (await apply(client, slug, applicant(name, country, {"travel": "500.00"}))).status_code == 201
    one, two = await token_factory("reviewer"), await token_factory("reviewer")
    ids = [await token_id(client, admin_headers, h) for h in (one, two)]
    plan = (
        await client.post(
            f"/api/staff/events/{slug}/scholarship-program/assign", json={"reviewers": ids}, headers=admin_headers
        )
    ).json()
    mine = {int(a) for a, rs in plan["assignments"].items() if ids[0] in rs}
    theirs = {int(a) for a, rs in plan["assignments"].items() if ids[0] not in rs}
    assert len(mine) == len(theirs) == 1
    (other,) = theirs

    # Someone else's application: 404 (no hint whether it exists) for reading and reviewing.
    assert (await client.get(f"/api/staff/scholarship-applications/{other}", headers=one)).status_code == 404
    assert (await review(client, other, one, conflict_of_interest=True)).status_code == 404
    assert (await client.get("/api/staff/scholarship-applications/999", headers=one)).status_code == 404
    # An admin sees everything but reviews only what is assigned to them.
    assert (await client.get(f"/api/staff/scholarship-applications/{other}", headers=admin_headers)).status_code == 200
    assert (await review(client, other, admin_headers, scores={"relevance": 5, "impact": 3})).status_code == 403
    # Outside review: organizer and admin routes refuse a reviewer token.
    for method, path in (
        ("GET", f"/api/staff/events/{slug}/scholarship-program"),
        ("GET", f"/api/staff/events/{slug}/scholarship-applications"),
        ("GET", f"/api/staff/events/{slug}/scholarship-applications/{other}"),
        ("GET", f"/api/staff/events/{slug}/scholarships"),
        ("GET", f"/api/staff/events/{slug}/registrations"),
        ("POST", f"/api/staff/scholarship-applications/{other}/award"),
        ("GET", "/api/staff/outbox"),
    ):
        response = await client.request(method, path, headers=one, json={} if method == "POST" else None)
        assert response.status_code == 403, (method, path, response.text)
    assert [a["id"] for a in (await client.get("/api/staff/reviews", headers=one)).json()["items"]] == sorted(mine)
    # What a reviewer reads about their own assignment never carries the applicant's address.
    (assigned,) = mine
    seen = await client.get(f"/api/staff/scholarship-applications/{assigned}", headers=one)
    listed = await client.get("/api/staff/reviews", headers=one)
    assert seen.status_code == 200 and "@example.org" not in seen.text and "@example.org" not in listed.text


async def test_screening_decides_by_majority_and_only_eligible_applications_are_scored_and_funded(
    client: Client, admin_headers: dict[str, str], create_event: EventFactory, token_factory: Any, clock: MovableClock
) -> None:
    slug = (await forum(create_event))["slug"]
    phases = {
        "screening": True,
        "screening_closes_at": "2024-06-12T17:00:00",
        "scoring_opens_at": "2024-06-13T09:00:00",
        "scoring_closes_at": "2024-06-20T17:00:00",
    }
    created = await put_program(client, slug, admin_headers, **phases)
    assert created.status_code == 200, created.text
    assert created.json()["scoring_opens_at"] == "2024-06-13T09:00:00"
    for name, country in (("Ama", "GH"), ("Bruno", "BR")):
        assert (await apply(client, slug, applicant(name, country, {"travel": "500.00"}))).status_code == 201
    reviewers = [await token_factory("reviewer"), await token_factory("reviewer")]
    plan = await client.post(f"/api/staff/events/{slug}/scholarship-program/assign", json={}, headers=admin_headers)
    assert plan.json()["added"] == 4
    ranking = (await client.get(f"/api/staff/events/{slug}/scholarship-applications", headers=admin_headers)).json()
    ids = {item["name"]: item["id"] for item in ranking["items"]}

    # Screening runs while applications come in: Ama eligible 2/2, Bruno out at the first "no" (2 of 2 needed).
    for headers in reviewers:
        assert (await review(client, ids["Ama"], headers, eligible=True)).status_code == 201
    first = await review(client, ids["Bruno"], reviewers[0], eligible=False, comment="Not a community member")
    assert first.json()["screening"] == "ineligible"
    late_vote = await review(client, ids["Bruno"], reviewers[1], eligible=True)
    assert late_vote.status_code == 409 and late_vote.json()["field"] == "screening"
    again = await review(client, ids["Ama"], reviewers[0], eligible=False)
    assert again.status_code == 409

    clock.move_to("2024-06-12T17:00:00+00:00")
    early = await review(client, ids["Ama"], reviewers[0], scores={"relevance": 8, "impact": 4})
    assert early.status_code == 409 and early.json()["field"] == "scoring_opens_at"
    clock.move_to("2024-06-13T09:00:00+00:00")
    assert (await review(client, ids["Ama"], reviewers[0], scores={"relevance": 8, "impact": 4})).status_code == 201
    revised = await review(client, ids["Ama"], reviewers[0], scores={"relevance": 9, "impact": 4})
    assert revised.status_code == 201 and revised.json()["application"]["my_review"]["scores"]["relevance"] == 9
    out = await review(client, ids["Bruno"], reviewers[0], scores={"relevance": 8, "impact": 4})
    assert out.status_code == 409 and out.json()["field"] == "screening"

    ranking = (await client.get(f"/api/staff/events/{slug}/scholarship-applications", headers=admin_headers)).json()
    assert [i["name"] for i in ranking["items"]] == ["Ama"], "screened-out applications are not ranked"
    refused = await client.post(
        f"/api/staff/scholarship-applications/{ids['Bruno']}/award",
        json={"amounts": {"travel": "500.00"}},
        headers=admin_headers,
    )
    assert refused.status_code == 409 and refused.json()["field"] == "screening"

    clock.move_to("2024-06-20T17:00:00+00:00")
    closed = await review(client, ids["Ama"], reviewers[1], scores={"relevance": 8, "impact": 4})
    assert closed.status_code == 409 and closed.json()["field"] == "scoring_closes_at"


async def test_a_reviewer_is_never_assigned_their_own_application(
    client: Client, admin_headers: dict[str, str], create_event: EventFactory
) -> None:
    slug = (await forum(create_event))["slug"]
    assert (await put_program(client, slug, admin_headers, reviews_per_application=1)).status_code == 200
    for name, country in (("Ama", "GH"), ("Bruno", "BR")):
        assert (await apply(client, slug, applicant(name, country, {"travel": "500.00"}))).status_code == 201
    bad = await client.post(
        "/api/staff/tokens", json={"name": "Ama", "role": "reviewer", "email": "not an email"}, headers=admin_headers
    )
    assert bad.status_code == 422 and "email" in bad.json()["detail"]
    ama = {"name": "Ama", "role": "reviewer", "email": " AMA@Example.org"}  # she reviews too, her address re-cased
    made = await client.post("/api/staff/tokens", json=ama, headers=admin_headers)
    assert made.status_code == 201, made.text
    ama_reviewer, ama_secret = made.json()["id"], made.json()["token"]
    assert made.json()["email"] == "AMA@example.org"  # normalised as registrants' addresses are
    other = await client.post("/api/staff/tokens", json={"name": "Kofi", "role": "reviewer"}, headers=admin_headers)
    kofi = other.json()["id"]
    assign = f"/api/staff/events/{slug}/scholarship-program/assign"

    alone = (await client.post(assign, json={"reviewers": [ama_reviewer]}, headers=admin_headers)).json()
    by_applicant = {a: rs for a, rs in alone["assignments"].items()}
    ama_app = next(a for a, rs in by_applicant.items() if not rs)  # nobody else could take hers
    assert alone["short"] == {ama_app: 1}
    assert [rs for a, rs in by_applicant.items() if a != ama_app] == [[ama_reviewer]]
    assert (await client.get(f"/api/staff/scholarship-applications/{ama_app}", headers=admin_headers)).json()[
        "email"
    ] == "ama@example.org"

    both = (await client.post(assign, json={"reviewers": [ama_reviewer, kofi]}, headers=admin_headers)).json()
    assert both["assignments"][ama_app] == [kofi]
    mine = bearer(ama_secret)
    assert (await client.get(f"/api/staff/scholarship-applications/{ama_app}", headers=mine)).status_code == 404
    # Kofi declares a conflict on Ama's application: the replacement is never Ama herself.
    kofi_headers = bearer(other.json()["token"])
    declared = await review(client, int(ama_app), kofi_headers, conflict_of_interest=True)
    assert declared.status_code == 201, declared.text
    assert declared.json()["replacement_reviewer"] is None
