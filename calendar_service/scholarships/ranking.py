"""The ranking staff read: weighted scores, spread, rank, slices by region, South/North and language.

Decisions:
- Ranked are the applications that were submitted (any status after that)
  and not screened out; drafts never. Scores come from completed scoring
  reviews; a reviewer who declared a conflict has no reviews left to count.
- `normalize=true` corrects for harsh and lenient reviewers over every
  review in the program (`domain.scholarships.ranking`).
- `region=` takes any M49 label or `south`/`north`; `language=` a language
  community label; both re-rank within the slice and keep `overall_rank`.
- `sort=` orders the list for reading (rank, score, spread, review_count,
  requested, submitted, name; `-` in front for descending); `rank` keeps its
  meaning whatever the order.
"""

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.db.tables import ScholarshipApplication
from calendar_service.domain.access import Staff
from calendar_service.domain.scholarships import Ranked, slice_ranking
from calendar_service.domain.timezones import iso_utc
from calendar_service.errors import InvalidInput
from calendar_service.scholarships.awards import AwardService
from calendar_service.scholarships.records import ProgramView, Store
from calendar_service.scholarships.schemas import RankingItem, RankingList
from calendar_service.scholarships.standings import load_ranking
from calendar_service.scholarships.views import region_read
from calendar_service.settings import Settings

SORTS: dict[str, Callable[[Ranked, ScholarshipApplication], Any]] = {
    "rank": lambda r, a: r.rank,
    "score": lambda r, a: (r.score is None, r.score or Decimal(0)),
    "spread": lambda r, a: (r.spread is None, r.spread or Decimal(0)),
    "review_count": lambda r, a: r.review_count,
    "requested": lambda r, a: a.requested_minor,
    "submitted": lambda r, a: a.submitted_at,
    "name": lambda r, a: a.name.casefold(),
}


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


class RankingService:
    def __init__(self, session: AsyncSession, settings: Settings, now: datetime) -> None:
        self.session = session
        self.now = now
        self.store = Store(session, now)
        self.awards = AwardService(session, settings, now)

    async def ranking(
        self,
        slug: str,
        staff: Staff,
        *,
        region: str | None = None,
        language: str | None = None,
        sort: str = "rank",
        normalize: bool = False,
    ) -> RankingList:
        view = await self.store.view(slug)
        await self.store.require_editor(staff, view.event)
        key = sort.removeprefix("-")
        if key not in SORTS:
            raise InvalidInput(
                f"sort: '{sort}' is not a sort; use one of {', '.join(SORTS)} (prefix - to reverse)", "sort"
            )
        await self.awards.expire_program(view)
        ranked, applications = await self.ranked(view, normalize=normalize)
        if region is not None or language is not None:
            ranked = slice_ranking(ranked, region=region, language=language)
        ranked.sort(key=lambda r: SORTS[key](r, applications[r.application_id]), reverse=sort.startswith("-"))
        return RankingList(
            items=[self.item(r, applications[r.application_id], view) for r in ranked],
            currency=view.currency,
            normalize=normalize,
            region=region,
            language=language,
            sort=sort,
        )

    async def ranked(
        self, view: ProgramView, *, normalize: bool = False
    ) -> tuple[list[Ranked], dict[int, ScholarshipApplication]]:
        return await load_ranking(self.session, view, normalize=normalize)

    @staticmethod
    def item(r: Ranked, a: ScholarshipApplication, view: ProgramView) -> RankingItem:
        return RankingItem(
            id=a.id or 0,
            rank=r.rank,
            overall_rank=r.overall_rank,
            name=a.name,
            country=a.country,
            region=region_read(a.country),
            language=a.language,
            status=a.status,  # type: ignore[arg-type]
            screening=view.screening_of(a),
            score=_text(r.score),
            raw_score=_text(r.raw_score),
            review_count=r.review_count,
            spread=_text(r.spread),
            stdev=_text(r.stdev),
            criterion_means={key: f"{value:.2f}" for key, value in r.criterion_means.items()},
            requested=dict(a.requested),
            requested_total=view.money(a.requested_minor),
            award_total=view.money(a.award_minor) if a.status in ("awarded", "accepted") else None,
            submitted_at=iso_utc(a.submitted_at) if a.submitted_at else None,
        )
