"""Registrations, as the person sees them: register, view, cancel, confirm, a new link, a new feed.

Places, the event lock, the waiting list and promotion are `registrations/seats.py`'s; new
registrations are decided in batches at the registration desk (`registrations/batch.py`: group
commit), which uses this service's admission interface (`check_applicant`, `new_registration`,
`read_of`, `letters`).

Invariants:
- Every change to a registration is made with its event row locked (`Seats.lock`), and the
  registration re-read under that lock.
- A retried POST with the same Idempotency-Key returns the first response (batch.py).
- Tokens are 256-bit random; only their SHA-256 is stored. A duplicate email
  is a 409 that says nothing about the existing registration.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from calendar_service.db.tables import Event, Registration
from calendar_service.domain import capacity
from calendar_service.domain import registration as rules
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
    RegistrationStatus,
)
from calendar_service.registrations.seats import Seats
from calendar_service.settings import Settings
from calendar_service.staff.audit import AuditLog


@dataclass(frozen=True, slots=True)
class NewRegistration:
    """A decided registration, not yet written, with the secrets only its holder will see."""

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
        self.seats = Seats(session, self.letters, now)

    # -- the person's own registration ---------------------------------------------------------

    async def get(self, token: str) -> RegistrationRead:
        registration = await self._by_token(token)
        event = await self.session.get_one(Event, registration.event_id)
        return await self.read(registration, event, token)

    async def cancel(self, token: str) -> RegistrationRead:
        event, registration = await self.locked(token)
        if registration.status != "cancelled":
            await self.seats.cancel(event, registration, await self.letters.cancelled(event, registration))
        return await self.read(registration, event, token)

    async def locked(self, token: str) -> tuple[Event, Registration]:
        """The registration of this link and its event: the event row locked, the registration re-read under it."""
        found = await self._by_token(token)
        event = await self.seats.lock(found.event_id)
        return event, await self._by_token(token)

    async def resend_link(self, slug: str, raw_email: str) -> None:
        """Email a new manage link to an active registrant of this event; the answer is the same either way.

        Only token hashes are stored, so the first link cannot be sent again: a second one is made
        (`link_token_hash`), replacing only an earlier *resent* link. The first keeps working, so
        asking with someone else's address cannot lock them out. Nothing tells the caller whether
        the address is registered (it could be anyone's address).
        """
        event = await self.seats.event_by_slug(slug)
        email = rules.normalize_email(raw_email)
        registration = await self.session.scalar(
            select(Registration).where(
                col(Registration.event_id) == event.id, col(Registration.active_email) == email.key
            )
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
        return await self.read(registration, event, token)

    async def expire_all_holds(self) -> int:
        """The periodic sweep: held places past their deadline lapse, every event in turn."""
        return await self.seats.expire_all_holds()

    async def confirm(self, confirm_token: str) -> ConfirmationRead:
        """Single use: a replayed link is a 409, an expired one a 410 (and its place goes on)."""
        found = await self.session.scalar(
            select(Registration).where(col(Registration.confirm_token_hash) == hash_token(confirm_token))
        )
        if found is None:
            raise NotFound("no registration for this confirmation link; check that it was copied whole")
        event = await self.seats.lock(found.event_id)
        registration = await self.session.get_one(Registration, found.id, populate_existing=True)
        deadline = registration.confirm_expires_at
        lapsed = registration.status == "cancelled" and registration.confirmed_at is None
        if lapsed and deadline is not None and deadline <= self.now:
            raise Gone("this confirmation link has expired and the place was released; please register again")
        if registration.status != "pending_confirmation":
            raise Conflict(f"this confirmation link was already used; the registration is {registration.status}")
        if registration.confirm_expires_at is not None and registration.confirm_expires_at <= self.now:
            await self.seats.lapse(event, registration)
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
            select(Registration).where(col(Registration.confirm_token_hash) == hash_token(confirm_token))
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

    # -- event hooks (called by EventService in its transaction) ------------------------------

    async def capacity_raised(self, event: Event) -> None:
        locked = await self.seats.lock(event.id or 0)
        await self.seats.promote(locked, capacity.IN_PERSON)

    async def schedule_changed(self, event: Event, cancelled: bool) -> None:
        """Every active registrant gets the update (raised SEQUENCE) or the cancellation."""
        active = (
            await self.session.scalars(
                select(Registration).where(
                    col(Registration.event_id) == event.id,
                    col(Registration.status).in_(("confirmed", "attended")),
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

    # -- admission: what the registration desk (batch.py) decides with ------------------------

    def check_applicant(
        self,
        event: Event,
        data: RegistrationCreate,
        email: rules.Email | InvalidInput | None = None,
        settings: rules.RegistrationSettings | None = None,
    ) -> rules.Applicant:
        """Who may register, with which answers: every check that needs no database (raises DomainError).

        `email`: the address as already checked (outside the event lock), refusal included; it is
        reported in its place among the checks either way. `settings`: the event's, if already read.
        """
        if event.status == "cancelled":
            raise Conflict("this event is cancelled and takes no registrations")
        if settings is None:
            settings = rules.RegistrationSettings.of(event.registration)
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
        answers = rules.check_answers(settings.questions, data.answers)
        return rules.Applicant(name=rules.clean_name(data.name), email=email, mode=mode, answers=answers)

    def new_registration(
        self, event: Event, applicant: rules.Applicant, decision: capacity.Decision
    ) -> NewRegistration:
        """The row for a decided place (not yet written) with the secrets only its holder will see."""
        token, feed_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        status, seat = decision.status, decision.seat
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
            confirm_expires_at=decision.deadline,
            holds_seat=seat,
            created_at=self.now,
            updated_at=self.now,
            waitlisted_at=None if seat else self.now,
            confirmed_at=self.now if status == "confirmed" else None,
        )
        return NewRegistration(registration, token, confirm_token)

    async def _by_token(self, token: str) -> Registration:
        registration = await self.session.scalar(
            select(Registration)
            .where(
                or_(
                    col(Registration.token_hash) == hash_token(token),
                    col(Registration.link_token_hash) == hash_token(token),
                )
            )
            .execution_options(populate_existing=True)
        )
        if registration is None:
            raise NotFound("no registration for this link; check that it was copied whole")
        return registration

    # -- what the registrant is shown -------------------------------------------------------

    async def read(self, registration: Registration, event: Event, token: str) -> RegistrationRead:
        """The registrant's view, with their current place on the waiting list."""
        return self.read_of(registration, event, token, await self.seats.position(registration))

    def read_of(
        self, registration: Registration | Draft, event: Event, token: str, position: int | None
    ) -> RegistrationRead:
        """The registrant's view with a known waiting-list position (a batch counts positions itself)."""
        feed = f"{self.base_url}/feeds/{registration.feed_token}.ics"
        seat_holder = registration.status in ("confirmed", "attended")
        return RegistrationRead(
            status=cast(RegistrationStatus, registration.status),
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
