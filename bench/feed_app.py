"""The service app plus a static copy of the feed, for the feed benchmark's baseline.

Served by uvicorn from bench/feeds.py; BENCH_STATIC_DIR holds the bytes the
benchmark saved from the warm feed, so both URLs return the same payload from
the same server process.
"""

import os

from litestar.static_files import create_static_files_router

from calendar_service.app import create_app

app = create_app()
app.register(create_static_files_router(path="/static-bench", directories=[os.environ["BENCH_STATIC_DIR"]]))
