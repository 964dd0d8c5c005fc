"""Who holds a place at an event: the event lock, the seat counters, the waiting list, promotion.

Every path that gives or frees a place goes through `Seats`: the public registration (one at
a time or in a batch), cancellation and erasure, confirmation deadlines, staff changes,
scholarship recipients and capacity changes. The decisions themselves (how many places are
free, what a promotion means) are `domain/capacity.py`'s; this module locks, counts and writes.

Invariants:
- A seat is taken only by a conditional UPDATE of the event's counter
  (`seats_taken + reserved < capacity`, or the online cap), made while the event row is
  locked; the UPDATE's answer decides it, never a number read earlier.
- The event row is locked first (FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE already
  serialises writers), so registrations, cancellations and promotions of one event happen one
  at a time, in every server process.
- The waiting list is in arrival order: registration id, assigned under the event lock.
- Promotion happens in the same transaction as the cancellation or capacity change that freed
  the place, and so does every message to the people concerned (the outbox).
"""

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import Update, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col

from calendar_service.db.tables import Event, Registration
from calendar_service.domain import capacity
from calendar_service.domain.registration import RegistrationSettings
from calendar_service.domain.timezones import iso_utc
from calendar_service.domain.tokens import hash_token
from calendar_service.errors import NotFound
from calendar_service.notifications import messages
from calendar_service.notifications.outbox import enqueue
from calendar_service.registrations.letters import Letters


def places_of(event: Event) -> capacity.Places:
    """The event's places as its row counts them (current when the row was locked or refreshed)."""
    return capacity.Places(
        capacity=event.capacity,
        taken=event.seats_taken,
        reserved=event.reserved_seats,
        online_capacity=RegistrationSettings.of(event.registration).online_capacity,
        online_taken=event.online_taken,
    )


