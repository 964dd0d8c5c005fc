from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendar_service.domain.scholarships import (
    Candidate,
    Proposal,
    allocate,
    candidates_from,
    check_regional_targets,
    rank,
    region_of,
)
from calendar_service.errors import InvalidInput

from .support import PROPERTY, SINGLE, application, review

D = Decimal


def cand(id: int, country: str, *amounts: str) -> Candidate:
    region = region_of(country)
    items = ("travel", "lodging", "registration")
    return Candidate(id, region.un_region, {items[i]: D(a) for i, a in enumerate(amounts)}, region.labels)


def funded(proposal: Proposal) -> list[int]:
    return [a.application_id for a in proposal.awards]


def test_awards_walk_down_the_ranking_until_the_money_runs_out() -> None:
    proposal = allocate([cand(1, "DE", "300", "100"), cand(2, "GH", "400"), cand(3, "BR", "300")], D("1000.00"))
    assert funded(proposal) == [1, 2]
    assert proposal.awards[0].amounts == {"travel": D(300), "lodging": D(100)}
    assert [a.reason for a in proposal.awards] == ["rank", "rank"]
    assert (proposal.total, proposal.remaining) == (D(800), D(200))
    assert [(s.application_id, s.reason) for s in proposal.skipped] == [(3, "requests 300; only 200.00 was left")]
    assert proposal.per_region == {"Africa": D(400), "Europe": D(400)}


def test_a_request_that_does_not_fit_is_skipped_and_smaller_ones_below_still_funded() -> None:
    proposal = allocate([cand(1, "DE", "400"), cand(2, "GH", "700"), cand(3, "BR", "300")], D("1000"))
    assert funded(proposal) == [1, 3]
    assert [s.application_id for s in proposal.skipped] == [2]
    assert proposal.remaining == D(300)


def test_regional_targets_are_met_first_with_the_best_ranked_of_that_region() -> None:
    candidates = [cand(1, "DE", "500"), cand(2, "FR", "400"), cand(3, "GH", "300"), cand(4, "KE", "200")]
    proposal = allocate(candidates, D("1000"), regional_targets={"Africa": D("0.3")})
    assert funded(proposal) == [1, 3, 4]  # in ranking order
    assert {a.application_id: a.reason for a in proposal.awards} == {1: "rank", 3: "target: Africa", 4: "rank"}
    (outcome,) = proposal.targets
    assert (outcome.label, outcome.target, outcome.funded, outcome.met) == ("Africa", D("300.00"), D(500), True)
    assert proposal.unmet == ()
    assert proposal.per_region == {"Africa": D(500), "Europe": D(500)}
    # without the target, rank alone would fund 1 and 2
    assert funded(allocate(candidates, D("1000"))) == [1, 2]


def test_targets_can_name_the_global_south_or_a_subregion() -> None:
    candidates = [cand(1, "US", "600"), cand(2, "CA", "300"), cand(3, "BR", "300"), cand(4, "NG", "100")]
    south = allocate(candidates, D("1000"), regional_targets={"south": D("0.4")})
    assert funded(south) == [1, 3, 4]
    assert [a.reason for a in south.awards] == ["rank", "target: south", "target: south"]
    assert [s.application_id for s in south.skipped] == [2]
    western = allocate(candidates, D("1000"), regional_targets={"Western Africa": D("0.1")})
    assert funded(western) == [1, 2, 4]
    assert western.awards[2].reason == "target: Western Africa"


def test_a_target_met_by_earlier_commitments_changes_nothing() -> None:
    candidates = [cand(1, "DE", "500"), cand(2, "FR", "400"), cand(3, "GH", "300")]
    proposal = allocate(
        candidates,
        D("900"),
        regional_targets={"Africa": D("0.3")},
        budget_total=D("2000"),
        committed={"Africa": D("600")},
    )
    assert funded(proposal) == [1, 2]
    assert proposal.targets[0].met and proposal.targets[0].funded == D(600)


