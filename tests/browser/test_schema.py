"""`/schema` in a real browser with no network: Swagger UI draws the API, and nothing is asked of another host."""

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import Browser, Site

pytestmark = pytest.mark.browser


def test_the_api_docs_render_from_our_own_files(site: Site, browser: Browser) -> None:
    page = browser.page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(f"{site.url}/schema")
    assert response is not None and response.status == 200
    page.wait_for_selector(".opblock-tag", timeout=15_000)  # the operations, grouped by tag
    assert page.locator(".opblock-tag").count() > 3
    ours = urlsplit(site.url).netloc
    elsewhere = [url for url in requested if urlsplit(url).netloc not in (ours, "")]
    assert not elsewhere, f"/schema asked other hosts: {elsewhere}"
    browser.assert_no_console_errors()
