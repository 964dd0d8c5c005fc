"""Registration API schemas."""

from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct

from calendar_service.params import RowIdItem

RegistrationStatus = Literal["pending_confirmation", "confirmed", "waitlisted", "cancelled", "attended"]


class RegistrationCreate(Struct, forbid_unknown_fields=True):
    name: Annotated[str, Meta(min_length=1, max_length=200)]
    email: Annotated[str, Meta(min_length=3, max_length=320)]
    consent: bool
    attendance_mode: Literal["in_person", "online"] | None = None
    answers: Annotated[dict[str, Any], Meta(max_length=50)] = msgspec.field(default_factory=dict)


class EventSummary(Struct, kw_only=True):
    slug: str
    title: str
    status: str
    timezone: str
    start: str
    end: str
    start_utc: str
    url: str


class RegistrationRead(Struct, kw_only=True):
    status: RegistrationStatus
    waitlist_position: int | None
    token: str
    feed_url: str
    webcal_feed_url: str
    manage_url: str
    name: str
    email: str
    attendance_mode: str
    answers: dict[str, Any]
    event: EventSummary
    created_at: str
    online_url: str | None = None


class StaffRegistrationRead(Struct, kw_only=True):
    id: int
    status: RegistrationStatus
    waitlist_position: int | None
    name: str
    email: str
    attendance_mode: str
    answers: dict[str, Any]
    consent: bool
    created_at: str
    confirmed_at: str | None
    cancelled_at: str | None
    attended_at: str | None
    waiting_reason: str | None = None
    scholarship: bool = False
    erased: bool = False


class StaffRegistrationList(Struct, kw_only=True):
    items: list[StaffRegistrationRead]
    capacity: int | None
    seats_taken: int
    online_taken: int
    waitlisted: int


class ConfirmationRead(Struct, kw_only=True):
    status: RegistrationStatus
    event_slug: str
    event_title: str
    detail: str


class StaffStatusChange(Struct, forbid_unknown_fields=True):
    status: Literal["confirmed", "cancelled", "attended"]


class StaffMessage(Struct, forbid_unknown_fields=True):
    subject: Annotated[str, Meta(min_length=1, max_length=200)]
    body: Annotated[str, Meta(min_length=1, max_length=20_000)]
    statuses: list[RegistrationStatus] = msgspec.field(default_factory=lambda: ["confirmed", "pending_confirmation"])


class StaffMessageResult(Struct, kw_only=True):
    queued: int
    recipients: list[str]


class AttendanceMark(Struct, forbid_unknown_fields=True):
    registration_ids: Annotated[list[RowIdItem], Meta(min_length=1, max_length=5000)]
    attended: bool = True


class AttendanceItem(Struct, kw_only=True):
    registration_id: int
    name: str
    sessions_attended: int
    attended: list[str]
    completed: bool | None


class AttendanceSummary(Struct, kw_only=True):
    sessions: list[str]
    sessions_needed: int | None
    items: list[AttendanceItem]


class ErasureRead(Struct, kw_only=True):
    status: Literal["erased"]
    detail: str


class LinkRequest(Struct, forbid_unknown_fields=True):
    email: Annotated[str, Meta(min_length=3, max_length=320)]


class LinkRequested(Struct, kw_only=True):
    detail: str
