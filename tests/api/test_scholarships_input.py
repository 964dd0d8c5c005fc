"""Bad input to scholarships: each a clear 4xx naming the field, and nothing half-written."""

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.clock import MovableClock
from tests.support.factories import EventFactory, outbox_messages, person, register, staff_registrations
from tests.support.scholarships import applicant, apply, award_token, budget, forum, put_program, review

Client = AsyncTestClient[Litestar]


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


async def program_state(client: Client, slug: str, admin: dict[str, str]) -> dict[str, Any]:
    response = await client.get(f"/api/staff/events/{slug}/scholarship-program", headers=admin)
    assert response.status_code == 200, response.text
    return dict(response.json())


def refused(response: Any, status: int, field: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = dict(response.json())
    assert body["field"] == field, body
    assert field.split(".")[0] in body["detail"], body
    return body


async def test_applications_refused_after_the_deadline_twice_per_email_over_the_limit_or_in_another_currency(
    client: Client, admin_headers: dict[str, str], create_event: EventFactory, clock: MovableClock
) -> None:
    slug = (await forum(create_event))["slug"]
    assert (await put_program(client, slug, admin_headers)).status_code == 200
    first = await apply(client, slug, applicant("Ama Mensah", "GH", {"travel": "900.00"}))
    assert first.status_code == 201
    before = await program_state(client, slug, admin_headers)

    duplicate = refused(
        await apply(client, slug, applicant("Someone Else", "KE", {"travel": "100.00"}, email="AMA@Example.org")),
        409,
        "email",
    )
    assert "Ama" not in duplicate["detail"] and "900" not in duplicate["detail"], "reveals nothing about the other"
    refused(await apply(client, slug, applicant("Bea", "KE", {"travel": "2000.01"})), 422, "requested.travel")
    over = refused(await apply(client, slug, applicant("Bea", "KE", {"travel": "5000"})), 422, "requested.travel")
    assert "2000.00 USD" in over["detail"]
    refused(await apply(client, slug, applicant("Bea", "KE", {"visa": "50.00"})), 422, "requested.visa")
    refused(await apply(client, slug, applicant("Bea", "KE", {"travel": 800})), 422, "requested.travel")
    refused(await apply(client, slug, applicant("Bea", "KE", {"travel": "800.001"})), 422, "requested.travel")
    euros = refused(
        await apply(client, slug, applicant("Bea", "KE", {"travel": "800.00"}, currency="EUR")), 422, "currency"
    )
    assert "USD" in euros["detail"]
    refused(await apply(client, slug, applicant("Bea", "UK", {"travel": "800.00"})), 422, "country")
    refused(await apply(client, slug, applicant("Bea", "KE", {"travel": "800.00"}, consent=False)), 422, "consent")
    refused(
        await apply(client, slug, applicant("Bea", "KE", {"travel": "800.00"}, answers={})), 422, "answers.first_time"
    )
    refused(await apply(client, slug, applicant("Bea", "KE", {})), 422, "requested")

    clock.move_to("2024-06-10T23:59:00+00:00")  # the deadline, to the minute
    late = refused(await apply(client, slug, applicant("Cai", "CN", {"travel": "800.00"})), 409, "closes_at")
    assert "2024-06-10T23:59:00 (Africa/Accra)" in late["detail"]
    assert await program_state(client, slug, admin_headers) == before | {"phase": "scoring"}
    assert [m["kind"] for m in await outbox_messages(client, admin_headers, recipient="bea@example.org")] == []


async def test_drafts_are_edited_only_until_the_deadline_and_submitted_once(
    client: Client, admin_headers: dict[str, str], create_event: EventFactory, clock: MovableClock
) -> None:
    slug = (await forum(create_event))["slug"]
    assert (await put_program(client, slug, admin_headers)).status_code == 200
    draft = (await apply(client, slug, applicant("Dana", "DE", {}, draft=True, answers={}))).json()
    url = f"/api/scholarship-applications/{draft['token']}"
    refused(await client.patch(url, json={"requested": {"travel": "9999.00"}}), 422, "requested.travel")
    refused(await client.post(f"{url}/submit"), 422, "requested")
    assert (await client.get(url)).json()["status"] == "draft", "a refused submit leaves the draft as it was"
    assert (await client.patch(url, json={"requested": {"travel": "700.00"}})).status_code == 200
    refused(await client.post(f"{url}/submit"), 422, "answers.first_time")
    assert (await client.patch(url, json={"answers": {"first_time": False}})).status_code == 200
    clock.move_to("2024-06-11T00:00:00+00:00")
    refused(await client.patch(url, json={"motivation": "late"}), 409, "closes_at")
    refused(await client.post(f"{url}/submit"), 409, "closes_at")
    assert (await client.get(url)).json()["status"] == "draft"
    assert (await client.get("/api/scholarship-applications/not-a-real-token")).status_code == 404


async def test_scores_outside_the_range_or_for_an_unknown_criterion_are_refused_and_not_stored(
    client: Client, admin_headers: dict[str, str], create_event: EventFactory, token_factory: Any, clock: MovableClock
) -> None:
    slug = (await forum(create_event))["slug"]
    assert (await put_program(client, slug, admin_headers, reviews_per_application=1)).status_code == 200
    assert (await apply(client, slug, applicant("Ama", "GH", {"travel": "900.00"}))).status_code == 201
    reviewer = await token_factory("reviewer")
    await client.post(f"/api/staff/events/{slug}/scholarship-program/assign", json={}, headers=admin_headers)
    mine = (await client.get("/api/staff/reviews", headers=reviewer)).json()["items"]
    application_id = mine[0]["id"]
    clock.move_to("2024-06-12T09:00:00+00:00")

    refused(
        await review(client, application_id, reviewer, scores={"relevance": 11, "impact": 3}), 422, "scores.relevance"
    )
    refused(await review(client, application_id, reviewer, scores={"relevance": 5, "impact": 0}), 422, "scores.impact")
    typo = refused(
        await review(client, application_id, reviewer, scores={"relevanse": 5, "impact": 3}), 422, "scores.relevanse"
    )
    assert "relevance, impact" in typo["detail"]
    refused(await review(client, application_id, reviewer, scores={"relevance": 5}), 422, "scores.impact")
    refused(
        await review(client, application_id, reviewer, scores={"relevance": "5", "impact": 3}), 422, "scores.relevance"
    )
    refused(
        await review(client, application_id, reviewer, scores={"relevance": True, "impact": 3}), 422, "scores.relevance"
    )
    refused(await review(client, application_id, reviewer, eligible=True), 422, "eligible")  # no screening here
    after = (await client.get(f"/api/staff/scholarship-applications/{application_id}", headers=reviewer)).json()
    assert after["my_review"] is None
    ranking = (await client.get(f"/api/staff/events/{slug}/scholarship-applications", headers=admin_headers)).json()
    assert ranking["items"][0]["review_count"] == 0

    # Once scored, the rubric's keys and ranges are fixed; labels and weights may still change.
    assert (await review(client, application_id, reviewer, scores={"relevance": 7.5, "impact": 3})).status_code == 201
    criteria = [
        {"key": "relevance", "label": "Relevance", "weight": 3, "max": 10},
        {"key": "impact", "min": 1, "max": 5},
    ]
    assert (await put_program(client, slug, admin_headers, criteria=criteria)).status_code == 200
    renamed = [{"key": "fit", "max": 10}, {"key": "impact", "min": 1, "max": 5}]
    refused(await put_program(client, slug, admin_headers, criteria=renamed), 409, "criteria")
    rescaled = [{"key": "relevance", "max": 20}, {"key": "impact", "min": 1, "max": 5}]
    refused(await put_program(client, slug, admin_headers, criteria=rescaled), 409, "criteria")
    kept = (await client.get(f"/api/staff/events/{slug}/scholarship-program", headers=admin_headers)).json()
    assert [c["key"] for c in kept["criteria"]] == ["relevance", "impact"] and kept["criteria"][0]["weight"] == 3


async def test_awards_beyond_the_remaining_budget_or_the_request_change_nothing(
    client: Client, admin_headers: dict[str, str], create_event: EventFactory
) -> None:
    slug = (await forum(create_event))["slug"]
    assert (
        await put_program(client, slug, admin_headers, budget={"amount": "2500", "currency": "USD"})
    ).status_code == 200
    for name, country, travel in (("Ama", "GH", "1500.00"), ("Bruno", "BR", "1200.00")):
        assert (
            await apply(client, slug, applicant(name, country, {"travel": travel, "lodging": "300.00"}))
        ).status_code == 201
    ranking = (await client.get(f"/api/staff/events/{slug}/scholarship-applications", headers=admin_headers)).json()
    ids = {item["name"]: item["id"] for item in ranking["items"]}

    def award(name: str, amounts: dict[str, Any]) -> Any:
        return client.post(
            f"/api/staff/scholarship-applications/{ids[name]}/award", json={"amounts": amounts}, headers=admin_headers
        )

    first = await award("Ama", {"travel": "1500.00", "lodging": "300.00"})
    assert first.status_code == 201, first.text
    assert first.json()["budget"]["remaining"] == "700.00"
    before = await budget(client, slug, admin_headers)

    over = refused(await award("Bruno", {"travel": "1200.00"}), 409, "amounts")
    assert "700.00 USD" in over["detail"]
    refused(await award("Bruno", {"travel": "1300.00"}), 422, "amounts.travel")  # more than requested
    refused(await award("Bruno", {"visa": "10.00"}), 422, "amounts.visa")
    refused(await award("Bruno", {}), 422, "amounts")
    assert await budget(client, slug, admin_headers) == before
    bruno = (
        await client.get(f"/api/staff/events/{slug}/scholarship-applications/{ids['Bruno']}", headers=admin_headers)
    ).json()
    assert (bruno["status"], bruno["award"]) == ("submitted", None)
    assert [m["kind"] for m in await outbox_messages(client, admin_headers, recipient="bruno@example.org")] == [
        "scholarship_received"
    ]

    # A re-award moves only the difference: Ama down to 1000 frees 800 for Bruno.
    lowered = await award("Ama", {"travel": "1000.00"})
    assert lowered.status_code == 201 and lowered.json()["award"]["kind"] == "partial"
    assert lowered.json()["budget"]["remaining"] == "1500.00"
    assert (await award("Bruno", {"travel": "1200.00", "lodging": "300.00"})).status_code == 201
    refused(await award("Ama", {"travel": "1500.00"}), 409, "amounts")  # only 1000 + 0 left for her
    after = await budget(client, slug, admin_headers)
    assert (after["committed"], after["remaining"]) == ("2500.00", "0.00")

    # The budget cannot drop below what is committed.
    low = refused(
        await put_program(client, slug, admin_headers, budget={"amount": "2000", "currency": "USD"}),
        409,
        "budget.amount",
    )
    assert "2500.00" in low["detail"]
    refused(
        await put_program(client, slug, admin_headers, budget={"amount": "2500", "currency": "EUR"}),
        409,
        "budget.currency",
    )
    assert (await budget(client, slug, admin_headers))["budget"] == "2500.00"


async def test_accepting_an_expired_or_declined_award_is_refused_and_changes_nothing(
    client: Client, admin_headers: dict[str, str], create_event: EventFactory, clock: MovableClock
) -> None:
    slug = (await forum(create_event))["slug"]
    assert (await put_program(client, slug, admin_headers)).status_code == 200
    for name, country in (("Ama", "GH"), ("Bruno", "BR")):
        assert (await apply(client, slug, applicant(name, country, {"travel": "1000.00"}))).status_code == 201
    ranking = (await client.get(f"/api/staff/events/{slug}/scholarship-applications", headers=admin_headers)).json()
    for item in ranking["items"]:
        awarded = await client.post(
            f"/api/staff/scholarship-applications/{item['id']}/award",
            json={"amounts": {"travel": "1000.00"}},
            headers=admin_headers,
        )
        assert awarded.status_code == 201, awarded.text
    ama, bruno = (
        await award_token(client, admin_headers, "ama@example.org"),
        await award_token(client, admin_headers, "bruno@example.org"),
    )
    assert (await client.post(f"/api/scholarship-applications/{bruno}/decline")).status_code == 200
    declined = refused(await client.post(f"/api/scholarship-applications/{bruno}/accept"), 409, "status")
    assert "declined" in declined["detail"]

    clock.move_to("2024-06-08T12:00:00+00:00")  # answer_by (7 days after the award) has passed
    expired = refused(await client.post(f"/api/scholarship-applications/{ama}/accept"), 410, "answer_by")
    assert "2024-06-08T12:00:00Z" in expired["detail"]
    refused(await client.post(f"/api/scholarship-applications/{ama}/decline"), 410, "answer_by")
    registrations = await staff_registrations(client, slug, admin_headers)
    assert registrations["items"] == [] and registrations["seats_taken"] == 0
    program = (await client.get(f"/api/staff/events/{slug}/scholarship-program", headers=admin_headers)).json()
    assert (program["reserved_seats"], program["committed"], program["remaining"]) == (3, "0.00", "5000.00")
    assert (await client.get(f"/api/scholarship-applications/{ama}")).json()["status"] == "expired"
    assert "scholarship_expired" in [
        m["kind"] for m in await outbox_messages(client, admin_headers, recipient="ama@example.org")
    ]


async def test_reserved_places_need_free_capacity_and_an_accepting_recipient_needs_a_place(
    client: Client, admin_headers: dict[str, str], create_event: EventFactory
) -> None:
    slug = (await forum(create_event, capacity=3))["slug"]
    for n in range(2):
        assert (await register(client, slug, person(n, name=f"P{n}"))).status_code == 201
    too_many = refused(await put_program(client, slug, admin_headers, reserved_seats=2), 409, "reserved_seats")
    assert "only 1 of 3" in too_many["detail"]
    assert (await client.get(f"/api/staff/events/{slug}/scholarship-program", headers=admin_headers)).status_code == 404
    assert (await put_program(client, slug, admin_headers, reserved_seats=1)).status_code == 200
    # The last place is kept: the public waits, and staff are told why.
    late = {"name": "P9", "email": "p9@example.org", "consent": True}
    assert (await register(client, slug, late)).json()["status"] == "waitlisted"
    listing = await staff_registrations(client, slug, admin_headers)
    reason = next(r["waiting_reason"] for r in listing["items"] if r["email"] == "p9@example.org")
    assert "kept for scholarship recipients" in reason

    for name, country in (("Ama", "GH"), ("Bruno", "BR")):
        assert (await apply(client, slug, applicant(name, country, {"travel": "500.00"}))).status_code == 201
    ranking = (await client.get(f"/api/staff/events/{slug}/scholarship-applications", headers=admin_headers)).json()
    for item in ranking["items"]:
        await client.post(
            f"/api/staff/scholarship-applications/{item['id']}/award",
            json={"amounts": {"travel": "500.00"}},
            headers=admin_headers,
        )
    ama = await award_token(client, admin_headers, "ama@example.org")
    bruno = await award_token(client, admin_headers, "bruno@example.org")
    assert (await client.post(f"/api/scholarship-applications/{ama}/accept")).status_code == 200
    full = await client.post(f"/api/scholarship-applications/{bruno}/accept")
    assert full.status_code == 409 and "no place" in full.json()["detail"], full.text
    assert (await client.get(f"/api/scholarship-applications/{bruno}")).json()["status"] == "awarded"
    listing = await staff_registrations(client, slug, admin_headers)
    assert listing["seats_taken"] == 3 and "bruno@example.org" not in {r["email"] for r in listing["items"]}


async def test_a_new_program_whose_window_is_already_over_is_refused_and_nothing_is_created(
    client: Client, admin_headers: dict[str, str], create_event: EventFactory
) -> None:
    slug = (await forum(create_event))["slug"]
    late = await put_program(
        client, slug, admin_headers, opens_at="2024-04-01T00:00:00", closes_at="2024-05-31T23:59:00"
    )
    body = refused(late, 422, "closes_at")
    assert "has passed" in body["detail"]
    assert (await client.get(f"/api/staff/events/{slug}/scholarship-program", headers=admin_headers)).status_code == 404
