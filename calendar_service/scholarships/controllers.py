"""HTTP for scholarships: applicants (public, by token) and the program's organizers.

Reviewer endpoints live in `review_controllers.py`.
"""

from litestar import Controller, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Stream
from litestar.status_codes import HTTP_200_OK

from calendar_service.domain.access import ORGANIZERS, PUBLIC_WRITE, Staff
from calendar_service.params import RowId
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
    NotAwardedResult,
    ProgramPut,
    ProgramRead,
    RankingList,
    StaffApplicationRead,
)
from calendar_service.scholarships.service import Scholarships

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
        self, slug: FromPath[str], data: JSONBody[ApplicationCreate], scholarships: NamedDependency[Scholarships]
    ) -> ApplicationRead:
        """Apply (or save a draft with `draft: true`); the answer carries your personal `token`."""
        return await scholarships.applications.apply(slug, data)

    @get(APPLICATION, operation_id="GetScholarshipApplication")
    async def get_application(
        self, token: FromPath[str], scholarships: NamedDependency[Scholarships]
    ) -> ApplicationRead:
        """Your application, its status and any award with its answer deadline."""
        return await scholarships.applications.get(token)

    @patch(APPLICATION, operation_id="UpdateScholarshipApplication", opt=PUBLIC_WRITE)
    async def update_application(
        self, token: FromPath[str], data: JSONBody[ApplicationUpdate], scholarships: NamedDependency[Scholarships]
    ) -> ApplicationRead:
        """Edit a draft until the deadline; fields left out stay as they were."""
        return await scholarships.applications.update(token, data)

    @post(
        f"{APPLICATION}/submit", operation_id="SubmitScholarshipApplication", status_code=HTTP_200_OK, opt=PUBLIC_WRITE
    )
    async def submit_application(
        self, token: FromPath[str], scholarships: NamedDependency[Scholarships]
    ) -> ApplicationRead:
        """Submit a draft (once, before the deadline); a receipt is emailed."""
        return await scholarships.applications.submit(token)

    @post(f"{APPLICATION}/accept", operation_id="AcceptScholarship", status_code=HTTP_200_OK, opt=PUBLIC_WRITE)
    async def accept_award(self, token: FromPath[str], scholarships: NamedDependency[Scholarships]) -> ApplicationRead:
        """Accept an award before `answer_by`: your place at the event is confirmed (410 once lapsed)."""
        return await scholarships.applications.accept(token)

    @post(f"{APPLICATION}/decline", operation_id="DeclineScholarship", status_code=HTTP_200_OK, opt=PUBLIC_WRITE)
    async def decline_award(self, token: FromPath[str], scholarships: NamedDependency[Scholarships]) -> ApplicationRead:
        """Decline an award; its money returns to the budget for someone else."""
        return await scholarships.applications.decline(token)