@pytest.mark.parametrize(
    ("candidates", "targets", "fragment"),
    [
        ([cand(1, "DE", "500")], {"Oceania": D("0.1")}, "no ranked candidate counts towards Oceania"),
        (
            [cand(1, "DE", "500"), cand(2, "GH", "2000")],
            {"Africa": D("0.5")},
            "the next candidate from Africa (application 2) requests 2000, more than the 500 left",
        ),
        ([cand(1, "DE", "500"), cand(2, "GH", "50")], {"Africa": D("0.5")}, "every candidate from Africa is funded"),
    ],
)
def test_unmet_targets_say_why(candidates: list[Candidate], targets: dict[str, Decimal], fragment: str) -> None:
    proposal = allocate(candidates, D("1000"), regional_targets=targets)
    (unmet,) = proposal.unmet
    assert unmet.reason is not None and fragment in unmet.reason


def test_target_amounts_round_up_to_the_minor_unit() -> None:
    proposal = allocate([cand(1, "GH", "333.33")], D("1000.00"), regional_targets={"Africa": D(1) / 3}, exponent=2)
    assert proposal.targets[0].target == D("333.34")
    assert not proposal.targets[0].met
    yen = allocate([cand(1, "GH", "334")], D("1000"), regional_targets={"Africa": D(1) / 3}, exponent=0)
    assert yen.targets[0].target == D(334) and yen.targets[0].met


def test_nothing_requested_is_skipped() -> None:
    proposal = allocate([Candidate(1, "Africa", {})], D(100))
    assert proposal.awards == () and proposal.skipped[0].reason == "requested nothing"


def test_allocate_refuses_impossible_input() -> None:
    with pytest.raises(ValueError, match="negative"):
        allocate([], D(-1))
    with pytest.raises(ValueError, match="only once"):
        allocate([cand(1, "DE", "1"), cand(1, "DE", "1")], D(10))
    with pytest.raises(ValueError, match="negative"):
        allocate([cand(1, "DE", "-1")], D(10))


def test_candidates_from_a_ranking_skip_the_unreviewed() -> None:
    apps = [application(1, "GH", requested={"travel": "500"}), application(2, "DE"), application(3, "BR")]
    ranked = rank(apps, [review(10, 3, 90), review(10, 1, 40)], SINGLE)
    candidates = candidates_from(ranked)
    assert [c.application_id for c in candidates] == [3, 1]
    assert candidates[1].region == "Africa"
    assert candidates[1].requested == {"travel": D(500)}
    assert "south" in candidates[1].labels


def test_check_regional_targets_canonicalises_labels() -> None:
    assert check_regional_targets({"africa": 0.25, "SOUTH": 0.6, "Western Africa": D("0.1")}) == {
        "Africa": D("0.25"),
        "south": D("0.6"),
        "Western Africa": D("0.1"),
    }
    assert check_regional_targets({"Africa": 0.5, "south": 0.8}) == {"Africa": D("0.5"), "south": D("0.8")}


@pytest.mark.parametrize(
    ("raw", "field", "fragment"),
    [
        ({"Atlantis": 0.1}, "regional_targets.Atlantis", "not a region"),
        ({"Africa": 0}, "regional_targets.Africa", "between 0 and 1"),
        ({"Africa": 1.5}, "regional_targets.Africa", "between 0 and 1"),
        ({"Africa": 25}, "regional_targets.Africa", "0.25 is a quarter"),
        ({"Africa": True}, "regional_targets.Africa", "expected a number"),
        ({"Africa": "0.2"}, "regional_targets.Africa", "expected a number"),
        ({"Africa": 0.2, "africa": 0.3}, "regional_targets.africa", "given twice"),
        ({"Africa": 0.6, "Asia": 0.5}, "regional_targets", "add up to more than 1"),
        ({"south": 0.6, "north": 0.5}, "regional_targets", "south, north add up"),
    ],
)
def test_check_regional_targets_refuses(raw: dict[str, object], field: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_regional_targets(raw)
    assert caught.value.field == field
    assert fragment in caught.value.message


COUNTRIES = ["DE", "US", "GH", "KE", "BR", "IN", "FJ", "JP"]


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[Candidate], Decimal, dict[str, Decimal]]:
    n = draw(st.integers(0, 14))
    candidates = [
        cand(
            i + 1,
            draw(st.sampled_from(COUNTRIES)),
            *[str(draw(st.integers(0, 600))) for _ in range(draw(st.integers(1, 3)))],
        )
        for i in range(n)
    ]
    budget = D(draw(st.integers(0, 3000)))
    labels = draw(
        st.lists(st.sampled_from(["Africa", "Asia", "Oceania", "south", "Americas"]), unique=True, max_size=3)
    )
    targets = {label: D(draw(st.integers(1, 40))) / 100 for label in labels}
    return candidates, budget, targets


