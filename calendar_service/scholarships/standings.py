"""Applications in rank order, from the rows: shared by the ranking list, allocation and exports."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.db.tables import ScholarshipApplication, ScholarshipReview
from calendar_service.domain.scholarships import ApplicationFacts, Ranked, ReviewFacts, rank, region_of, to_number
from calendar_service.scholarships.records import ProgramView, amounts_of


async def load_ranking(
    session: AsyncSession, view: ProgramView, *, normalize: bool = False
) -> tuple[list[Ranked], dict[int, ScholarshipApplication]]:
    """Every rankable application of the program, best first, and the rows by id."""
    rows = (
        await session.scalars(
            select(ScholarshipApplication).where(
                ScholarshipApplication.program_id == view.row.id,
                ScholarshipApplication.status != "draft",
                ScholarshipApplication.screening != "ineligible",
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
            requested=amounts_of(a.requested, view.currency),
        )
        for a in rows
    ]
    reviews = (
        await session.scalars(
            select(ScholarshipReview)
            .join(ScholarshipApplication, ScholarshipApplication.id == ScholarshipReview.application_id)  # type: ignore[arg-type]
            .where(
                ScholarshipApplication.program_id == view.row.id,
                ScholarshipReview.phase == "scoring",
                ScholarshipReview.conflict_of_interest.is_(False),  # type: ignore[attr-defined]
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
