"""HTTP for registrations: public register, token-holder view/cancel, staff lists and check-in."""

import hashlib
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, patch, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED

from calendar_service.domain import registration as rules
from calendar_service.domain.access import ADMIN_ONLY, ORGANIZERS, PUBLIC_WRITE, Staff
from calendar_service.notifications.outbox_view import OutboxList, OutboxView
from calendar_service.params import RowId
from calendar_service.registrations.attendance import AttendanceService
from calendar_service.registrations.batch import RegistrationDesk, Ticket
from calendar_service.registrations.retention import RetentionService
from calendar_service.registrations.schemas import (
    AttendanceMark,
    AttendanceSummary,
    ConfirmationRead,
    ErasureRead,
    LinkRequest,
    LinkRequested,
    RegistrationCreate,
    RegistrationRead,
    StaffMessage,
    StaffMessageResult,
    StaffRegistrationList,
    StaffStatusChange,
)
from calendar_service.registrations.service import RegistrationService
from calendar_service.registrations.staff_desk import StaffDesk

IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(name="Idempotency-Key", description="Retries with the same key return the first response"),
]


class RegistrationController(Controller):
    tags = ["registrations"]

    @post(
        "/api/events/{slug:str}/registrations",
        operation_id="CreateRegistration",
        opt=PUBLIC_WRITE,
        responses={
            201: ResponseSpec(
                data_container=RegistrationRead,
                description="Registered (or the first answer again, for a repeated Idempotency-Key)",
                generate_examples=False,
            )
        },
    )
    async def create_registration(
        self,
        request: Request[Any, Any, State],
        slug: FromPath[str],
        data: JSONBody[RegistrationCreate],
        registration_desk: NamedDependency[RegistrationDesk],  # group commit: registrations/batch.py
        idempotency_key: IdempotencyKey = None,
    ) -> Response[bytes]:
        """Register; the answer says confirmed, waitlisted (with position) or pending confirmation."""
        request_hash = hashlib.sha256(await request.body()).hexdigest()
        ticket = Ticket.received(data, rules.check_idempotency_key(idempotency_key), request_hash)
        status, body = await registration_desk.register(slug, ticket)
        return Response(body, status_code=status, media_type="application/json")

    @post(
        "/api/events/{slug:str}/registrations/link",
        operation_id="ResendRegistrationLink",
        opt=PUBLIC_WRITE,
        status_code=HTTP_202_ACCEPTED,
    )
    async def resend_link(
        self, slug: FromPath[str], data: JSONBody[LinkRequest], registrations: NamedDependency[RegistrationService]
    ) -> LinkRequested:
        """Lost the email? A new manage link goes to the address if it is registered; the answer never says."""
        await registrations.resend_link(slug, data.email)
        return LinkRequested(detail="if this address is registered for the event, a new link is on its way")

    @get("/api/registrations/{token:str}", operation_id="GetRegistration")
    async def get_registration(
        self, token: FromPath[str], registrations: NamedDependency[RegistrationService]
    ) -> RegistrationRead:
        """Your registration: status, waitlist position, personal feed."""
        return await registrations.get(token)

    @post(
        "/api/registrations/{token:str}/cancel",
        operation_id="CancelRegistration",
        status_code=HTTP_200_OK,
        opt=PUBLIC_WRITE,
    )
    async def cancel_registration(
        self, token: FromPath[str], registrations: NamedDependency[RegistrationService]
    ) -> RegistrationRead:
        """Cancel; a freed seat goes to the first person on the waiting list."""
        return await registrations.cancel(token)

    @post(
        "/api/registrations/confirm/{confirm_token:str}",
        operation_id="ConfirmRegistration",
        status_code=HTTP_200_OK,
        opt=PUBLIC_WRITE,
    )
    async def confirm_registration(
        self, confirm_token: FromPath[str], registrations: NamedDependency[RegistrationService]
    ) -> ConfirmationRead:
        """Confirm a held place with the single-use link from the email (409 if reused, 410 if expired)."""
        return await registrations.confirm(confirm_token)

    @post(
        "/api/registrations/{token:str}/erase",
        operation_id="EraseRegistration",
        status_code=HTTP_200_OK,
        opt=PUBLIC_WRITE,
    )
    async def erase_registration(
        self, token: FromPath[str], retention: NamedDependency[RetentionService]
    ) -> ErasureRead:
        """Right to erasure: cancel the place (the next person is promoted) and erase name, email and answers.

        The link stops working; only anonymous counts remain.
        """
        await retention.erase_own(token)
        return ErasureRead(status="erased", detail="your registration is cancelled and your personal data erased")

    @post(
        "/api/registrations/{token:str}/feed-token",
        operation_id="RotateFeedToken",
        status_code=HTTP_200_OK,
        opt=PUBLIC_WRITE,
    )
    async def rotate_feed_token(
        self, token: FromPath[str], registrations: NamedDependency[RegistrationService]
    ) -> RegistrationRead:
        """Replace the personal feed link (the old one stops working)."""
        return await registrations.rotate_feed(token)

    @get("/api/staff/events/{slug:str}/registrations", operation_id="ListRegistrations", opt=ORGANIZERS)
    async def list_registrations(
        self,
        slug: FromPath[str],
        staff_desk: NamedDependency[StaffDesk],
        staff: NamedDependency[Staff],
        status: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
    ) -> StaffRegistrationList:
        """Registrations of one event with waitlist positions; `q` searches name and email."""
        return await staff_desk.list_for_staff(slug, staff, status, q)

    @post(
        "/api/staff/registrations/{registration_id:int}/attend",
        operation_id="CheckIn",
        opt=ORGANIZERS,
        status_code=HTTP_200_OK,
    )
    async def check_in(
        self,
        registration_id: RowId,
        staff_desk: NamedDependency[StaffDesk],
        staff: NamedDependency[Staff],
    ) -> StaffRegistrationList:
        """Mark a confirmed registrant as attended."""
        return await staff_desk.mark_attended(registration_id, staff)

    @patch(
        "/api/staff/registrations/{registration_id:int}",
        operation_id="ChangeRegistrationStatus",
        opt=ORGANIZERS,
    )
    async def change_status(
        self,
        registration_id: RowId,
        data: JSONBody[StaffStatusChange],
        staff_desk: NamedDependency[StaffDesk],
        staff: NamedDependency[Staff],
    ) -> StaffRegistrationList:
        """Confirm (needs a free place), cancel (frees it and promotes) or check in one registration."""
        return await staff_desk.change_status(registration_id, data.status, staff)

    @post(
        "/api/staff/events/{slug:str}/messages",
        operation_id="MessageRegistrants",
        opt=ORGANIZERS,
        status_code=HTTP_200_OK,
    )
    async def message_registrants(
        self,
        slug: FromPath[str],
        data: JSONBody[StaffMessage],
        staff_desk: NamedDependency[StaffDesk],
        staff: NamedDependency[Staff],
    ) -> StaffMessageResult:
        """Queue one email per registrant in `statuses` (default: confirmed and awaiting confirmation)."""
        return await staff_desk.message_registrants(slug, data.subject, data.body, list(data.statuses), staff)

    @get("/api/staff/outbox", operation_id="ListOutbox", opt=ADMIN_ONLY)
    async def list_outbox(
        self,
        outbox: NamedDependency[OutboxView],
        staff: NamedDependency[Staff],
        recipient: FromQuery[str | None] = None,
        limit: FromQuery[int] = 100,
    ) -> OutboxList:
        """Messages written by the service, newest first, with their sending state (admin)."""
        return await outbox.list(staff, recipient, limit)


