"""The pages' own files (`pages/static/`: time.js) at `/static/pages/…`, served by us: no inline script, no CDN.

A Content-Security-Policy with `script-src 'self'` allows them. They change rarely and are small:
an hour's caching is enough, and a fixed script is picked up soon after a deploy.
"""

from pathlib import Path

from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router

DIRECTORY = Path(__file__).resolve().with_name("static")
PATH = "/static/pages"


def pages_static_router() -> Router:
    return create_static_files_router(
        path=PATH,
        directories=[DIRECTORY],
        name="pages-static",
        cache_control=CacheControlHeader(max_age=3600, public=True),
        include_in_schema=False,
    )
