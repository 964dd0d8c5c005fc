"""Reviewing: assignment, screening votes, rubric scores, conflicts of interest, and blind reading.

Decisions:
- Reviewers join a program through `assign`: the body's `reviewers` (token
  ids) are stored with the program; without it every active reviewer token
  is in the pool. The same assigned reviewers screen (if the program screens)
  and then score: `reviews_per_application` is both the votes needed and the
  scores wanted.
- A reviewer reviews, and sees, only applications assigned to them: any
  other id is a 404 for a reviewer (it does not say whether it exists); an
  admin, who can see everything, gets a 403 for reviewing unassigned.
- Blind review: another reviewer's vote, scores and comment of a phase are
  shown only once you submitted yours for that phase. Conflicts declared by
  others are never shown to reviewers. Organizers and admins see everything.
- A declared conflict removes the reviewer from the application at once: the
  assignment and any vote or scores they gave go (the screening outcome is
  recomputed without them), a conflict row stays, and a replacement reviewer
  is assigned if the pool has one.
- Windows: screening votes until `screening_closes_at` (if set); scores from
  `scoring_opens_at` (default: the application deadline) until
  `scoring_closes_at` (if set). Scores may be revised while scoring is open;
  a screening vote is final.
"""

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from calendar_service.db.tables import ReviewAssignment, ScholarshipApplication, ScholarshipReview
from calendar_service.domain.access import Staff
from calendar_service.domain.scholarships import check_scores, json_number, screening_outcome
from calendar_service.errors import Conflict, Forbidden, InvalidInput, NotFound
from calendar_service.scholarships.program_view import ProgramView
from calendar_service.scholarships.review_reader import ReviewReader
from calendar_service.scholarships.reviewer_pool import ReviewerPool
from calendar_service.scholarships.schemas import (
    AssignmentRead,
    AssignRequest,
    MyReviews,
    ReviewCreate,
    ReviewerRead,
    ReviewOutcome,
    ReviewResult,
    StaffApplicationRead,
)
from calendar_service.scholarships.store import Store
from calendar_service.staff.audit import AuditLog


