"""Sending a page's form as a browser does: with the CSRF token of the cookie a page view set."""

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

CSRF_COOKIE = "csrftoken"
CSRF_FIELD = "_csrf_token"


async def form_token(client: AsyncTestClient[Litestar], page: str = "/registrations/link") -> str:
    """The token every form carries: the `csrftoken` cookie, set by the first page viewed."""
    if CSRF_COOKIE not in client.cookies:
        await client.get(page)
    return str(client.cookies[CSRF_COOKIE])


async def post_form(
    client: AsyncTestClient[Litestar], path: str, data: dict[str, Any] | None = None, **options: Any
) -> Any:
    """POST `data` as an HTML form would, `{{ csrf_field() }}` included (`options`: e.g. follow_redirects)."""
    return await client.post(path, data={**(data or {}), CSRF_FIELD: await form_token(client)}, **options)
