"""Registration decisions, pure: who may register, with which answers, and what they get.

Decisions:
- An email is validated (syntax only, never DNS at request time) and
  normalised for duplicate detection: the domain is case-folded by
  email-validator, and the local part is case-folded too, because people
  type `Ada@` and `ada@` for the same mailbox far more often than two
  people share a mailbox differing only in case.
- A seat is decided by the database (a conditional UPDATE on the event's
  counter), never from a number read earlier; this module only says what a
  granted or refused seat means.
- Waitlist order is first come, first served: the order in which places were decided.
- The registration window is the event's local time, read in its zone.
"""

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email

from calendar_service.domain.timezones import get_zone, parse_local_datetime, to_utc_lenient
from calendar_service.errors import Conflict, InvalidInput

MAX_ANSWER_CHARS = 2000
STATUSES = ("pending_confirmation", "confirmed", "waitlisted", "cancelled", "attended")
ACTIVE = ("pending_confirmation", "confirmed", "waitlisted", "attended")


@dataclass(frozen=True, slots=True)
class Email:
    address: str
    key: str  # for duplicate detection


@dataclass(frozen=True, slots=True)
class Applicant:
    """A registration request that passed every check needing no database."""

    name: str
    email: Email
    mode: str
    answers: dict[str, Any]


DUPLICATE_EMAIL = "this email is already registered for this event; the confirmation email has the link to manage it"


MAX_IDEMPOTENCY_KEY = 200


def clean_name(raw: str, field: str = "name") -> str:
    """A person's name as they typed it, trimmed; it must show at least one letter or digit.

    Blank, invisible-only (zero-width spaces) and control characters (NUL, line breaks, tabs)
    are refused: the name goes into emails, exports and badges.
    """
    name = raw.strip()
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise InvalidInput(f"{field}: control characters (line breaks, tabs, NUL) cannot be part of a name", field)
    if not any(unicodedata.category(ch)[0] in "LN" for ch in name):
        raise InvalidInput(f"{field}: give a name with at least one letter or digit", field)
    return name


def check_idempotency_key(raw: str | None) -> str | None:
    """The Idempotency-Key header: empty means none; longer than 200 characters is refused, never cut
    (two different keys sharing their first 200 characters would answer for each other)."""
    if raw is None or not raw.strip():
        return None
    if len(raw) > MAX_IDEMPOTENCY_KEY:
        raise InvalidInput(
            f"Idempotency-Key: at most {MAX_IDEMPOTENCY_KEY} characters (this one has {len(raw)}); "
            "a random UUID is a good key",
            "Idempotency-Key",
        )
    return raw


def normalize_email(raw: str, field: str = "email") -> Email:
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput(f"{field}: '{raw}' is not an email address we can write to: {exc}", field) from None
    return Email(address=result.normalized, key=result.normalized.casefold())


def check_answers(questions: Sequence[Mapping[str, Any]], answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers keyed by question key, typed and complete; unknown keys and choices are refused."""
    known = {q["key"]: q for q in questions}
    for key in answers:
        if key not in known:
            hint = f"; the questions are: {', '.join(known)}" if known else "; this event asks no questions"
            raise InvalidInput(f"answers.{key}: no such question{hint}", f"answers.{key}")
    cleaned: dict[str, Any] = {}
    for key, question in known.items():
        field = f"answers.{key}"
        value = answers.get(key)
        if value is None or value == "" or value == []:
            if question.get("required"):
                raise InvalidInput(f"{field}: '{question['label']}' needs an answer", field)
            continue
        kind = question.get("type", "text")
        options = question.get("options") or []
        if kind == "text":
            if not isinstance(value, str):
                raise InvalidInput(f"{field}: expected text", field)
            if len(value) > MAX_ANSWER_CHARS:
                raise InvalidInput(f"{field}: at most {MAX_ANSWER_CHARS} characters", field)
            cleaned[key] = value.strip()
        elif kind == "yes_no":
            if not isinstance(value, bool):
                raise InvalidInput(f"{field}: answer true or false", field)
            cleaned[key] = value
        elif kind == "choice":
            if value not in options:
                raise InvalidInput(f"{field}: '{value}' is not one of: {', '.join(options)}", field)
            cleaned[key] = value
        elif kind == "multi_choice":
            if not isinstance(value, list) or any(v not in options for v in value):
                raise InvalidInput(f"{field}: choose from: {', '.join(options)}", field)
            cleaned[key] = sorted(set(value), key=options.index)
    return cleaned


def window(registration: Mapping[str, Any], zone: str) -> tuple[datetime | None, datetime | None]:
    """When registration opens and closes, as UTC instants of the local times set in the event's zone."""
    tz = get_zone(zone)
    opens, closes = registration.get("opens_at"), registration.get("closes_at")
    return (
        to_utc_lenient(parse_local_datetime(opens, "registration.opens_at"), tz) if opens else None,
        to_utc_lenient(parse_local_datetime(closes, "registration.closes_at"), tz) if closes else None,
    )


def check_window(registration: Mapping[str, Any], zone: str, now: datetime) -> None:
    """Registration opens and closes at local times of the event's zone."""
    opens, closes = window(registration, zone)
    if opens is not None and now < opens:
        raise Conflict(f"registration opens at {registration['opens_at']} ({zone}); try again then")
    if closes is not None and now >= closes:
        raise Conflict(f"registration closed at {registration['closes_at']} ({zone})")


def check_mode(event_mode: str, wanted: str | None) -> str:
    """In-person seats count against capacity, online ones separately."""
    if event_mode == "hybrid":
        if wanted not in ("in_person", "online"):
            raise InvalidInput("attendance_mode: this event is hybrid; choose in_person or online", "attendance_mode")
        return wanted
    if wanted not in (None, event_mode):
        raise InvalidInput(f"attendance_mode: this event is {event_mode} only", "attendance_mode")
    return event_mode


def status_for(seat_granted: bool, requires_confirmation: bool) -> str:
    if not seat_granted:
        return "waitlisted"
    return "pending_confirmation" if requires_confirmation else "confirmed"


def waiting_reason(
    mode: str,
    capacity: int | None,
    taken: int,
    online_capacity: int | None,
    online_taken: int,
    position: int | None,
    reserved: int = 0,
) -> str:
    """Why a waitlisted person has no place yet, for staff (promotion is automatic and in order).

    `reserved` places are kept inside the capacity for scholarship recipients: they are not free
    for the public or the waiting list even while nobody sits in them.
    """
    ahead = f"; {position - 1} ahead on the waiting list" if position and position > 1 else ""
    if mode == "in_person":
        if capacity is not None and reserved and taken + reserved >= capacity:
            return (
                f"all {capacity - reserved} public in-person places are taken ({taken}/{capacity}, "
                f"{reserved} more kept for scholarship recipients){ahead}"
            )
        if capacity is not None and taken >= capacity:
            return f"all {capacity} in-person places are taken ({taken}/{capacity}){ahead}"
        return f"an in-person place is free; promotion runs on the next cancellation or capacity change{ahead}"
    if online_capacity is not None and online_taken >= online_capacity:
        return f"all {online_capacity} online places are taken ({online_taken}/{online_capacity}){ahead}"
    return f"an online place is free; promotion runs on the next cancellation or capacity change{ahead}"
