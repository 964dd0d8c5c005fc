"""Rows as API schemas for the scholarship services (no queries here).

An application is read two ways, by the applicant (`ApplicationRead`: with its
token, links and the seat it led to) and by staff (`StaffApplicationRead`: with
reviews, shown as the reader decided); what they share is filled once, by
`_application_fields`.
"""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, TypedDict, cast

from calendar_service.db.tables import ScholarshipApplication, ScholarshipReview
from calendar_service.domain.scholarships import (
    AWARD_STATUSES,
    BudgetSummary,
    Proposal,
    Ranked,
    format_amount,
    region_of,
    review_score,
    to_number,
)
from calendar_service.domain.timezones import iso_utc
from calendar_service.scholarships.program_view import ProgramView
from calendar_service.scholarships.schemas import (
    AllocationRead,
    ApplicationRead,
    ApplicationStatus,
    AwardRead,
    BudgetRead,
    CallRead,
    CallState,
    CriterionRead,
    Money,
    ProgramRead,
    ProposedAwardRead,
    RankingItem,
    RegionRead,
    ReviewRead,
    StaffApplicationRead,
    TargetRead,
)


def status_of(application: ScholarshipApplication) -> ApplicationStatus:
    """The status column only ever holds `ApplicationStatus` values (the services write nothing else)."""
    return cast(ApplicationStatus, application.status)


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
    """The application's award, if it has one (awarded, accepted, declined or expired)."""
    if application.status not in AWARD_STATUSES or not application.award:
        return None
    return held_award_read(application, view)


def held_award_read(application: ScholarshipApplication, view: ProgramView) -> AwardRead:
    """The award of an application that holds one (`AwardService.apply` just made it, say)."""
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
    def money(value: Decimal) -> str:
        return format_amount(value, currency)

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


class _ApplicationFields(TypedDict):
    """The fields `ApplicationRead` and `StaffApplicationRead` fill the same way."""

    status: ApplicationStatus
    event: str
    name: str
    country: str
    region: RegionRead
    affiliation: str
    language: str | None
    motivation: str
    contribution: str
    requested: dict[str, str]
    requested_total: str
    currency: str
    would_attend_without_support: bool
    answers: dict[str, Any]
    share_with_partners: bool
    submitted_at: str | None


def _application_fields(application: ScholarshipApplication, view: ProgramView) -> _ApplicationFields:
    return _ApplicationFields(
        status=status_of(application),
        event=view.event.slug,
        name=application.name,
        country=application.country,
        region=region_read(application.country),
        affiliation=application.affiliation,
        language=application.language,
        motivation=application.motivation,
        contribution=application.contribution,
        requested=dict(application.requested),
        requested_total=view.money(application.requested_minor),
        currency=view.currency,
        would_attend_without_support=application.would_attend_without_support,
        answers=application.answers,
        share_with_partners=application.share_with_partners,
        submitted_at=iso_utc(application.submitted_at) if application.submitted_at else None,
    )


def call_read(view: ProgramView, now: datetime) -> CallRead:
    """What the public application form shows: the items, their limits, the window, the questions."""
    state: CallState = "not_open" if now < view.row.opens_at else "open" if now < view.row.closes_at else "closed"
    return CallRead(
        event=view.event.slug,
        event_title=view.event.title,
        timezone=view.event.timezone,
        state=state,
        currency=view.currency,
        award_items=view.award_items,
        max_per_item={k: format_amount(v, view.currency) for k, v in view.max_per_item.items()},
        opens_at_utc=iso_utc(view.row.opens_at),
        closes_at_utc=iso_utc(view.row.closes_at),
        questions=view.questions,
    )


def application_read(
    application: ScholarshipApplication,
    view: ProgramView,
    *,
    token: str,
    links: dict[str, str],
    registration_status: str | None,
) -> ApplicationRead:
    """The applicant's own view, reached with their token."""
    return ApplicationRead(
        token=token,
        event_title=view.event.title,
        email=application.email,
        consent=application.consent,
        created_at=iso_utc(application.created_at),
        deadline=f"{view.settings['closes_at']} {view.event.timezone}",
        award=award_read(application, view),
        registration_status=registration_status,
        links=links,
        **_application_fields(application, view),
    )


