import random
from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendar_service.domain.scholarships import ApplicationFacts, ReviewFacts, rank
from calendar_service.domain.scholarships.ranking import sort_key

from .support import PROPERTY, RUBRIC, SINGLE, application, review

D = Decimal


def order(ranked: list) -> list[int]:  # type: ignore[type-arg]
    return [r.application_id for r in ranked]


def test_rank_orders_by_mean_review_score_and_reports_the_numbers() -> None:
    apps = [application(1), application(2), application(3)]
    reviews = [
        review(10, 1, 4, 6),  # 50
        review(11, 1, 6, 8),  # 70
        review(10, 2, 9, 9),  # 90
        review(11, 3, 2, 1),  # 15
    ]
    ranked = rank(apps, reviews, RUBRIC)
    assert order(ranked) == [2, 1, 3]
    assert [r.rank for r in ranked] == [1, 2, 3]
    assert [r.overall_rank for r in ranked] == [1, 2, 3]
    first, second, _ = ranked
    assert first.score == D("90.00")
    assert second.score == second.raw_score == D("60.00")
    assert second.review_count == 2
    assert second.spread == D("20.00")
    assert second.stdev == D("10.00")
    assert second.criterion_means == {"experience": D("5.00"), "sharing": D("7.00")}
    assert first.spread == first.stdev == D("0.00")


def test_unreviewed_applications_go_last_in_submission_order() -> None:
    apps = [application(1, minutes=30), application(2, minutes=10), application(3, minutes=20)]
    ranked = rank(apps, [review(10, 1, 0, 0)], RUBRIC)
    assert order(ranked) == [1, 2, 3]
    assert ranked[0].score == D("0.00")
    unreviewed = ranked[1]
    assert (unreviewed.score, unreviewed.raw_score, unreviewed.review_count) == (None, None, 0)
    assert (unreviewed.spread, unreviewed.stdev, unreviewed.criterion_means) == (None, None, {})


@pytest.mark.parametrize(
    ("apps", "reviews", "expected"),
    [
        # same score: more reviews first
        ([application(1), application(2)], [review(10, 1, 50), review(10, 2, 50), review(11, 2, 50)], [2, 1]),
        # same score and count: earlier submission first
        (
            [application(1, minutes=9), application(2, minutes=3)],
            [review(10, 1, 50), review(10, 2, 50)],
            [2, 1],
        ),
        # everything equal: lower id first
        ([application(7, minutes=1), application(3, minutes=1)], [review(10, 7, 50), review(10, 3, 50)], [3, 7]),
        # scores equal once rounded to 2 places tie: 66.666… and 66.67
        (
            [application(1, minutes=5), application(2, minutes=1)],
            [review(10, 1, 100), review(11, 1, 100), review(12, 1, 0), review(10, 2, "66.67")],
            [1, 2],  # tie on score, then 3 reviews beat 1
        ),
    ],
)
def test_ties_break_by_review_count_then_submission_then_id(
    apps: list[ApplicationFacts], reviews: list[ReviewFacts], expected: list[int]
) -> None:
    assert order(rank(apps, reviews, SINGLE)) == expected


def test_harsh_reviewer_does_not_sink_the_applicant_they_liked_best_when_normalised() -> None:
    # Harsh reviewer 10 scores everyone low but A (1) best; lenient 11 scores everyone high, B (2) in the middle.
    apps = [application(1), application(2), application(3), application(4)]
    reviews = [
        review(10, 1, 40),
        review(10, 3, 20),
        review(10, 4, 30),
        review(11, 2, 75),
        review(11, 3, 70),
        review(11, 4, 80),
    ]
    raw = rank(apps, reviews, SINGLE)
    assert order(raw)[:2] == [2, 4]  # raw: B's 75 beats A's 40
    normalised = rank(apps, reviews, SINGLE, normalize=True)
    position = {r.application_id: r.rank for r in normalised}
    assert position[1] < position[2]  # A was the harsh reviewer's favourite, B only the lenient one's middle
    assert position[1] == 1
    by_id = {r.application_id: r for r in normalised}
    assert by_id[1].raw_score == D("40.00")  # raw numbers are kept for staff
    assert by_id[1].spread == D("0.00")
    assert all(D(0) <= r.score <= D(100) for r in normalised if r.score is not None)


def test_reviewers_who_agree_on_order_keep_that_order_when_normalised() -> None:
    apps = [application(1), application(2)]
    reviews = [review(10, 1, 30), review(10, 2, 10), review(11, 1, 90), review(11, 2, 80)]
    assert order(rank(apps, reviews, SINGLE)) == [1, 2]
    assert order(rank(apps, reviews, SINGLE, normalize=True)) == [1, 2]