class ProgramController(Controller):
    tags = ["scholarships"]

    @put(PROGRAM, operation_id="PutScholarshipProgram", opt=ORGANIZERS)
    async def put_program(
        self,
        slug: FromPath[str],
        data: JSONBody[ProgramPut],
        scholarships: NamedDependency[Scholarships],
        staff: NamedDependency[Staff],
    ) -> ProgramRead:
        """Create or replace the event's program: budget, windows, rubric, targets, reserved places."""
        return await scholarships.programs.put(slug, data, staff)

    @get(PROGRAM, operation_id="GetScholarshipProgram", opt=ORGANIZERS)
    async def get_program(
        self, slug: FromPath[str], scholarships: NamedDependency[Scholarships], staff: NamedDependency[Staff]
    ) -> ProgramRead:
        """The program, its phase, committed and remaining budget, and application counts."""
        return await scholarships.programs.get(slug, staff)

    @get(f"{PROGRAM}/budget", operation_id="GetScholarshipBudget", opt=ORGANIZERS)
    async def get_budget(
        self, slug: FromPath[str], scholarships: NamedDependency[Scholarships], staff: NamedDependency[Staff]
    ) -> BudgetRead:
        """Awarded, accepted, declined, expired, committed and remaining money, and committed per region."""
        return await scholarships.awards.budget(slug, staff)

    @post(f"{PROGRAM}/assign", operation_id="AssignScholarshipReviewers", opt=ORGANIZERS, status_code=HTTP_200_OK)
    async def assign_reviewers(
        self,
        slug: FromPath[str],
        data: JSONBody[AssignRequest],
        scholarships: NamedDependency[Scholarships],
        staff: NamedDependency[Staff],
    ) -> AssignmentRead:
        """Give every submitted application its reviewers (`reviewers`: token ids; default all reviewers)."""
        return await scholarships.reviews.assign(slug, data, staff)

    @post(f"{PROGRAM}/allocate", operation_id="AllocateScholarships", opt=ORGANIZERS, status_code=HTTP_200_OK)
    async def allocate(
        self,
        slug: FromPath[str],
        data: JSONBody[AllocateRequest],
        scholarships: NamedDependency[Scholarships],
        staff: NamedDependency[Staff],
    ) -> AllocationRead:
        """Propose awards down the ranking within the budget and targets; `confirm: true` awards them all."""
        return await scholarships.allocation.allocate(slug, data, staff)

    @post(f"{PROGRAM}/not-awarded", operation_id="MarkScholarshipsNotAwarded", opt=ORGANIZERS, status_code=HTTP_200_OK)
    async def mark_not_awarded(
        self, slug: FromPath[str], scholarships: NamedDependency[Scholarships], staff: NamedDependency[Staff]
    ) -> NotAwardedResult:
        """Tell every application still waiting that it is not funded (status `not_awarded`)."""
        return await scholarships.awards.not_awarded(slug, staff)

    @get(
        "/api/staff/events/{slug:str}/scholarship-applications",
        operation_id="RankScholarshipApplications",
        opt=ORGANIZERS,
    )
    async def rank_applications(
        self,
        slug: FromPath[str],
        scholarships: NamedDependency[Scholarships],
        staff: NamedDependency[Staff],
        region: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
        sort: FromQuery[str] = "rank",
        normalize: FromQuery[bool] = False,
    ) -> RankingList:
        """The ranking: score, review count, spread, rank; sliced by region (or south/north) and language."""
        return await scholarships.ranking.ranking(
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
        scholarships: NamedDependency[Scholarships],
        staff: NamedDependency[Staff],
    ) -> StaffApplicationRead:
        """One application with every review, conflict and the award (organizers see everything)."""
        return await scholarships.reviews.get_for_organizer(slug, application_id, staff)

    @post(
        "/api/staff/scholarship-applications/{application_id:int}/award",
        operation_id="AwardScholarship",
        opt=ORGANIZERS,
    )
    async def award(
        self,
        application_id: RowId,
        data: JSONBody[AwardCreate],
        scholarships: NamedDependency[Scholarships],
        staff: NamedDependency[Staff],
    ) -> AwardResult:
        """Award `amounts` (item → amount) within the remaining budget (409 naming what remains)."""
        return await scholarships.awards.award(application_id, data, staff)

    @get(
        "/api/staff/events/{slug:str}/scholarships",
        operation_id="ExportScholarships",
        opt={**ORGANIZERS, "skip_compression": True},
    )
    async def export(
        self,
        slug: FromPath[str],
        scholarships: NamedDependency[Scholarships],
        staff: NamedDependency[Staff],
        format: FromQuery[str] = "csv",
        bom: FromQuery[bool] = True,
    ) -> Stream:
        """Every submitted application with scores, rank and award (csv, xlsx or json), streamed."""
        export = await scholarships.exports.export(slug, staff, format, bom)
        return Stream(
            export.chunks,
            media_type=export.media_type,
            headers={"Content-Disposition": export.disposition, "X-Export-Rows": str(export.rows)},
        )
