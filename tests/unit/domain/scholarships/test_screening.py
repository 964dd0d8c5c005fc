import itertools

import pytest

from calendar_service.domain.scholarships import default_threshold, screening_outcome
from calendar_service.errors import InvalidInput

T, F = True, False


@pytest.mark.parametrize(
    ("votes", "needed", "threshold", "expected"),
    [
        ([], 3, None, "pending"),
        ([T], 3, None, "pending"),
        ([T, T], 3, None, "eligible"),  # 2 of 3 already: the third vote cannot change it
        ([F, F], 3, None, "ineligible"),  # decided early
        ([T, F], 3, None, "pending"),
        ([T, F, T], 3, None, "eligible"),
        ([T, F, F], 3, None, "ineligible"),
        ([T], 1, None, "eligible"),
        ([F], 1, None, "ineligible"),
        ([T], 2, None, "pending"),
        ([T, F], 2, None, "ineligible"),  # majority of 2 is 2
        ([T, T, F], 4, None, "pending"),
        ([T, T, T], 4, None, "eligible"),
        ([F, F, T], 3, 1, "eligible"),
        ([F, F], 3, 1, "pending"),
        ([F, F, F], 3, 1, "ineligible"),
        ([T, T], 3, 3, "pending"),
        ([T, F], 3, 3, "ineligible"),
        ([F, F, F, T, T], 3, None, "ineligible"),  # votes after the needed ones never flip a decision
        ([T, T, F, F, F], 3, None, "eligible"),
    ],
)
def test_screening_outcome(votes: list[bool], needed: int, threshold: int | None, expected: str) -> None:
    assert screening_outcome(votes, needed, threshold) == expected


@pytest.mark.parametrize(("needed", "majority"), [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3)])
def test_default_threshold_is_a_strict_majority(needed: int, majority: int) -> None:
    assert default_threshold(needed) == majority


@pytest.mark.parametrize(
    ("needed", "threshold", "field"),
    [(0, None, "reviews_per_application"), (3, 0, "screening_threshold"), (3, 4, "screening_threshold")],
)
def test_screening_refuses_impossible_settings(needed: int, threshold: int | None, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        screening_outcome([], needed, threshold)
    assert caught.value.field == field


def test_votes_must_be_booleans() -> None:
    with pytest.raises(TypeError):
        screening_outcome([1], 3)  # type: ignore[list-item]


@pytest.mark.parametrize("needed", [1, 2, 3, 4, 5])
def test_a_decision_never_changes_whatever_votes_follow(needed: int) -> None:
    for threshold in range(1, needed + 1):
        for length in range(needed + 3):
            for votes in itertools.product([T, F], repeat=length):
                outcome = screening_outcome(votes, needed, threshold)
                following = [screening_outcome([*votes, v], needed, threshold) for v in (T, F)]
                if outcome != "pending":
                    assert following == [outcome, outcome]
                elif len(votes) < needed:
                    assert "pending" in following or set(following) == {"eligible", "ineligible"}
                if len(votes) >= needed:
                    assert outcome != "pending"
