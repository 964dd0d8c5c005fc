"""HTTP for reviewers: my assignments, one application (blind), and reviewing it."""

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from calendar_service.domain.access import REVIEWERS, Staff
from calendar_service.params import RowId
from calendar_service.scholarships.schemas import MyReviews, ReviewCreate, ReviewResult, StaffApplicationRead
from calendar_service.scholarships.service import Scholarships


class ReviewController(Controller):
    tags = ["scholarship reviews"]

    @get("/api/staff/reviews", operation_id="ListMyReviews", opt=REVIEWERS)
    async def my_reviews(self, scholarships: NamedDependency[Scholarships], staff: NamedDependency[Staff]) -> MyReviews:
        """The applications assigned to me, with my own review; nothing of other reviewers'."""
        return await scholarships.reviews.mine(staff)

    @get(
        "/api/staff/scholarship-applications/{application_id:int}",
        operation_id="GetScholarshipApplicationForReview",
        opt=REVIEWERS,
    )
    async def get_application(
        self, application_id: RowId, scholarships: NamedDependency[Scholarships], staff: NamedDependency[Staff]
    ) -> StaffApplicationRead:
        """An assigned application; other reviewers' reviews of a phase appear once you submitted yours."""
        return await scholarships.reviews.get(application_id, staff)

    @post(
        "/api/staff/scholarship-applications/{application_id:int}/reviews",
        operation_id="ReviewScholarshipApplication",
        opt=REVIEWERS,
    )
    async def review(
        self,
        application_id: RowId,
        data: JSONBody[ReviewCreate],
        scholarships: NamedDependency[Scholarships],
        staff: NamedDependency[Staff],
    ) -> ReviewResult:
        """Vote `eligible` (screening), send `scores` (criterion → number) or declare a conflict of interest."""
        return await scholarships.reviews.review(application_id, data, staff)
