"""Registrations: a seat decided by the database, a waitlist in arrival order, nothing lost.

Invariants:
- A seat is taken only by a conditional UPDATE of the event's counter
  (`seats_taken + reserved < capacity`), made while the event row is locked:
  a promotion's row count decides it; a batch of new registrations decides its
  places from the locked counters and the UPDATE re-checks them, failing the
  whole unit of work if they ever disagree. The event row is locked first (FOR UPDATE on PostgreSQL; SQLite's BEGIN
  IMMEDIATE already serialises writers), so registrations, cancellations and
  promotions of one event happen one at a time, in every server process.
- Promotion is first come, first served (registration id: assigned under the event lock) and happens in
  the same transaction as the cancellation or capacity change that freed the
  seat; so does every message to the people concerned (the outbox).
- New registrations are decided in batches (`registrations/batch.py`: group commit), under the
  same lock; a retried POST with the same Idempotency-Key returns the first response.
- Tokens are 256-bit random; only their SHA-256 is stored. A duplicate email
  is a 409 that says nothing about the existing registration.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from calendar_service.db.tables import Calendar, Event, Registration
from calendar_service.domain import registration as rules
from calendar_service.domain.access import Staff, require_calendar_editor
from calendar_service.domain.links import webcal
from calendar_service.domain.timezones import iso_utc
from calendar_service.domain.tokens import hash_token
from calendar_service.errors import Conflict, DomainError, Gone, InvalidInput, NotFound
from calendar_service.events import mapping
from calendar_service.notifications import messages
from calendar_service.notifications.outbox import enqueue
from calendar_service.registrations.draft import Draft
from calendar_service.registrations.letters import Letters
from calendar_service.registrations.schemas import (
    ConfirmationRead,
    EventSummary,
    RegistrationCreate,
    RegistrationRead,
)
from calendar_service.settings import Settings
from calendar_service.staff.audit import AuditLog


@dataclass(frozen=True, slots=True)
class NewRegistration:
    row: Draft
    token: str
    confirm_token: str | None


class RegistrationService:
    def __init__(self, session: AsyncSession, settings: Settings, now: datetime) -> None:
        self.session = session
        self.settings = settings
        self.base_url = settings.base_url
        self.now = now
        self.audit = AuditLog(session, now)
        self.letters = Letters(session, settings)

    # -- public --------------------------------------------------------------------------------

    async def get(self, token: str) -> RegistrationRead:
        registration = await self._by_token(token)
        event = await self.session.get_one(Event, registration.event_id)
        return await self._read(registration, event, token)

    async def cancel(self, token: str) -> RegistrationRead:
        found = await self._by_token(token)
        event = await self._lock_event(found.event_id)
        registration = await self._by_token(token)  # re-read under the event lock
        if registration.status != "cancelled":
            await self._end(event, registration, await self.letters.cancelled(event, registration))
        return await self._read(registration, event, token)

    async def resend_link(self, slug: str, raw_email: str) -> None:
        """Email a new manage link to an active registrant of this event; the answer is the same either way.

        Only token hashes are stored, so the first link cannot be sent again: a second one is made
        (`link_token_hash`), replacing only an earlier *resent* link. The first keeps working, so
        asking with someone else's address cannot lock them out. Nothing tells the caller whether
        the address is registered (it could be anyone's address).
        """
        event = await self._event_by_slug(slug)
        email = rules.normalize_email(raw_email)
        registration = await self.session.scalar(
            select(Registration).where(Registration.event_id == event.id, Registration.active_email == email.key)
        )
        if registration is None:
            return
        token = secrets.token_urlsafe(32)
        registration.link_token_hash = hash_token(token)  # beside the first link, never instead of it
        registration.updated_at = self.now
        await self.session.flush()
        feed = f"{self.base_url}/feeds/{registration.feed_token}.ics"
        message = messages.link_message(
            name=registration.name,
            email=registration.email,
            title=event.title,
            status=registration.status,
            manage_url=f"{self.base_url}/api/registrations/{token}",
            feed_url=feed,
        )
        enqueue(self.session, message, self.now, registration.id)

    async def rotate_feed(self, token: str) -> RegistrationRead:
        """A new personal-feed link; the old one stops working at once."""
        registration = await self._by_token(token)
        registration.feed_token = secrets.token_urlsafe(32)
        registration.updated_at = self.now
        await self.session.flush()
        event = await self.session.get_one(Event, registration.event_id)
        return await self._read(registration, event, token)

    async def promote(self, event: Event, mode: str) -> list[Registration]:
        """Give free seats to waitlisted people in arrival order (the event row is locked)."""
        promoted: list[Registration] = []
        for candidate in await self._waitlist(event.id or 0, mode):
            if not await self._take_seat(event, mode):
                break
            candidate.holds_seat = True
            candidate.updated_at = self.now
            settings = event.registration or {}
            offer = settings.get("promotion") == "offer"
            if offer or (settings.get("requires_confirmation") and candidate.confirmed_at is None):
                # Offered for a limited time: accept with the link, or the place goes to the next person.
                confirm_token = secrets.token_urlsafe(32)
                candidate.status = "pending_confirmation"
                candidate.confirm_token_hash = hash_token(confirm_token)
                candidate.confirm_expires_at = self.now + timedelta(
                    hours=int(settings.get("offer_hours" if offer else "confirmation_hours", 48))
                )
                await self.session.flush()
                message = messages.confirm_message(
                    name=candidate.name,
                    email=candidate.email,
                    title=event.title,
                    when=self.letters.when(event),
                    confirm_url=self.letters.confirm_url(confirm_token),
                    deadline=iso_utc(candidate.confirm_expires_at),
                )
            else:
                candidate.status = "confirmed"
                candidate.confirmed_at = self.now
                await self.session.flush()
                message = await self.letters.promoted(event, candidate)
            enqueue(self.session, message, self.now, candidate.id)
            promoted.append(candidate)
        return promoted

    async def expire_holds(self, event: Event) -> int:
        """Unconfirmed places past their deadline lapse and go to the waitlist (event row locked)."""
        stale = (
            await self.session.scalars(
                select(Registration).where(
                    Registration.event_id == event.id,
                    Registration.status == "pending_confirmation",
                    Registration.confirm_expires_at <= self.now,  # type: ignore[operator]
                )
            )
        ).all()
        for registration in stale:
            await self._lapse(event, registration)
        return len(stale)

    async def expire_all_holds(self) -> int:
        """The periodic sweep: every event with lapsed holds, one event lock at a time."""
        event_ids = (
            await self.session.scalars(
                select(Registration.event_id)
                .where(
                    Registration.status == "pending_confirmation",
                    Registration.confirm_expires_at <= self.now,  # type: ignore[operator]
                )
                .distinct()
            )
        ).all()
        total = 0
        for event_id in sorted(event_ids):
            total += await self.expire_holds(await self._lock_event(event_id))
        return total

    async def confirm(self, confirm_token: str) -> ConfirmationRead:
        """Single use: a replayed link is a 409, an expired one a 410 (and its place goes on)."""
        found = await self.session.scalar(
            select(Registration).where(Registration.confirm_token_hash == hash_token(confirm_token))
        )
        if found is None:
            raise NotFound("no registration for this confirmation link; check that it was copied whole")
        event = await self._lock_event(found.event_id)
        registration = await self.session.get_one(Registration, found.id, populate_existing=True)
        deadline = registration.confirm_expires_at
        lapsed = registration.status == "cancelled" and registration.confirmed_at is None
        if lapsed and deadline is not None and deadline <= self.now:
            raise Gone("this confirmation link has expired and the place was released; please register again")
        if registration.status != "pending_confirmation":
            raise Conflict(f"this confirmation link was already used; the registration is {registration.status}")
        if registration.confirm_expires_at is not None and registration.confirm_expires_at <= self.now:
            await self._lapse(event, registration)
            raise Gone("this confirmation link has expired and the place was released; please register again")
        registration.status = "confirmed"
        registration.confirmed_at = registration.updated_at = self.now
        await self.session.flush()
        message = messages.confirmed_message(
            name=registration.name,
            email=registration.email,
            title=event.title,
            when=self.letters.when(event),
            page_url=f"{self.base_url}/events/{event.slug}",
            ics=await self.letters.invitation(event, registration, "REQUEST"),
        )
        enqueue(self.session, message, self.now, registration.id)
        return ConfirmationRead(
            status="confirmed",
            event_slug=event.slug,
            event_title=event.title,
            detail="your place is confirmed; the invitation is on its way",
        )

    async def confirmation_problem(self, confirm_token: str) -> DomainError | None:
        """What confirming would refuse, without changing anything (the page shows it before any click)."""
        found = await self.session.scalar(
            select(Registration).where(Registration.confirm_token_hash == hash_token(confirm_token))
        )
        if found is None:
            return NotFound("no registration for this confirmation link; check that it was copied whole")
        if found.status == "pending_confirmation" and (
            found.confirm_expires_at is None or found.confirm_expires_at > self.now
        ):
            return None
        if found.status in ("pending_confirmation", "cancelled") and found.confirmed_at is None:
            return Gone("this confirmation link has expired and the place was released; please register again")
        return Conflict(f"this confirmation link was already used; the registration is {found.status}")

    async def _lapse(self, event: Event, registration: Registration) -> None:
        page = f"{self.base_url}/events/{event.slug}"
        message = messages.lapsed_message(
            name=registration.name, email=registration.email, title=event.title, page_url=page
        )
        await self._end(event, registration, message)

    async def _end(self, event: Event, registration: Registration, message: messages.Message | None) -> None:
        """Cancel (by the person, staff or a lapsed deadline): free the place, tell them, promote the next."""
        freed = registration.holds_seat
        registration.status = "cancelled"
        registration.cancelled_at = registration.updated_at = self.now
        registration.active_email = None
        registration.holds_seat = False
        if freed:
            await self._release_seat(event, registration.attendance_mode)
        await self.session.flush()
        if message is not None:
            enqueue(self.session, message, self.now, registration.id)
        if freed:
            await self.promote(event, registration.attendance_mode)

    def _confirm_deadline(self, event: Event) -> datetime:
        return self.now + timedelta(hours=int((event.registration or {}).get("confirmation_hours", 48)))

    # -- event hooks (called by EventService in its transaction) ------------------------------

    async def capacity_raised(self, event: Event) -> None:
        locked = await self._lock_event(event.id or 0)
        await self.promote(locked, "in_person")

    async def schedule_changed(self, event: Event, cancelled: bool) -> None:
        """Every active registrant gets the update (raised SEQUENCE) or the cancellation."""
        active = (
            await self.session.scalars(
                select(Registration).where(
                    Registration.event_id == event.id,
                    Registration.status.in_(("confirmed", "attended")),  # type: ignore[attr-defined]
                )
            )
        ).all()
        for registration in active:
            method = "CANCEL" if cancelled else "REQUEST"
            ics = await self.letters.invitation(event, registration, method)
            message = messages.event_changed_message(
                name=registration.name,
                email=registration.email,
                title=event.title,
                when=self.letters.when(event),
                page_url=f"{self.base_url}/events/{event.slug}",
                ics=ics,
                cancelled=cancelled,
            )
            enqueue(self.session, message, self.now, registration.id)
        await self.session.flush()

    # -- internals -----------------------------------------------------------------------------

    def check_applicant(
        self, event: Event, data: RegistrationCreate, email: rules.Email | InvalidInput | None = None
    ) -> rules.Applicant:
        """Who may register, with which answers: every check that needs no database (raises DomainError).

        `email`: the address as already checked (outside the event lock), refusal included; it is
        reported in its place among the checks either way.
        """
        if event.status == "cancelled":
            raise Conflict("this event is cancelled and takes no registrations")
        settings = event.registration or {}
        rules.check_window(settings, event.timezone, self.now)
        if not data.consent:
            raise InvalidInput(
                "consent: registering needs your consent to store these details (consent: true)", "consent"
            )
        if isinstance(email, InvalidInput):
            raise email
        email = email or rules.normalize_email(data.email)
        mode = rules.check_mode(event.attendance_mode, data.attendance_mode)
        if mode == "in_person" and event.capacity == 0:
            raise Conflict("this event has no in-person places (capacity 0)")
        answers = rules.check_answers(settings.get("questions", []), data.answers)
        return rules.Applicant(name=rules.clean_name(data.name), email=email, mode=mode, answers=answers)

    def new_registration(self, event: Event, applicant: rules.Applicant, seat: bool) -> "NewRegistration":
        """The row for a decided place (not yet written) with the secrets only its holder will see."""
        settings = event.registration or {}
        token, feed_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        status = rules.status_for(seat, bool(settings.get("requires_confirmation")))
        confirm_token = secrets.token_urlsafe(32) if status == "pending_confirmation" else None
        registration = Draft(
            event_id=event.id or 0,
            token_hash=hash_token(token),
            feed_token=feed_token,
            name=applicant.name,
            email=applicant.email.address,
            email_key=applicant.email.key,
            active_email=applicant.email.key,
            attendance_mode=applicant.mode,
            answers=applicant.answers,
            consent=True,
            status=status,
            confirm_token_hash=hash_token(confirm_token) if confirm_token else None,
            confirm_expires_at=self._confirm_deadline(event) if confirm_token else None,
            holds_seat=seat,
            created_at=self.now,
            updated_at=self.now,
            waitlisted_at=None if seat else self.now,
            confirmed_at=self.now if status == "confirmed" else None,
        )
        return NewRegistration(registration, token, confirm_token)

    async def take_seats(self, event: Event, in_person: int, online: int) -> None:
        """Count places decided under the event lock; the UPDATE re-checks the capacity itself.

        Under the lock it cannot be refused; if it ever is, the unit of work fails and nothing is written.
        """
        if not (in_person or online):
            return
        stmt = update(Event).where(Event.id == event.id)  # type: ignore[arg-type]
        values: dict[str, Any] = {}
        if in_person:
            stmt = stmt.where(
                or_(Event.capacity.is_(None), Event.seats_taken + Event.reserved_seats + in_person <= Event.capacity)  # type: ignore[union-attr,operator]
            )
            values["seats_taken"] = Event.seats_taken + in_person
        if online:
            cap = (event.registration or {}).get("online_capacity")
            if cap is not None:
                stmt = stmt.where(Event.online_taken + online <= cap)
            values["online_taken"] = Event.online_taken + online
        stmt = stmt.values(values).returning(Event.seats_taken, Event.online_taken)
        row = (await self.session.execute(stmt.execution_options(synchronize_session=False))).first()
        if row is None:
            raise RuntimeError(f"event {event.id}: the seat counters refused places decided under the event lock")
        set_committed_value(event, "seats_taken", row.seats_taken)
        set_committed_value(event, "online_taken", row.online_taken)

    async def waitlist_length(self, event_id: int) -> int:
        table = Registration.__table__  # type: ignore[attr-defined]
        query = (
            select(func.count()).select_from(table).where(table.c.event_id == event_id, table.c.status == "waitlisted")
        )
        return int(await self.session.scalar(query) or 0)

    async def _take_seat(self, event: Event, mode: str) -> bool:
        stmt = update(Event).where(Event.id == event.id)  # type: ignore[arg-type]
        if mode == "in_person":
            # Places reserved for scholarship recipients are not for the public (nor for the waitlist).
            stmt = stmt.where(
                or_(Event.capacity.is_(None), Event.seats_taken + Event.reserved_seats < Event.capacity)  # type: ignore[union-attr,operator]
            )
            stmt = stmt.values(seats_taken=Event.seats_taken + 1)
        else:
            cap = (event.registration or {}).get("online_capacity")
            if cap is not None:
                stmt = stmt.where(Event.online_taken < cap)
            stmt = stmt.values(online_taken=Event.online_taken + 1)
        stmt = stmt.returning(Event.seats_taken, Event.online_taken)
        row = (await self.session.execute(stmt.execution_options(synchronize_session=False))).first()
        if row is None:
            return False
        # The counters as the UPDATE left them, without marking the object dirty.
        set_committed_value(event, "seats_taken", row.seats_taken)
        set_committed_value(event, "online_taken", row.online_taken)
        return True

    async def _release_seat(self, event: Event, mode: str) -> None:
        column = Event.seats_taken if mode == "in_person" else Event.online_taken
        name = "seats_taken" if mode == "in_person" else "online_taken"
        await self.session.execute(
            update(Event)
            .where(Event.id == event.id, column > 0)  # type: ignore[arg-type]
            .values({name: column - 1})
            .execution_options(synchronize_session=False)
        )
        await self.session.refresh(event, ["seats_taken", "online_taken"])

    async def _waitlist(self, event_id: int, mode: str | None = None) -> list[Registration]:
        stmt = select(Registration).where(Registration.event_id == event_id, Registration.status == "waitlisted")
        if mode:
            stmt = stmt.where(Registration.attendance_mode == mode)
        stmt = stmt.order_by(Registration.id)
        return list((await self.session.scalars(stmt)).all())

    async def _position(self, registration: Registration) -> int | None:
        if registration.status != "waitlisted":
            return None
        # Arrival order is the id: assigned at INSERT, under the event lock, so it is the order in
        # which places were decided (a request's start time is not: it is read before the lock).
        ahead = await self.session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(
                Registration.event_id == registration.event_id,
                Registration.status == "waitlisted",
                Registration.id < registration.id,  # type: ignore[operator]
            )
        )
        return int(ahead or 0) + 1

    async def _lock_event_by_slug(self, slug: str) -> Event:
        stmt = select(Event).where(Event.slug == slug).with_for_update().execution_options(populate_existing=True)
        event = await self.session.scalar(stmt)
        if event is None:
            raise NotFound(f"no event '{slug}'; GET /api/events lists events")
        return event

    async def _event_by_slug(self, slug: str) -> Event:
        event = await self.session.scalar(select(Event).where(Event.slug == slug))
        if event is None:
            raise NotFound(f"no event '{slug}'; GET /api/events lists events")
        return event

    async def _lock_event(self, event_id: int) -> Event:
        stmt = select(Event).where(Event.id == event_id).with_for_update().execution_options(populate_existing=True)
        return (await self.session.scalars(stmt)).one()

    async def _by_token(self, token: str) -> Registration:
        registration = await self.session.scalar(
            select(Registration)
            .where(or_(Registration.token_hash == hash_token(token), Registration.link_token_hash == hash_token(token)))
            .execution_options(populate_existing=True)
        )
        if registration is None:
            raise NotFound("no registration for this link; check that it was copied whole")
        return registration

    async def _require_editor(self, event: Event, staff: Staff) -> None:
        calendar = await self.session.get_one(Calendar, event.calendar_id)
        require_calendar_editor(staff, calendar.slug)

    async def _read(self, registration: Registration, event: Event, token: str) -> RegistrationRead:
        return self.read_of(registration, event, token, await self._position(registration))

    def read_of(
        self, registration: Registration | Draft, event: Event, token: str, position: int | None
    ) -> RegistrationRead:
        feed = f"{self.base_url}/feeds/{registration.feed_token}.ics"
        seat_holder = registration.status in ("confirmed", "attended")
        return RegistrationRead(
            status=registration.status,  # type: ignore[arg-type]
            waitlist_position=position,
            token=token,
            feed_url=feed,
            webcal_feed_url=webcal(feed),
            manage_url=f"{self.base_url}/api/registrations/{token}",
            name=registration.name,
            email=registration.email,
            attendance_mode=registration.attendance_mode,
            answers=registration.answers,
            event=EventSummary(
                slug=event.slug,
                title=event.title,
                status=event.status,
                timezone=event.timezone,
                start=mapping.wire_start(event.start_local, event.all_day),
                end=mapping.wire_end(event.end_local, event.all_day),
                start_utc=iso_utc(event.start_utc),
                url=f"{self.base_url}/events/{event.slug}",
            ),
            created_at=iso_utc(registration.created_at),
            online_url=event.online_url if seat_holder and registration.attendance_mode == "online" else None,
        )
