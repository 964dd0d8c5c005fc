"""Swagger UI's files for `/schema`, served by us from a pinned package (swagger-ui-bundle-v2), never a CDN.

`/schema` then works with no network, and the page loads nothing from another origin. The
files sit under a path with Swagger UI's version in it, so they can be cached for a long time.
"""

from pathlib import Path

from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router
from swagger_ui_bundle import swagger_ui_path

DIRECTORY = Path(str(swagger_ui_path))  # …/swagger_ui_bundle/vendor/swagger-ui-<version>
PATH = f"/static/{DIRECTORY.name}"
JS_URL = f"{PATH}/swagger-ui-bundle.js"
CSS_URL = f"{PATH}/swagger-ui.css"
STANDALONE_PRESET_JS_URL = f"{PATH}/swagger-ui-standalone-preset.js"
FAVICON = f"<link rel='icon' type='image/png' href='{PATH}/favicon-32x32.png'>"


def swagger_ui_router() -> Router:
    return create_static_files_router(
        path=PATH,
        directories=[DIRECTORY],
        name="swagger-ui",
        cache_control=CacheControlHeader(max_age=7 * 24 * 3600, public=True),
        include_in_schema=False,
    )
