"""Staff exports over HTTP: streamed downloads with a dated filename."""

from litestar import Controller, Request, get
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Stream
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.domain.access import ORGANIZERS, Staff
from calendar_service.exports.attendees import AttendeeExport


class ExportController(Controller):
    tags = ["exports"]

    @get(
        "/api/staff/events/{slug:str}/attendees",
        operation_id="ExportAttendees",
        opt={**ORGANIZERS, "skip_compression": True},
    )
    async def export_attendees(
        self,
        request: Request[object, object, State],
        slug: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        staff: NamedDependency[Staff],
        format: FromQuery[str] = "csv",
        status: FromQuery[str | None] = None,
        mode: FromQuery[str | None] = None,
        bom: FromQuery[bool] = True,
    ) -> Stream:
        """One row per registration (csv, xlsx or json), streamed.

        CSV starts with a UTF-8 BOM, so Excel reads non-Latin names right (`bom=false`: without).
        """
        state = request.app.state
        export = await AttendeeExport(db_session, state.read_session_maker, state.clock()).prepare(
            slug, staff, fmt=format, status=status, mode=mode, bom=bom
        )
        return Stream(
            export.chunks,
            media_type=export.media_type,
            headers={"Content-Disposition": export.disposition, "X-Export-Rows": str(export.rows)},
        )
