"""Rows <-> domain values <-> API schemas for events. No queries here."""

from datetime import date, datetime, timedelta
from typing import Any, get_args

import msgspec

from calendar_service.db.tables import Event, OccurrenceOverride
from calendar_service.domain import links
from calendar_service.domain.ics import EventDoc
from calendar_service.domain.recurrence import parse_series_point
from calendar_service.domain.timezones import format_offset, from_utc, iso_local, iso_utc, iso_with_offset
from calendar_service.domain.timing import format_point
from calendar_service.domain.values import Occurrence, Override, Timing
from calendar_service.events.schemas import (
    AddToCalendar,
    AttendanceMode,
    EventRead,
    Location,
    OccurrenceRead,
    OverrideRead,
    Person,
    Recurrence,
    RegistrationSettings,
    Status,
    Translation,
)

_STATUSES: tuple[Status, ...] = get_args(Status)
_MODES: tuple[AttendanceMode, ...] = get_args(AttendanceMode)


def event_status(value: str) -> Status:
    """A stored status as the wire's type; the column only ever holds values the API accepted."""
    for status in _STATUSES:
        if status == value:
            return status
    raise ValueError(f"unknown event status {value!r} in the database")


def attendance_mode(value: str) -> AttendanceMode:
    for mode in _MODES:
        if mode == value:
            return mode
    raise ValueError(f"unknown attendance mode {value!r} in the database")


def translations_of(row: Event) -> dict[str, Translation]:
    return {lang: msgspec.convert(text, Translation) for lang, text in (row.translations or {}).items()}


def timing_of(row: Event, overrides: list[OccurrenceOverride] | None = None) -> Timing:
    return Timing(
        zone=row.timezone,
        start=row.start_local,
        end=row.end_local,
        all_day=row.all_day,
        start_fold=row.start_fold,
        end_fold=row.end_fold,
        rrule=row.rrule,
        exdates=tuple(parse_series_point(p, row.all_day, "exdates") for p in row.exdates),
        rdates=tuple(parse_series_point(p, row.all_day, "rdates") for p in row.rdates),
        overrides=tuple(override_of(o) for o in overrides or ()),
    )


def override_of(row: OccurrenceOverride) -> Override:
    return Override(
        original=row.original_local,
        start=row.start_local,
        end=row.end_local,
        start_fold=row.start_fold,
        end_fold=row.end_fold,
        title=row.title,
        status=row.status,
    )


def wire_start(local: datetime, all_day: bool) -> str:
    return local.date().isoformat() if all_day else iso_local(local)


def wire_end(local: datetime, all_day: bool) -> str:
    """All-day ends are stored exclusive; the API shows the last day, inclusive."""
    return (local - timedelta(days=1)).date().isoformat() if all_day else iso_local(local)


def location_of(row: Event) -> Location | None:
    fields = (
        row.location_name,
        row.location_address,
        row.location_city,
        row.location_country,
        row.location_lat,
        row.location_lon,
    )
    if all(value is None for value in fields):
        return None
    return Location(
        name=row.location_name,
        address=row.location_address,
        city=row.location_city,
        country=row.location_country,
        lat=row.location_lat,
        lon=row.location_lon,
    )


def recurrence_of(row: Event) -> Recurrence | None:
    if not row.rrule and not row.rdates:
        return None
    return Recurrence(rrule=row.rrule, exdates=list(row.exdates), rdates=list(row.rdates))


def wire_of(row: Event, calendar_slug: str) -> dict[str, Any]:
    """The event as a create body, so an update can be validated as a whole."""
    return {
        "calendar": calendar_slug,
        "title": row.title,
        "timezone": row.timezone,
        "start": wire_start(row.start_local, row.all_day),
        "end": wire_end(row.end_local, row.all_day),
        "description": row.description,
        "all_day": row.all_day,
        "fold": 1 if (row.start_fold or row.end_fold) else None,
        "recurrence": recurrence_of(row),
        "status": row.status,
        "location": location_of(row),
        "livestream_url": row.livestream_url,
        "online_url": row.online_url,
        "attendance_mode": row.attendance_mode,
        "languages": list(row.languages),
        "tags": list(row.tags),
        "hosts": list(row.hosts),
        "speakers": [msgspec.convert(s, Person) for s in row.speakers],
        "capacity": row.capacity,
        "registration": msgspec.convert(row.registration, RegistrationSettings) if row.registration else None,
        "translations": translations_of(row),
    }


def add_to_calendar(row: Event, ics: str, base_url: str) -> AddToCalendar:
    start: datetime | date = row.start_utc
    end: datetime | date = row.end_utc
    if row.all_day:
        start, end = row.start_local.date(), row.end_local.date()
    page = f"{base_url}/events/{row.slug}"
    details = f"{row.description[:800]}\n\n{page}" if row.description else page
    where = location_text(row)
    return AddToCalendar(
        ics=ics,
        google=links.google_event(
            title=row.title, start=start, end=end, details=details, location=where, zone=row.timezone, rrule=row.rrule
        ),
        outlook=links.outlook_event(title=row.title, start=start, end=end, details=details, location=where),
        office365=links.outlook_event(
            title=row.title, start=start, end=end, details=details, location=where, office365=True
        ),
    )


