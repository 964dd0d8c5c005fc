"""A page speaks the visitor's language: ?lang= first, then the lang cookie, then Accept-Language, then English."""

from typing import Any

from litestar import Litestar, Request, get
from litestar.di import NamedDependency, Provide
from litestar.testing import AsyncTestClient, create_test_client

from calendar_service.pages.dependencies import provide_locale
from calendar_service.pages.responses import html_response
from tests.support.factories import EventFactory
from tests.support.forms import CSRF_FIELD, form_token

Client = AsyncTestClient[Litestar]
QUESTIONS = [{"key": "diet", "label": "Dietary needs", "type": "choice", "options": ["none"], "required": True}]


async def event_with_form(create_event: EventFactory) -> dict[str, Any]:
    return await create_event(
        capacity=3, start="2030-10-03T10:00:00", end="2030-10-03T12:00:00", registration={"questions": QUESTIONS}
    )


async def test_the_event_page_in_spanish_by_switch_cookie_or_browser_and_english_otherwise(
    client: Client, create_event: EventFactory
) -> None:
    slug = (await event_with_form(create_event))["slug"]

    async def page(query: str = "", **headers: str) -> str:
        client.cookies.clear()  # each visit on its own: a cookie set by ?lang= must not choose the next
        answer = await client.get(f"/events/{slug}{query}", headers=headers)
        assert answer.status_code == 200
        return answer.text

    spanish = [
        await page("?lang=es"),
        await page(**{"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}),
        await page(Cookie="lang=es"),
    ]
    for text in spanish:
        assert '<html lang="es">' in text
        assert "Lugares disponibles: 3 de 3." in text and "Inscribirse" in text
        assert "Register" not in text and "places left" not in text
    english = [
        await page(),
        await page("?lang=de", **{"Accept-Language": "fr"}),  # unknown: ignored
        await page("?lang=en", **{"Accept-Language": "es", "Cookie": "lang=es"}),
    ]
    for text in english:
        assert '<html lang="en">' in text and "3 of 3 places left." in text


async def csrf(client: Client) -> dict[str, str]:
    return {CSRF_FIELD: await form_token(client)}


async def test_a_refused_form_in_spanish_stays_spanish_and_keeps_what_was_typed(
    client: Client, create_event: EventFactory
) -> None:
    slug = (await event_with_form(create_event))["slug"]
    refused = await client.post(
        f"/events/{slug}/register",
        data={"name": "Ana", "email": "ana@example.org", "consent": "yes", "answers.diet": "", **await csrf(client)},
        headers={"Accept-Language": "es"},
    )
    assert refused.status_code == 422
    assert '<html lang="es">' in refused.text and 'value="Ana"' in refused.text
    assert 'id="q-1" name="answers.diet" required aria-invalid="true" aria-describedby="q-1-error"' in refused.text
    assert "Responda «" in refused.text, "the problem is told in Spanish"


async def test_the_calendar_page_in_spanish(client: Client, create_event: EventFactory) -> None:
    await event_with_form(create_event)
    page = await client.get("/calendars/test-cal?lang=es")
    assert page.status_code == 200 and '<html lang="es">' in page.text
    assert "Suscribirse en Google Calendar" in page.text and "Dirección del calendario:" in page.text


async def test_the_switch_is_remembered_and_the_registrant_page_follows_it(
    client: Client, create_event: EventFactory
) -> None:
    slug = (await event_with_form(create_event))["slug"]
    switched = await client.get(f"/events/{slug}?lang=es")
    cookie = switched.headers.get("set-cookie", "")
    assert cookie.startswith("lang=es;") and "Path=/" in cookie and "samesite=lax" in cookie.lower()
    registered = await client.post(
        f"/api/events/{slug}/registrations",
        json={"name": "Ana", "email": "ana@example.org", "consent": True, "answers": {"diet": "none"}},
    )
    token = registered.json()["token"]
    mine = await client.get(f"/registrations/{token}", headers={"Cookie": "lang=es"})
    assert '<html lang="es">' in mine.text and "Cancelar mi inscripción" in mine.text


def test_provide_locale_and_html_response_set_the_cookie_only_for_an_explicit_switch() -> None:
    @get("/page", dependencies={"locale": Provide(provide_locale, sync_to_thread=False)}, sync_to_thread=False)
    def page(request: Request[Any, Any, Any], locale: NamedDependency[str]) -> Any:
        return html_response(f"<html lang={locale}>".encode(), request)

    with create_test_client([page]) as client:
        switched = client.get("/page?lang=es")
        assert switched.text == "<html lang=es>"
        assert switched.headers["content-type"].startswith("text/html")
        assert switched.headers["vary"] == "Accept-Language, Cookie"
        cookie = switched.headers["set-cookie"]
        assert cookie.startswith("lang=es;")
        for attribute in ("path=/", "samesite=lax", "httponly", "max-age=31536000"):
            assert attribute in cookie.lower(), cookie
        assert client.get("/page").text == "<html lang=es>", "the cookie is sent back and keeps the choice"
        assert "set-cookie" not in client.get("/page?lang=es").headers, "already remembered: no new cookie"
        assert "set-cookie" not in client.get("/page?lang=xx").headers, "an unknown language sets nothing"
        assert client.get("/page?lang=en").headers["set-cookie"].startswith("lang=en;")
        client.cookies.clear()
        assert client.get("/page", headers={"Accept-Language": "es-AR"}).text == "<html lang=es>"
        assert "set-cookie" not in client.get("/page", headers={"Accept-Language": "es"}).headers
