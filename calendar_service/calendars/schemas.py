"""Calendar API schemas."""

from typing import Annotated

from msgspec import Meta, Struct

from calendar_service.wire import Slug, ZoneName


class CalendarCreate(Struct, forbid_unknown_fields=True):
    slug: Slug
    name: Annotated[str, Meta(min_length=1, max_length=200)]
    timezone: ZoneName = "UTC"
    description: Annotated[str, Meta(max_length=5000)] = ""
    feed_past_days: (
        Annotated[int, Meta(ge=0, le=36500, description="Days of past events the feed keeps; null keeps everything")]
        | None
    ) = None


class SubscribeLinks(Struct, kw_only=True):
    webcal: str
    google: str
    outlook: str
    office365: str


class CalendarRead(Struct, kw_only=True):
    slug: str
    name: str
    description: str
    timezone: str
    events_url: str
    ics_url: str
    webcal_url: str
    page_url: str
    subscribe: SubscribeLinks
    feed_past_days: int | None


class CalendarList(Struct):
    items: list[CalendarRead]
