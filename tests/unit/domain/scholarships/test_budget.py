from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendar_service.domain.scholarships import AWARD_STATUSES, AwardFacts, award_kind, budget_summary, check_award
from calendar_service.errors import Conflict, InvalidInput

from .support import PROPERTY

D = Decimal
ITEMS = ("travel", "lodging", "registration")
REQUESTED = {"travel": D("600.00"), "lodging": D("300.00")}


def test_budget_summary_commits_open_offers_and_acceptances_only() -> None:
    summary = budget_summary(
        D("5000.00"),
        [
            AwardFacts("awarded", D("1000.00"), "Africa"),
            AwardFacts("accepted", D("800.00"), "Asia"),
            AwardFacts("accepted", D("200.00"), "Africa"),
            AwardFacts("declined", D("700.00"), "Europe"),
            AwardFacts("expired", D("300.00"), "Americas"),
        ],
    )
    assert (summary.awarded, summary.accepted, summary.declined, summary.expired) == (
        D(1000),
        D(1000),
        D(700),
        D(300),
    )
    assert summary.committed == D("2000.00")
    assert summary.remaining == D("3000.00")
    assert summary.per_region == {"Africa": D(1200), "Asia": D(800)}
    assert summary.budget == D(5000)


def test_a_fully_committed_budget_has_nothing_remaining() -> None:
    assert budget_summary(D(100), [AwardFacts("accepted", D(100), "Africa")]).remaining == 0
    assert budget_summary(D(100), []).remaining == D(100)


def test_commitments_beyond_the_budget_are_a_conflict_saying_how_much() -> None:
    with pytest.raises(Conflict) as caught:
        budget_summary(D("1000.00"), [AwardFacts("awarded", D("1200.00"), "Africa")], "EUR")
    assert caught.value.field == "budget"
    assert "1200.00 EUR is already committed" in caught.value.message
    assert "set the budget to at least 1200.00 EUR" in caught.value.message


def test_budget_summary_refuses_unknown_statuses() -> None:
    with pytest.raises(ValueError, match="status"):
        budget_summary(D(1), [AwardFacts("pending", D(1), "Africa")])  # type: ignore[arg-type]


@PROPERTY
@given(
    budget=st.integers(0, 10_000),
    awards=st.lists(st.tuples(st.sampled_from(AWARD_STATUSES), st.integers(0, 3000)), max_size=8),
)
def test_remaining_plus_committed_is_the_budget_or_it_is_a_conflict(budget: int, awards: list[tuple[str, int]]) -> None:
    facts = [AwardFacts(status, D(amount), "Africa") for status, amount in awards]  # type: ignore[arg-type]
    committed = sum(amount for status, amount in awards if status in ("awarded", "accepted"))
    if committed > budget:
        with pytest.raises(Conflict):
            budget_summary(D(budget), facts)
        return
    summary = budget_summary(D(budget), facts)
    assert summary.committed == committed
    assert summary.remaining + summary.committed == budget
    assert summary.remaining >= 0


def test_check_award_parses_amounts_in_award_item_order() -> None:
    cleaned = check_award({"lodging": "300", "travel": "450.50"}, ITEMS, REQUESTED, "USD", D("2000.00"))
    assert cleaned == {"travel": D("450.50"), "lodging": D("300.00")}
    assert list(cleaned) == ["travel", "lodging"]


def test_check_award_allows_exactly_the_remaining_budget() -> None:
    assert check_award({"travel": "600"}, ITEMS, REQUESTED, "USD", D("600.00")) == {"travel": D("600.00")}


@pytest.mark.parametrize(
    ("amounts", "field", "fragment"),
    [
        ({}, "amounts", "award at least one item: travel, lodging, registration"),
        ({"hotel": "10"}, "amounts.hotel", "the items are: travel, lodging, registration"),
        ({"registration": "10"}, "amounts.registration", "did not request registration"),
        ({"travel": "600.01"}, "amounts.travel", "600.01 is more than the 600.00 requested"),
        ({"travel": 600}, "amounts.travel", "decimal string"),
        ({"travel": "0"}, "amounts.travel", "more than zero"),
        ({"travel": "1.001"}, "amounts.travel", "2 decimal places"),
    ],
)
def test_check_award_refuses_naming_the_item(amounts: dict[str, object], field: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_award(amounts, ITEMS, REQUESTED, "USD", D("5000.00"))
    assert caught.value.field == field
    assert fragment in caught.value.message


def test_an_award_beyond_the_remaining_budget_is_a_conflict_naming_what_remains() -> None:
    with pytest.raises(Conflict) as caught:
        check_award({"travel": "600", "lodging": "300"}, ITEMS, REQUESTED, "EUR", D("850.00"))
    assert caught.value.field == "amounts"
    assert caught.value.message == (
        "amounts: the award totals 900.00 EUR but only 850.00 EUR of the budget remains; award at most 850.00"
    )


def test_check_award_in_a_currency_without_minor_units() -> None:
    requested = {"travel": D(90000)}
    assert check_award({"travel": "85000"}, ITEMS, requested, "JPY", D(100000)) == {"travel": D(85000)}
    with pytest.raises(InvalidInput, match="JPY has no minor unit"):
        check_award({"travel": "85000.50"}, ITEMS, requested, "JPY", D(100000))


@pytest.mark.parametrize(
    ("amounts", "expected"),
    [
        ({"travel": "600", "lodging": "300"}, "full"),
        ({"travel": "600", "lodging": "299.99"}, "partial"),
        ({"travel": "600"}, "partial"),
        ({"lodging": "300"}, "partial"),
    ],
)
def test_award_kind(amounts: dict[str, str], expected: str) -> None:
    assert award_kind({k: D(v) for k, v in amounts.items()}, REQUESTED) == expected


def test_award_kind_of_an_empty_request_is_partial() -> None:
    assert award_kind({}, {}) == "partial"
