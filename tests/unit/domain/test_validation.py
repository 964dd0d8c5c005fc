"""Small field checks: country codes, language tags, tags, URLs, coordinates."""

import math

import pytest

from calendar_service.domain.validation import coordinate, country_code, http_url, language_tags, tags
from calendar_service.errors import InvalidInput

# --- country codes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [("GH", "GH"), ("mx", "MX"), (" us ", "US"), ("Be", "BE"), ("np", "NP"), ("AU", "AU"), ("cl", "CL")],
)
def test_country_code_is_upper_cased_iso_alpha_2(given: str, stored: str) -> None:
    assert country_code(given) == stored


def test_missing_country_is_allowed() -> None:
    assert country_code(None) is None


@pytest.mark.parametrize("given", ["XX", "USA", "UK", "", "G", "12", "Ghana"])
def test_unknown_country_code_is_refused_naming_the_field(given: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        country_code(given)
    assert caught.value.field == "location.country"
    assert f"'{given}'" in caught.value.message
    assert "ISO 3166-1 alpha-2" in caught.value.message


def test_country_code_error_uses_the_given_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        country_code("ZZ", "country")
    assert caught.value.field == "country"


# --- language tags --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        (["en"], ["en"]),
        (["EN"], ["en"]),
        (["pt-br"], ["pt-BR"]),
        (["es-419"], ["es-419"]),
        (["zh-Hant-TW"], ["zh-Hant-TW"]),
        (["fil"], ["fil"]),
        (["en", "es", "en", "EN"], ["en", "es"]),
        (["pt-BR", "pt-br", "pt"], ["pt-BR", "pt"]),
        ([], []),
    ],
)
def test_language_tags_are_normalised_and_deduplicated_in_order(given: list[str], stored: list[str]) -> None:
    assert language_tags(given) == stored


@pytest.mark.parametrize(
    ("given", "index"),
    [
        (["english"], 0),
        (["en", "e"], 1),
        (["en", "es", "pt_BR"], 2),
        (["en-"], 0),
        (["en--US"], 0),
        (["en-abcdefghi"], 0),
        ([""], 0),
        (["12"], 0),
    ],
)
def test_invalid_language_tag_is_refused_naming_its_index(given: list[str], index: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        language_tags(given)
    assert caught.value.field == f"languages[{index}]"
    assert "BCP 47" in caught.value.message


# --- tags -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        (["Climate"], ["climate"]),
        ([" open-source "], ["open-source"]),
        (["ai.ethics", "web_3", "2024"], ["ai.ethics", "web_3", "2024"]),
        (["Café"], ["café"]),
        (["a" * 64], ["a" * 64]),
        (["Commons", "commons", "COMMONS "], ["commons"]),
        ([], []),
    ],
)
def test_tags_are_lower_cased_trimmed_and_deduplicated(given: list[str], stored: list[str]) -> None:
    assert tags(given) == stored


@pytest.mark.parametrize(
    ("given", "index"),
    [
        ([""], 0),
        (["ok", "two words"], 1),
        (["-leading-dash"], 0),
        (["a" * 65], 0),
        (["ok", "fine", "semi;colon"], 2),
        (["#hashtag"], 0),
        (["slash/tag"], 0),
    ],
)
def test_invalid_tag_is_refused_naming_its_index(given: list[str], index: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        tags(given)
    assert caught.value.field == f"tags[{index}]"
    assert "not a tag" in caught.value.message


# --- URLs ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("https://example.org", "https://example.org"),
        ("http://example.org/path?q=1#frag", "http://example.org/path?q=1#frag"),
        ("  https://meet.example.com/abc  ", "https://meet.example.com/abc"),
        ("https://[2001:db8::1]:8443/x", "https://[2001:db8::1]:8443/x"),
    ],
)
def test_http_and_https_urls_are_accepted_trimmed(given: str, stored: str) -> None:
    assert http_url(given, "online_url") == stored


def test_missing_url_is_allowed() -> None:
    assert http_url(None, "online_url") is None


@pytest.mark.parametrize(
    "given",
    [
        "ftp://example.org/file",
        "javascript:alert(1)",
        "mailto:someone@example.org",
        "example.org",
        "//example.org",
        "http://",
        "https:///path-only",
        "",
        "data:text/html,<b>x</b>",
    ],
)
def test_non_http_url_is_refused_naming_the_field(given: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        http_url(given, "registration_url")
    assert caught.value.field == "registration_url"
    assert "http(s) URL" in caught.value.message


# --- coordinates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "low", "high"),
    [(0.0, -90.0, 90.0), (-90.0, -90.0, 90.0), (90.0, -90.0, 90.0), (180.0, -180.0, 180.0), (-33.45, -90.0, 90.0)],
)
def test_coordinate_within_range_is_kept(value: float, low: float, high: float) -> None:
    assert coordinate(value, low, high, "location.lat") == value


def test_missing_coordinate_is_allowed() -> None:
    assert coordinate(None, -90.0, 90.0, "location.lat") is None


@pytest.mark.parametrize(
    ("value", "low", "high"),
    [
        (90.0001, -90.0, 90.0),
        (-91.0, -90.0, 90.0),
        (180.5, -180.0, 180.0),
        (math.inf, -180.0, 180.0),
        (-math.inf, -180.0, 180.0),
        (math.nan, -90.0, 90.0),
    ],
)
def test_coordinate_out_of_range_or_not_a_number_is_refused(value: float, low: float, high: float) -> None:
    with pytest.raises(InvalidInput) as caught:
        coordinate(value, low, high, "location.lon")
    assert caught.value.field == "location.lon"
    assert "outside" in caught.value.message


@pytest.mark.parametrize(
    "given",
    [
        "http://example.com\nX-Injected: 1",
        "https://example.org/a\r\nATTACH:https://evil.example",
        "http://exa mple.com",
    ],
    ids=["lf", "crlf", "space-in-host"],
)
def test_url_with_whitespace_or_line_breaks_inside_is_refused(given: str) -> None:
    with pytest.raises(InvalidInput):
        http_url(given, "online_url")


@pytest.mark.parametrize("given", ["en\n", "pt-br\n"])
def test_language_tag_with_trailing_newline_is_refused(given: str) -> None:
    with pytest.raises(InvalidInput):
        language_tags([given])
