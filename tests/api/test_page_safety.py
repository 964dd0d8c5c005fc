"""Pages are safe to show: HTML errors in the site's layout (JSON stays under /api and for feeds), safety
headers, CSRF on every form, and every text people typed escaped wherever a page shows it."""

import re

from litestar import Litestar
from litestar.testing import AsyncTestClient

from calendar_service.app import create_app
from calendar_service.settings import Settings
from tests.support.factories import EventFactory
from tests.support.forms import CSRF_COOKIE, form_token, post_form

Client = AsyncTestClient[Litestar]
SCRIPT = "<script>alert(1)</script>"
MARKUP = '"><img src=x onerror=alert(1)>'


def is_page(answer: object) -> bool:
    headers = answer.headers  # type: ignore[attr-defined]
    return str(headers["content-type"]).startswith("text/html") and "<main" in answer.text  # type: ignore[attr-defined]


async def test_unknown_pages_are_html_in_the_layout_and_the_api_and_feeds_stay_json(client: Client) -> None:
    for path in ("/events/nope", "/calendars/nope", "/no/such/page", "/registrations/not-a-token"):
        answer = await client.get(path)
        assert answer.status_code == 404 and is_page(answer), path
        headings = ("We could not find this page", "We could not find this registration", "There is no such calendar")
        assert any(heading in answer.text for heading in headings), path
        assert "GET /api" not in answer.text, "no API wording on a page"
    spanish = await client.get("/events/nope?lang=es")
    assert spanish.status_code == 404 and "No encontramos esta página" in spanish.text
    for path in ("/api/events/nope", "/api/nope", "/calendars/nope.ics", "/events/nope.ics", "/feeds/nope.ics"):
        answer = await client.get(path)
        assert answer.status_code == 404 and answer.headers["content-type"].startswith("application/json"), path
        assert "detail" in answer.json()


async def test_a_page_refusal_keeps_the_status_of_the_domain_error(client: Client, create_event: EventFactory) -> None:
    event = await create_event(capacity=5, start="2030-10-03T10:00:00", end="2030-10-03T12:00:00")
    path = f"/api/events/{event['slug']}/registrations"
    mine = (await client.post(path, json={"name": "P1", "email": "p1@example.org", "consent": True})).json()
    await post_form(client, f"/registrations/{mine['token']}/erase")
    gone = await client.get(f"/registrations/{mine['token']}/cancel")
    assert gone.status_code in (404, 410) and is_page(gone)
    wrong_method = await client.put("/registrations/link")
    assert wrong_method.status_code == 405 and is_page(wrong_method)


async def test_pages_carry_the_safety_headers(client: Client, create_event: EventFactory) -> None:
    event = await create_event(capacity=5, start="2030-10-03T10:00:00", end="2030-10-03T12:00:00")
    for path in (f"/events/{event['slug']}", "/registrations/link", "/no/such/page"):
        headers = (await client.get(path)).headers
        policy = headers["content-security-policy"]
        script_src = re.search(r"script-src ([^;]*)", policy).group(1)  # type: ignore[union-attr]
        assert "'unsafe-inline'" not in script_src and "'self'" in script_src
        assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    api = (await client.get("/api/events?from=2030-01-01&to=2031-01-01")).headers
    assert api["x-content-type-options"] == "nosniff" and CSRF_COOKIE not in api.get("set-cookie", "")


async def test_a_form_without_its_csrf_token_is_refused_with_a_page_and_with_it_works(
    client: Client, create_event: EventFactory
) -> None:
    event = await create_event(capacity=5, start="2030-10-03T10:00:00", end="2030-10-03T12:00:00")
    slug = event["slug"]
    body = {"name": "Ama", "email": "ama@example.org", "consent": "yes"}
    page = (await client.get(f"/events/{slug}")).text
    assert 'name="_csrf_token"' in page, "the form carries the token"
    refused = await client.post(f"/events/{slug}/register", data=body)
    assert refused.status_code == 403 and is_page(refused) and "This form could not be accepted" in refused.text
    forged = await client.post(f"/events/{slug}/register", data={**body, "_csrf_token": "0" * 128})
    assert forged.status_code == 403
    token = await form_token(client)
    assert (await client.post(f"/events/{slug}/register", data={**body, "_csrf_token": token})).status_code == 200
    api = await client.post(
        f"/api/events/{slug}/registrations", json={"name": "Bo", "email": "bo@example.org", "consent": True}
    )
    assert api.status_code == 201, "the JSON API needs no CSRF token"


async def test_what_people_type_is_escaped_on_every_page(
    client: Client, create_event: EventFactory, admin_headers: dict[str, str]
) -> None:
    event = await create_event(
        title=f"Title {SCRIPT} {MARKUP}",
        description=f"About {SCRIPT}\n\nMore {MARKUP}",
        capacity=1,
        start="2030-10-03T10:00:00",
        end="2030-10-03T12:00:00",
        registration={
            "questions": [{"key": "why", "label": f"Why {MARKUP}", "type": "text"}],
        },
    )
    slug = event["slug"]
    first = await post_form(
        client,
        f"/events/{slug}/register",
        {"name": f"Eve {SCRIPT}", "email": "eve@example.org", "consent": "yes", "answers.why": f"{MARKUP} {SCRIPT}"},
    )
    assert first.status_code == 200
    token = re.search(r"/registrations/([A-Za-z0-9_\-]+)\"", first.text).group(1)  # type: ignore[union-attr]
    refused = await post_form(client, f"/events/{slug}/register", {"name": f"Mal {SCRIPT}", "email": MARKUP})
    assert refused.status_code == 422
    pages = [
        (await client.get(f"/events/{slug}")).text,
        first.text,
        refused.text,
        (await client.get(f"/registrations/{token}")).text,
        (await client.get(f"/registrations/{token}/cancel")).text,
        (await client.get(f"/registrations/{token}/erase")).text,
        (await client.get("/registrations/link")).text,
        (await client.get(f"/registrations/link?event={slug}")).text,
    ]
    for page in pages:
        assert "<script>alert" not in page and "<img src=x" not in page
    shown = "\n".join(pages)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and "&lt;img src=x onerror=alert(1)&gt;" in shown


async def test_too_many_form_posts_answer_a_429_page_with_retry_after(
    settings: Settings, create_event: EventFactory
) -> None:
    event = await create_event(capacity=50, start="2030-10-03T10:00:00", end="2030-10-03T12:00:00")
    limited = Settings(**{**settings.__dict__, "rate_limit": 2})
    async with AsyncTestClient(app=create_app(limited), base_url="http://testserver.local") as other:
        answers = [
            await post_form(other, f"/events/{event['slug']}/register", {"name": "Ana", "email": f"a{n}@example.org"})
            for n in range(3)
        ]
        assert [a.status_code for a in answers] == [422, 422, 429]
        limited_page = answers[2]
        assert is_page(limited_page) and "Too many requests" in limited_page.text
        assert limited_page.headers["retry-after"] and 'id="retry-after"' in limited_page.text
