"""What a staff member sees of one application: blind for reviewers, everything for organizers.

`others` says how much of other reviewers' work is shown:
- "all": every review and declared conflict, with reviewer names (organizers, admins);
- "blind": another reviewer's review of a phase only once the viewer submitted
  their own for that phase; conflicts never (a reviewer reading an assignment);
- "none": nothing of anyone else (the list of my assignments).
The applicant's email is left out for reviewers: they judge the application,
not how to reach the person.
"""

from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from calendar_service.db.tables import ReviewAssignment, ScholarshipApplication, ScholarshipReview, StaffToken
from calendar_service.domain.access import Staff
from calendar_service.scholarships.mapping import award_read, review_read, staff_application_read
from calendar_service.scholarships.program_view import ProgramView
from calendar_service.scholarships.schemas import ReviewRead, StaffApplicationRead

Others = Literal["all", "blind", "none"]


class ReviewReader:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session = session
        self.now = now

    async def read(
        self, application: ScholarshipApplication, view: ProgramView, viewer: Staff, others: Others
    ) -> StaffApplicationRead:
        rows = (
            await self.session.scalars(
                select(ScholarshipReview)
                .where(col(ScholarshipReview.application_id) == application.id)
                .order_by(col(ScholarshipReview.created_at), col(ScholarshipReview.id))
            )
        ).all()
        assigned = sorted(
            (
                await self.session.scalars(
                    select(col(ReviewAssignment.reviewer_id)).where(
                        col(ReviewAssignment.application_id) == application.id
                    )
                )
            ).all()
        )
        names = await self._names({r.reviewer_id for r in rows})
        mine = {r.phase: r for r in rows if r.reviewer_id == viewer.id}
        theirs = [r for r in rows if r.reviewer_id != viewer.id]
        if others == "all":
            shown = theirs
        elif others == "blind":
            shown = [r for r in theirs if r.phase != "conflict" and r.phase in mine]
        else:
            shown = []
        hidden = sum(1 for r in theirs if r.phase != "conflict" and r not in shown)
        own = mine.get("scoring") or mine.get("screening")

        def as_read(review: ScholarshipReview) -> ReviewRead:
            return review_read(review, names.get(review.reviewer_id, ""), view)

        full = others == "all"
        return staff_application_read(
            application,
            view,
            email=application.email if full else "",
            award=award_read(application, view) if full else None,
            my_review=as_read(own) if own else None,
            reviews=[as_read(r) for r in shown],
            hidden_reviews=hidden,
            reviewers=assigned if full else [],
            can_review=self._can_review(application, view, viewer, assigned, mine),
        )

    def _can_review(
        self,
        application: ScholarshipApplication,
        view: ProgramView,
        viewer: Staff,
        assigned: list[int],
        mine: dict[str, ScholarshipReview],
    ) -> list[str]:
        if viewer.id not in assigned:
            return []
        can = []
        screening_closes = view.instant("screening_closes_at")
        if (
            view.screening
            and application.screening == "pending"
            and "screening" not in mine
            and (screening_closes is None or self.now < screening_closes)
        ):
            can.append("screening")
        scoring_closes = view.instant("scoring_closes_at")
        if (
            (not view.screening or application.screening == "eligible")
            and view.scoring_opens <= self.now
            and (scoring_closes is None or self.now < scoring_closes)
        ):
            can.append("scoring")
        return can

    async def _names(self, ids: set[int]) -> dict[int, str]:
        if not ids:
            return {}
        rows = await self.session.execute(
            select(col(StaffToken.id), col(StaffToken.name)).where(col(StaffToken.id).in_(ids))
        )
        return {i: n for i, n in rows.all() if i is not None}
