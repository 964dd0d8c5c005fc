"""Awards against the budget: by hand, by allocation down the ranking, expiry, and "not awarded".

Invariants:
- Every award, re-award, decline and expiry moves `committed_minor` through
  `Store.move_committed` (a conditional UPDATE): simultaneous awards in any
  number of processes never exceed the budget, and a refused one changes
  nothing. A re-award moves only the difference.
- An offer not answered by `answer_by` expires: lazily whenever the program
  or the application is read, and in `expire_awards()` for a periodic sweep.
  Its money returns to the budget in the same transaction.
- Allocation confirms all awards of the proposal in one transaction or none;
  it locks every application it may touch before it touches the budget.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from calendar_service.db.tables import ScholarshipApplication
from calendar_service.domain.access import Staff
from calendar_service.domain.scholarships import (
    AWARD_STATUSES,
    ZERO,
    AwardFacts,
    AwardStatus,
    award_kind,
    budget_summary,
    check_award,
    decimal_amounts,
    format_amount,
    format_amounts,
    from_minor,
    region_of,
    to_minor,
)
from calendar_service.domain.timezones import iso_utc
from calendar_service.domain.tokens import hash_token, new_token
from calendar_service.errors import Conflict
from calendar_service.notifications.outbox import enqueue
from calendar_service.scholarships import messages
from calendar_service.scholarships.mapping import award_read, budget_read, held_award_read
from calendar_service.scholarships.program_view import ProgramView
from calendar_service.scholarships.schemas import AwardCreate, AwardRead, AwardResult, BudgetRead, NotAwardedResult
from calendar_service.scholarships.store import Store
from calendar_service.settings import Settings
from calendar_service.staff.audit import AuditLog

AWARDABLE = ("submitted", "awarded", "not_awarded", "expired")


async def expire_application(
    session: AsyncSession, store: Store, application: ScholarshipApplication, view: ProgramView
) -> bool:
    """An unanswered offer past its deadline lapses; its money goes back. The row is locked by the caller."""
    if application.status != "awarded" or application.answer_by is None or application.answer_by > store.now:
        return False
    await store.move_committed(view.row, -application.award_minor)
    application.status = "expired"
    application.updated_at = store.now
    enqueue(
        session, messages.expired(name=application.name, email=application.email, title=view.event.title), store.now
    )
    await session.flush()
    return True


class AwardService:
    def __init__(self, session: AsyncSession, settings: Settings, now: datetime) -> None:
        self.session = session
        self.base_url = settings.base_url
        self.now = now
        self.store = Store(session, now)
        self.audit = AuditLog(session, now)

    async def budget(self, slug: str, staff: Staff) -> BudgetRead:
        view = await self.store.view(slug)
        await self.store.require_editor(staff, view.event)
        await self.expire_program(view)
        return await self.summary(view)

    async def award(self, application_id: int, data: AwardCreate, staff: Staff) -> AwardResult:
        application = await self.store.application(application_id, lock=True)
        view = await self.store.view_of(application)
        calendar = await self.store.require_editor(staff, view.event)
        await expire_application(self.session, self.store, application, view)
        self._check_awardable(application, view)
        previous = application.award_minor if application.status == "awarded" else 0
        program = await self.store.fresh_program(view.row)
        remaining = from_minor(program.budget_minor - program.committed_minor + previous, view.currency)
        requested = decimal_amounts(application.requested, view.currency)
        amounts = check_award(data.amounts, view.award_items, requested, view.currency, remaining)
        before = award_read(application, view)
        award = await self.apply(application, view, amounts, previous)
        self.audit.record(
            staff,
            "scholarship.award",
            "scholarship_application",
            application.id,
            calendar=calendar,
            before=before,
            after=award,
            detail={"event": view.event.slug},
        )
        return AwardResult(
            application_id=application.id or 0,
            status="awarded",
            award=award,
            budget=await self.summary(view),
        )

    async def not_awarded(self, slug: str, staff: Staff) -> NotAwardedResult:
        """Every application still waiting (submitted, screened out included) is told it was not funded."""
        view = await self.store.view(slug)
        calendar = await self.store.require_editor(staff, view.event)
        ids = await self.mark_not_awarded(view)
        self.audit.record(
            staff,
            "scholarship.not_awarded",
            "scholarship_program",
            view.row.id,
            calendar=calendar,
            detail={"event": view.event.slug, "applications": ids},
        )
        return NotAwardedResult(not_awarded=ids)

    async def expire_awards(self) -> int:
        """The periodic sweep: every lapsed offer of every program (for a worker or the CLI)."""
        program_ids = (
            await self.session.scalars(
                select(col(ScholarshipApplication.program_id))
                .where(
                    col(ScholarshipApplication.status) == "awarded",
                    col(ScholarshipApplication.answer_by) <= self.now,
                )
                .distinct()
            )
        ).all()
        total = 0
        for program_id in sorted(program_ids):
            total += await self.expire_program(await self.store.view_of_program(program_id))
        return total

    async def expire_program(self, view: ProgramView) -> int:
        lapsed = (
            await self.session.scalars(
                select(ScholarshipApplication)
                .where(
                    col(ScholarshipApplication.program_id) == view.row.id,
                    col(ScholarshipApplication.status) == "awarded",
                    col(ScholarshipApplication.answer_by) <= self.now,
                )
                .order_by(col(ScholarshipApplication.id))
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).all()
        for application in lapsed:
            await expire_application(self.session, self.store, application, view)
        return len(lapsed)

    async def summary(self, view: ProgramView) -> BudgetRead:
        rows = (
            await self.session.scalars(
                select(ScholarshipApplication).where(
                    col(ScholarshipApplication.program_id) == view.row.id,
                    col(ScholarshipApplication.status).in_(AWARD_STATUSES),
                )
            )
        ).all()
        facts = [
            AwardFacts(
                cast(AwardStatus, a.status),  # the query keeps AWARD_STATUSES only
                from_minor(a.award_minor, view.currency),
                region_of(a.country).un_region,
            )
            for a in rows
        ]
        program = await self.store.fresh_program(view.row)
        summary = budget_summary(from_minor(program.budget_minor, view.currency), facts, view.currency)
        return budget_read(summary, view.currency)

    # -- internals -----------------------------------------------------------------------------

    def _check_awardable(self, application: ScholarshipApplication, view: ProgramView) -> None:
        if application.status not in AWARDABLE:
            raise Conflict(f"status: this application is {application.status}; it cannot be awarded now", "status")
        if view.screening and application.screening == "ineligible":
            raise Conflict("screening: reviewers screened this application out; it cannot be awarded", "screening")

    async def apply(
        self, application: ScholarshipApplication, view: ProgramView, amounts: dict[str, Decimal], previous: int
    ) -> AwardRead:
        """The one way money is committed to an application: atomically, or a 409 and nothing written."""
        total = sum(amounts.values(), ZERO)
        minor = to_minor(total, view.currency)
        if not await self.store.move_committed(view.row, minor - previous):
            program = await self.store.fresh_program(view.row)
            left = view.money(program.budget_minor - program.committed_minor + previous)
            raise Conflict(
                f"amounts: the award totals {format_amount(total, view.currency)} {view.currency} but only {left} "
                f"{view.currency} of the budget remains (other awards came first); award at most {left}",
                "amounts",
            )
        requested = decimal_amounts(application.requested, view.currency)
        token = new_token()
        application.link_token_hash = hash_token(token)  # beside the application's own link, never instead
        application.status = "awarded"
        application.award = {"amounts": format_amounts(amounts, view.currency), "kind": award_kind(amounts, requested)}
        application.award_minor = minor
        application.awarded_at = application.updated_at = self.now
        application.answer_by = self.now + timedelta(days=view.accept_within_days)
        application.answered_at = None
        summary = ", ".join(f"{item} {value}" for item, value in application.award["amounts"].items())
        enqueue(
            self.session,
            messages.awarded(
                name=application.name,
                email=application.email,
                title=view.event.title,
                status_url=f"{self.base_url}/api/scholarship-applications/{token}",
                page_url=f"{self.base_url}/applications/{token}",
                amounts=f"{summary} (total {view.money(minor)} {view.currency})",
                answer_by=iso_utc(application.answer_by),
            ),
            self.now,
        )
        await self.session.flush()
        return held_award_read(application, view)

    async def lock_all(self, view: ProgramView, statuses: tuple[str, ...]) -> list[ScholarshipApplication]:
        return list(
            (
                await self.session.scalars(
                    select(ScholarshipApplication)
                    .where(
                        col(ScholarshipApplication.program_id) == view.row.id,
                        col(ScholarshipApplication.status).in_(statuses),
                    )
                    .order_by(col(ScholarshipApplication.id))
                    .with_for_update()
                    .execution_options(populate_existing=True)
                )
            ).all()
        )

    async def mark_not_awarded(self, view: ProgramView) -> list[int]:
        waiting = await self.lock_all(view, ("submitted",))
        for application in waiting:
            application.status = "not_awarded"
            application.updated_at = self.now
            enqueue(
                self.session,
                messages.not_awarded(name=application.name, email=application.email, title=view.event.title),
                self.now,
            )
        await self.session.flush()
        return [a.id or 0 for a in waiting]
