"""Tables, and nothing but tables (API schemas live in each area's schemas.py).

Times: `*_local` columns hold naive wall-clock time in the event's zone (the
truth); `*_utc` columns are derived from them with the tz database named in
`tzdb_version`, kept for indexing window queries, and recomputed when the
tz database changes. Every instant uses DateTimeUTC, which refuses naive
values and comes back aware on SQLite too.
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_column(nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=sa.Column(DateTimeUTC(timezone=True), nullable=nullable, index=index))


def local_column(nullable: bool = False) -> Any:
    return Field(sa_column=sa.Column(sa.DateTime(timezone=False), nullable=nullable))


def json_column() -> Any:
    return Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))


class Calendar(SQLModel, table=True):
    __tablename__ = "calendar"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=200)
    description: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    timezone: str = Field(max_length=64)
    feed_past_days: int | None = None
    # Raised in the same transaction as every change to the calendar's events:
    # feed ETags come from it, so a poll is answered without rendering anything.
    feed_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    feed_updated_at: datetime | None = utc_column(nullable=True)
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()


class Event(SQLModel, table=True):
    __tablename__ = "event"
    __table_args__ = (sa.Index("ix_event_window", "calendar_id", "first_start_utc", "last_end_utc"),)

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(max_length=255, unique=True)
    slug: str = Field(max_length=80, unique=True)
    calendar_id: int = Field(foreign_key="calendar.id", index=True)
    title: str = Field(max_length=300)
    description: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    status: str = Field(max_length=16, default="confirmed")

    timezone: str = Field(max_length=64)
    all_day: bool = False
    start_local: datetime = local_column()
    end_local: datetime = local_column()
    start_fold: int = 0
    end_fold: int = 0
    rrule: str | None = Field(default=None, max_length=500)
    exdates: list[str] = json_column()
    rdates: list[str] = json_column()

    start_utc: datetime = utc_column()
    end_utc: datetime = utc_column()
    first_start_utc: datetime = utc_column()
    last_end_utc: datetime | None = utc_column(nullable=True)
    tzdb_version: str = Field(max_length=16)
    # The event's VEVENT block(s) as served in public feeds, rendered on every write,
    # and the renderer settings it was made with (re-rendered at startup if they differ).
    ics: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    render_key: str = Field(default="", max_length=32, sa_column_kwargs={"server_default": ""})

    location_name: str | None = Field(default=None, max_length=300)
    location_address: str | None = Field(default=None, max_length=500)
    location_city: str | None = Field(default=None, max_length=200)
    location_country: str | None = Field(default=None, max_length=2, index=True)
    location_lat: float | None = None
    location_lon: float | None = None
    livestream_url: str | None = Field(default=None, max_length=2000)
    online_url: str | None = Field(default=None, max_length=2000)
    attendance_mode: str = Field(max_length=16, default="in_person", index=True)
    languages: list[str] = json_column()
    tags: list[str] = json_column()
    hosts: list[str] = json_column()
    speakers: list[dict[str, Any]] = json_column()
    capacity: int | None = None
    # Places inside `capacity` kept for scholarship recipients; public registrations cannot take them.
    reserved_seats: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Seats held (confirmed or awaiting confirmation), changed only by conditional UPDATEs.
    seats_taken: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    online_taken: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    registration: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    # Language tag -> {"title", "description"}: the event's texts in other languages, for the pages.
    translations: dict[str, dict[str, str]] = Field(
        default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False, server_default="{}")
    )

    sequence: int = 0
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()


class EventFacet(SQLModel, table=True):
    """Tags and languages as rows, so `tag=`/`lang=` filters run in SQL on both databases."""

    __tablename__ = "event_facet"
    __table_args__ = (sa.Index("ix_event_facet_lookup", "facet", "value"),)

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    facet: str = Field(max_length=8, primary_key=True)
    value: str = Field(max_length=64, primary_key=True)


class OccurrenceOverride(SQLModel, table=True):
    """One occurrence of a series moved, retitled or cancelled; keyed by its original local start."""

    __tablename__ = "occurrence_override"
    __table_args__ = (sa.UniqueConstraint("event_id", "original_local"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    original_local: datetime = local_column()
    start_local: datetime | None = local_column(nullable=True)
    end_local: datetime | None = local_column(nullable=True)
    start_fold: int = 0
    end_fold: int = 0
    title: str | None = Field(default=None, max_length=300)
    status: str | None = Field(default=None, max_length=16)
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()


class StaffToken(SQLModel, table=True):
    """A bearer token for staff; only its SHA-256 is stored."""

    __tablename__ = "staff_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    role: str = Field(max_length=16)
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=12)
    calendars: list[str] = json_column()
    created_at: datetime = utc_column()
    last_used_at: datetime | None = utc_column(nullable=True)
    revoked_at: datetime | None = utc_column(nullable=True)
    expires_at: datetime | None = utc_column(nullable=True)
    # Whose token it is, when given: a reviewer is never assigned the application sent from this address.
    email: str | None = Field(default=None, max_length=320)


class Registration(SQLModel, table=True):
    """A person's place at an event (the whole series, for a recurring one)."""

    __tablename__ = "registration"
    __table_args__ = (
        # `active_email` is the normalised email while the registration is active, NULL once
        # cancelled: one active registration per person and event, re-registering allowed.
        sa.UniqueConstraint("event_id", "active_email"),
        sa.Index("ix_registration_waitlist", "event_id", "status", "waitlisted_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    # A second valid link (a resent one): sending a new link never disables the first, so nobody
    # can cancel someone else's access by asking for a new link with their address.
    link_token_hash: str | None = Field(default=None, max_length=64, unique=True)
    feed_token: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    email: str = Field(max_length=320)
    email_key: str = Field(max_length=320, index=True)
    active_email: str | None = Field(default=None, max_length=320)
    attendance_mode: str = Field(max_length=16)
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    consent: bool = False
    status: str = Field(max_length=24)
    holds_seat: bool = False
    # Email confirmation: a single-use token (hash) and the moment the held seat lapses.
    confirm_token_hash: str | None = Field(default=None, max_length=64, unique=True)
    confirm_expires_at: datetime | None = utc_column(nullable=True)
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()
    waitlisted_at: datetime | None = utc_column(nullable=True)
    confirmed_at: datetime | None = utc_column(nullable=True)
    cancelled_at: datetime | None = utc_column(nullable=True)
    attended_at: datetime | None = utc_column(nullable=True)
    # A scholarship recipient's place (taken from the event's reserved scholarship seats).
    scholarship: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # Personal data erased (retention or the person's own request); counts stay.
    erased_at: datetime | None = utc_column(nullable=True)


class OutboxMessage(SQLModel, table=True):
    """An email written in the same transaction as the change it reports; sent by the worker."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    registration_id: int | None = Field(default=None, foreign_key="registration.id", index=True)
    recipient: str = Field(max_length=320)
    subject: str = Field(max_length=300)
    body: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    ics: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    ics_method: str | None = Field(default=None, max_length=16)
    created_at: datetime = utc_column(index=True)
    sent_at: datetime | None = utc_column(nullable=True)
    attempts: int = 0
    next_attempt_at: datetime | None = utc_column(nullable=True)
    last_error: str | None = Field(default=None, max_length=1000)


class IdempotencyRecord(SQLModel, table=True):
    """The first response to a POST with an Idempotency-Key, replayed on retries."""

    __tablename__ = "idempotency_record"
    __table_args__ = (sa.UniqueConstraint("scope", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=200)
    key: str = Field(max_length=200)
    request_hash: str = Field(max_length=64)
    status_code: int
    body: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    created_at: datetime = utc_column()


class AuditEntry(SQLModel, table=True):
    """Who changed what: one row per staff write, written in the same transaction as the change."""

    __tablename__ = "audit_entry"
    __table_args__ = (sa.Index("ix_audit_entry_target", "target_type", "target_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = utc_column(index=True)
    actor_id: int | None = Field(default=None, foreign_key="staff_token.id", index=True)
    actor_name: str = Field(max_length=200)
    actor_role: str = Field(max_length=16)
    action: str = Field(max_length=64, index=True)
    target_type: str = Field(max_length=32)
    target_id: str = Field(max_length=200)
    calendar: str | None = Field(default=None, max_length=80, index=True)
    diff: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))


class SessionAttendance(SQLModel, table=True):
    """Attendance at one session (occurrence) of a series, keyed by its original local start."""

    __tablename__ = "session_attendance"
    __table_args__ = (sa.UniqueConstraint("registration_id", "occurrence_local"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    registration_id: int = Field(foreign_key="registration.id", index=True, ondelete="CASCADE")
    occurrence_local: datetime = local_column()
    marked_at: datetime = utc_column()
    marked_by: str = Field(max_length=200)


class AnswerTotal(SQLModel, table=True):
    """Per-event counts kept when personal data is erased (retention): status, mode, choice answers."""

    __tablename__ = "answer_total"

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    question: str = Field(max_length=64, primary_key=True)
    answer: str = Field(max_length=300, primary_key=True)
    count: int = 0


class ScholarshipProgram(SQLModel, table=True):
    """One scholarship program per event. Money is stored in integer minor units (cents)."""

    __tablename__ = "scholarship_program"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", unique=True)
    currency: str = Field(max_length=3)
    budget_minor: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    # Awarded (awaiting an answer) + accepted; raised only by a conditional UPDATE that keeps it <= budget.
    committed_minor: int = Field(default=0, sa_column=sa.Column(sa.BigInteger, nullable=False, server_default="0"))
    opens_at: datetime = utc_column()
    closes_at: datetime = utc_column()
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()


class ScholarshipApplication(SQLModel, table=True):
    __tablename__ = "scholarship_application"
    __table_args__ = (sa.UniqueConstraint("program_id", "email_key"),)

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="scholarship_program.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    # The award email's link; the application's own link keeps working beside it.
    link_token_hash: str | None = Field(default=None, max_length=64, unique=True)
    status: str = Field(max_length=16, index=True)
    name: str = Field(max_length=200)
    email: str = Field(max_length=320)
    email_key: str = Field(max_length=320)
    country: str = Field(max_length=2)
    affiliation: str = Field(default="", max_length=300)
    language: str | None = Field(default=None, max_length=64)
    motivation: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    contribution: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    requested: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    requested_minor: int = Field(default=0, sa_column=sa.Column(sa.BigInteger, nullable=False))
    would_attend_without_support: bool = False
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    consent: bool = False
    share_with_partners: bool = False
    screening: str = Field(default="pending", max_length=16)
    award: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    award_minor: int = Field(default=0, sa_column=sa.Column(sa.BigInteger, nullable=False))
    awarded_at: datetime | None = utc_column(nullable=True)
    answer_by: datetime | None = utc_column(nullable=True)
    answered_at: datetime | None = utc_column(nullable=True)
    registration_id: int | None = Field(default=None, foreign_key="registration.id")
    submitted_at: datetime | None = utc_column(nullable=True)
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()
    erased_at: datetime | None = utc_column(nullable=True)


class ReviewAssignment(SQLModel, table=True):
    __tablename__ = "review_assignment"
    __table_args__ = (sa.UniqueConstraint("application_id", "reviewer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="scholarship_application.id", index=True)
    reviewer_id: int = Field(foreign_key="staff_token.id", index=True)
    assigned_at: datetime = utc_column()


class ScholarshipReview(SQLModel, table=True):
    """A reviewer's screening vote or rubric scores for one application (one per phase)."""

    __tablename__ = "scholarship_review"
    __table_args__ = (sa.UniqueConstraint("application_id", "reviewer_id", "phase"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="scholarship_application.id", index=True)
    reviewer_id: int = Field(foreign_key="staff_token.id", index=True)
    phase: str = Field(max_length=16)
    eligible: bool | None = None
    scores: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    comment: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    conflict_of_interest: bool = False
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()
