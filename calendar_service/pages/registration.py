"""Registering on the event page: what the form offers, and the form's fields as an API body.

The page posts an ordinary HTML form; it becomes the same `RegistrationCreate` the JSON API takes
and goes through the same registration desk, so a person registering on the page is decided
exactly like an API client (places, waiting list, duplicates, Idempotency-Key against double
clicks, rate limit).
"""

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import msgspec

from calendar_service.domain import registration as rules
from calendar_service.domain.registration import RegistrationSettings
from calendar_service.errors import DomainError, InvalidInput
from calendar_service.pages.formats import Formats
from calendar_service.pages.text import N_, Text
from calendar_service.registrations.schemas import RegistrationCreate


@dataclass(frozen=True, slots=True)
class Openness:
    """Whether the page shows the form, and if not, the sentence it shows instead."""

    open: bool
    note: Text = field(default_factory=lambda: Text(""))


def openness(
    status: str,
    start_utc: datetime,
    capacity: int | None,
    registration: RegistrationSettings,
    zone: str,
    now: datetime,
    formats: Formats | None = None,
) -> Openness:
    """Whether the form is shown; `formats` writes the window's moment in the page language
    ("Tue, Jan 1, 2030, 09:00 (Brussels, UTC+1)"), else as the stored local time."""
    if status == "cancelled":
        return Openness(False, Text(N_("This event is cancelled and takes no registrations.")))
    if capacity == 0 and registration.online_capacity in (None, 0):
        return Openness(False, Text(N_("This event takes no registrations.")))
    opens, closes = rules.window(registration, zone)
    if opens is not None and registration.opens_at is not None and now < opens:
        when, where = _moment(opens, registration.opens_at, zone, formats)
        return Openness(False, Text(N_("Registration opens on %(when)s (%(zone)s)."), {"when": when, "zone": where}))
    if closes is not None and registration.closes_at is not None and now >= closes:
        when, where = _moment(closes, registration.closes_at, zone, formats)
        return Openness(False, Text(N_("Registration closed on %(when)s (%(zone)s)."), {"when": when, "zone": where}))
    if closes is None and start_utc <= now:
        return Openness(False, Text(N_("This event has started; registration is closed.")))
    return Openness(True)


def _moment(instant: datetime, stored: str, zone: str, formats: Formats | None) -> tuple[str, str]:
    if formats is None:
        return stored.replace("T", " "), zone
    return formats.date_time(instant, zone), f"{formats.zone_city(zone)}, {formats.short_offset(zone, instant)}"


def places_note(capacity: int | None, taken: int, reserved: int, waitlist: bool) -> Text:
    if capacity is None:
        return Text("")
    free = max(0, capacity - taken - reserved)
    if free > 0:
        return Text(N_("%(free)s of %(capacity)s places left."), {"free": free, "capacity": capacity})
    if waitlist:
        return Text(
            N_("The event is full: you can join the waiting list, and you will be told at once if a place frees up.")
        )
    return Text(N_("The event is full."))


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing to fix: the form field it belongs to (`""`: the whole form), the element to jump to, a sentence."""

    field: str
    anchor: str
    message: Text | str


@dataclass(slots=True)
class FormState:
    """What the form shows: the values typed so far and, after a refusal, every problem (per field when known)."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    key: str = field(default_factory=lambda: secrets.token_urlsafe(16))  # one per page: double clicks count once

    def error(self, name: str) -> Text | str:
        """The sentence for the field `name`, or "" when it is fine."""
        return next((p.message for p in self.problems if p.field == name), "")


NAME_PROBLEM = N_("Please enter your name (at least one letter or digit, on one line).")
EMAIL_PROBLEM = N_("Please enter your email address, for example name@example.org.")
MODE_PROBLEM = N_("Please choose how you will attend: in person or online.")
CONSENT_PROBLEM = N_("Please tick the box to agree that we store your details: we cannot register you without it.")
ANSWER_MISSING = N_("Please answer “%(question)s”.")
ANSWER_INVALID = N_("Please check your answer to “%(question)s”.")
FIELD_IDS = {"name": "f-name", "email": "f-email", "attendance_mode": "f-mode-in_person", "consent": "f-consent"}


