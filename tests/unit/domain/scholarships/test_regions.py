import pytest

from calendar_service.domain.scholarships import NORTH, REGION_LABELS, SOUTH, UN_REGIONS, canonical_label, region_of
from calendar_service.domain.scholarships.regions import REGIONS
from calendar_service.errors import InvalidInput


def test_table_covers_every_iso_3166_alpha_2_code_once() -> None:
    assert len(REGIONS) == 249
    assert all(len(code) == 2 and code.isascii() and code.isupper() for code in REGIONS)
    assert {r.un_region for code, r in REGIONS.items() if code != "AQ"} == set(UN_REGIONS)


@pytest.mark.parametrize(
    ("country", "un_region", "subregion", "intermediate", "south"),
    [
        ("GH", "Africa", "Sub-Saharan Africa", "Western Africa", True),
        ("KE", "Africa", "Sub-Saharan Africa", "Eastern Africa", True),
        ("EG", "Africa", "Northern Africa", None, True),
        ("ZA", "Africa", "Sub-Saharan Africa", "Southern Africa", True),
        ("BR", "Americas", "Latin America and the Caribbean", "South America", True),
        ("MX", "Americas", "Latin America and the Caribbean", "Central America", True),
        ("JM", "Americas", "Latin America and the Caribbean", "Caribbean", True),
        ("US", "Americas", "Northern America", None, False),
        ("CA", "Americas", "Northern America", None, False),
        ("IN", "Asia", "Southern Asia", None, True),
        ("CN", "Asia", "Eastern Asia", None, True),
        ("KR", "Asia", "Eastern Asia", None, True),
        ("SG", "Asia", "South-eastern Asia", None, True),
        ("TH", "Asia", "South-eastern Asia", None, True),
        ("TW", "Asia", "Eastern Asia", None, True),
        ("AE", "Asia", "Western Asia", None, True),
        ("TR", "Asia", "Western Asia", None, True),
        ("JP", "Asia", "Eastern Asia", None, False),
        ("IL", "Asia", "Western Asia", None, False),
        ("CY", "Asia", "Western Asia", None, False),
        ("BE", "Europe", "Western Europe", None, False),
        ("GB", "Europe", "Northern Europe", None, False),
        ("JE", "Europe", "Northern Europe", "Channel Islands", False),
        ("UA", "Europe", "Eastern Europe", None, False),
        ("AU", "Oceania", "Australia and New Zealand", None, False),
        ("NZ", "Oceania", "Australia and New Zealand", None, False),
        ("FJ", "Oceania", "Melanesia", None, True),
        ("WS", "Oceania", "Polynesia", None, True),
        ("AQ", "Antarctica", "Antarctica", None, False),
    ],
)
def test_region_of_follows_m49_and_its_developing_grouping(
    country: str, un_region: str, subregion: str, intermediate: str | None, south: bool
) -> None:
    region = region_of(country)
    assert (region.country, region.un_region, region.subregion) == (country, un_region, subregion)
    assert region.intermediate_region == intermediate
    assert region.global_south is south
    assert region.hemisphere == (SOUTH if south else NORTH)


def test_region_of_is_case_and_space_insensitive() -> None:
    assert region_of(" gh ") == region_of("GH")


def test_labels_name_every_level_a_target_can_use() -> None:
    assert region_of("GH").labels == {"Africa", "Sub-Saharan Africa", "Western Africa", "south"}
    assert region_of("DE").labels == {"Europe", "Western Europe", "north"}


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("UK", "use GB for the United Kingdom"),
        ("XK", "Kosovo"),
        ("XX", "not an ISO 3166-1 country code"),
        ("GHA", "not an ISO 3166-1 country code"),
        ("", "two-letter ISO 3166-1"),
        (None, "two-letter ISO 3166-1"),
        (44, "two-letter ISO 3166-1"),
    ],
)
def test_region_of_refuses_unknown_codes_naming_the_field(raw: object, fragment: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        region_of(raw, "country")
    assert caught.value.field == "country"
    assert fragment in caught.value.message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Africa", "Africa"),
        ("africa", "Africa"),
        ("SOUTH", "south"),
        (" north ", "north"),
        ("western africa", "Western Africa"),
        ("Latin America and the Caribbean", "Latin America and the Caribbean"),
    ],
)
def test_canonical_label_matches_case_insensitively(raw: str, expected: str) -> None:
    assert canonical_label(raw) == expected


@pytest.mark.parametrize("raw", ["Mars", "Antarctica", "", "global south", None])
def test_canonical_label_refuses_unknown_labels_listing_the_choices(raw: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        canonical_label(raw, "regional_targets.x")
    assert caught.value.field == "regional_targets.x"
    assert "Africa, Americas, Asia, Europe, Oceania, south, north" in caught.value.message


def test_region_labels_are_the_five_regions_their_subregions_and_the_split() -> None:
    assert set(UN_REGIONS) | {SOUTH, NORTH} <= set(REGION_LABELS)
    assert "Antarctica" not in REGION_LABELS
    assert len(REGION_LABELS) == 5 + 2 + 17 + 8  # regions, split, M49 sub-regions, intermediate regions
