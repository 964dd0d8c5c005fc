"""Event API schemas (msgspec Structs). Tables never leave the service layer.

Times cross the wire as strings and are parsed by `domain.timing`, so every
time error names its field and says what to send instead.
"""

from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from calendar_service.wire import MAX_PLACES, LocalTime, Question, ShortText, Slug, Text, Title, Url, ZoneName

Status = Literal["confirmed", "tentative", "cancelled"]
Places = Annotated[int, Meta(ge=0, le=MAX_PLACES, description="In-person places; null = unlimited")]
OnlinePlaces = Annotated[int, Meta(ge=0, le=MAX_PLACES, description="Cap on online places; null = unlimited")]
AttendanceMode = Literal["in_person", "online", "hybrid"]


class Location(Struct, forbid_unknown_fields=True, omit_defaults=False):
    name: ShortText | None = None
    address: Annotated[str, Meta(max_length=500)] | None = None
    city: Annotated[str, Meta(max_length=200)] | None = None
    country: Annotated[str, Meta(min_length=2, max_length=2, description="ISO 3166-1 alpha-2")] | None = None
    lat: float | None = None
    lon: float | None = None


class Person(Struct, forbid_unknown_fields=True):
    name: ShortText
    affiliation: ShortText | None = None


class Recurrence(Struct, forbid_unknown_fields=True):
    rrule: (
        Annotated[
            str,
            Meta(
                max_length=500,
                description="RFC 5545 RRULE without the 'RRULE:' prefix",
                examples=["FREQ=WEEKLY;BYDAY=TH;COUNT=16"],
            ),
        ]
        | None
    ) = None
    exdates: Annotated[list[LocalTime], Meta(max_length=1000)] = msgspec.field(default_factory=list)
    rdates: Annotated[list[LocalTime], Meta(max_length=1000)] = msgspec.field(default_factory=list)


class RegistrationSettings(Struct, forbid_unknown_fields=True):
    opens_at: LocalTime | None = None
    closes_at: LocalTime | None = None
    requires_confirmation: bool = False
    online_capacity: (
        Annotated[int, Meta(ge=0, le=MAX_PLACES, description="Cap on online places; null = unlimited")] | None
    ) = None
    confirmation_hours: Annotated[int, Meta(ge=1, le=720, description="How long an unconfirmed place is held")] = 48
    promotion: Annotated[
        Literal["automatic", "offer"],
        Meta(
            description="automatic: a freed place confirms the next waitlisted person; offer: it is offered "
            "to them for offer_hours, then to the next"
        ),
    ] = "automatic"
    offer_hours: Annotated[int, Meta(ge=1, le=720)] = 24
    waitlist: bool = True
    questions: Annotated[list[Question], Meta(max_length=50)] = msgspec.field(default_factory=list)
    completion_percent: (
        Annotated[
            int,
            Meta(
                ge=1,
                le=100,
                description="For a series: the share of sessions a registrant must attend to complete the programme",
            ),
        ]
        | None
    ) = None


Labels = Annotated[list[Annotated[str, Meta(max_length=64)]], Meta(max_length=50)]


class Translation(Struct, forbid_unknown_fields=True, omit_defaults=True):
    """The event's title and description in another language (pages show it to visitors who read it)."""

    title: Title | None = None
    description: Text | None = None


Translations = Annotated[
    dict[Annotated[str, Meta(max_length=35)], Translation],
    Meta(max_length=20, description="Language tag (BCP 47) -> title and description in that language"),
]


class EventCreate(Struct, forbid_unknown_fields=True):
    calendar: Slug
    title: Title
    timezone: ZoneName
    start: LocalTime
    end: LocalTime
    description: Text = ""
    all_day: bool = False
    fold: Literal[0, 1] | None = None
    recurrence: Recurrence | None = None
    status: Status = "confirmed"
    location: Location | None = None
    livestream_url: Url | None = None
    online_url: Url | None = None
    attendance_mode: AttendanceMode = "in_person"
    languages: Labels = msgspec.field(default_factory=list)
    tags: Labels = msgspec.field(default_factory=list)
    hosts: Annotated[list[ShortText], Meta(max_length=100)] = msgspec.field(default_factory=list)
    speakers: Annotated[list[Person], Meta(max_length=200)] = msgspec.field(default_factory=list)
    capacity: Places | None = None
    registration: RegistrationSettings | None = None
    translations: Translations = msgspec.field(default_factory=dict)
    slug: Slug | None = None
    uid: Annotated[str, Meta(min_length=1, max_length=255)] | None = None


