import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendar_service.domain.scholarships import Assignment, assign_reviewers
from calendar_service.errors import InvalidInput

from .support import PROPERTY


def test_slots_spread_evenly_over_reviewers() -> None:
    result = assign_reviewers([1, 2, 3, 4], [10, 11, 12], 2)
    assert all(len(set(rs)) == 2 for rs in result.added.values())
    assert sorted(result.loads.values()) == [2, 3, 3]
    assert result.short == {}
    assert result.reviewers == result.added


def test_a_declared_conflict_or_own_application_is_never_assigned() -> None:
    result = assign_reviewers([1, 2], [10, 11, 12], 2, conflicts={(10, 1)}, own_applications={12: [2]})
    assert result.added == {1: [11, 12], 2: [10, 11]}


def test_existing_reviewers_count_and_are_never_repeated() -> None:
    result = assign_reviewers([1, 2], [10, 11, 12], 2, existing={1: {10}, 3: {10, 11}})
    assert result.added[1] == [12]  # 10 is already on it; 11 and 10 are busier than 12
    assert result.reviewers[1] == [10, 12]
    assert len(result.added[2]) == 2
    assert result.loads == {10: 2, 11: 2, 12: 2}


def test_an_application_with_enough_reviewers_gets_no_more() -> None:
    result = assign_reviewers([1], [10, 11, 12], 2, existing={1: {10, 11, 12}})
    assert result.added == {1: []}
    assert result.reviewers == {1: [10, 11, 12]}


def test_applications_that_cannot_get_enough_reviewers_are_reported() -> None:
    result = assign_reviewers([1, 2, 3], [10, 11], 3, conflicts={(10, 2), (11, 2)}, existing={3: {99}})
    assert result.added == {1: [10, 11], 2: [], 3: [10, 11]}
    assert result.short == {1: 1, 2: 3}


def test_the_most_constrained_application_gets_its_only_reviewer() -> None:
    # Only reviewer 10 may review application 2; application 1 must not take 10 by the id tie-break.
    result = assign_reviewers([1, 2], [10, 11], 1, conflicts={(11, 2)})
    assert result.added == {1: [11], 2: [10]}
    assert result.loads == {10: 1, 11: 1}


def test_assignment_is_deterministic_for_any_input_order() -> None:
    apps, reviewers = list(range(1, 20)), list(range(100, 107))
    first = assign_reviewers(apps, reviewers, 3, conflicts={(100, 5), (101, 5)})
    random.Random(4).shuffle(apps)
    random.Random(5).shuffle(reviewers)
    assert assign_reviewers(apps, reviewers, 3, conflicts={(100, 5), (101, 5)}) == first


def test_per_application_must_be_positive_and_ids_unique() -> None:
    with pytest.raises(InvalidInput) as caught:
        assign_reviewers([1], [10], 0)
    assert caught.value.field == "reviews_per_application"
    with pytest.raises(ValueError, match="repeat"):
        assign_reviewers([1, 1], [10], 1)


@st.composite
def pools(draw: st.DrawFn) -> dict[str, object]:
    apps = list(range(1, draw(st.integers(1, 15)) + 1))
    reviewers = list(range(100, 100 + draw(st.integers(1, 8))))
    pairs = [(r, a) for r in reviewers for a in apps]
    conflicts = set(draw(st.lists(st.sampled_from(pairs), max_size=len(pairs) // 2)))
    own: dict[int, list[int]] = {}
    for r, a in draw(st.lists(st.sampled_from(pairs), max_size=3)):
        own.setdefault(r, []).append(a)
    existing: dict[int, set[int]] = {}
    for r, a in draw(st.lists(st.sampled_from(pairs), max_size=len(apps))):
        existing.setdefault(a, set()).add(r)
    return {
        "application_ids": apps,
        "reviewer_ids": reviewers,
        "per_application": draw(st.integers(1, 4)),
        "conflicts": conflicts,
        "own_applications": own,
        "existing": existing,
    }


def forbidden_pairs(pool: dict[str, object]) -> set[tuple[int, int]]:
    own = pool["own_applications"]
    assert isinstance(own, dict)
    conflicts = pool["conflicts"]
    assert isinstance(conflicts, set)
    return conflicts | {(r, a) for r, apps in own.items() for a in apps}


@PROPERTY
@given(pool=pools())
def test_assignments_respect_conflicts_never_repeat_and_fill_what_they_can(pool: dict[str, object]) -> None:
    result: Assignment = assign_reviewers(**pool)  # type: ignore[arg-type]
    forbidden = forbidden_pairs(pool)
    existing: dict[int, set[int]] = pool["existing"]  # type: ignore[assignment]
    per_application: int = pool["per_application"]  # type: ignore[assignment]
    reviewers: list[int] = pool["reviewer_ids"]  # type: ignore[assignment]
    for application, added in result.added.items():
        have = existing.get(application, set())
        assert not any((r, application) in forbidden for r in added)
        assert len(set(added)) == len(added)
        assert not set(added) & have
        eligible = [r for r in reviewers if (r, application) not in forbidden and r not in have]
        need = max(0, per_application - len(have))
        assert len(added) == min(need, len(eligible))
        assert result.short.get(application, 0) == need - len(added)
        assert result.reviewers[application] == sorted(have | set(added))
    counted = {
        r: sum(r in rs for rs in existing.values()) + sum(r in rs for rs in result.added.values()) for r in reviewers
    }
    assert result.loads == counted


@PROPERTY
@given(pool=pools())
def test_no_new_assignment_could_move_to_a_reviewer_two_lighter(pool: dict[str, object]) -> None:
    result = assign_reviewers(**pool)  # type: ignore[arg-type]
    forbidden = forbidden_pairs(pool)
    existing: dict[int, set[int]] = pool["existing"]  # type: ignore[assignment]
    for application, added in result.added.items():
        on_it = set(added) | existing.get(application, set())
        for busy in added:
            for idle, load in result.loads.items():
                if load <= result.loads[busy] - 2:
                    assert idle in on_it or (idle, application) in forbidden


@PROPERTY
@given(
    n_apps=st.integers(1, 30),
    n_reviewers=st.integers(1, 10),
    per_application=st.integers(1, 5),
)
def test_without_constraints_loads_differ_by_at_most_one(n_apps: int, n_reviewers: int, per_application: int) -> None:
    result = assign_reviewers(list(range(n_apps)), list(range(50, 50 + n_reviewers)), per_application)
    assert max(result.loads.values()) - min(result.loads.values()) <= 1
    assert sum(result.loads.values()) == n_apps * min(per_application, n_reviewers)


@PROPERTY
@given(pool=pools(), seed=st.integers(0, 2**16))
def test_assignment_ignores_input_order(pool: dict[str, object], seed: int) -> None:
    shuffled = dict(pool)
    for key in ("application_ids", "reviewer_ids"):
        items = list(pool[key])  # type: ignore[call-overload]
        random.Random(seed).shuffle(items)
        shuffled[key] = items
    assert assign_reviewers(**shuffled) == assign_reviewers(**pool)  # type: ignore[arg-type]
