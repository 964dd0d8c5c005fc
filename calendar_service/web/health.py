"""Liveness: 200 when the app and its database answer.

The probe reads the migration version on the read-only engine: on SQLite that
takes no write lock (a health check polled every few seconds must never queue
behind, or block, a registration) and still proves the file is readable and
migrated; on PostgreSQL it is one autocommit round trip.
"""

from typing import Any

from litestar import Controller, Response, get
from litestar.datastructures import State
from sqlalchemy import text

from calendar_service import __version__
from calendar_service.domain.timezones import TZDB_VERSION


class HealthController(Controller):
    path = "/health"
    tags = ["health"]

    @get(operation_id="Health", cache=False)
    async def health(self, state: State) -> Response[dict[str, Any]]:
        """Status of the app and its database, and the tz database version in use."""
        body: dict[str, Any] = {
            "status": "ok",
            "version": __version__,
            "tzdb_version": TZDB_VERSION,
            "database": "ok",
            "database_backend": state.engine.dialect.name,
        }
        try:
            async with state.read_engine.connect() as conn:
                await conn.execute(text("SELECT version_num FROM alembic_version"))
        except Exception as exc:  # any failure means "not healthy"; the detail is for operators
            body.update(status="unavailable", database=f"error: {type(exc).__name__}")
            return Response(body, status_code=503)
        return Response(body)