class AttendanceController(Controller):
    tags = ["attendance"]

    @put(
        "/api/staff/events/{slug:str}/sessions/{original_start:str}/attendance",
        operation_id="MarkSessionAttendance",
        opt=ORGANIZERS,
    )
    async def mark_attendance(
        self,
        slug: FromPath[str],
        original_start: FromPath[str],
        data: JSONBody[AttendanceMark],
        attendance: NamedDependency[AttendanceService],
        staff: NamedDependency[Staff],
    ) -> AttendanceSummary:
        """Mark (or with `attended: false` unmark) registrants as present at one session of a series."""
        return await attendance.mark(slug, original_start, data, staff)

    @get("/api/staff/events/{slug:str}/answer-totals", operation_id="GetAnswerTotals", opt=ORGANIZERS)
    async def get_answer_totals(
        self,
        slug: FromPath[str],
        attendance: NamedDependency[AttendanceService],
        staff: NamedDependency[Staff],
    ) -> dict[str, dict[str, int]]:
        """Counts kept when personal data was erased: closed answers, `_status` and `_mode`, per value."""
        return await attendance.answer_totals(slug, staff)

    @get("/api/staff/events/{slug:str}/attendance", operation_id="GetAttendance", opt=ORGANIZERS)
    async def get_attendance(
        self,
        slug: FromPath[str],
        attendance: NamedDependency[AttendanceService],
        staff: NamedDependency[Staff],
    ) -> AttendanceSummary:
        """Every session, the sessions needed to complete, and each registrant's count and completion."""
        return await attendance.summary(slug, staff)
