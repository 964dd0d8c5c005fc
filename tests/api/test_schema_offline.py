"""`/schema` works with no network: Swagger UI's files come from us (a pinned package), not a CDN."""

import re
from urllib.parse import urlsplit

from litestar import Litestar
from litestar.testing import AsyncTestClient

EXPECTED_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


async def test_the_api_docs_load_only_same_origin_assets_and_each_answers(client: AsyncTestClient[Litestar]) -> None:
    page = await client.get("/schema")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    head = page.text.split("<body", 1)[0]
    assets = re.findall(r"""<(?:script|link)\b[^>]*?\b(?:src|href)=["']([^"']+)["']""", head)
    assert len(assets) >= 4, f"expected the bundle, the preset, the stylesheet and the icon: {assets}"
    for url in assets:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc and url.startswith("/"), f"{url} is not on our origin"
        answer = await client.get(url)
        assert answer.status_code == 200, f"{url}: {answer.status_code}"
        extension = "." + parts.path.rsplit(".", 1)[-1]
        content_type = answer.headers["content-type"]
        assert content_type.split(";")[0] in (EXPECTED_TYPES[extension], "application/javascript"), (url, content_type)
        assert len(answer.content) > 100, f"{url} is empty"
    assert "cdn." not in head and "unpkg" not in head and "https://" not in head
    assert "SwaggerUIBundle(" in page.text