def staff_application_read(
    application: ScholarshipApplication,
    view: ProgramView,
    *,
    email: str,
    award: AwardRead | None,
    my_review: ReviewRead | None,
    reviews: list[ReviewRead],
    hidden_reviews: int,
    reviewers: list[int],
    can_review: list[str],
) -> StaffApplicationRead:
    """What a staff member sees; which reviews, email and award they see is the caller's decision."""
    return StaffApplicationRead(
        id=application.id or 0,
        screening=view.screening_of(application),
        email=email,
        award=award,
        criteria=criteria_read(view),
        my_review=my_review,
        reviews=reviews,
        hidden_reviews=hidden_reviews,
        reviewers=reviewers,
        can_review=can_review,
        **_application_fields(application, view),
    )


def _two_places(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def ranking_item(r: Ranked, a: ScholarshipApplication, view: ProgramView) -> RankingItem:
    return RankingItem(
        id=a.id or 0,
        rank=r.rank,
        overall_rank=r.overall_rank,
        name=a.name,
        country=a.country,
        region=region_read(a.country),
        language=a.language,
        status=status_of(a),
        screening=view.screening_of(a),
        score=_two_places(r.score),
        raw_score=_two_places(r.raw_score),
        review_count=r.review_count,
        spread=_two_places(r.spread),
        stdev=_two_places(r.stdev),
        criterion_means={key: f"{value:.2f}" for key, value in r.criterion_means.items()},
        requested=dict(a.requested),
        requested_total=view.money(a.requested_minor),
        award_total=view.money(a.award_minor) if a.status in ("awarded", "accepted") else None,
        submitted_at=iso_utc(a.submitted_at) if a.submitted_at else None,
    )


def program_read(view: ProgramView, counts: Mapping[str, int], now: datetime, base_url: str) -> ProgramRead:
    program, settings = view.row, view.settings
    return ProgramRead(
        id=program.id or 0,
        event=view.event.slug,
        timezone=view.event.timezone,
        budget=Money(amount=view.money(program.budget_minor), currency=program.currency),
        committed=view.money(program.committed_minor),
        remaining=view.money(program.budget_minor - program.committed_minor),
        opens_at=settings["opens_at"],
        closes_at=settings["closes_at"],
        opens_at_utc=iso_utc(program.opens_at),
        closes_at_utc=iso_utc(program.closes_at),
        award_items=view.award_items,
        criteria=criteria_read(view),
        reviews_per_application=view.per_application,
        screening=view.screening,
        screening_closes_at=view.local("screening_closes_at"),
        scoring_opens_at=view.local("scoring_opens_at") or settings["closes_at"],
        scoring_closes_at=view.local("scoring_closes_at"),
        regional_targets=dict(settings.get("regional_targets", {})),
        accept_within_days=view.accept_within_days,
        questions=view.questions,
        max_per_item={k: format_amount(v, view.currency) for k, v in view.max_per_item.items()},
        reserved_seats=view.event.reserved_seats,
        reviewers=view.reviewers,
        phase=view.phase(now),
        counts=dict(counts),
        apply_url=f"{base_url}/events/{view.event.slug}/apply",  # the application form (page)
    )


def allocation_read(
    proposal: Proposal,
    currency: str,
    *,
    confirmed: bool,
    names: Mapping[int, str],
    not_awarded: list[int],
    budget: BudgetRead,
) -> AllocationRead:
    def money(value: Decimal) -> str:
        return format_amount(value, currency)

    return AllocationRead(
        confirmed=confirmed,
        currency=currency,
        awards=[
            ProposedAwardRead(
                application_id=a.application_id,
                name=names.get(a.application_id, ""),
                region=a.region,
                amounts={item: money(v) for item, v in a.amounts.items()},
                total=money(a.total),
                reason=a.reason,
            )
            for a in proposal.awards
        ],
        skipped=[{"application_id": s.application_id, "reason": s.reason} for s in proposal.skipped],
        total=money(proposal.total),
        remaining=money(proposal.remaining),
        per_region={region: money(v) for region, v in proposal.per_region.items()},
        targets=[
            TargetRead(
                label=t.label,
                share=str(t.share),
                target=money(t.target),
                funded=money(t.funded),
                met=t.met,
                reason=t.reason,
            )
            for t in proposal.targets
        ],
        not_awarded=not_awarded,
        budget=budget,
    )
