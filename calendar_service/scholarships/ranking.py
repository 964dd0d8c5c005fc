"""The ranking: weighted scores, spread, rank, slices by region, South/North and language.

`load_ranking` ranks a program's applications from the rows, for the ranking
staff read, allocation and the export alike.

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

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from calendar_service.db.tables import ScholarshipApplication, ScholarshipReview
from calendar_service.domain.access import Staff
from calendar_service.domain.scholarships import (
    ApplicationFacts,
    Ranked,
    ReviewFacts,
    decimal_amounts,
    rank,
    region_of,
    slice_ranking,
    to_number,
)
from calendar_service.errors import InvalidInput
from calendar_service.scholarships.awards import AwardService
from calendar_service.scholarships.mapping import ranking_item
from calendar_service.scholarships.program_view import ProgramView
from calendar_service.scholarships.schemas import RankingList
from calendar_service.scholarships.store import Store
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


async def load_ranking(
    session: AsyncSession, view: ProgramView, *, normalize: bool = False
) -> tuple[list[Ranked], dict[int, ScholarshipApplication]]:
    """Every rankable application of the program, best first, and the rows by id."""
    rows = (
        await session.scalars(
            select(ScholarshipApplication).where(
                col(ScholarshipApplication.program_id) == view.row.id,
                col(ScholarshipApplication.status) != "draft",
                col(ScholarshipApplication.screening) != "ineligible",
            )
        )
    ).all()
    applications = {a.id or 0: a for a in rows}
    facts = [
        ApplicationFacts(
            id=a.id or 0,
            submitted_at=a.submitted_at or a.created_at,
            region=region_of(a.country),
            language=a.language,
            requested=decimal_amounts(a.requested, view.currency),
        )
        for a in rows
    ]
    reviews = (
        await session.scalars(
            select(ScholarshipReview)
            .join(ScholarshipApplication, col(ScholarshipApplication.id) == col(ScholarshipReview.application_id))
            .where(
                col(ScholarshipApplication.program_id) == view.row.id,
                col(ScholarshipReview.phase) == "scoring",
                col(ScholarshipReview.conflict_of_interest).is_(False),
            )
        )
    ).all()
    # Every review of the program goes in: normalisation learns each reviewer's habits from all of them.
    review_facts = [
        ReviewFacts(
            reviewer_id=r.reviewer_id,
            application_id=r.application_id,
            scores={key: to_number(value, f"scores.{key}") for key, value in r.scores.items()},
        )
        for r in reviews
    ]
    return rank(facts, review_facts, view.criteria, normalize=normalize), applications


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
        ranked, applications = await load_ranking(self.session, view, normalize=normalize)
        if region is not None or language is not None:
            ranked = slice_ranking(ranked, region=region, language=language)
        ranked.sort(key=lambda r: SORTS[key](r, applications[r.application_id]), reverse=sort.startswith("-"))
        return RankingList(
            items=[ranking_item(r, applications[r.application_id], view) for r in ranked],
            currency=view.currency,
            normalize=normalize,
            region=region,
            language=language,
            sort=sort,
        )
