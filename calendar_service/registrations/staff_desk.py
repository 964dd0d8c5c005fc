"""What staff do with registrations: list (with waiting reasons), check in, change status, message.

Every change goes through the same core as the public paths (`RegistrationService`: the event lock,
the seat UPDATE, promotion in order), and is written to the audit trail in the same unit of work.
"""

from sqlalchemy import func, or_, select

from calendar_service.db.tables import Calendar, Event, Registration
from calendar_service.domain import registration as rules
from calendar_service.domain.access import Staff
from calendar_service.domain.timezones import iso_utc
from calendar_service.errors import Conflict, InvalidInput, NotFound
from calendar_service.notifications import messages
from calendar_service.notifications.outbox import enqueue
from calendar_service.registrations.schemas import StaffMessageResult, StaffRegistrationList, StaffRegistrationRead
from calendar_service.registrations.service import RegistrationService


class StaffDesk:
    def __init__(self, core: RegistrationService) -> None:
        self.core = core
        self.session = core.session
        self.now = core.now
        self.base_url = core.base_url
        self.audit = core.audit

    # -- staff ---------------------------------------------------------------------------------

    async def list_for_staff(
        self, slug: str, staff: Staff, status: str | None = None, query: str | None = None
    ) -> StaffRegistrationList:
        event = await self.core._event_by_slug(slug)
        await self.core._require_editor(event, staff)
        stmt = select(Registration).where(Registration.event_id == event.id)
        if status:
            if status not in rules.STATUSES:
                raise InvalidInput(f"status: use one of {', '.join(rules.STATUSES)}", "status")
            stmt = stmt.where(Registration.status == status)
        if query:
            like = f"%{query.casefold()}%"
            stmt = stmt.where(or_(func.lower(Registration.name).like(like), Registration.email_key.like(like)))
        rows = (await self.session.scalars(stmt.order_by(Registration.created_at, Registration.id))).all()
        waitlist = [r for r in await self.core._waitlist(event.id or 0)]
        positions = {r.id: n for n, r in enumerate(waitlist, start=1)}
        items = [
            StaffRegistrationRead(
                id=r.id or 0,
                status=r.status,  # type: ignore[arg-type]
                waitlist_position=positions.get(r.id),
                name=r.name,
                email=r.email,
                attendance_mode=r.attendance_mode,
                answers=r.answers,
                consent=r.consent,
                created_at=iso_utc(r.created_at),
                confirmed_at=iso_utc(r.confirmed_at) if r.confirmed_at else None,
                cancelled_at=iso_utc(r.cancelled_at) if r.cancelled_at else None,
                attended_at=iso_utc(r.attended_at) if r.attended_at else None,
                scholarship=r.scholarship,
                erased=r.erased_at is not None,
                waiting_reason=rules.waiting_reason(
                    r.attendance_mode,
                    event.capacity,
                    event.seats_taken,
                    (event.registration or {}).get("online_capacity"),
                    event.online_taken,
                    positions.get(r.id),
                    event.reserved_seats,
                )
                if r.status == "waitlisted"
                else None,
            )
            for r in rows
        ]
        return StaffRegistrationList(
            items=items,
            capacity=event.capacity,
            seats_taken=event.seats_taken,
            online_taken=event.online_taken,
            waitlisted=len(waitlist),
        )

    async def mark_attended(self, registration_id: int, staff: Staff) -> StaffRegistrationList:
        registration = await self.session.get(Registration, registration_id)
        if registration is None:
            raise NotFound(f"no registration {registration_id}")
        event = await self.core._lock_event(registration.event_id)
        await self.core._require_editor(event, staff)
        if registration.status not in ("confirmed", "attended"):
            raise Conflict(f"only confirmed registrations can be checked in; this one is {registration.status}")
        previous = registration.status
        registration.status = "attended"
        registration.attended_at = registration.updated_at = self.now
        await self.session.flush()
        await self._audit_status(staff, event, registration, previous, "registration.check_in")
        return await self.list_for_staff(event.slug, staff)

    async def change_status(self, registration_id: int, status: str, staff: Staff) -> StaffRegistrationList:
        """Staff confirm (a free place is needed: nobody is overbooked), cancel (frees and promotes) or check in."""
        found = await self.session.get(Registration, registration_id)
        if found is None:
            raise NotFound(f"no registration {registration_id}")
        event = await self.core._lock_event(found.event_id)
        await self.core._require_editor(event, staff)
        registration = await self.session.get_one(Registration, registration_id, populate_existing=True)
        if status == "attended":
            return await self.mark_attended(registration_id, staff)
        if status == registration.status:
            return await self.list_for_staff(event.slug, staff)
        previous = registration.status
        if status == "cancelled":
            await self.core._end(event, registration, await self.core.letters.cancelled(event, registration))
            await self._audit_status(staff, event, registration, previous, "registration.status")
            return await self.list_for_staff(event.slug, staff)
        if registration.status == "cancelled":
            raise Conflict("a cancelled registration cannot be confirmed; the person can register again")
        if not registration.holds_seat:
            if not await self.core._take_seat(event, registration.attendance_mode):
                raise Conflict("no free place: raise the capacity first (nobody is overbooked silently)")
            registration.holds_seat = True
        registration.status = "confirmed"
        registration.confirmed_at = registration.updated_at = self.now
        await self.session.flush()
        enqueue(self.session, await self.core.letters.promoted(event, registration), self.now, registration.id)
        await self._audit_status(staff, event, registration, previous, "registration.status")
        return await self.list_for_staff(event.slug, staff)

    async def message_registrants(
        self, slug: str, subject: str, body: str, statuses: list[str], staff: Staff
    ) -> StaffMessageResult:
        """One outbox message per registrant in the given statuses (written in this transaction)."""
        event = await self.core._event_by_slug(slug)
        await self.core._require_editor(event, staff)
        rows = (
            await self.session.scalars(
                select(Registration)
                .where(Registration.event_id == event.id, Registration.status.in_(statuses))  # type: ignore[attr-defined]
                .order_by(Registration.id)
            )
        ).all()
        for registration in rows:
            text = f"Hello {registration.name},\n\n{body}\n\n— {event.title}: {self.base_url}/events/{event.slug}"
            enqueue(
                self.session,
                messages.Message("staff_message", registration.email, subject, text),
                self.now,
                registration.id,
            )
        await self.session.flush()
        calendar = await self.session.get_one(Calendar, event.calendar_id)
        self.audit.record(
            staff,
            "registration.message",
            "event",
            event.slug,
            calendar=calendar.slug,
            detail={"subject": subject, "statuses": statuses, "recipients": len(rows)},
        )
        return StaffMessageResult(queued=len(rows), recipients=[r.email for r in rows])

    async def _audit_status(
        self, staff: Staff, event: Event, registration: Registration, previous: str, action: str
    ) -> None:
        calendar = await self.session.get_one(Calendar, event.calendar_id)
        self.audit.record(
            staff,
            action,
            "registration",
            registration.id,
            calendar=calendar.slug,
            before={"status": previous},
            after={"status": registration.status},
            detail={"event": event.slug},
        )