def question_anchor(questions: Sequence[Mapping[str, Any]], key: str) -> str:
    """The id of a question's first input on the form (`q-1`, `q-2`… in the questions' order)."""
    index = next((i for i, q in enumerate(questions, start=1) if q["key"] == key), 0)
    return f"q-{index}" if index else "register-form"


def plain_problem(problem: InvalidInput, questions: Sequence[Mapping[str, Any]], answers: Mapping[str, Any]) -> Problem:
    """A domain refusal as the form says it: a whole sentence in plain words, no field keys."""
    name = problem.field or ""
    if name in FIELD_IDS:
        message = {"name": NAME_PROBLEM, "email": EMAIL_PROBLEM, "attendance_mode": MODE_PROBLEM}.get(
            name, CONSENT_PROBLEM
        )
        return Problem(name, FIELD_IDS[name], message)
    if name.startswith("answers."):
        key = name.removeprefix("answers.")
        question = next((q for q in questions if q["key"] == key), None)
        if question is not None:
            missing = answers.get(key) in (None, "", [])
            text = Text(ANSWER_MISSING if missing else ANSWER_INVALID, {"question": question["label"]})
            return Problem(name, question_anchor(questions, key), text)
    return Problem("", "register-form", problem.message)


def form_problems(body: Mapping[str, Any], questions: Sequence[Mapping[str, Any]], event_mode: str) -> list[Problem]:
    """Every problem of a filled-in form at once (the domain's checks, `domain/registration.form_problems`)."""
    answers = body.get("answers") or {}
    found = rules.form_problems(
        questions,
        event_mode,
        name=str(body.get("name", "")),
        email=str(body.get("email", "")),
        consent=bool(body.get("consent")),
        attendance_mode=body.get("attendance_mode"),
        answers=answers,
    )
    return [plain_problem(problem, questions, answers) for problem in found]


def refusal_problem(refusal: DomainError, questions: Sequence[Mapping[str, Any]], body: Mapping[str, Any]) -> Problem:
    """What the registration desk refused (full, already registered, closed…), told on the form."""
    if isinstance(refusal, InvalidInput):
        return plain_problem(refusal, questions, body.get("answers") or {})
    return Problem("", "register-form", refusal.message)


def body_from_form(form: Mapping[str, Sequence[str]], questions: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The form's fields as the JSON body of POST /api/events/{slug}/registrations."""

    def one(name: str) -> str:
        values = form.get(name) or []
        return values[-1] if values else ""

    body: dict[str, Any] = {"name": one("name"), "email": one("email"), "consent": one("consent") == "yes"}
    if one("attendance_mode"):
        body["attendance_mode"] = one("attendance_mode")
    answers: dict[str, Any] = {}
    for question in questions:
        key, kind = question["key"], question.get("type", "text")
        name = f"answers.{key}"
        if kind == "multi_choice":
            chosen = [v for v in form.get(name) or [] if v]
            if chosen:
                answers[key] = chosen
        elif kind == "yes_no":
            if one(name) in ("yes", "no"):
                answers[key] = one(name) == "yes"
        elif one(name).strip():
            answers[key] = one(name)
    body["answers"] = answers
    return body


def as_registration(body: dict[str, Any]) -> RegistrationCreate:
    """The form's fields through the API's own schema; its refusal names the field like the API does."""
    try:
        return msgspec.convert(body, RegistrationCreate)
    except msgspec.ValidationError as exc:
        message, _, where = str(exc).partition(" - at `")
        field = where.rstrip("`").removeprefix("$.") or "body"
        raise InvalidInput(f"{field}: {message}", field) from None
