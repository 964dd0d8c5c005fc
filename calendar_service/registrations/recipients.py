"""A confirmed place for a scholarship recipient, from the places reserved for them."""

import secrets

from sqlalchemy import select
from sqlmodel import col

from calendar_service.db.tables import Registration
from calendar_service.domain import registration as rules
from calendar_service.domain.tokens import hash_token
from calendar_service.errors import Conflict
from calendar_service.notifications.outbox import enqueue
from calendar_service.registrations.seats import places_of
from calendar_service.registrations.service import RegistrationService


async def seat_scholarship_recipient(core: RegistrationService, event_id: int, name: str, email: str) -> Registration:
    """A confirmed place for someone who accepted a scholarship, in the caller's transaction.

    A place reserved for recipients first, else a free public place, else a 409 with nothing
    written: both are conditional UPDATEs under the event lock. An active registration of the
    same person is upgraded (confirmed, flagged `scholarship`), never duplicated.
    """
    seats = core.seats
    event = await seats.lock(event_id)
    address = rules.normalize_email(email)
    registration = await core.session.scalar(
        select(Registration)
        .where(col(Registration.event_id) == event_id, col(Registration.active_email) == address.key)
        .execution_options(populate_existing=True)
    )
    if registration is not None and registration.holds_seat:
        pending = registration.status == "pending_confirmation"
        registration.scholarship = True
        if pending:
            registration.status = "confirmed"
            registration.confirmed_at = core.now
            registration.confirm_token_hash = registration.confirm_expires_at = None
        registration.updated_at = core.now
        await core.session.flush()
        if pending:
            enqueue(core.session, await core.letters.promoted(event, registration), core.now, registration.id)
        return registration
    mode = (
        registration.attendance_mode
        if registration
        else ("online" if event.attendance_mode == "online" else "in_person")
    )
    pool = places_of(event).recipient_pool(mode)  # where the place comes from; the UPDATEs decide it
    seated = pool == "reserved" and await seats.take_reserved(event)
    if not seated and pool is not None:
        seated = await seats.take_one(event, mode)
    if not seated:
        raise Conflict(
            "no place is left at this event: every place kept for scholarship recipients is used and the "
            "event is full; the organizers can raise the capacity or reserved_seats"
        )
    if registration is not None:  # waitlisted: upgraded in place, keeps its history
        registration.status = "confirmed"
        registration.holds_seat = registration.scholarship = True
        registration.confirmed_at = registration.updated_at = core.now
        await core.session.flush()
        enqueue(core.session, await core.letters.promoted(event, registration), core.now, registration.id)
        return registration
    token = secrets.token_urlsafe(32)
    registration = Registration(
        event_id=event_id,
        token_hash=hash_token(token),
        feed_token=secrets.token_urlsafe(32),
        name=name.strip(),
        email=address.address,
        email_key=address.key,
        active_email=address.key,
        attendance_mode=mode,
        consent=True,
        status="confirmed",
        holds_seat=True,
        scholarship=True,
        created_at=core.now,
        updated_at=core.now,
        confirmed_at=core.now,
    )
    core.session.add(registration)
    await core.session.flush()
    read = await core.read(registration, event, token)
    enqueue(core.session, await core.letters.registered(event, registration, read, None), core.now, registration.id)
    await core.session.flush()
    return registration