def override_read(row: OccurrenceOverride, all_day: bool) -> OverrideRead:
    return OverrideRead(
        original_start=format_point(row.original_local, all_day),
        start=wire_start(row.start_local, all_day) if row.start_local else None,
        end=wire_end(row.end_local, all_day) if row.end_local else None,
        title=row.title,
        status=row.status,
    )


def event_read(
    row: Event,
    calendar_slug: str,
    overrides: list[OccurrenceOverride],
    base_url: str,
    include_private: bool,
) -> EventRead:
    ics = f"{base_url}/events/{row.slug}.ics"
    read = EventRead(
        slug=row.slug,
        uid=row.uid,
        calendar=calendar_slug,
        title=row.title,
        description=row.description,
        status=event_status(row.status),
        timezone=row.timezone,
        start=wire_start(row.start_local, row.all_day),
        end=wire_end(row.end_local, row.all_day),
        all_day=row.all_day,
        fold=1 if (row.start_fold or row.end_fold) else None,
        start_utc=iso_utc(row.start_utc),
        end_utc=iso_utc(row.end_utc),
        recurrence=recurrence_of(row),
        location=location_of(row),
        livestream_url=row.livestream_url,
        attendance_mode=attendance_mode(row.attendance_mode),
        languages=list(row.languages),
        tags=list(row.tags),
        hosts=list(row.hosts),
        speakers=[msgspec.convert(s, Person) for s in row.speakers],
        capacity=row.capacity,
        registration=msgspec.convert(row.registration or {}, RegistrationSettings),
        translations=translations_of(row),
        sequence=row.sequence,
        created_at=iso_utc(row.created_at),
        updated_at=iso_utc(row.updated_at),
        url=f"{base_url}/events/{row.slug}",
        api_url=f"{base_url}/api/events/{row.slug}",
        ics_url=ics,
        webcal_url=links.webcal(ics),
        add_to_calendar=add_to_calendar(row, ics, base_url),
        overrides=[override_read(o, row.all_day) for o in overrides],
    )
    if include_private:
        read.online_url = row.online_url
    return read


def occurrence_read(
    row: Event, calendar_slug: str, occ: Occurrence, base_url: str, viewer_zone: str | None
) -> OccurrenceRead:
    offset = from_utc(occ.start_utc, row.timezone).utcoffset()
    read = OccurrenceRead(
        slug=row.slug,
        uid=row.uid,
        calendar=calendar_slug,
        title=occ.title or row.title,
        status=event_status(occ.status if row.status != "cancelled" and occ.status else row.status),
        all_day=row.all_day,
        timezone=row.timezone,
        start=wire_start(occ.start, row.all_day),
        end=wire_end(occ.end, row.all_day),
        start_utc=iso_utc(occ.start_utc),
        end_utc=iso_utc(occ.end_utc),
        utc_offset=format_offset(offset or timedelta())[3:],
        original_start=format_point(occ.original, row.all_day),
        recurring=bool(row.rrule or row.rdates),
        overridden=occ.overridden,
        attendance_mode=row.attendance_mode,
        languages=list(row.languages),
        tags=list(row.tags),
        country=row.location_country,
        city=row.location_city,
        url=f"{base_url}/events/{row.slug}",
        api_url=f"{base_url}/api/events/{row.slug}",
        ics_url=f"{base_url}/events/{row.slug}.ics",
    )
    if viewer_zone is not None:
        if row.all_day:
            read.start_in_tz, read.end_in_tz = read.start, read.end
        else:
            read.start_in_tz = iso_with_offset(from_utc(occ.start_utc, viewer_zone))
            read.end_in_tz = iso_with_offset(from_utc(occ.end_utc, viewer_zone))
    return read


def location_text(row: Event) -> str | None:
    parts = [row.location_name, row.location_address, row.location_city, row.location_country]
    text = ", ".join(part for part in parts if part)
    return text or None


def event_doc(row: Event, timing: Timing, base_url: str, organizer_email: str | None) -> EventDoc:
    geo = (
        (row.location_lat, row.location_lon) if row.location_lat is not None and row.location_lon is not None else None
    )
    return EventDoc(
        uid=row.uid,
        title=row.title,
        description=row.description,
        status=row.status,
        sequence=row.sequence,
        created=row.created_at,
        last_modified=row.updated_at,
        timing=timing,
        url=f"{base_url}/events/{row.slug}",
        location=location_text(row),
        geo=geo,
        livestream_url=row.livestream_url,
        online_url=row.online_url,
        categories=tuple(row.tags),
        language=row.languages[0] if len(row.languages) == 1 else None,
        organizer_name=row.hosts[0] if row.hosts else None,
        organizer_email=organizer_email,
        hosts=tuple(row.hosts),
    )
