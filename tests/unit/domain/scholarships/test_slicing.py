import pytest

from calendar_service.domain.scholarships import (
    UNSPECIFIED,
    Ranked,
    group_ranking,
    hemisphere_of,
    language_of,
    rank,
    slice_ranking,
    un_region_of,
)
from calendar_service.errors import InvalidInput

from .support import SINGLE, application, review


@pytest.fixture
def ranked() -> list[Ranked]:
    apps = [
        application(1, "DE", language="large"),
        application(2, "GH", language="small"),
        application(3, "BR"),
        application(4, "KE", language="small"),
        application(5, "FJ", language="Large"),
        application(6, "US", language="large"),
    ]
    scores = {1: 90, 2: 80, 3: 70, 4: 60, 5: 50, 6: 40}
    return rank(apps, [review(10, a, s) for a, s in scores.items()], SINGLE)


def ids_and_ranks(items: list[Ranked]) -> list[tuple[int, int, int]]:
    return [(r.application_id, r.rank, r.overall_rank) for r in items]


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("Africa", [(2, 1, 2), (4, 2, 4)]),
        ("africa", [(2, 1, 2), (4, 2, 4)]),
        ("Western Africa", [(2, 1, 2)]),
        ("Sub-Saharan Africa", [(2, 1, 2), (4, 2, 4)]),
        ("south", [(2, 1, 2), (3, 2, 3), (4, 3, 4), (5, 4, 5)]),
        ("north", [(1, 1, 1), (6, 2, 6)]),
        ("Americas", [(3, 1, 3), (6, 2, 6)]),
        ("Asia", []),
    ],
)
def test_slice_by_region_label_reranks_within_the_slice(
    ranked: list[Ranked], region: str, expected: list[tuple[int, int, int]]
) -> None:
    assert ids_and_ranks(slice_ranking(ranked, region=region)) == expected


def test_slice_by_language_is_case_insensitive_and_combines_with_region(ranked: list[Ranked]) -> None:
    assert ids_and_ranks(slice_ranking(ranked, language="large")) == [(1, 1, 1), (5, 2, 5), (6, 3, 6)]
    assert ids_and_ranks(slice_ranking(ranked, region="south", language="LARGE")) == [(5, 1, 5)]
    assert ids_and_ranks(slice_ranking(ranked, language=UNSPECIFIED)) == [(3, 1, 3)]


def test_no_filter_keeps_everything(ranked: list[Ranked]) -> None:
    assert slice_ranking(ranked) == ranked


def test_slice_refuses_an_unknown_region_naming_the_field(ranked: list[Ranked]) -> None:
    with pytest.raises(InvalidInput) as caught:
        slice_ranking(ranked, region="Atlantis")
    assert caught.value.field == "region"


def test_group_by_un_region_gives_sorted_reranked_slices(ranked: list[Ranked]) -> None:
    groups = group_ranking(ranked, un_region_of)
    assert list(groups) == ["Africa", "Americas", "Europe", "Oceania"]
    assert ids_and_ranks(groups["Americas"]) == [(3, 1, 3), (6, 2, 6)]


def test_group_by_hemisphere_and_language(ranked: list[Ranked]) -> None:
    assert {k: [r.application_id for r in v] for k, v in group_ranking(ranked, hemisphere_of).items()} == {
        "north": [1, 6],
        "south": [2, 3, 4, 5],
    }
    by_language = group_ranking(ranked, language_of)
    assert list(by_language) == ["Large", "large", "small", UNSPECIFIED]
    assert [r.rank for r in by_language["small"]] == [1, 2]
