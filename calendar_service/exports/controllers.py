"""Staff exports over HTTP: streamed downloads with a dated filename."""

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Stream

from calendar_service.domain.access import ORGANIZERS, Staff
from calendar_service.domain.compression import SKIP_APP_COMPRESSION
from calendar_service.exports.attendees import AttendeeExport


class ExportController(Controller):
    tags = ["exports"]

    @get(
        "/api/staff/events/{slug:str}/attendees",
        operation_id="ExportAttendees",
        opt={**ORGANIZERS, **SKIP_APP_COMPRESSION},
    )
    async def export_attendees(
        self,
        slug: FromPath[str],
        attendee_export: NamedDependency[AttendeeExport],
        staff: NamedDependency[Staff],
        format: FromQuery[str] = "csv",
        status: FromQuery[str | None] = None,
        mode: FromQuery[str | None] = None,
        bom: FromQuery[bool] = True,
    ) -> Stream:
        """One row per registration (csv, xlsx or json), streamed.

        CSV starts with a UTF-8 BOM, so Excel reads non-Latin names right (`bom=false`: without).
        """
        export = await attendee_export.prepare(slug, staff, fmt=format, status=status, mode=mode, bom=bom)
        return Stream(
            export.chunks,
            media_type=export.media_type,
            headers={"Content-Disposition": export.disposition, "X-Export-Rows": str(export.rows)},
        )
