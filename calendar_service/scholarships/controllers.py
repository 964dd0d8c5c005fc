"""HTTP for scholarships: applicants (public, by token), the program's organizers, and reviewers.

Each handler parses, calls one service method and returns its schema; the
services come from `scholarships/dependencies.py` by name (`scholarship_…`).
"""

from litestar import Controller, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Stream
from litestar.status_codes import HTTP_200_OK

from calendar_service.domain.access import ORGANIZERS, PUBLIC_WRITE, REVIEWERS, Staff
from calendar_service.domain.compression import SKIP_APP_COMPRESSION
from calendar_service.params import RowId
from calendar_service.scholarships.allocation import AllocationService
from calendar_service.scholarships.applications import ApplicationService
from calendar_service.scholarships.awards import AwardService
from calendar_service.scholarships.exports import ExportService
from calendar_service.scholarships.programs import ProgramService
from calendar_service.scholarships.ranking import RankingService
from calendar_service.scholarships.reviews import ReviewService
from calendar_service.scholarships.schemas import (
    AllocateRequest,
    AllocationRead,
    ApplicationCreate,
    ApplicationRead,
    ApplicationUpdate,
    AssignmentRead,
    AssignRequest,
    AwardCreate,
    AwardResult,
    BudgetRead,
    MyReviews,
    NotAwardedResult,
    ProgramPut,
    ProgramRead,
    RankingList,
    ReviewCreate,
    ReviewResult,
    StaffApplicationRead,
)

PROGRAM = "/api/staff/events/{slug:str}/scholarship-program"
APPLICATION = "/api/scholarship-applications/{token:str}"


class ApplicantController(Controller):
    tags = ["scholarships"]

    @post(
        "/api/events/{slug:str}/scholarship-applications",
        operation_id="CreateScholarshipApplication",
        opt=PUBLIC_WRITE,
    )
    async def create_application(
        self,
        slug: FromPath[str],
        data: JSONBody[ApplicationCreate],
        scholarship_applications: NamedDependency[ApplicationService],
    ) -> ApplicationRead:
        """Apply (or save a draft with `draft: true`); the answer carries your personal `token`."""
        return await scholarship_applications.apply(slug, data)

    @get(APPLICATION, operation_id="GetScholarshipApplication")
    async def get_application(
        self, token: FromPath[str], scholarship_applications: NamedDependency[ApplicationService]
    ) -> ApplicationRead:
        """Your application, its status and any award with its answer deadline."""
        return await scholarship_applications.get(token)

    @patch(APPLICATION, operation_id="UpdateScholarshipApplication", opt=PUBLIC_WRITE)
    async def update_application(
        self,
        token: FromPath[str],
        data: JSONBody[ApplicationUpdate],
        scholarship_applications: NamedDependency[ApplicationService],
    ) -> ApplicationRead:
        """Edit a draft until the deadline; fields left out stay as they were."""
        return await scholarship_applications.update(token, data)

    @post(
        f"{APPLICATION}/submit", operation_id="SubmitScholarshipApplication", status_code=HTTP_200_OK, opt=PUBLIC_WRITE
    )
    async def submit_application(
        self, token: FromPath[str], scholarship_applications: NamedDependency[ApplicationService]
    ) -> ApplicationRead:
        """Submit a draft (once, before the deadline); a receipt is emailed."""
        return await scholarship_applications.submit(token)

    @post(f"{APPLICATION}/accept", operation_id="AcceptScholarship", status_code=HTTP_200_OK, opt=PUBLIC_WRITE)
    async def accept_award(
        self, token: FromPath[str], scholarship_applications: NamedDependency[ApplicationService]
    ) -> ApplicationRead:
        """Accept an award before `answer_by`: your place at the event is confirmed (410 once lapsed)."""
        return await scholarship_applications.accept(token)

    @post(f"{APPLICATION}/decline", operation_id="DeclineScholarship", status_code=HTTP_200_OK, opt=PUBLIC_WRITE)
    async def decline_award(
        self, token: FromPath[str], scholarship_applications: NamedDependency[ApplicationService]
    ) -> ApplicationRead:
        """Decline an award; its money returns to the budget for someone else."""
        return await scholarship_applications.decline(token)


