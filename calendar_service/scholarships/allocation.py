"""Allocation: a proposal down the ranking within the budget and regional targets, confirmed all or nothing.

Decisions:
- Only applications still `submitted` (and not screened out) are candidates;
  targets are shares of the whole budget, less what each region already has
  committed (`domain.scholarships.allocation` decides the rest).
- A confirmation recomputes the proposal under locks and applies every award
  through the same atomic budget path as a hand-made award; one refusal rolls
  all of them back. `expected_application_ids` refuses a proposal that changed
  since the preview.
"""

from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.domain.access import Staff
from calendar_service.domain.scholarships import (
    ZERO,
    allocate,
    candidates_from,
    exponent_of,
    format_amount,
    from_minor,
    region_of,
)
from calendar_service.errors import Conflict
from calendar_service.scholarships.awards import AwardService
from calendar_service.scholarships.mapping import allocation_read
from calendar_service.scholarships.ranking import load_ranking
from calendar_service.scholarships.schemas import AllocateRequest, AllocationRead
from calendar_service.scholarships.store import Store
from calendar_service.settings import Settings
from calendar_service.staff.audit import AuditLog


class AllocationService:
    def __init__(self, session: AsyncSession, settings: Settings, now: datetime) -> None:
        self.session = session
        self.now = now
        self.store = Store(session, now)
        self.awards = AwardService(session, settings, now)
        self.audit = AuditLog(session, now)

    async def allocate(self, slug: str, data: AllocateRequest, staff: Staff) -> AllocationRead:
        view = await self.store.view(slug)
        calendar = await self.store.require_editor(staff, view.event)
        if data.confirm:  # every application it may touch, locked before the budget is
            await self.awards.lock_all(view, ("submitted", "awarded"))
        await self.awards.expire_program(view)
        program = await self.store.fresh_program(view.row)
        ranked, applications = await load_ranking(self.session, view, normalize=data.normalize)
        fundable = [r for r in ranked if applications[r.application_id].status == "submitted"]
        committed: dict[str, Decimal] = {}
        for application in applications.values():
            if application.status in ("awarded", "accepted"):
                region = region_of(application.country)
                for label in region.labels | {region.un_region}:
                    committed[label] = committed.get(label, ZERO) + from_minor(application.award_minor, view.currency)
        proposal = allocate(
            candidates_from(fundable),
            from_minor(program.budget_minor - program.committed_minor, view.currency),
            regional_targets=view.regional_targets,
            exponent=exponent_of(view.currency),
            budget_total=from_minor(program.budget_minor, view.currency),
            committed=committed,
        )
        not_awarded: list[int] = []
        if data.confirm:
            chosen = [a.application_id for a in proposal.awards]
            if data.expected_application_ids is not None and sorted(data.expected_application_ids) != sorted(chosen):
                raise Conflict(
                    "expected_application_ids: the proposal changed since it was previewed (new reviews, awards or "
                    f"budget); it now funds {chosen}. Preview again and confirm that",
                    "expected_application_ids",
                )
            for proposed in proposal.awards:
                await self.awards.apply(applications[proposed.application_id], view, dict(proposed.amounts), 0)
            if data.mark_rest_not_awarded:
                not_awarded = await self.awards.mark_not_awarded(view)
            self.audit.record(
                staff,
                "scholarship.allocate.confirm",
                "scholarship_program",
                view.row.id,
                calendar=calendar,
                detail={
                    "event": view.event.slug,
                    "awards": {str(a.application_id): format_amount(a.total, view.currency) for a in proposal.awards},
                    "not_awarded": not_awarded,
                },
            )
        return allocation_read(
            proposal,
            view.currency,
            confirmed=data.confirm,
            names={i: a.name for i, a in applications.items()},
            not_awarded=not_awarded,
            budget=await self.awards.summary(view),
        )
