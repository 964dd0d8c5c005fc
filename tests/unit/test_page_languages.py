"""The pages' catalogs are complete and current, and dates, zones and numbers read right in each language."""

from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from calendar_service.domain.locale import SUPPORTED
from calendar_service.pages.formats import Formats
from calendar_service.pages.i18n import LOCALE_DIR, Say, catalog_path, environment, render, translations
from calendar_service.pages.registration import openness, places_note
from calendar_service.pages.text import Text

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [code for code in SUPPORTED if code != "en"]


def plain(text: str) -> str:
    """CLDR's thin and no-break spaces (around "–", before "MXN") as plain spaces, to write expectations."""
    return text.replace("\u2009", " ").replace("\u202f", " ").replace("\xa0", " ")


def catalog(locale: str) -> Catalog:
    with catalog_path(locale).open("rb") as source:
        return read_po(source, locale=locale)


def extracted() -> set[tuple[str | None, str]]:
    """(context, message) of every message the templates and pages/*.py mark, as `make i18n` extracts them."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = set()
    for _filename, _line, message, _comments, context in extract_from_dir(ROOT, method_map, options_map):
        found.add((context, message if isinstance(message, str) else message[0]))
    return found


def translated(string: str | tuple[str, ...] | list[str] | None) -> bool:
    """Every form filled in (a plural message has several)."""
    return bool(string) if isinstance(string, str) or string is None else bool(string) and all(string)


def keys(messages: Catalog) -> set[tuple[str | None, str]]:
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in messages if m.id}


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_has_a_reviewed_translation(locale: str) -> None:
    messages = catalog(locale)
    untranslated = [m.id for m in messages if m.id and not translated(m.string)]
    fuzzy = [m.id for m in messages if m.id and m.fuzzy]
    assert not untranslated, f"{locale}: no translation for {untranslated}"
    assert not fuzzy, f"{locale}: fuzzy (unreviewed) translations for {fuzzy}"
    problems = [(m.id, [str(e) for e in errors]) for m, errors in messages.check()]
    assert not problems, f"{locale}: placeholders differ from the English: {problems}"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_the_pages_use_is_in_the_catalog(locale: str) -> None:
    marked = extracted()
    assert ("registration status", "cancelled") in marked and (None, "Register") in marked, "extraction found nothing"
    missing = marked - keys(catalog(locale))
    assert not missing, f"not in {locale}'s catalog (run `make i18n`, then translate): {sorted(missing, key=str)}"
    with (LOCALE_DIR / "messages.pot").open("rb") as source:
        template = read_po(source)
    assert keys(template) == marked, "locale/messages.pot is stale: run `make i18n`"


def test_the_catalog_is_used_and_a_message_without_translation_passes_through() -> None:
    say = Say("es")
    assert say("Register") == "Inscribirse"
    assert say("email: 'x' is not an email address") == "email: 'x' is not an email address"
    assert say(places_note(10, 2, 1, True)) == "Lugares disponibles: 7 de 10."
    assert say(places_note(1000, 0, 0, True)) == "Lugares disponibles: 1.000 de 1.000.", (
        "numbers in the locale's format"
    )
    assert Say("en")(places_note(1000, 0, 0, True)) == "1,000 of 1,000 places left."
    assert say(Text("")) == "" and say("") == ""
    assert translations("en").gettext("Register") == "Register"
    with pytest.raises(ValueError, match="unsupported"):
        translations("fr")


def test_python_built_sentences_are_whole_messages_with_placeholders() -> None:
    from datetime import UTC, datetime

    from calendar_service.domain.registration import RegistrationSettings

    note = openness(
        "scheduled",
        datetime(2030, 1, 2, tzinfo=UTC),
        5,
        RegistrationSettings.of({"opens_at": "2030-01-01T09:00:00"}),
        "UTC",
        now=datetime(2029, 1, 1, tzinfo=UTC),
    ).note
    assert note.msgid == "Registration opens on %(when)s (%(zone)s)."
    assert str(note) == "Registration opens on 2030-01-01 09:00:00 (UTC)."
    assert Say("es")(note) == "Las inscripciones abren el 2030-01-01 09:00:00 (UTC)."


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "Thu, Sep 5, 2024, 17:00 – 19:00"),
        ("es", "jue, 5 sept 2024, 17:00–19:00"),
    ],
)
def test_a_time_range_on_one_day(locale: str, expected: str) -> None:
    # 23:00-01:00 UTC is 17:00-19:00 in Mexico City (UTC-6, no DST since 2022).
    assert (
        plain(Formats(locale).time_range("2024-09-05T23:00:00Z", "2024-09-06T01:00:00Z", "America/Mexico_City"))
        == expected
    )


@pytest.mark.parametrize(
    ("locale", "zone", "start", "end", "expected"),
    [
        ("en", "Asia/Tokyo", "2024-09-05T23:00:00Z", "2024-09-06T01:00:00Z", "Fri, Sep 6, 2024, 08:00 – 10:00"),
        ("es", "Asia/Tokyo", "2024-09-05T23:00:00Z", "2024-09-06T01:00:00Z", "vie, 6 sept 2024, 8:00–10:00"),
        (
            "en",
            "America/Mexico_City",
            "2024-09-05T23:00:00Z",
            "2024-09-07T01:00:00Z",
            "Thu, Sep 5, 2024, 17:00 – Fri, Sep 6, 2024, 19:00",
        ),
        (
            "es",
            "America/Argentina/Buenos_Aires",
            "2024-12-31T21:00:00Z",
            "2025-01-01T04:00:00Z",
            "mar, 31 dic 2024, 18:00 – mié, 1 ene 2025, 1:00",
        ),
    ],
)
def test_a_time_range_in_another_zone_or_over_days(locale: str, zone: str, start: str, end: str, expected: str) -> None:
    assert plain(Formats(locale).time_range(start, end, zone)) == expected


@pytest.mark.parametrize(
    ("locale", "first", "last", "expected"),
    [
        ("en", "2024-09-05", "2024-09-05", "Thu, Sep 5, 2024"),
        ("en", "2024-09-05", "2024-09-07", "Thu, Sep 5 – Sat, Sep 7, 2024"),
        ("es", "2024-09-05", "2024-09-07", "jue, 5 sept – sáb, 7 sept 2024"),
        ("es", "2024-12-30", "2025-01-02", "lun, 30 dic 2024 – jue, 2 ene 2025"),
    ],
)
def test_a_date_range(locale: str, first: str, last: str, expected: str) -> None:
    assert plain(Formats(locale).date_range(first, last)) == expected


def test_an_all_day_event_ends_the_day_before_its_exclusive_end() -> None:
    assert plain(Formats("en").all_day_range("2024-09-05", "2024-09-06")) == "Thu, Sep 5, 2024"
    assert plain(Formats("es").all_day_range("2024-09-05", "2024-09-08")) == "jue, 5 sept – sáb, 7 sept 2024"


@pytest.mark.parametrize(
    ("locale", "zone", "name", "offset"),
    [
        ("en", "America/Mexico_City", "Mexico (Mexico City) Time", "GMT-06:00"),
        ("es", "America/Mexico_City", "hora de México (Ciudad de México)", "GMT-06:00"),
        ("es", "America/Argentina/Buenos_Aires", "hora de Argentina (Buenos Aires)", "GMT-03:00"),
        ("en", "Asia/Kolkata", "India Time", "GMT+05:30"),
        ("en", "UTC", "Coordinated Universal Time", "GMT+00:00"),
        ("es", "Etc/UTC", "tiempo universal coordinado", "GMT+00:00"),
    ],
)
def test_a_zone_by_its_place_and_offset(locale: str, zone: str, name: str, offset: str) -> None:
    formats = Formats(locale)
    assert formats.zone_name(zone) == name
    assert formats.utc_offset(zone, "2024-09-05T23:00:00Z") == offset


@pytest.mark.parametrize(
    ("locale", "amount", "currency", "expected"),
    [
        ("en", 1234.5, "MXN", "MX$1,234.50"),
        ("es", "1234.5", "MXN", "1.234,50 MXN"),
        ("es", 250000, "ARS", "250.000,00 ARS"),
        ("en", 1000, "USD", "$1,000.00"),
    ],
)
def test_money(locale: str, amount: float | str, currency: str, expected: str) -> None:
    assert plain(Formats(locale).money(amount, currency)) == expected


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="no UTC offset"):
        Formats("en").time_range("2024-09-05T17:00:00", "2024-09-05T19:00:00", "UTC")


@pytest.mark.parametrize("locale", SUPPORTED)
def test_the_macros_render_a_time_range_in_two_zones_and_a_field_with_its_error(locale: str) -> None:
    env = environment(locale)
    macros: Any = env.get_template("macros.html").module
    html = str(
        macros.time_range(
            "2024-09-05T23:00:00Z", "2024-09-06T01:00:00Z", "America/Mexico_City", viewer_zone="Asia/Tokyo"
        )
    )
    assert Formats(locale).time_range("2024-09-05T23:00:00Z", "2024-09-06T01:00:00Z", "America/Mexico_City") in html
    assert Formats(locale).zone_name("Asia/Tokyo") in html and "GMT-06:00" in html
    field = str(macros.field("f-x", "x", "X", "<b>", hint="A hint", error="Wrong", required=True))
    assert 'aria-invalid="true"' in field and 'aria-describedby="f-x-hint f-x-error"' in field
    assert 'id="f-x-error"' in field and 'value="&lt;b&gt;"' in field, "what was typed is escaped"
    assert "aria-invalid" not in str(macros.field("f-y", "y", "Y"))


def test_a_page_in_spanish_says_so_and_switches_back() -> None:
    html = render(
        "confirm.html", "es", heading="Confirm your place", message="", show_form=True, event_url="", event_title=""
    ).decode()
    assert '<html lang="es">' in html
    assert "<title>Confirme su lugar · calendar-service</title>" in html
    assert "Confirmar mi lugar" in html and "Confirm my place" not in html
    assert '<main id="main">' in html and 'href="#main"' in html
    assert 'href="?lang=en" hreflang="en" lang="en">English</a>' in html
    assert 'lang="es" aria-current="true">Español</a>' in html
    english = render(
        "confirm.html", heading="Confirm your place", show_form=True, message="", event_url="", event_title=""
    )
    assert b'<html lang="en">' in english and b"Confirm my place" in english
