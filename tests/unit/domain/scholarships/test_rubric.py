from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendar_service.domain.scholarships import Criterion, check_rubric, check_scores, parse_criteria, review_score
from calendar_service.errors import InvalidInput

from .support import PROPERTY, RUBRIC

D = Decimal


def criterion(key: str = "experience", weight: str = "1", low: str = "0", high: str = "10") -> Criterion:
    return Criterion(key, key.replace("_", " ").title(), D(weight), D(low), D(high))


def test_check_rubric_accepts_a_valid_rubric() -> None:
    assert check_rubric(RUBRIC) == RUBRIC


@pytest.mark.parametrize(
    ("criteria", "field", "fragment"),
    [
        ([], "criteria", "at least one criterion"),
        ([criterion(), criterion()], "criteria[1].key", "used twice"),
        ([criterion("Relevant Experience")], "criteria[0].key", "lower-case letters"),
        ([criterion("1st")], "criteria[0].key", "starting with a letter"),
        ([criterion("a" * 41)], "criteria[0].key", "at most 40"),
        ([criterion(weight="0")], "criteria[0].weight", "more than 0"),
        ([criterion(weight="-1")], "criteria[0].weight", "more than 0"),
        ([criterion(low="5", high="5")], "criteria[0].max", "more than min (5)"),
        ([criterion(low="5", high="1")], "criteria[0].max", "more than min"),
        ([Criterion("x", " ", D(1), D(0), D(1))], "criteria[0].label", "label"),
        ([criterion(f"c{i}") for i in range(21)], "criteria", "at most 20"),
    ],
)
def test_check_rubric_refuses_naming_the_criterion(criteria: list[Criterion], field: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_rubric(criteria)
    assert caught.value.field == field
    assert fragment in caught.value.message


def test_parse_criteria_reads_json_numbers_with_defaults() -> None:
    parsed = parse_criteria(
        [
            {"key": "experience", "label": "Relevant experience", "weight": 0.5, "min": 0, "max": 10},
            {"key": "sharing", "max": 5},
        ]
    )
    assert parsed == (
        Criterion("experience", "Relevant experience", D("0.5"), D(0), D(10)),
        Criterion("sharing", "sharing", D(1), D(0), D(5)),
    )


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"label": "No key", "max": 10}, "criteria[0].key"),
        ({"key": "k", "label": 5, "max": 10}, "criteria[0].label"),
        ({"key": "k"}, "criteria[0].max"),
        ({"key": "k", "max": True}, "criteria[0].max"),
        ({"key": "k", "max": "10"}, "criteria[0].max"),
        ({"key": "k", "max": 10, "weight": float("nan")}, "criteria[0].weight"),
        ({"key": "k", "max": 10, "weight": 0}, "criteria[0].weight"),
        ({"key": "k", "max": 10**7}, "criteria[0].max"),
    ],
)
def test_parse_criteria_refuses_bad_json(raw: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_criteria([raw])
    assert caught.value.field == field


def test_check_scores_returns_decimals_in_rubric_order() -> None:
    cleaned = check_scores(RUBRIC, {"sharing": 7.3, "experience": 10})
    assert cleaned == {"experience": D(10), "sharing": D("7.3")}
    assert list(cleaned) == ["experience", "sharing"]
    assert check_scores(RUBRIC, {"experience": D("0"), "sharing": D("2.5")}) == {"experience": 0, "sharing": D("2.5")}


def test_check_scores_refuses_an_unknown_criterion_listing_the_valid_keys() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_scores(RUBRIC, {"experience": 5, "sharing": 5, "impact": 3})
    assert caught.value.field == "scores.impact"
    assert caught.value.message == "scores.impact: no such criterion; the criteria are: experience, sharing"


@pytest.mark.parametrize(
    ("scores", "field", "fragment"),
    [
        ({"experience": 5}, "scores.sharing", "every criterion is needed"),
        ({"experience": 5, "sharing": None}, "scores.sharing", "from 0 to 10"),
        ({"experience": True, "sharing": 5}, "scores.experience", "expected a number"),
        ({"experience": False, "sharing": 5}, "scores.experience", "expected a number"),
        ({"experience": "7", "sharing": 5}, "scores.experience", "expected a number"),
        ({"experience": [7], "sharing": 5}, "scores.experience", "expected a number"),
        ({"experience": float("nan"), "sharing": 5}, "scores.experience", "finite"),
        ({"experience": float("inf"), "sharing": 5}, "scores.experience", "finite"),
        ({"experience": D("NaN"), "sharing": 5}, "scores.experience", "finite"),
        ({"experience": 11, "sharing": 5}, "scores.experience", "outside 0 to 10"),
        ({"experience": -0.5, "sharing": 5}, "scores.experience", "outside 0 to 10"),
    ],
)
def test_check_scores_refuses_naming_the_criterion(scores: dict[str, object], field: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_scores(RUBRIC, scores, "scores")
    assert caught.value.field == field
    assert fragment in caught.value.message


@pytest.mark.parametrize(
    ("criteria", "scores", "expected"),
    [
        (RUBRIC, {"experience": "10", "sharing": "10"}, "100"),
        (RUBRIC, {"experience": "0", "sharing": "0"}, "0"),
        (RUBRIC, {"experience": "10", "sharing": "0"}, "50"),
        ((criterion("a", weight="1"), criterion("b", weight="3")), {"a": "10", "b": "0"}, "25"),
        ((criterion("a", weight="0.5"), criterion("b", weight="0.5")), {"a": "4", "b": "6"}, "50"),
        ((criterion("a", low="1", high="5"),), {"a": "3"}, "50"),
        ((criterion("a", low="-2", high="2"),), {"a": "-1"}, "25"),
    ],
)
def test_review_score_is_the_weighted_mean_position_on_0_to_100(
    criteria: tuple[Criterion, ...], scores: dict[str, str], expected: str
) -> None:
    assert review_score(criteria, {k: D(v) for k, v in scores.items()}) == D(expected)


@PROPERTY
@given(
    weights=st.tuples(st.integers(1, 20), st.integers(1, 20)),
    scores=st.tuples(st.integers(0, 10), st.integers(0, 10)),
    which=st.integers(0, 1),
)
def test_review_score_stays_in_range_and_rises_with_any_criterion(
    weights: tuple[int, int], scores: tuple[int, int], which: int
) -> None:
    criteria = (criterion("a", weight=str(weights[0])), criterion("b", weight=str(weights[1])))
    values = {"a": D(scores[0]), "b": D(scores[1])}
    score = review_score(criteria, values)
    assert 0 <= score <= 100
    key = "ab"[which]
    if values[key] < 10:
        assert review_score(criteria, {**values, key: values[key] + 1}) > score
