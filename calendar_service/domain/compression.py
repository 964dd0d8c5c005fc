"""When and how answers are gzipped: the one place that decides it.

Two paths use it. Feeds compress themselves (`feeds/service.py`): the gzip of
a feed version is made once and cached beside its body, deterministically
(mtime 0), so every process sends the same bytes for the same ETag; their
routes carry `SKIP_APP_COMPRESSION` so the app-wide middleware leaves them
alone, as do streamed exports (compressing a stream would hold it back).
Every other answer goes through Litestar's compression middleware,
configured from the same level and threshold (`app.py`).
"""

import gzip

GZIP_LEVEL = 6
MIN_BYTES = 1024  # smaller answers are sent as they are: gzip's header would eat the gain
EXCLUDE_OPT_KEY = "skip_compression"
SKIP_APP_COMPRESSION = {EXCLUDE_OPT_KEY: True}  # route `opt` of answers that compress themselves

_REFUSED = ("q=0", "q=0.0", "q=0.00", "q=0.000")


def gzip_bytes(body: bytes) -> bytes:
    """Deterministic gzip (mtime 0): the same body always compresses to the same bytes."""
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def accepts_gzip(accept_encoding: str | None) -> bool:
    """gzip unless the client refuses it with q=0 (RFC 9110 §12.5.3)."""
    for part in (accept_encoding or "").lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() in ("gzip", "*"):
            return params.replace(" ", "") not in _REFUSED
    return False


def worth_compressing(body: bytes) -> bool:
    return len(body) >= MIN_BYTES
