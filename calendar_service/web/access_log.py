"""The access log writes paths without their secrets (domain/redaction.py).

uvicorn logs each request as `client - "METHOD path HTTP/x" status` with the
path as the third argument; the filter rewrites that argument before any
handler formats it, whichever handler or format the operator configured.
"""

import logging

from calendar_service.domain.redaction import redact_path

ACCESS_LOGGER = "uvicorn.access"


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_path(args[2]), *args[3:])
        return True


def install() -> None:
    """Idempotent: one filter on the access logger, whoever started the server."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactSecrets) for f in logger.filters):
        logger.addFilter(RedactSecrets())
