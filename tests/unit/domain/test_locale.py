"""The page language: explicit ?lang=, then the lang cookie, then Accept-Language, then English."""

import pytest

from calendar_service.domain.locale import from_accept_language, negotiate, supported


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "expected"),
    [
        (None, None, None, "en"),
        ("es", None, None, "es"),
        ("en", "es", "es", "en"),  # the explicit switch wins over both
        (None, "es", "en", "es"),  # the remembered choice wins over the browser
        (None, None, "es", "es"),
        (None, None, "es-MX,es;q=0.9,en;q=0.8", "es"),
        (None, None, "es-AR", "es"),  # region falls back to its language
        (None, None, "fr-FR,fr;q=0.9", "en"),  # nothing we speak: English
        (None, None, "fr-FR,es;q=0.5,en;q=0.4", "es"),
        (None, None, "en;q=0.5,es;q=0.8", "es"),  # by q-value, not by position
        (None, None, "es;q=0.8,en;q=0.8", "es"),  # a tie goes to the earlier
        (None, None, "es;q=0,en", "en"),  # q=0 refuses
        (None, None, "*", "en"),
        ("de", None, "es", "es"),  # an unknown ?lang= is ignored, not obeyed
        ("<script>", "'; drop", "es", "es"),
        ("", "", "", "en"),
        ("ES", None, None, "es"),
        ("es_MX", None, None, "es"),
        (None, "x" * 5000, "es", "es"),
        (None, None, "es;q=abc,en;q=0.1", "en"),  # a malformed q-value drops that range
        (None, None, "es;q=2", "en"),  # out of range likewise
        (None, None, "en;q=0.1, " * 300 + "es", "en"),  # oversized header: not negotiated
        (None, None, " es-MX ; q=0.9 ", "es"),
    ],
)
def test_negotiate(query: str | None, cookie: str | None, accept: str | None, expected: str) -> None:
    assert negotiate(query, cookie, accept) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("es", "es"), ("es-419", "es"), ("EN-gb", "en"), ("pt", None), ("", None), (None, None), ("e" * 36, None)],
)
def test_supported(value: str | None, expected: str | None) -> None:
    assert supported(value) == expected


def test_accept_language_with_nothing_supported_is_none() -> None:
    assert from_accept_language("de, fr;q=0.5") is None
