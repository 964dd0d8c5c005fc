"""Staff API schemas: tokens and the audit log."""

from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct


class AuditEntryRead(Struct):
    id: int
    at: str
    actor_id: int | None
    actor_name: str
    actor_role: str
    action: str
    target_type: str
    target_id: str
    calendar: str | None
    diff: dict[str, Any]
    detail: dict[str, Any]


class AuditList(Struct):
    items: list[AuditEntryRead]
    next_before_id: int | None = None


class TokenCreate(Struct, forbid_unknown_fields=True):
    name: Annotated[str, Meta(min_length=1, max_length=200)]
    role: Literal["admin", "organizer", "reviewer"]
    calendars: Annotated[list[str], Meta(max_length=100)] = msgspec.field(default_factory=list)
    expires_in_days: Annotated[int, Meta(ge=1, le=3650)] | None = None
    email: Annotated[str, Meta(max_length=320)] | None = None  # a reviewer's: their own application is a conflict


class TokenRead(Struct):
    id: int
    name: str
    role: str
    prefix: str
    calendars: list[str]
    created_at: str
    expires_at: str | None
    last_used_at: str | None
    revoked_at: str | None
    email: str | None = None
    token: str | None = None  # only in the answer to create: shown once


class TokenList(Struct):
    items: list[TokenRead]