class Seats:
    def __init__(self, session: AsyncSession, letters: Letters, now: datetime) -> None:
        self.session = session
        self.letters = letters
        self.now = now

    # -- the event row -------------------------------------------------------------------------

    async def lock(self, event_id: int) -> Event:
        """The event row, locked for this unit of work and read afresh."""
        stmt = select(Event).where(col(Event.id) == event_id).with_for_update()
        return (await self.session.scalars(stmt.execution_options(populate_existing=True))).one()

    async def lock_by_slug(self, slug: str) -> Event:
        stmt = select(Event).where(col(Event.slug) == slug).with_for_update()
        event = await self.session.scalar(stmt.execution_options(populate_existing=True))
        if event is None:
            raise NotFound(f"no event '{slug}'; GET /api/events lists events")
        return event

    async def event_by_slug(self, slug: str) -> Event:
        """The event row without a lock: for reading, never for deciding a place."""
        event = await self.session.scalar(select(Event).where(col(Event.slug) == slug))
        if event is None:
            raise NotFound(f"no event '{slug}'; GET /api/events lists events")
        return event

    # -- the counters --------------------------------------------------------------------------

    async def take_one(self, event: Event, mode: str) -> bool:
        """One place in this mode if one is free (the UPDATE decides); the public's and the waitlist's."""
        stmt = update(Event).where(col(Event.id) == event.id)
        if mode == capacity.IN_PERSON:
            # Places reserved for scholarship recipients are not for the public (nor for the waitlist).
            stmt = stmt.where(
                or_(
                    col(Event.capacity).is_(None),
                    col(Event.seats_taken) + col(Event.reserved_seats) < col(Event.capacity),
                )
            ).values(seats_taken=col(Event.seats_taken) + 1)
        else:
            cap = RegistrationSettings.of(event.registration).online_capacity
            if cap is not None:
                stmt = stmt.where(col(Event.online_taken) < cap)
            stmt = stmt.values(online_taken=col(Event.online_taken) + 1)
        return await self._counted(event, stmt)

    async def take_counted(self, event: Event, tally: capacity.Tally) -> None:
        """The places a batch handed out under the event lock; the UPDATE re-checks the capacity itself.

        Under the lock it cannot be refused; if it ever is, the unit of work fails and nothing is written.
        """
        in_person, online = tally.in_person, tally.online
        if not (in_person or online):
            return
        stmt = update(Event).where(col(Event.id) == event.id)
        values: dict[str, Any] = {}
        if in_person:
            stmt = stmt.where(
                or_(
                    col(Event.capacity).is_(None),
                    col(Event.seats_taken) + col(Event.reserved_seats) + in_person <= col(Event.capacity),
                )
            )
            values["seats_taken"] = col(Event.seats_taken) + in_person
        if online:
            cap = RegistrationSettings.of(event.registration).online_capacity
            if cap is not None:
                stmt = stmt.where(col(Event.online_taken) + online <= cap)
            values["online_taken"] = col(Event.online_taken) + online
        if not await self._counted(event, stmt.values(values)):
            raise RuntimeError(f"event {event.id}: the seat counters refused places decided under the event lock")

    async def take_reserved(self, event: Event) -> bool:
        """An in-person place from those reserved for scholarship recipients, if any is left."""
        stmt = (
            update(Event)
            .where(col(Event.id) == event.id, col(Event.reserved_seats) > 0)
            .values(reserved_seats=col(Event.reserved_seats) - 1, seats_taken=col(Event.seats_taken) + 1)
            .returning(col(Event.seats_taken), col(Event.reserved_seats))
        )
        row = (await self.session.execute(stmt.execution_options(synchronize_session=False))).first()
        if row is None:
            return False
        set_committed_value(event, "seats_taken", row.seats_taken)
        set_committed_value(event, "reserved_seats", row.reserved_seats)
        return True

    async def release(self, event: Event, mode: str) -> None:
        """One place of this mode is free again (the counter never goes below zero)."""
        column = col(Event.seats_taken) if mode == capacity.IN_PERSON else col(Event.online_taken)
        name = "seats_taken" if mode == capacity.IN_PERSON else "online_taken"
        await self.session.execute(
            update(Event)
            .where(col(Event.id) == event.id, column > 0)
            .values({name: column - 1})
            .execution_options(synchronize_session=False)
        )
        await self.session.refresh(event, ["seats_taken", "online_taken"])

    async def _counted(self, event: Event, stmt: Update) -> bool:
        returning = stmt.returning(col(Event.seats_taken), col(Event.online_taken))
        row = (await self.session.execute(returning.execution_options(synchronize_session=False))).first()
        if row is None:
            return False
        # The counters as the UPDATE left them, without marking the object dirty.
        set_committed_value(event, "seats_taken", row.seats_taken)
        set_committed_value(event, "online_taken", row.online_taken)
        return True

    # -- the waiting list ----------------------------------------------------------------------

    async def waitlist(self, event_id: int, mode: str | None = None) -> list[Registration]:
        """Waitlisted registrations in arrival order (of one mode, or all)."""
        stmt = select(Registration).where(
            col(Registration.event_id) == event_id, col(Registration.status) == "waitlisted"
        )
        if mode:
            stmt = stmt.where(col(Registration.attendance_mode) == mode)
        return list((await self.session.scalars(stmt.order_by(col(Registration.id)))).all())

    async def waitlist_length(self, event_id: int) -> int:
        query = (
            select(func.count())
            .select_from(Registration)
            .where(col(Registration.event_id) == event_id, col(Registration.status) == "waitlisted")
        )
        return int(await self.session.scalar(query) or 0)

    async def position(self, registration: Registration) -> int | None:
        """1 for the first in line; None for anyone not waitlisted."""
        if registration.status != "waitlisted":
            return None
        # Arrival order is the id: assigned at INSERT, under the event lock, so it is the order in
        # which places were decided (a request's start time is not: it is read before the lock).
        ahead = await self.session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(
                col(Registration.event_id) == registration.event_id,
                col(Registration.status) == "waitlisted",
                col(Registration.id) < registration.id,
            )
        )
        return int(ahead or 0) + 1

    # -- moves between them (the event row is locked) ------------------------------------------

    async def promote(self, event: Event, mode: str) -> list[Registration]:
        """Give free places to waitlisted people of this mode in arrival order, telling each of them."""
        if not places_of(event).has_room(mode):
            return []
        settings = RegistrationSettings.of(event.registration)
        promoted: list[Registration] = []
        for candidate in await self.waitlist(event.id or 0, mode):
            if not await self.take_one(event, mode):
                break
            decision = capacity.promoted(settings, candidate.confirmed_at is not None, self.now)
            candidate.holds_seat = True
            candidate.updated_at = self.now
            candidate.status = decision.status
            if decision.deadline is not None:
                # Held for a limited time: accept with the link, or the place goes to the next person.
                confirm_token = secrets.token_urlsafe(32)
                candidate.confirm_token_hash = hash_token(confirm_token)
                candidate.confirm_expires_at = decision.deadline
                await self.session.flush()
                message = messages.confirm_message(
                    name=candidate.name,
                    email=candidate.email,
                    title=event.title,
                    when=self.letters.when(event),
                    confirm_url=self.letters.confirm_url(confirm_token),
                    deadline=iso_utc(decision.deadline),
                )
            else:
                candidate.confirmed_at = self.now
                await self.session.flush()
                message = await self.letters.promoted(event, candidate)
            enqueue(self.session, message, self.now, candidate.id)
            promoted.append(candidate)
        return promoted

    async def cancel(self, event: Event, registration: Registration, message: messages.Message | None) -> None:
        """End a registration (by the person, staff, a lapsed deadline or erasure): free its place,
        send `message` (None: nothing is sent), promote the next person."""
        freed = registration.holds_seat
        registration.status = "cancelled"
        registration.cancelled_at = registration.updated_at = self.now
        registration.active_email = None
        registration.holds_seat = False
        if freed:
            await self.release(event, registration.attendance_mode)
        await self.session.flush()
        if message is not None:
            enqueue(self.session, message, self.now, registration.id)
        if freed:
            await self.promote(event, registration.attendance_mode)

    async def lapse(self, event: Event, registration: Registration) -> None:
        """A held place past its deadline: cancelled, the person told, the place passed on."""
        page = f"{self.letters.base_url}/events/{event.slug}"
        message = messages.lapsed_message(
            name=registration.name, email=registration.email, title=event.title, page_url=page
        )
        await self.cancel(event, registration, message)

    async def expire_holds(self, event: Event) -> int:
        """Held places of this event past their deadline lapse and go to the waitlist."""
        stale = (
            await self.session.scalars(
                select(Registration).where(
                    col(Registration.event_id) == event.id,
                    col(Registration.status) == "pending_confirmation",
                    col(Registration.confirm_expires_at) <= self.now,
                )
            )
        ).all()
        for registration in stale:
            await self.lapse(event, registration)
        return len(stale)

    async def expire_all_holds(self) -> int:
        """The periodic sweep: every event with lapsed holds, one event lock at a time (in id order)."""
        event_ids = (
            await self.session.scalars(
                select(col(Registration.event_id))
                .where(
                    col(Registration.status) == "pending_confirmation",
                    col(Registration.confirm_expires_at) <= self.now,
                )
                .distinct()
            )
        ).all()
        total = 0
        for event_id in sorted(event_ids):
            total += await self.expire_holds(await self.lock(event_id))
        return total
