"""The reviewer pool of a program and bringing applications up to strength (`domain` decides who)."""

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from calendar_service.db.tables import ReviewAssignment, ScholarshipApplication, ScholarshipReview, StaffToken
from calendar_service.domain.scholarships import Assignment, assign_reviewers
from calendar_service.scholarships.program_view import ProgramView


class ReviewerPool:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session = session
        self.now = now

    async def fill(self, view: ProgramView, application_ids: list[int], pool: list[int]) -> Assignment:
        """Bring `application_ids` up to strength; loads count every assignment in the program."""
        existing: dict[int, set[int]] = {a: set() for a in application_ids}
        rows = await self.session.execute(
            select(col(ReviewAssignment.application_id), col(ReviewAssignment.reviewer_id))
            .join(ScholarshipApplication, col(ScholarshipApplication.id) == col(ReviewAssignment.application_id))
            .where(col(ScholarshipApplication.program_id) == view.row.id)
        )
        for application_id, reviewer_id in rows.all():
            existing.setdefault(application_id, set()).add(reviewer_id)
        conflicts = (
            await self.session.execute(
                select(col(ScholarshipReview.reviewer_id), col(ScholarshipReview.application_id)).where(
                    col(ScholarshipReview.phase) == "conflict",
                    col(ScholarshipReview.application_id).in_(application_ids),
                )
            )
        ).all()
        result = assign_reviewers(
            application_ids,
            sorted(pool),
            view.per_application,
            conflicts={(r, a) for r, a in conflicts} | await self._own_applications(application_ids, pool),
            existing=existing,
        )
        for application_id, reviewers in result.added.items():
            for reviewer_id in reviewers:
                self.session.add(
                    ReviewAssignment(application_id=application_id, reviewer_id=reviewer_id, assigned_at=self.now)
                )
        await self.session.flush()
        return result

    async def _own_applications(self, application_ids: list[int], pool: list[int]) -> set[tuple[int, int]]:
        """(reviewer, application) pairs where the reviewer's token names the applicant's own email."""
        emails = (
            await self.session.execute(
                select(col(StaffToken.id), col(StaffToken.email)).where(
                    col(StaffToken.id).in_(pool),
                    col(StaffToken.email).is_not(None),
                )
            )
        ).all()
        reviewers: dict[str, list[int]] = {}
        for reviewer_id, email in emails:
            reviewers.setdefault(str(email).casefold(), []).append(reviewer_id)
        if not reviewers or not application_ids:
            return set()
        applicants = await self.session.execute(
            select(col(ScholarshipApplication.id), col(ScholarshipApplication.email_key)).where(
                col(ScholarshipApplication.id).in_(application_ids),
                col(ScholarshipApplication.email_key).in_(list(reviewers)),
            )
        )
        return {(reviewer, app_id) for app_id, key in applicants for reviewer in reviewers[key]}

    async def active(self) -> dict[int, StaffToken]:
        """The reviewer tokens that may review now (not revoked, not expired), by id, in id order."""
        rows = (
            await self.session.scalars(
                select(StaffToken)
                .where(
                    col(StaffToken.role) == "reviewer",
                    col(StaffToken.revoked_at).is_(None),
                    or_(col(StaffToken.expires_at).is_(None), col(StaffToken.expires_at) > self.now),
                )
                .order_by(col(StaffToken.id))
            )
        ).all()
        return {token.id: token for token in rows if token.id is not None}
