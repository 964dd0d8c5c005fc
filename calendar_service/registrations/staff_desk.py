"""What staff do with registrations: list (with waiting reasons), check in, change status, message.

Every change goes through the same seats as the public paths (`registrations/seats.py`: the event
lock, the seat UPDATE, promotion in order), and is written to the audit trail in the same unit of work.
"""

from typing import cast

from sqlalchemy import func, or_, select
from sqlmodel import col

from calendar_service.db.tables import Calendar, Event, Registration
from calendar_service.domain import registration as rules
from calendar_service.domain import validation
from calendar_service.domain.access import Staff, require_calendar_editor
from calendar_service.domain.capacity import waiting_reason
from calendar_service.domain.timezones import iso_utc
from calendar_service.errors import Conflict, InvalidInput, NotFound
from calendar_service.notifications import messages
from calendar_service.notifications.outbox import enqueue
from calendar_service.registrations.schemas import (
    RegistrationStatus,
    StaffMessageResult,
    StaffRegistrationList,
    StaffRegistrationRead,
)
from calendar_service.registrations.seats import places_of
from calendar_service.registrations.service import RegistrationService


class StaffDesk:
    def __init__(self, core: RegistrationService) -> None:
        self.session = core.session
        self.now = core.now
        self.base_url = core.base_url
        self.audit = core.audit
        self.letters = core.letters
        self.seats = core.seats

    # -- staff ---------------------------------------------------------------------------------

    async def list_for_staff(
        self, slug: str, staff: Staff, status: str | None = None, query: str | None = None
    ) -> StaffRegistrationList:
        event = await self.seats.event_by_slug(slug)
        await self._require_editor(event, staff)
        stmt = select(Registration).where(col(Registration.event_id) == event.id)
        if status:
            if status not in rules.STATUSES:
                raise InvalidInput(f"status: use one of {', '.join(rules.STATUSES)}", "status")
            stmt = stmt.where(col(Registration.status) == status)
        if query:
            like = f"%{query.casefold()}%"
            stmt = stmt.where(or_(func.lower(Registration.name).like(like), col(Registration.email_key).like(like)))
        rows = (await self.session.scalars(stmt.order_by(col(Registration.created_at), col(Registration.id)))).all()
        waitlist = await self.seats.waitlist(event.id or 0)
        positions = {r.id: n for n, r in enumerate(waitlist, start=1)}
        places = places_of(event)
        items = [
            StaffRegistrationRead(
                id=r.id or 0,
                status=cast(RegistrationStatus, r.status),
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
                waiting_reason=waiting_reason(r.attendance_mode, places, positions.get(r.id))
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
        event = await self.seats.lock(registration.event_id)
        await self._require_editor(event, staff)
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
        event = await self.seats.lock(found.event_id)
        await self._require_editor(event, staff)
        registration = await self.session.get_one(Registration, registration_id, populate_existing=True)
        if status == "attended":
            return await self.mark_attended(registration_id, staff)
        if status == registration.status:
            return await self.list_for_staff(event.slug, staff)
        previous = registration.status
        if status == "cancelled":
            await self.seats.cancel(event, registration, await self.letters.cancelled(event, registration))
            await self._audit_status(staff, event, registration, previous, "registration.status")
            return await self.list_for_staff(event.slug, staff)
        if registration.status == "cancelled":
            raise Conflict("a cancelled registration cannot be confirmed; the person can register again")
        if not registration.holds_seat:
            if not await self.seats.take_one(event, registration.attendance_mode):
                raise Conflict("no free place: raise the capacity first (nobody is overbooked silently)")
            registration.holds_seat = True
        registration.status = "confirmed"
        registration.confirmed_at = registration.updated_at = self.now
        await self.session.flush()
        enqueue(self.session, await self.letters.promoted(event, registration), self.now, registration.id)
        await self._audit_status(staff, event, registration, previous, "registration.status")
        return await self.list_for_staff(event.slug, staff)

    async def message_registrants(
        self, slug: str, subject: str, body: str, statuses: list[str], staff: Staff
    ) -> StaffMessageResult:
        """One outbox message per registrant in the given statuses (written in this transaction).

        The subject becomes an email header: one line, no control characters.
        """
        validation.single_line(subject, "subject")
        validation.multiline(body, "body")
        event = await self.seats.event_by_slug(slug)
        await self._require_editor(event, staff)
        rows = (
            await self.session.scalars(
                select(Registration)
                .where(col(Registration.event_id) == event.id, col(Registration.status).in_(statuses))
                .order_by(col(Registration.id))
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

    async def _require_editor(self, event: Event, staff: Staff) -> None:
        calendar = await self.session.get_one(Calendar, event.calendar_id)
        require_calendar_editor(staff, calendar.slug)

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
