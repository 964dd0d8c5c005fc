"""The reviewer pool of a program and bringing applications up to strength (`domain` decides who)."""

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.db.tables import ReviewAssignment, ScholarshipApplication, ScholarshipReview, StaffToken
from calendar_service.domain.scholarships import Assignment, assign_reviewers
from calendar_service.scholarships.records import ProgramView


class ReviewerPool:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session = session
        self.now = now

    async def fill(self, view: ProgramView, application_ids: list[int], pool: list[int]) -> Assignment:
        """Bring `application_ids` up to strength; loads count every assignment in the program."""
        existing: dict[int, set[int]] = {a: set() for a in application_ids}
        rows = await self.session.execute(
            select(ReviewAssignment.application_id, ReviewAssignment.reviewer_id)
            .join(ScholarshipApplication, ScholarshipApplication.id == ReviewAssignment.application_id)  # type: ignore[arg-type]
            .where(ScholarshipApplication.program_id == view.row.id)
        )
        for application_id, reviewer_id in rows.all():
            existing.setdefault(application_id, set()).add(reviewer_id)
        conflicts = (
            await self.session.execute(
                select(ScholarshipReview.reviewer_id, ScholarshipReview.application_id).where(
                    ScholarshipReview.phase == "conflict",
                    ScholarshipReview.application_id.in_(application_ids),  # type: ignore[attr-defined]
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
                select(StaffToken.id, StaffToken.email).where(
                    StaffToken.id.in_(pool),  # type: ignore[union-attr]
                    StaffToken.email.is_not(None),  # type: ignore[union-attr]
                )
            )
        ).all()
        reviewers: dict[str, list[int]] = {}
        for reviewer_id, email in emails:
            reviewers.setdefault(str(email).casefold(), []).append(reviewer_id)
        if not reviewers or not application_ids:
            return set()
        applicants = await self.session.execute(
            select(ScholarshipApplication.id, ScholarshipApplication.email_key).where(
                ScholarshipApplication.id.in_(application_ids),  # type: ignore[union-attr]
                ScholarshipApplication.email_key.in_(list(reviewers)),  # type: ignore[attr-defined]
            )
        )
        return {(reviewer, app_id) for app_id, key in applicants for reviewer in reviewers[key]}

    async def active(self) -> list[StaffToken]:
        return list(
            (
                await self.session.scalars(
                    select(StaffToken)
                    .where(
                        StaffToken.role == "reviewer",
                        StaffToken.revoked_at.is_(None),  # type: ignore[union-attr]
                        or_(StaffToken.expires_at.is_(None), StaffToken.expires_at > self.now),  # type: ignore[union-attr,operator]
                    )
                    .order_by(StaffToken.id)
                )
            ).all()
        )
