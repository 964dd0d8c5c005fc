"""Events carry their title and description in other languages: stored, validated, edited, and read back."""

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.factories import event_body

Client = AsyncTestClient[Litestar]
SPANISH = {"es": {"title": "Mesa redonda de políticas", "description": "Una conversación abierta."}}


async def test_translations_are_stored_and_read_back_with_normalised_tags(
    client: Client, admin_headers: dict[str, str], calendar: dict[str, Any]
) -> None:
    body = event_body(languages=["en"], translations={"ES": SPANISH["es"], "pt-br": {"title": "Mesa-redonda"}})
    created = await client.post("/api/events", json=body, headers=admin_headers)
    assert created.status_code == 201, created.text
    assert created.json()["translations"] == {"es": SPANISH["es"], "pt-BR": {"title": "Mesa-redonda"}}
    again = await client.get(f"/api/events/{created.json()['slug']}")
    assert again.json()["translations"] == created.json()["translations"]
    assert again.json()["title"] == "Policy roundtable"  # the original stays the event's own text


async def test_an_event_without_translations_has_none(
    client: Client, admin_headers: dict[str, str], calendar: dict[str, Any]
) -> None:
    created = await client.post("/api/events", json=event_body(), headers=admin_headers)
    assert created.json()["translations"] == {}


async def test_patch_replaces_the_translations_and_leaves_them_when_absent(
    client: Client, admin_headers: dict[str, str], calendar: dict[str, Any]
) -> None:
    slug = (await client.post("/api/events", json=event_body(translations=SPANISH), headers=admin_headers)).json()[
        "slug"
    ]
    moved = await client.patch(f"/api/events/{slug}", json={"title": "Roundtable"}, headers=admin_headers)
    assert moved.json()["translations"] == SPANISH
    replaced = await client.patch(
        f"/api/events/{slug}", json={"translations": {"fr": {"title": "Table ronde"}}}, headers=admin_headers
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["translations"] == {"fr": {"title": "Table ronde"}}
    cleared = await client.patch(f"/api/events/{slug}", json={"translations": {}}, headers=admin_headers)
    assert cleared.json()["translations"] == {}


async def test_bad_translations_are_422_naming_the_field(
    client: Client, admin_headers: dict[str, str], calendar: dict[str, Any]
) -> None:
    cases = {
        "translations": {"not a tag!": {"title": "x"}},
        "translations.es.title": {"es": {"title": "   "}},
        "translations.es": {"es": {}},
    }
    for field, translations in cases.items():
        response = await client.post("/api/events", json=event_body(translations=translations), headers=admin_headers)
        assert response.status_code == 422, (field, response.text)
        assert response.json()["field"] == field
    unknown = await client.post(
        "/api/events", json=event_body(translations={"es": {"summary": "x"}}), headers=admin_headers
    )
    assert unknown.status_code == 422
    nothing = await client.get("/api/events?from=2024-01-01&to=2025-01-01")
    assert nothing.json()["items"] == []  # nothing half-written


async def test_the_event_page_shows_the_visitors_translation_marked_with_its_language(
    client: Client, admin_headers: dict[str, str], calendar: dict[str, Any]
) -> None:
    body = event_body(
        languages=["en"], description="An open conversation.", translations={"es": {"title": "Mesa redonda"}}
    )
    slug = (await client.post("/api/events", json=body, headers=admin_headers)).json()["slug"]
    spanish = (await client.get(f"/events/{slug}?lang=es")).text
    assert '<h1 dir="auto">Mesa redonda</h1>' in spanish  # Spanish text on a Spanish page needs no lang
    assert 'lang="en"><p dir="auto">An open conversation.' in spanish  # the untranslated description says it is English
    english = (await client.get(f"/events/{slug}?lang=en")).text
    assert '<h1 dir="auto">Policy roundtable</h1>' in english and "Mesa redonda" not in english
