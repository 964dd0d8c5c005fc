"""The scholarship export: every submitted application with its scores, rank and award; CSV, XLSX or JSON.

Decisions:
- Authorisation, lazy expiry of lapsed offers and the audit entry happen in
  the request's unit of work, before the first byte: an export of personal
  data is always on record.
- The ranking needs every review at once (normalisation, ranks), so rows are
  computed in memory first (a program has hundreds, not millions, of
  applications) and then streamed through the shared writers: the same
  spreadsheet-safe cells as the attendee export.
- Money is typed (Decimal: a number in XLSX, a decimal string in JSON), the
  currency has its own column; times are UTC and say so in the header.
- Drafts are not exported: nobody submitted them.
"""

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.db.tables import ScholarshipApplication
from calendar_service.domain.access import Staff
from calendar_service.domain.exports import acsv_chunks, ajson_chunks, export_filename
from calendar_service.domain.scholarships import AWARD_STATUSES, Ranked, decimal_amounts, from_minor, region_of
from calendar_service.domain.timezones import iso_utc
from calendar_service.errors import InvalidInput
from calendar_service.exports.stream import FORMATS, ExportStream
from calendar_service.exports.xlsx import axlsx_chunks
from calendar_service.scholarships.awards import AwardService
from calendar_service.scholarships.program_view import ProgramView
from calendar_service.scholarships.ranking import load_ranking
from calendar_service.scholarships.store import Store
from calendar_service.settings import Settings
from calendar_service.staff.audit import AuditLog

COLUMNS = (
    "rank",
    "id",
    "status",
    "screening",
    "name",
    "email",
    "country",
    "region",
    "subregion",
    "global_south",
    "affiliation",
    "language",
    "currency",
    "requested_total",
    "requested",
    "score",
    "raw_score",
    "review_count",
    "spread",
    "award_total",
    "award",
    "answer_by (UTC)",
    "submitted_at (UTC)",
    "would_attend_without_support",
    "share_with_partners",
)


def _row(item: Ranked, application: ScholarshipApplication, view: ProgramView) -> dict[str, Any]:
    region = region_of(application.country)
    awarded = application.status in AWARD_STATUSES
    return {
        "rank": item.rank,
        "id": application.id,
        "status": application.status,
        "screening": view.screening_of(application),
        "name": application.name,
        "email": application.email,
        "country": application.country,
        "region": region.un_region,
        "subregion": region.subregion,
        "global_south": region.global_south,
        "affiliation": application.affiliation,
        "language": application.language,
        "currency": view.currency,
        "requested_total": from_minor(application.requested_minor, view.currency),
        "requested": decimal_amounts(application.requested, view.currency),
        "score": item.score,
        "raw_score": item.raw_score,
        "review_count": item.review_count,
        "spread": item.spread,
        "award_total": from_minor(application.award_minor, view.currency) if awarded else None,
        "award": decimal_amounts(application.award.get("amounts", {}), view.currency) if awarded else None,
        "answer_by": iso_utc(application.answer_by) if application.answer_by else None,
        "submitted_at": iso_utc(application.submitted_at) if application.submitted_at else None,
        "would_attend_without_support": application.would_attend_without_support,
        "share_with_partners": application.share_with_partners,
    }


async def _each(rows: Iterable[Any]) -> AsyncIterator[Any]:
    for row in rows:
        yield row


class ExportService:
    def __init__(self, session: AsyncSession, settings: Settings, now: datetime) -> None:
        self.session = session
        self.now = now
        self.store = Store(session, now)
        self.awards = AwardService(session, settings, now)

    async def export(self, slug: str, staff: Staff, fmt: str = "csv", bom: bool = False) -> ExportStream:
        if fmt not in FORMATS:
            raise InvalidInput(f"format: use one of {', '.join(FORMATS)}", "format")
        view = await self.store.view(slug)
        calendar = await self.store.require_editor(staff, view.event)
        await self.awards.expire_program(view)
        ranked, applications = await load_ranking(self.session, view)
        rows = [_row(item, applications[item.application_id], view) for item in ranked]
        AuditLog(self.session, self.now).record(
            staff,
            "export.scholarships",
            "scholarship_program",
            view.row.id,
            calendar=calendar,
            detail={"event": view.event.slug, "format": fmt, "rows": len(rows)},
        )
        filename = export_filename(view.event.slug, "scholarships", self.now.date(), fmt)
        return ExportStream(filename, FORMATS[fmt], len(rows), self._render(fmt, rows, bom))

    def _render(self, fmt: str, rows: Sequence[Mapping[str, Any]], bom: bool) -> AsyncIterator[bytes]:
        if fmt == "json":
            return ajson_chunks(_each(rows))
        table = ([_cell(v) for v in r.values()] for r in rows)
        if fmt == "csv":
            return acsv_chunks(COLUMNS, _each(table), bom=bom)
        return axlsx_chunks(COLUMNS, _each(table), sheet_title="Scholarships")


def _cell(value: object) -> object:
    """Per-item amounts as `travel: 800.00; lodging: 300.00`; everything else as typed."""
    if isinstance(value, Mapping):
        return "; ".join(
            f"{item}: {amount:f}" if isinstance(amount, Decimal) else f"{item}: {amount}"
            for item, amount in value.items()
        )
    return value
