"""Calendar API schemas."""

from typing import Annotated

from msgspec import Meta, Struct

from calendar_service.events.schemas import Slug, ZoneName


class CalendarCreate(Struct, forbid_unknown_fields=True):
    slug: Slug
    name: Annotated[str, Meta(min_length=1, max_length=200)]
    timezone: ZoneName = "UTC"
    description: Annotated[str, Meta(max_length=5000)] = ""


class CalendarRead(Struct, kw_only=True):
    slug: str
    name: str
    description: str
    timezone: str
    events_url: str
    ics_url: str
    webcal_url: str


class CalendarList(Struct):
    items: list[CalendarRead]
