"""Registration decisions, pure: who may register, with which answers, and what they get.

Decisions:
- An email is validated (syntax only, never DNS at request time) and
  normalised for duplicate detection: the domain is case-folded by
  email-validator, and the local part is case-folded too, because people
  type `Ada@` and `ada@` for the same mailbox far more often than two
  people share a mailbox differing only in case.
- An event's registration settings are stored as the JSON its API takes; they
  are read through `RegistrationSettings.of`, once, with the defaults below
  (places and the waiting list: `domain/capacity.py`).
- Waitlist order is first come, first served: the order in which places were decided.
- The registration window is the event's local time, read in its zone.
"""

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from email_validator import EmailNotValidError, validate_email

from calendar_service.domain.timezones import get_zone, parse_local_datetime, to_utc_lenient
from calendar_service.errors import Conflict, InvalidInput

MAX_ANSWER_CHARS = 2000
STATUSES = ("pending_confirmation", "confirmed", "waitlisted", "cancelled", "attended")
ACTIVE = ("pending_confirmation", "confirmed", "waitlisted", "attended")


@dataclass(frozen=True, slots=True)
class RegistrationSettings:
    """An event's registration settings (`Event.registration`), parsed once from the stored JSON.

    The stored JSON is the API's `registration` object (`events/schemas.py`) as written, so every
    key is normally present; an older or hand-written row may lack some, and then these defaults
    apply. `offer_hours` defaults to 48 here, as the promotion path always read it, although the
    API fills in 24 for every event it writes.
    """

    opens_at: str | None = None  # local times in the event's zone
    closes_at: str | None = None
    requires_confirmation: bool = False
    online_capacity: int | None = None  # None: online places are unlimited
    confirmation_hours: int = 48
    promotion: Literal["automatic", "offer"] = "automatic"
    offer_hours: int = 48
    waitlist: bool = True
    questions: tuple[Mapping[str, Any], ...] = ()  # as stored: key, label, type, required, options
    completion_percent: int | None = None

    @classmethod
    def of(cls, stored: Mapping[str, Any] | None) -> "RegistrationSettings":
        raw = stored or {}
        online_capacity = raw.get("online_capacity")
        completion_percent = raw.get("completion_percent")
        return cls(
            opens_at=raw.get("opens_at") or None,
            closes_at=raw.get("closes_at") or None,
            requires_confirmation=bool(raw.get("requires_confirmation")),
            online_capacity=None if online_capacity is None else int(online_capacity),
            confirmation_hours=int(raw.get("confirmation_hours", 48)),
            promotion="offer" if raw.get("promotion") == "offer" else "automatic",
            offer_hours=int(raw.get("offer_hours", 48)),
            waitlist=bool(raw.get("waitlist", True)),
            questions=tuple(raw.get("questions") or ()),
            completion_percent=None if completion_percent is None else int(completion_percent),
        )

    @property
    def offers(self) -> bool:
        """A freed place is offered to the next person for `offer_hours`, not given outright."""
        return self.promotion == "offer"

    @property
    def holds_places(self) -> bool:
        """Places can wait for a person's answer (and lapse past their deadline)."""
        return self.requires_confirmation or self.offers


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


MAX_LOCAL_PART_OCTETS = 64  # RFC 5321 §4.5.3.1.1


def normalize_email(raw: str, field: str = "email") -> Email:
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput(f"{field}: '{raw}' is not an email address we can write to: {exc}", field) from None
    if len(result.local_part.encode()) > MAX_LOCAL_PART_OCTETS:
        # email-validator 2.4 lets a longer one through; SMTP servers may refuse it (RFC 5321 §4.5.3.1.1).
        raise InvalidInput(
            f"{field}: the part before the @ is longer than {MAX_LOCAL_PART_OCTETS} characters, "
            "which mail servers may refuse; check the address",
            field,
        )
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


def window(registration: RegistrationSettings, zone: str) -> tuple[datetime | None, datetime | None]:
    """When registration opens and closes, as UTC instants of the local times set in the event's zone."""
    tz = get_zone(zone)
    opens, closes = registration.opens_at, registration.closes_at
    return (
        to_utc_lenient(parse_local_datetime(opens, "registration.opens_at"), tz) if opens else None,
        to_utc_lenient(parse_local_datetime(closes, "registration.closes_at"), tz) if closes else None,
    )


def check_window(registration: RegistrationSettings, zone: str, now: datetime) -> None:
    """Registration opens and closes at local times of the event's zone."""
    opens, closes = window(registration, zone)
    if opens is not None and now < opens:
        raise Conflict(f"registration opens at {registration.opens_at} ({zone}); try again then")
    if closes is not None and now >= closes:
        raise Conflict(f"registration closed at {registration.closes_at} ({zone})")


def check_mode(event_mode: str, wanted: str | None) -> str:
    """In-person seats count against capacity, online ones separately."""
    if event_mode == "hybrid":
        if wanted not in ("in_person", "online"):
            raise InvalidInput("attendance_mode: this event is hybrid; choose in_person or online", "attendance_mode")
        return wanted
    if wanted not in (None, event_mode):
        raise InvalidInput(f"attendance_mode: this event is {event_mode} only", "attendance_mode")
    return event_mode


def form_problems(
    questions: Sequence[Mapping[str, Any]],
    event_mode: str,
    *,
    name: str,
    email: str,
    consent: bool,
    attendance_mode: str | None,
    answers: Mapping[str, Any],
) -> list[InvalidInput]:
    """Every problem with what a person filled in, at once, through the same checks the API runs one by one.

    The API stops at the first refusal (its answer names one field); a form shows them all, so a
    person fixes everything in one go. Only the checks that need no database and no clock are
    here (name, email, consent, attendance mode, each answer); the window, places and duplicates
    stay with the registration desk. An empty list means the desk may decide.
    """
    problems: list[InvalidInput] = []

    def collect(check: Any, *args: Any) -> None:
        try:
            check(*args)
        except InvalidInput as problem:
            problems.append(problem)

    collect(clean_name, name)
    collect(normalize_email, email)
    if event_mode == "hybrid" or attendance_mode is not None:
        collect(check_mode, event_mode, attendance_mode)
    known = {q["key"] for q in questions}
    collect(check_answers, [], {k: v for k, v in answers.items() if k not in known})
    for question in questions:
        key = question["key"]
        collect(check_answers, [question], {key: answers[key]} if key in answers else {})
    if not consent:
        problems.append(
            InvalidInput("consent: registering needs your consent to store these details (consent: true)", "consent")
        )
    return problems