class ReviewService:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session = session
        self.now = now
        self.store = Store(session, now)
        self.reader = ReviewReader(session, now)
        self.pool = ReviewerPool(session, now)
        self.audit = AuditLog(session, now)

    async def assign(self, slug: str, data: AssignRequest, staff: Staff) -> AssignmentRead:
        view = await self.store.view(slug, lock=True)  # one assignment run per program at a time
        calendar = await self.store.require_editor(staff, view.event)
        active = await self.pool.active()
        if data.reviewers is not None:
            for index, token_id in enumerate(data.reviewers):
                if token_id not in active:
                    raise InvalidInput(
                        f"reviewers[{index}]: {token_id} is not an active reviewer token; "
                        "GET /api/staff/tokens lists tokens",
                        f"reviewers[{index}]",
                    )
            view.row.settings = {**view.settings, "reviewers": sorted(set(data.reviewers))}
            view.row.updated_at = self.now
        pool = [i for i in active if view.reviewers is None or i in view.reviewers]
        if not pool:
            raise Conflict(
                "reviewers: there is no active reviewer token in this program's pool; create one with "
                "`calendar-service token create --role reviewer --name NAME`",
                "reviewers",
            )
        applications = (
            await self.session.scalars(
                select(col(ScholarshipApplication.id)).where(
                    col(ScholarshipApplication.program_id) == view.row.id,
                    col(ScholarshipApplication.status) == "submitted",
                    col(ScholarshipApplication.screening) != "ineligible",
                )
            )
        ).all()
        result = await self.pool.fill(view, [a for a in applications if a is not None], pool)
        added = sum(len(v) for v in result.added.values())
        self.audit.record(
            staff,
            "scholarship.assign",
            "scholarship_program",
            view.row.id,
            calendar=calendar,
            detail={"event": view.event.slug, "added": added, "pool": sorted(pool)},
        )
        return AssignmentRead(
            added=added,
            reviewers=[ReviewerRead(id=i, name=active[i].name, load=result.loads.get(i, 0)) for i in sorted(pool)],
            assignments={str(a): rs for a, rs in result.reviewers.items()},
            short={str(a): n for a, n in result.short.items() if n},
        )

    async def mine(self, staff: Staff) -> MyReviews:
        """My assignments with the application, my own review and nothing of anyone else's."""
        ids = (
            await self.session.scalars(
                select(col(ReviewAssignment.application_id))
                .where(col(ReviewAssignment.reviewer_id) == staff.id)
                .order_by(col(ReviewAssignment.application_id))
            )
        ).all()
        items = []
        for application_id in ids:
            application = await self.store.application(application_id)
            view = await self.store.view_of(application)
            items.append(await self.reader.read(application, view, staff, others="none"))
        return MyReviews(items=items)

    async def get(self, application_id: int, staff: Staff) -> StaffApplicationRead:
        application = await self._visible(application_id, staff)
        view = await self.store.view_of(application)
        return await self.reader.read(application, view, staff, others="all" if staff.role == "admin" else "blind")

    async def get_for_organizer(self, slug: str, application_id: int, staff: Staff) -> StaffApplicationRead:
        view = await self.store.view(slug)
        await self.store.require_editor(staff, view.event)
        application = await self.store.application(application_id)
        if application.program_id != view.row.id:
            raise NotFound(f"no scholarship application {application_id} for event '{slug}'")
        return await self.reader.read(application, view, staff, others="all")

    async def review(self, application_id: int, data: ReviewCreate, staff: Staff) -> ReviewResult:
        application = await self._visible(application_id, staff, lock=True)
        view = await self.store.view_of(application)
        assigned = await self._assignment(application_id, staff.id)
        if assigned is None:
            raise Forbidden(f"you are not assigned to review application {application_id}; assign reviewers first")
        calendar = await self.store.calendar_slug(view.event)
        outcome: ReviewOutcome
        replacement: int | None = None
        if data.conflict_of_interest:
            replacement = await self._conflict(application, view, staff, assigned, data.comment)
            outcome = "conflict_declared"
        elif data.eligible is not None and data.scores is not None:
            raise InvalidInput(
                "scores: send the screening vote (eligible) and the scores as separate reviews", "scores"
            )
        elif data.eligible is not None:
            await self._screen(application, view, staff, data)
            outcome = "screened"
        elif data.scores is not None:
            await self._score(application, view, staff, data)
            outcome = "scored"
        else:
            raise InvalidInput("scores: send scores, eligible (screening) or conflict_of_interest: true", "scores")
        self.audit.record(
            staff,
            f"scholarship.review.{outcome}",
            "scholarship_application",
            application.id,
            calendar=calendar,
            detail={"event": view.event.slug, "replacement": replacement},
        )
        read = None if outcome == "conflict_declared" else await self.reader.read(application, view, staff, "blind")
        return ReviewResult(
            outcome=outcome,
            application=read,
            replacement_reviewer=replacement,
            screening=view.screening_of(application),
        )

    # -- internals -----------------------------------------------------------------------------

    async def _visible(self, application_id: int, staff: Staff, *, lock: bool = False) -> ScholarshipApplication:
        if staff.role != "admin" and await self._assignment(application_id, staff.id) is None:
            raise NotFound(f"no scholarship application {application_id} among your review assignments")
        return await self.store.application(application_id, lock=lock)

    async def _assignment(self, application_id: int, reviewer_id: int) -> ReviewAssignment | None:
        assignment = await self.session.scalar(
            select(ReviewAssignment).where(
                col(ReviewAssignment.application_id) == application_id,
                col(ReviewAssignment.reviewer_id) == reviewer_id,
            )
        )
        return assignment

    async def _mine(self, application_id: int, reviewer_id: int, phase: str) -> ScholarshipReview | None:
        review = await self.session.scalar(
            select(ScholarshipReview).where(
                col(ScholarshipReview.application_id) == application_id,
                col(ScholarshipReview.reviewer_id) == reviewer_id,
                col(ScholarshipReview.phase) == phase,
            )
        )
        return review

    async def _screen(
        self, application: ScholarshipApplication, view: ProgramView, staff: Staff, data: ReviewCreate
    ) -> None:
        if not view.screening:
            raise InvalidInput("eligible: this program has no screening phase; send scores", "eligible")
        closes = view.instant("screening_closes_at")
        if closes is not None and self.now >= closes:
            raise Conflict(
                f"screening_closes_at: screening closed at {view.local('screening_closes_at')} ({view.event.timezone})",
                "screening_closes_at",
            )
        if application.screening != "pending":
            raise Conflict(
                f"screening: already decided ({application.screening}); no more votes are needed", "screening"
            )
        if await self._mine(application.id or 0, staff.id, "screening") is not None:
            raise Conflict("eligible: you already screened this application; a screening vote is final", "eligible")
        self.session.add(
            ScholarshipReview(
                application_id=application.id or 0,
                reviewer_id=staff.id,
                phase="screening",
                eligible=data.eligible,
                comment=data.comment,
                created_at=self.now,
                updated_at=self.now,
            )
        )
        await self.session.flush()
        await self._rescreen(application, view)

    async def _rescreen(self, application: ScholarshipApplication, view: ProgramView) -> None:
        votes = (
            await self.session.scalars(
                select(col(ScholarshipReview.eligible))
                .where(
                    col(ScholarshipReview.application_id) == application.id,
                    col(ScholarshipReview.phase) == "screening",
                )
                .order_by(col(ScholarshipReview.created_at), col(ScholarshipReview.id))
            )
        ).all()
        application.screening = screening_outcome([bool(v) for v in votes], view.per_application)
        application.updated_at = self.now
        await self.session.flush()

    async def _score(
        self, application: ScholarshipApplication, view: ProgramView, staff: Staff, data: ReviewCreate
    ) -> None:
        zone = view.event.timezone
        if self.now < view.scoring_opens:
            opens = view.local("scoring_opens_at") or view.settings["closes_at"]
            raise Conflict(
                f"scoring_opens_at: scoring opens at {opens} ({zone}), after the deadline", "scoring_opens_at"
            )
        closes = view.instant("scoring_closes_at")
        if closes is not None and self.now >= closes:
            raise Conflict(
                f"scoring_closes_at: scoring closed at {view.local('scoring_closes_at')} ({zone})", "scoring_closes_at"
            )
        if view.screening and application.screening != "eligible":
            raise Conflict(
                f"screening: only applications screened eligible are scored; this one is {application.screening}",
                "screening",
            )
        scores = {key: json_number(v) for key, v in check_scores(view.criteria, data.scores or {}).items()}
        review = await self._mine(application.id or 0, staff.id, "scoring")
        if review is None:
            review = ScholarshipReview(
                application_id=application.id or 0,
                reviewer_id=staff.id,
                phase="scoring",
                created_at=self.now,
                updated_at=self.now,
            )
            self.session.add(review)
        review.scores, review.comment, review.updated_at = scores, data.comment, self.now
        await self.session.flush()

    async def _conflict(
        self,
        application: ScholarshipApplication,
        view: ProgramView,
        staff: Staff,
        assigned: ReviewAssignment,
        comment: str,
    ) -> int | None:
        await self.session.delete(assigned)
        await self.session.execute(
            delete(ScholarshipReview).where(
                col(ScholarshipReview.application_id) == application.id,
                col(ScholarshipReview.reviewer_id) == staff.id,
            )
        )
        self.session.add(
            ScholarshipReview(
                application_id=application.id or 0,
                reviewer_id=staff.id,
                phase="conflict",
                conflict_of_interest=True,
                comment=comment,
                created_at=self.now,
                updated_at=self.now,
            )
        )
        await self.session.flush()
        if view.screening:
            await self._rescreen(application, view)
        active = [i for i in await self.pool.active() if view.reviewers is None or i in view.reviewers]
        result = await self.pool.fill(view, [application.id or 0], active)
        added = result.added.get(application.id or 0, [])
        return added[0] if added else None