class ProgramController(Controller):
    tags = ["scholarships"]

    @put(PROGRAM, operation_id="PutScholarshipProgram", opt=ORGANIZERS)
    async def put_program(
        self,
        slug: FromPath[str],
        data: JSONBody[ProgramPut],
        scholarship_programs: NamedDependency[ProgramService],
        staff: NamedDependency[Staff],
    ) -> ProgramRead:
        """Create or replace the event's program: budget, windows, rubric, targets, reserved places."""
        return await scholarship_programs.put(slug, data, staff)

    @get(PROGRAM, operation_id="GetScholarshipProgram", opt=ORGANIZERS)
    async def get_program(
        self, slug: FromPath[str], scholarship_programs: NamedDependency[ProgramService], staff: NamedDependency[Staff]
    ) -> ProgramRead:
        """The program, its phase, committed and remaining budget, and application counts."""
        return await scholarship_programs.get(slug, staff)

    @get(f"{PROGRAM}/budget", operation_id="GetScholarshipBudget", opt=ORGANIZERS)
    async def get_budget(
        self, slug: FromPath[str], scholarship_awards: NamedDependency[AwardService], staff: NamedDependency[Staff]
    ) -> BudgetRead:
        """Awarded, accepted, declined, expired, committed and remaining money, and committed per region."""
        return await scholarship_awards.budget(slug, staff)

    @post(f"{PROGRAM}/assign", operation_id="AssignScholarshipReviewers", opt=ORGANIZERS, status_code=HTTP_200_OK)
    async def assign_reviewers(
        self,
        slug: FromPath[str],
        data: JSONBody[AssignRequest],
        scholarship_reviews: NamedDependency[ReviewService],
        staff: NamedDependency[Staff],
    ) -> AssignmentRead:
        """Give every submitted application its reviewers (`reviewers`: token ids; default all reviewers)."""
        return await scholarship_reviews.assign(slug, data, staff)

    @post(f"{PROGRAM}/allocate", operation_id="AllocateScholarships", opt=ORGANIZERS, status_code=HTTP_200_OK)
    async def allocate(
        self,
        slug: FromPath[str],
        data: JSONBody[AllocateRequest],
        scholarship_allocation: NamedDependency[AllocationService],
        staff: NamedDependency[Staff],
    ) -> AllocationRead:
        """Propose awards down the ranking within the budget and targets; `confirm: true` awards them all."""
        return await scholarship_allocation.allocate(slug, data, staff)

    @post(f"{PROGRAM}/not-awarded", operation_id="MarkScholarshipsNotAwarded", opt=ORGANIZERS, status_code=HTTP_200_OK)
    async def mark_not_awarded(
        self, slug: FromPath[str], scholarship_awards: NamedDependency[AwardService], staff: NamedDependency[Staff]
    ) -> NotAwardedResult:
        """Tell every application still waiting that it is not funded (status `not_awarded`)."""
        return await scholarship_awards.not_awarded(slug, staff)

    @get(
        "/api/staff/events/{slug:str}/scholarship-applications",
        operation_id="RankScholarshipApplications",
        opt=ORGANIZERS,
    )
    async def rank_applications(
        self,
        slug: FromPath[str],
        scholarship_ranking: NamedDependency[RankingService],
        staff: NamedDependency[Staff],
        region: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
        sort: FromQuery[str] = "rank",
        normalize: FromQuery[bool] = False,
    ) -> RankingList:
        """The ranking: score, review count, spread, rank; sliced by region (or south/north) and language."""
        return await scholarship_ranking.ranking(
            slug, staff, region=region, language=language, sort=sort, normalize=normalize
        )

    @get(
        "/api/staff/events/{slug:str}/scholarship-applications/{application_id:int}",
        operation_id="GetScholarshipApplicationForOrganizers",
        opt=ORGANIZERS,
    )
    async def get_application(
        self,
        slug: FromPath[str],
        application_id: RowId,
        scholarship_reviews: NamedDependency[ReviewService],
        staff: NamedDependency[Staff],
    ) -> StaffApplicationRead:
        """One application with every review, conflict and the award (organizers see everything)."""
        return await scholarship_reviews.get_for_organizer(slug, application_id, staff)

    @post(
        "/api/staff/scholarship-applications/{application_id:int}/award",
        operation_id="AwardScholarship",
        opt=ORGANIZERS,
    )
    async def award(
        self,
        application_id: RowId,
        data: JSONBody[AwardCreate],
        scholarship_awards: NamedDependency[AwardService],
        staff: NamedDependency[Staff],
    ) -> AwardResult:
        """Award `amounts` (item → amount) within the remaining budget (409 naming what remains)."""
        return await scholarship_awards.award(application_id, data, staff)

    @get(
        "/api/staff/events/{slug:str}/scholarships",
        operation_id="ExportScholarships",
        opt={**ORGANIZERS, **SKIP_APP_COMPRESSION},
    )
    async def export(
        self,
        slug: FromPath[str],
        scholarship_exports: NamedDependency[ExportService],
        staff: NamedDependency[Staff],
        format: FromQuery[str] = "csv",
        bom: FromQuery[bool] = True,
    ) -> Stream:
        """Every submitted application with scores, rank and award (csv, xlsx or json), streamed."""
        export = await scholarship_exports.export(slug, staff, format, bom)
        return Stream(
            export.chunks,
            media_type=export.media_type,
            headers={"Content-Disposition": export.disposition, "X-Export-Rows": str(export.rows)},
        )


class ReviewController(Controller):
    tags = ["scholarship reviews"]

    @get("/api/staff/reviews", operation_id="ListMyReviews", opt=REVIEWERS)
    async def my_reviews(
        self, scholarship_reviews: NamedDependency[ReviewService], staff: NamedDependency[Staff]
    ) -> MyReviews:
        """The applications assigned to me, with my own review; nothing of other reviewers'."""
        return await scholarship_reviews.mine(staff)

    @get(
        "/api/staff/scholarship-applications/{application_id:int}",
        operation_id="GetScholarshipApplicationForReview",
        opt=REVIEWERS,
    )
    async def get_application(
        self, application_id: RowId, scholarship_reviews: NamedDependency[ReviewService], staff: NamedDependency[Staff]
    ) -> StaffApplicationRead:
        """An assigned application; other reviewers' reviews of a phase appear once you submitted yours."""
        return await scholarship_reviews.get(application_id, staff)

    @post(
        "/api/staff/scholarship-applications/{application_id:int}/reviews",
        operation_id="ReviewScholarshipApplication",
        opt=REVIEWERS,
    )
    async def review(
        self,
        application_id: RowId,
        data: JSONBody[ReviewCreate],
        scholarship_reviews: NamedDependency[ReviewService],
        staff: NamedDependency[Staff],
    ) -> ReviewResult:
        """Vote `eligible` (screening), send `scores` (criterion → number) or declare a conflict of interest."""
        return await scholarship_reviews.review(application_id, data, staff)