def test_a_single_review_or_a_flat_reviewer_counts_as_average_when_normalised() -> None:
    apps = [application(1), application(2), application(3), application(4)]
    reviews = [
        review(10, 1, 100),  # reviewer 10 wrote one review: z = 0
        review(11, 2, 60),  # reviewer 11 gives everyone 60: z = 0
        review(11, 3, 60),
        review(12, 4, 10),  # reviewer 12 wrote one review: z = 0
    ]
    normalised = rank(apps, reviews, SINGLE, normalize=True)
    overall_mean = (D(100) + 60 + 60 + 10) / 4
    assert {r.score for r in normalised} == {overall_mean.quantize(D("0.01"))}
    # all tied on score and count: submission order decides
    assert order(normalised) == [1, 2, 3, 4]


def test_reviews_of_applications_outside_the_list_still_shape_the_reviewers_scale() -> None:
    apps = [application(1, minutes=5), application(2, minutes=1)]
    mine = [review(10, 1, 90), review(11, 2, 95)]
    # Alone, each reviewer wrote one review: both count as average, the earlier submission leads.
    assert order(rank(apps, mine, SINGLE, normalize=True)) == [2, 1]
    # Reviewer 10 gave 0 and 10 elsewhere (90 is their best by far); reviewer 11 gave 90 and 100 (95 is middling).
    others = [review(10, 98, 0), review(10, 99, 10), review(11, 98, 90), review(11, 99, 100)]
    with_context = rank(apps, [*mine, *others], SINGLE, normalize=True)
    assert order(with_context) == [1, 2]
    assert [r.review_count for r in with_context] == [1, 1]


def test_rank_refuses_duplicates_and_naive_times() -> None:
    with pytest.raises(ValueError, match="only once"):
        rank([application(1), application(1)], [], SINGLE)
    naive = ApplicationFacts(1, datetime(2024, 3, 1), application(1).region)
    with pytest.raises(ValueError, match="aware"):
        rank([naive], [], SINGLE)
    with pytest.raises(ValueError, match="at most once"):
        rank([application(1)], [review(10, 1, 5), review(10, 1, 6)], SINGLE)


@st.composite
def programs(draw: st.DrawFn) -> tuple[list[ApplicationFacts], list[ReviewFacts]]:
    n_apps = draw(st.integers(1, 12))
    minutes = draw(st.lists(st.integers(0, 5), min_size=n_apps, max_size=n_apps))
    apps = [application(i + 1, minutes=m) for i, m in enumerate(minutes)]
    pairs = draw(st.lists(st.tuples(st.integers(1, 5), st.integers(1, n_apps)), unique=True, max_size=n_apps * 4))
    reviews = [review(r, a, draw(st.integers(0, 10)), draw(st.integers(0, 10))) for r, a in pairs]
    return apps, reviews


@PROPERTY
@given(program=programs(), normalize=st.booleans(), seed=st.integers(0, 2**16))
def test_ranking_is_a_total_deterministic_order(
    program: tuple[list[ApplicationFacts], list[ReviewFacts]], normalize: bool, seed: int
) -> None:
    apps, reviews = program
    ranked = rank(apps, reviews, RUBRIC, normalize=normalize)
    assert [r.rank for r in ranked] == list(range(1, len(apps) + 1))
    assert sorted(order(ranked)) == sorted(a.id for a in apps)
    assert ranked == sorted(ranked, key=sort_key)
    reviewed = {r.application_id for r in reviews}
    assert [r.score is None for r in ranked] == sorted(r.application_id not in reviewed for r in ranked)
    for item in ranked:
        assert item.review_count == sum(1 for r in reviews if r.application_id == item.application_id)
        if item.score is not None:
            assert D(0) <= item.score <= D(100)
            assert item.spread is not None and item.stdev is not None
            assert D(0) <= item.stdev <= item.spread
    shuffled_apps, shuffled_reviews = apps[:], reviews[:]
    random.Random(seed).shuffle(shuffled_apps)
    random.Random(seed).shuffle(shuffled_reviews)
    assert rank(shuffled_apps, shuffled_reviews, RUBRIC, normalize=normalize) == ranked


@PROPERTY
@given(
    grid=st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=2, max_size=8, unique=True),
    shift=st.integers(1, 50),
)
def test_normalised_order_ignores_how_harsh_a_reviewer_is(grid: list[tuple[int, int]], shift: int) -> None:
    # Two reviewers score every application; making reviewer 11 uniformly more lenient changes no clear verdict.
    # Scores are rounded to 0.01 before ranking, so only differences beyond rounding (> 0.01) are verdicts.
    apps = [application(i + 1, minutes=0) for i in range(len(grid))]
    before = [r for i, (a, b) in enumerate(grid) for r in (review(10, i + 1, a), review(11, i + 1, b))]
    after = [r for i, (a, b) in enumerate(grid) for r in (review(10, i + 1, a), review(11, i + 1, b + shift))]
    first = {r.application_id: r.score for r in rank(apps, before, SINGLE, normalize=True)}
    second = {r.application_id: r.score for r in rank(apps, after, SINGLE, normalize=True)}
    for x in first:
        for y in first:
            for one, other in ((first, second), (second, first)):
                left, right, left_again, right_again = one[x], one[y], other[x], other[y]
                assert left is not None and right is not None and left_again is not None and right_again is not None
                if left - right > D("0.01"):
                    assert left_again >= right_again
