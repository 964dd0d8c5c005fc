"""Rows as API schemas, shared by the scholarship services (no queries here)."""

from calendar_service.db.tables import ScholarshipApplication, ScholarshipReview
from calendar_service.domain.scholarships import BudgetSummary, format_amount, region_of, review_score, to_number
from calendar_service.domain.timezones import iso_utc
from calendar_service.scholarships.records import ProgramView
from calendar_service.scholarships.schemas import AwardRead, BudgetRead, CriterionRead, RegionRead, ReviewRead

AWARDED_STATES = ("awarded", "accepted", "declined", "expired")


def region_read(country: str) -> RegionRead:
    region = region_of(country)
    return RegionRead(
        country=region.country,
        un_region=region.un_region,
        subregion=region.subregion,
        intermediate_region=region.intermediate_region,
        global_south=region.global_south,
    )


def award_read(application: ScholarshipApplication, view: ProgramView) -> AwardRead | None:
    if application.status not in AWARDED_STATES or not application.award:
        return None
    return AwardRead(
        amounts=dict(application.award.get("amounts", {})),
        total=view.money(application.award_minor),
        currency=view.currency,
        kind=str(application.award.get("kind", "")),
        awarded_at=iso_utc(application.awarded_at) if application.awarded_at else None,
        answer_by=iso_utc(application.answer_by) if application.answer_by else None,
        answered_at=iso_utc(application.answered_at) if application.answered_at else None,
    )


def criteria_read(view: ProgramView) -> list[CriterionRead]:
    return [CriterionRead(**c) for c in view.settings.get("criteria", [])]


def review_read(review: ScholarshipReview, reviewer: str, view: ProgramView) -> ReviewRead:
    score = None
    if review.phase == "scoring" and review.scores:
        numbers = {key: to_number(value, f"scores.{key}") for key, value in review.scores.items()}
        score = f"{review_score(view.criteria, numbers):.2f}"
    return ReviewRead(
        reviewer_id=review.reviewer_id,
        reviewer=reviewer,
        phase=review.phase,
        eligible=review.eligible,
        scores=dict(review.scores),
        score=score,
        comment=review.comment,
        conflict_of_interest=review.conflict_of_interest,
        updated_at=iso_utc(review.updated_at),
    )


def budget_read(summary: BudgetSummary, currency: str) -> BudgetRead:
    def money(value: object) -> str:
        return format_amount(value, currency)  # type: ignore[arg-type]

    return BudgetRead(
        currency=currency,
        budget=money(summary.budget),
        awarded=money(summary.awarded),
        accepted=money(summary.accepted),
        declined=money(summary.declined),
        expired=money(summary.expired),
        committed=money(summary.committed),
        remaining=money(summary.remaining),
        per_region={region: money(amount) for region, amount in summary.per_region.items()},
    )