@PROPERTY
@given(scenario=scenarios())
def test_proposals_stay_within_budget_and_fund_whole_requests(
    scenario: tuple[list[Candidate], Decimal, dict[str, Decimal]],
) -> None:
    candidates, budget, targets = scenario
    proposal = allocate(candidates, budget, regional_targets=targets)
    by_id = {c.application_id: c for c in candidates}
    assert proposal.total <= budget
    assert proposal.total == sum((a.total for a in proposal.awards), D(0))
    assert proposal.remaining == budget - proposal.total >= 0
    for award in proposal.awards:
        assert award.amounts == by_id[award.application_id].requested  # whole requests, no more, no less
    assert funded(proposal) == [c.application_id for c in candidates if c.application_id in set(funded(proposal))]
    assert len(proposal.awards) + len(proposal.skipped) == len(candidates)
    for skipped in proposal.skipped:  # nothing left out that would still fit
        assert by_id[skipped.application_id].total == 0 or by_id[skipped.application_id].total > proposal.remaining
    assert sum(proposal.per_region.values(), D(0)) == proposal.total
    assert allocate(candidates, budget, regional_targets=targets) == proposal


@PROPERTY
@given(scenario=scenarios())
def test_a_lower_ranked_candidate_of_a_region_is_never_funded_over_a_higher_one_that_fits(
    scenario: tuple[list[Candidate], Decimal, dict[str, Decimal]],
) -> None:
    candidates, budget, targets = scenario
    proposal = allocate(candidates, budget, regional_targets=targets)
    chosen = set(funded(proposal))
    for i, higher in enumerate(candidates):
        if higher.application_id in chosen or higher.total == 0:
            continue
        for lower in candidates[i + 1 :]:
            if lower.application_id in chosen and lower.labels == higher.labels:
                # the higher one was passed over only because it did not fit when the lower one was funded
                assert higher.total > lower.total


@PROPERTY
@given(scenario=scenarios())
def test_without_targets_the_proposal_is_the_greedy_walk_down_the_ranking(
    scenario: tuple[list[Candidate], Decimal, dict[str, Decimal]],
) -> None:
    candidates, budget, _ = scenario
    left, expected = budget, []
    for c in candidates:
        if 0 < c.total <= left:
            left -= c.total
            expected.append(c.application_id)
    assert funded(allocate(candidates, budget)) == expected


@PROPERTY
@given(scenario=scenarios())
def test_an_unmet_target_has_no_fitting_unfunded_candidate(
    scenario: tuple[list[Candidate], Decimal, dict[str, Decimal]],
) -> None:
    candidates, budget, targets = scenario
    proposal = allocate(candidates, budget, regional_targets=targets)
    chosen = set(funded(proposal))
    for outcome in proposal.targets:
        in_label = [c for c in candidates if outcome.label in c.all_labels]
        assert outcome.funded == sum((c.total for c in in_label if c.application_id in chosen), D(0))
        assert outcome.met == (outcome.funded >= outcome.target)
        if not outcome.met:
            assert outcome.reason
            assert all(c.total > proposal.remaining for c in in_label if c.application_id not in chosen and c.total)
