"""A confirmed place for a scholarship recipient, from the places reserved for them."""

import secrets

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from calendar_service.db.tables import Event, Registration
from calendar_service.domain import registration as rules
from calendar_service.errors import Conflict
from calendar_service.notifications.outbox import enqueue
from calendar_service.registrations.service import RegistrationService, hash_token


async def seat_scholarship_recipient(core: RegistrationService, event_id: int, name: str, email: str) -> Registration:
    """A confirmed place for someone who accepted a scholarship, in the caller's transaction.

    A place reserved for recipients first, else a free public place, else a 409 with nothing
    written: both are conditional UPDATEs under the event lock. An active registration of the
    same person is upgraded (confirmed, flagged `scholarship`), never duplicated.
    """
    event = await core._lock_event(event_id)
    address = rules.normalize_email(email)
    registration = await core.session.scalar(
        select(Registration)
        .where(Registration.event_id == event_id, Registration.active_email == address.key)
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
    reserved = None
    if mode == "in_person":
        reserved = (
            await core.session.execute(
                update(Event)
                .where(Event.id == event_id, Event.reserved_seats > 0)  # type: ignore[arg-type,operator]
                .values(reserved_seats=Event.reserved_seats - 1, seats_taken=Event.seats_taken + 1)
                .returning(Event.seats_taken, Event.reserved_seats)
                .execution_options(synchronize_session=False)
            )
        ).first()
    if reserved is not None:
        set_committed_value(event, "seats_taken", reserved.seats_taken)
        set_committed_value(event, "reserved_seats", reserved.reserved_seats)
    elif not await core._take_seat(event, mode):
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
    read = await core._read(registration, event, token)
    enqueue(core.session, await core.letters.registered(event, registration, read, None), core.now, registration.id)
    await core.session.flush()
    return registration
