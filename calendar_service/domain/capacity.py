"""Places and the waiting list, pure: who gets a place, who waits, what a promotion means.

Decisions:
- In-person places count against `capacity` (None: no limit). `reserved` places inside it are
  kept for scholarship recipients: the public and the waiting list see only
  `capacity - taken - reserved`, even while nobody sits in them.
- Online places count separately against the settings' `online_capacity` (None: no limit):
  one mode never uses up the other's places.
- The database still decides every seat: a conditional UPDATE re-checks these same sums while
  the event row is locked. These decisions are made from the counters read under that lock;
  they say how many places are free and what a granted or refused place means.
- A new registration takes a free place in arrival order; without one it joins the waiting
  list or, for an event without a waiting list, is refused.
- A held place (`pending_confirmation`) waits for the person's answer until a deadline:
  `confirmation_hours` after registering, when the event asks for confirmation.
- Promotion is first come, first served. The promoted person is confirmed at once, unless
  freed places are offered (`promotion: offer`: held for `offer_hours`) or the event asks for
  confirmation and they never confirmed (held for `confirmation_hours`).
- A scholarship recipient takes a reserved place first, else a free public place.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from calendar_service.domain.registration import RegistrationSettings
from calendar_service.errors import Conflict

IN_PERSON = "in_person"
FULL = "this event is full and has no waiting list"
Pool = Literal["reserved", "public"]


@dataclass(frozen=True, slots=True)
class Places:
    """An event's places as its counters stand (read under the event lock)."""

    capacity: int | None = None
    taken: int = 0
    reserved: int = 0
    online_capacity: int | None = None
    online_taken: int = 0

    def free(self, mode: str) -> int | None:
        """Places the public (and the waiting list) may still take in this mode; None: no limit."""
        if mode == IN_PERSON:
            if self.capacity is None:
                return None
            return max(0, self.capacity - self.taken - self.reserved)
        if self.online_capacity is None:
            return None
        return max(0, self.online_capacity - self.online_taken)

    def has_room(self, mode: str) -> bool:
        free = self.free(mode)
        return free is None or free > 0

    def recipient_pool(self, mode: str) -> Pool | None:
        """Where a scholarship recipient's place comes from: reserved first, then public; None: nowhere."""
        if mode == IN_PERSON and self.reserved > 0:
            return "reserved"
        return "public" if self.has_room(mode) else None


@dataclass(frozen=True, slots=True)
class Decision:
    """What a registration gets: a place or not, its status, and until when a held place waits."""

    seat: bool
    status: str  # confirmed | pending_confirmation | waitlisted
    deadline: datetime | None = None  # only for pending_confirmation


def admitted(seat: bool, settings: RegistrationSettings, now: datetime) -> Decision:
    """A new registration with (or without) a place."""
    if not seat:
        return Decision(False, "waitlisted")
    if settings.requires_confirmation:
        return Decision(True, "pending_confirmation", now + timedelta(hours=settings.confirmation_hours))
    return Decision(True, "confirmed")


def promoted(settings: RegistrationSettings, confirmed_before: bool, now: datetime) -> Decision:
    """A waitlisted person given a freed place: confirmed, or offered until a deadline."""
    if settings.offers:
        return Decision(True, "pending_confirmation", now + timedelta(hours=settings.offer_hours))
    if settings.requires_confirmation and not confirmed_before:
        return Decision(True, "pending_confirmation", now + timedelta(hours=settings.confirmation_hours))
    return Decision(True, "confirmed")


@dataclass(slots=True)
class Tally:
    """Places handed out, in arrival order, while one batch of new registrations is decided."""

    places: Places
    in_person: int = 0
    online: int = 0

    def take(self, mode: str) -> bool:
        """One more place in this mode if one is free (counted here, not yet written)."""
        free = self.places.free(mode)
        if mode == IN_PERSON:
            if free is not None and self.in_person >= free:
                return False
            self.in_person += 1
            return True
        if free is not None and self.online >= free:
            return False
        self.online += 1
        return True

    def admit(self, mode: str, settings: RegistrationSettings, now: datetime) -> Decision:
        """The next registration: a place while one is free, else the waiting list; raises Conflict
        when the event is full and keeps no waiting list (and then counts nothing)."""
        seat = self.take(mode)
        if not seat and not settings.waitlist:
            raise Conflict(FULL)
        return admitted(seat, settings, now)


def waiting_reason(mode: str, places: Places, position: int | None) -> str:
    """Why a waitlisted person has no place yet, for staff (promotion is automatic and in order)."""
    ahead = f"; {position - 1} ahead on the waiting list" if position and position > 1 else ""
    if mode == IN_PERSON:
        capacity, taken, reserved = places.capacity, places.taken, places.reserved
        if capacity is not None and not places.has_room(mode):
            if reserved:
                return (
                    f"all {capacity - reserved} public in-person places are taken ({taken}/{capacity}, "
                    f"{reserved} more kept for scholarship recipients){ahead}"
                )
            return f"all {capacity} in-person places are taken ({taken}/{capacity}){ahead}"
        return f"an in-person place is free; promotion runs on the next cancellation or capacity change{ahead}"
    if places.online_capacity is not None and not places.has_room(mode):
        cap = places.online_capacity
        return f"all {cap} online places are taken ({places.online_taken}/{cap}){ahead}"
    return f"an online place is free; promotion runs on the next cancellation or capacity change{ahead}"
