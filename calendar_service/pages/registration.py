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
from calendar_service.errors import InvalidInput
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
) -> Openness:
    if status == "cancelled":
        return Openness(False, Text(N_("This event is cancelled and takes no registrations.")))
    if capacity == 0 and registration.online_capacity in (None, 0):
        return Openness(False, Text(N_("This event takes no registrations.")))
    opens, closes = rules.window(registration, zone)
    if opens is not None and registration.opens_at is not None and now < opens:
        when = registration.opens_at.replace("T", " ")
        return Openness(False, Text(N_("Registration opens on %(when)s (%(zone)s)."), {"when": when, "zone": zone}))
    if closes is not None and registration.closes_at is not None and now >= closes:
        when = registration.closes_at.replace("T", " ")
        return Openness(False, Text(N_("Registration closed on %(when)s (%(zone)s)."), {"when": when, "zone": zone}))
    if closes is None and start_utc <= now:
        return Openness(False, Text(N_("This event has started; registration is closed.")))
    return Openness(True)


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


@dataclass(slots=True)
class FormState:
    """What the form shows: the values typed so far and, after a refusal, why (per field when known)."""

    values: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    error_field: str = ""
    key: str = field(default_factory=lambda: secrets.token_urlsafe(16))  # one per page: double clicks count once


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
