"""Health, OpenAPI, refusing an unmigrated database, and following tz database updates."""

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text

from calendar_service.app import create_app
from calendar_service.db.engine import create_engine
from calendar_service.domain.timezones import TZDB_VERSION
from calendar_service.settings import Settings
from tests.support.factories import EventFactory


async def test_health_names_the_database_and_tz_version(client: AsyncTestClient[Litestar], backend: str) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["tzdb_version"] == TZDB_VERSION
    assert body["database_backend"] == backend


async def test_openapi_schema_and_docs_are_served(client: AsyncTestClient[Litestar]) -> None:
    schema = await client.get("/schema/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/events",
        "/api/events/{slug}",
        "/api/calendars",
        "/api/events/{slug}/cancel",
        "/api/events/{slug}/occurrences/{original_start}",
        "/health",
    ):
        assert path in paths
    operation_ids = {op["operationId"] for item in paths.values() for op in item.values() if "operationId" in op}
    assert {"ListOccurrences", "CreateEvent", "UpdateEvent", "CancelEvent", "PutOccurrence"} <= operation_ids
    docs = await client.get("/schema")
    assert docs.status_code == 200
    assert "html" in docs.headers["content-type"]


async def test_unknown_route_is_a_json_404(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["status_code"] == 404


async def test_utc_columns_are_recomputed_when_the_tz_database_changes(
    client: AsyncTestClient[Litestar], create_event: EventFactory, settings: Settings
) -> None:
    event = await create_event(timezone="America/New_York", start="2039-07-01T09:00:00", end="2039-07-01T10:00:00")
    assert event["start_utc"] == "2039-07-01T13:00:00Z"
    engine = create_engine(settings.database_url, pool=False)
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE event SET tzdb_version = '2000a', start_utc = :wrong, first_start_utc = :wrong"),
            {"wrong": "2039-07-01 14:00:00.000000" if settings.is_sqlite else "2039-07-01 14:00:00+00"},
        )
    await engine.dispose()
    async with AsyncTestClient(app=create_app(settings), base_url="http://testserver.local") as restarted:
        again = (await restarted.get(f"/api/events/{event['slug']}")).json()
    assert again["start_utc"] == "2039-07-01T13:00:00Z"