class EventUpdate(Struct, forbid_unknown_fields=True):
    """PATCH: only the fields sent change; `null` clears an optional field."""

    calendar: Slug | UnsetType = UNSET
    title: Title | UnsetType = UNSET
    timezone: ZoneName | UnsetType = UNSET
    start: LocalTime | UnsetType = UNSET
    end: LocalTime | UnsetType = UNSET
    description: Text | UnsetType = UNSET
    all_day: bool | UnsetType = UNSET
    fold: Literal[0, 1] | None | UnsetType = UNSET
    recurrence: Recurrence | None | UnsetType = UNSET
    status: Status | UnsetType = UNSET
    location: Location | None | UnsetType = UNSET
    livestream_url: Url | None | UnsetType = UNSET
    online_url: Url | None | UnsetType = UNSET
    attendance_mode: AttendanceMode | UnsetType = UNSET
    languages: Labels | UnsetType = UNSET
    tags: Labels | UnsetType = UNSET
    hosts: Annotated[list[ShortText], Meta(max_length=100)] | UnsetType = UNSET
    speakers: Annotated[list[Person], Meta(max_length=200)] | UnsetType = UNSET
    capacity: (
        Annotated[int, Meta(ge=0, le=MAX_PLACES, description="In-person places; null = unlimited")] | None | UnsetType
    ) = UNSET
    registration: RegistrationSettings | None | UnsetType = UNSET
    translations: Translations | UnsetType = UNSET


class AddToCalendar(Struct, kw_only=True):
    """One-off "add to calendar" links (a series is best added from its .ics file)."""

    ics: str
    google: str
    outlook: str
    office365: str


class EventRead(Struct, kw_only=True):
    slug: str
    uid: str
    calendar: str
    title: str
    description: str
    status: Status
    timezone: str
    start: str
    end: str
    all_day: bool
    fold: int | None
    start_utc: str
    end_utc: str
    recurrence: Recurrence | None
    location: Location | None
    livestream_url: str | None
    attendance_mode: AttendanceMode
    languages: list[str]
    tags: list[str]
    hosts: list[str]
    speakers: list[Person]
    capacity: int | None
    registration: RegistrationSettings
    translations: dict[str, Translation]
    sequence: int
    created_at: str
    updated_at: str
    url: str
    api_url: str
    ics_url: str
    webcal_url: str
    add_to_calendar: AddToCalendar
    overrides: list["OverrideRead"]
    online_url: str | None | UnsetType = UNSET


class OverrideWrite(Struct, forbid_unknown_fields=True):
    """PUT body for one occurrence; omitted fields keep the series' values."""

    start: LocalTime | None = None
    end: LocalTime | None = None
    fold: Literal[0, 1] | None = None
    title: Title | None = None
    status: Status | None = None


class OverrideRead(Struct, kw_only=True):
    original_start: str
    start: str | None
    end: str | None
    title: str | None
    status: str | None


class OccurrenceRead(Struct, kw_only=True):
    slug: str
    uid: str
    calendar: str
    title: str
    status: Status
    all_day: bool
    timezone: str
    start: str
    end: str
    start_utc: str
    end_utc: str
    utc_offset: str
    original_start: str
    recurring: bool
    overridden: bool
    attendance_mode: str
    languages: list[str]
    tags: list[str]
    country: str | None
    city: str | None
    url: str
    api_url: str
    ics_url: str
    start_in_tz: str | UnsetType = UNSET
    end_in_tz: str | UnsetType = UNSET


class OccurrenceList(Struct, kw_only=True):
    items: list[OccurrenceRead]
    window: dict[str, str]
    truncated: bool
    warnings: list[str]
    next_from: str | None = None
