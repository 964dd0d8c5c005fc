"""Importing other organisations' .ics files: exact mapped bodies, reported skips, and round trips.

The samples in `ics_samples/` are modelled on what Google Calendar, Outlook/Exchange,
Apple Calendar and Thunderbird/Lightning export. Round trip: the source expanded with
recurring_ical_events, our mapped body expanded with our domain recurrence functions, and
our own feed of the mapped body (rendered by `domain.ics`) expanded again, give the same
occurrences. `source_occurrences`, `imported_occurrences` and `render_imported` are meant
for reuse by an API test that takes the HTTP round trip through `/calendars/{slug}.ics`.
"""

import dataclasses
import warnings
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import msgspec
import pytest
import recurring_ical_events
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from calendar_service.domain.ics import EventDoc, FeedHeader, assemble, render_event
from calendar_service.domain.ics_import import (
    WINDOWS_ZONES,
    ImportedEvent,
    ImportPlan,
    ZoneResolver,
    parse_ics,
    same_offsets,
)
from calendar_service.domain.recurrence import expand
from calendar_service.domain.timezones import available_zones, get_zone
from calendar_service.domain.timing import parse_override, parse_timing
from calendar_service.domain.values import Timing
from calendar_service.domain.vtimezone import vtimezone_bytes
from calendar_service.errors import InvalidInput, UnknownTimeZone
from calendar_service.events.schemas import EventCreate, OverrideWrite

SAMPLES = Path(__file__).parent / "ics_samples"
CALENDAR = "global-advocacy"
DEFAULT_ZONE = "Europe/Brussels"
WINDOW = (datetime(2024, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
STAMP = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)

Occurrence = tuple[date | datetime, date | datetime, str, str]


def plan_of(name: str, default_timezone: str = DEFAULT_ZONE) -> ImportPlan:
    return parse_ics((SAMPLES / name).read_bytes(), calendar=CALENDAR, default_timezone=default_timezone)


def plan_of_text(text: str, default_timezone: str = DEFAULT_ZONE) -> ImportPlan:
    return parse_ics(text.encode(), calendar=CALENDAR, default_timezone=default_timezone)


def single(text: str) -> ImportPlan:
    """A one-VEVENT calendar around the given property lines."""
    lines = "\n".join(line.strip() for line in text.strip().splitlines())
    return plan_of_text(
        f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//t//EN\nBEGIN:VEVENT\n{lines}\nEND:VEVENT\nEND:VCALENDAR\n"
    )


def by_uid(plan: ImportPlan, uid: str) -> ImportedEvent:
    return next(event for event in plan.events if event.source_uid == uid)


def body(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "calendar": CALENDAR,
        "uid": None,
        "title": "",
        "description": "",
        "timezone": DEFAULT_ZONE,
        "start": "",
        "end": "",
        "all_day": False,
        "fold": None,
        "recurrence": None,
        "status": "confirmed",
        "location": None,
        "livestream_url": None,
        "online_url": None,
        "attendance_mode": "in_person",
        "languages": [],
        "tags": [],
        "hosts": [],
    }
    values.update(changes)
    return values


def place(
    name: str | None = None, address: str | None = None, lat: float | None = None, lon: float | None = None
) -> dict[str, Any]:
    return {"name": name, "address": address, "city": None, "country": None, "lat": lat, "lon": lon}


def override(original: str, **changes: Any) -> dict[str, Any]:
    return {
        "original_local_start": original,
        "start": None,
        "end": None,
        "fold": None,
        "title": None,
        "status": None,
    } | changes


GOOGLE_SERIES = "0c9f2s7hq1v2b3n4m5k6j7h8g9@google.com"
OUTLOOK_SERIES = (
    "040000008200E00074C5B7101A82E00800000000D0A3B0F5A2F7DA01000000000000000010000000A1B2C3D4E5F60718293A4B5C6D7E8F90"
)
OUTLOOK_PRIVATE = (
    "040000008200E00074C5B7101A82E00800000000A4E7F429E62B1E02000000000000000010000000CCDDEEFF00112233445566778899AABB"
)

# (file, source UID, expected body, expected overrides)
MAPPED: list[tuple[str, str, dict[str, Any], list[dict[str, Any]]]] = [
    (
        "google.ics",
        GOOGLE_SERIES,
        body(
            uid=GOOGLE_SERIES,
            title="Wiki Week: editing session",
            description="Weekly editing session: bring a laptop.\nNo session on All Saints' Day.",
            start="2024-10-03T09:00:00",
            end="2024-10-03T10:30:00",
            recurrence={
                "rrule": "FREQ=WEEKLY;UNTIL=20241114T080000Z;BYDAY=TH;WKST=MO",
                "exdates": ["2024-10-31T09:00:00"],
                "rdates": [],
            },
            location=place("Wikimedia Belgium, Rue du Marché aux Herbes 1, 1000 Brussels"),
            online_url="https://meet.google.com/abc-defg-hij",
            attendance_mode="hybrid",
        ),
        [
            override(
                "2024-10-24T09:00:00",
                start="2024-10-25T14:00:00",
                end="2024-10-25T15:30:00",
                title="Wiki Week: editing session (Friday this week)",
            ),
            override("2024-11-07T09:00:00", status="cancelled"),
        ],
    ),
    (
        "google.ics",
        "7n3p0q9r8s7t6u5v4w3x2y1z0a@google.com",
        body(
            uid="7n3p0q9r8s7t6u5v4w3x2y1z0a@google.com",
            title="The Power of the Commons: Digital Public Goods for a More Secure, Inclusive, and Resilient World",
            description="Summit of the Future Action Days side event, livestreamed.",
            start="2024-09-21T17:15:00",  # 15:15Z, read in the calendar's X-WR-TIMEZONE
            end="2024-09-21T18:30:00",
            location=place("UN Headquarters, New York"),
            hosts=["Wiki Week Brussels"],
        ),
        [],
    ),
    (
        "outlook.ics",
        OUTLOOK_SERIES,
        body(
            uid=OUTLOOK_SERIES,
            title="Policy team sync",
            description="Weekly sync of the public policy team.",
            timezone="Europe/Paris",  # Romance Standard Time, CLDR's golden zone
            start="2024-10-15T09:00:00",
            end="2024-10-15T10:00:00",
            recurrence={
                "rrule": "FREQ=WEEKLY;UNTIL=20241126T080000Z;INTERVAL=1;BYDAY=TU;WKST=MO",
                "exdates": ["2024-11-12T09:00:00"],
                "rdates": [],
            },
            location=place("Meeting room 2.14"),
            online_url="https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0",
            attendance_mode="hybrid",
            languages=["en-US"],
            hosts=["Jan Peeters"],
        ),
        [override("2024-10-29T09:00:00", start="2024-10-30T15:00:00", end="2024-10-30T16:00:00")],
    ),
    (
        "outlook.ics",
        "040000008200E00074C5B7101A82E00800000000E1B4C1F6B3F8EB0100000000000000001000000011223344556677889900AABBCCDDEEFF",
        body(
            uid="040000008200E00074C5B7101A82E00800000000E1B4C1F6B3F8EB0100000000000000001000000011223344556677889900AABBCCDDEEFF",
            title="Digital Rights and Inclusion Forum (DRIF) 2024",
            description="Hosted by Paradigm Initiative.",
            start="2024-04-23",
            end="2024-04-25",  # DTEND;VALUE=DATE:20240426 is exclusive
            all_day=True,
            location=place("Accra, Ghana"),
            languages=["en-US"],
        ),
        [],
    ),
    (
        "outlook.ics",
        "040000008200E00074C5B7101A82E00800000000F2C5D207C409FC010000000000000000100000002233445566778899AABBCCDDEEFF0011",
        body(
            uid="040000008200E00074C5B7101A82E00800000000F2C5D207C409FC010000000000000000100000002233445566778899AABBCCDDEEFF0011",
            title="Regional partners call (Nairobi)",
            timezone="Africa/Nairobi",
            start="2024-06-12T14:00:00",
            end="2024-06-12T16:00:00",
            status="tentative",
            languages=["en-US"],
        ),
        [],
    ),
    (
        "outlook.ics",
        "040000008200E00074C5B7101A82E0080000000003D6E318D51A0D02000000000000000010000000BBCCDDEEFF00112233445566778899AA",
        body(
            uid="040000008200E00074C5B7101A82E0080000000003D6E318D51A0D02000000000000000010000000BBCCDDEEFF00112233445566778899AA",
            title="Power of the Commons: speaker rehearsal",
            timezone="America/New_York",  # "(UTC-05:00) Eastern Time (US & Canada)"
            start="2024-09-20T10:15:00",
            end="2024-09-20T11:00:00",
            location=place("Online"),
            languages=["en-US"],
        ),
        [],
    ),
    (
        "apple.ics",
        "5D3E1B8C-9A4F-4C1E-8F6A-2B7D9E0C1A23",
        body(
            uid="5D3E1B8C-9A4F-4C1E-8F6A-2B7D9E0C1A23",
            title="UN RBHR Forum Asia-Pacific: digital public goods session (sample)",
            description="Sample data: four speakers, four co-hosts.\n\n"
            "More information: https://example.org/rbhr-2024/session-7",
            timezone="Asia/Kolkata",
            start="2024-09-12T15:00:00",
            end="2024-09-12T16:30:00",
            location=place("India Habitat Centre", "Lodhi Road, New Delhi 110003, India", 28.5896, 77.2252),
            tags=["human-rights", "un"],
        ),
        [],
    ),
    (
        "apple.ics",
        "9B2C4D6E-8F10-4A32-B54C-76D98E0F1A2B",
        body(
            uid="9B2C4D6E-8F10-4A32-B54C-76D98E0F1A2B",
            title="12.º Taller Anual del CELE",
            timezone="Asia/Kolkata",  # all-day: the calendar's X-WR-TIMEZONE
            start="2024-08-29",
            end="2024-08-30",
            all_day=True,
            location=place("Universidad de Palermo, Buenos Aires"),
            languages=["es"],
            tags=["workshop", "freedom-of-expression"],
        ),
        [],
    ),
    (
        "apple.ics",
        "C0FFEE00-1111-4222-8333-444455556666",
        body(
            uid="C0FFEE00-1111-4222-8333-444455556666",
            title="Wikipedia Day",
            timezone="Asia/Kolkata",
            start="2025-01-15",
            end="2025-01-15",
            all_day=True,
            recurrence={"rrule": "FREQ=YEARLY;COUNT=3", "exdates": [], "rdates": []},
        ),
        [],
    ),
    (
        "thunderbird.ics",
        "1f5c8a0e-7b3d-4e2a-9c6f-0d4b8e2a7c51",
        body(
            uid="1f5c8a0e-7b3d-4e2a-9c6f-0d4b8e2a7c51",
            title="Diplomado Internacional: sesión semanal",
            description="FLACSO México, Wikimedia México y la Fundación Wikimedia.",
            timezone="America/Mexico_City",  # /mozilla.org/20050126_1/America/Mexico_City
            start="2024-09-05T17:00:00",
            end="2024-09-05T19:00:00",
            recurrence={
                "rrule": "FREQ=WEEKLY;UNTIL=20241220T005959Z;BYDAY=TH",
                "exdates": ["2024-10-31T17:00:00", "2024-11-21T17:00:00"],  # the second one was given in UTC
                "rdates": [],
            },
            location=place("En línea"),
            tags=["diplomado", "políticas-públicas"],
        ),
        [],
    ),
    (
        "thunderbird.ics",
        "8d2e4f60-1a3b-4c5d-8e9f-a0b1c2d3e4f5",
        body(
            uid="8d2e4f60-1a3b-4c5d-8e9f-a0b1c2d3e4f5",
            title="Wiki week Indianapolis: evening meetup",
            timezone="America/Indiana/Indianapolis",
            start="2024-10-31T18:00:00",
            end="2024-10-31T20:00:00",
            recurrence={"rrule": "FREQ=DAILY;COUNT=6", "exdates": [], "rdates": []},
            location=place("Indianapolis Public Library"),
        ),
        [],
    ),
    (
        "thunderbird.ics",
        "b7a9c3e1-5d2f-4a6b-9c8d-7e6f5a4b3c2d",
        body(
            uid="b7a9c3e1-5d2f-4a6b-9c8d-7e6f5a4b3c2d",
            title="Lunch & learn",
            start="2024-10-10T12:00:00",  # floating: the default zone's wall clock
            end="2024-10-10T13:00:00",
        ),
        [],
    ),
    (
        "edge_cases.ics",
        "custom-zone@example.org",
        body(
            uid="custom-zone@example.org",
            title="Wiki week Brussels: opening",
            start="2024-11-04T18:30:00",
            end="2024-11-04T20:30:00",
            status="tentative",
            location=place(lat=50.8467, lon=4.3525),
        ),
        [],
    ),
    (
        "edge_cases.ics",
        "label@example.org",
        body(
            uid="label@example.org",
            title="Partners call (Kyiv)",
            timezone="Europe/Kyiv",
            start="2024-12-03T11:00:00",
            end="2024-12-03T12:00:00",
        ),
        [],
    ),
    (
        "edge_cases.ics",
        "fall-back@example.org",
        body(
            uid="fall-back@example.org",
            title="Night owls",
            start="2024-10-27T02:15:00",
            end="2024-10-27T02:45:00",
            fold=0,  # RFC 5545: an ambiguous TZID time is the first of the two
        ),
        [],
    ),
    (
        "edge_cases.ics",
        "duplicate@example.org",
        body(
            uid="duplicate@example.org",
            title="Board meeting",
            start="2024-11-05T14:00:00",
            end="2024-11-05T15:00:00",
        ),
        [],
    ),
    (
        "edge_cases.ics",
        "orphan@example.org",
        body(title="Moved session (series not shared)", start="2024-11-06T10:00:00", end="2024-11-06T11:00:00"),
        [],
    ),
    (
        "edge_cases.ics",
        "stale-exdate@example.org",
        body(
            uid="stale-exdate@example.org",
            title="Reading group",
            start="2024-11-05T18:00:00",
            end="2024-11-05T19:00:00",
            recurrence={"rrule": "FREQ=WEEKLY;COUNT=3", "exdates": ["2024-11-19T18:00:00"], "rdates": []},
        ),
        [],
    ),
]

# (file, source UID, words the reason must contain)
SKIPPED = [
    ("google.ics", "1bad2rule3abc@google.com", "FREQ=MINUTELY is not supported"),
    ("outlook.ics", OUTLOOK_PRIVATE, "CLASS:PRIVATE"),
    ("thunderbird.ics", "e3d2c1b0-a9f8-4e7d-b6c5-d4e3f2a1b0c9", "no DTEND or DURATION"),
    ("edge_cases.ics", "island@example.org", "custom time zone 'Island Time' matches no known zone"),
    ("edge_cases.ics", "nowhere@example.org", "'Nowhere/Land' is not an IANA or Windows zone"),
    ("edge_cases.ics", "duplicate@example.org", "duplicate of an event with the same UID"),
    ("edge_cases.ics", "backwards@example.org", "is not after its start"),
    ("edge_cases.ics", "unsynced@example.org", "the rule does not start at `start`"),
]

# (file, UID, words of one note)
NOTES = [
    ("google.ics", GOOGLE_SERIES, "VALARM ignored"),
    ("google.ics", GOOGLE_SERIES, "meeting link imported as online_url"),
    ("google.ics", "7n3p0q9r8s7t6u5v4w3x2y1z0a@google.com", "ATTENDEE list (2) not imported"),
    ("google.ics", "7n3p0q9r8s7t6u5v4w3x2y1z0a@google.com", "time given in UTC; shown in Europe/Brussels time"),
    ("outlook.ics", OUTLOOK_SERIES, "ATTENDEE list (1) not imported"),
    ("apple.ics", "0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9", "VTODO ignored"),
    ("thunderbird.ics", "b7a9c3e1-5d2f-4a6b-9c8d-7e6f5a4b3c2d", "floating time (no time zone) read as Europe/Brussels"),
    ("edge_cases.ics", "custom-zone@example.org", "has the same UTC offsets as Europe/Brussels in 2024"),
    ("edge_cases.ics", "orphan@example.org", "series is not in the file: imported alone"),
    ("edge_cases.ics", "stale-exdate@example.org", "EXDATE 2024-11-12T17:00:00 names no occurrence"),
    ("edge_cases.ics", "journal@example.org", "VJOURNAL ignored"),
]


@pytest.mark.parametrize(("name", "uid", "expected", "overrides"), MAPPED, ids=[f"{f}:{u[:24]}" for f, u, *_ in MAPPED])
def test_mapped_body_is_exactly_the_api_body(
    name: str, uid: str, expected: dict[str, Any], overrides: list[dict[str, Any]]
) -> None:
    event = by_uid(plan_of(name), uid)
    assert event.body == expected
    assert event.overrides == overrides


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.ics")))
def test_every_mapped_body_is_accepted_by_the_api_schemas(name: str) -> None:
    plan = plan_of(name)
    assert plan.events
    for event in plan.events:
        msgspec.convert(event.body, EventCreate)
        for change in event.overrides:
            msgspec.convert({k: v for k, v in change.items() if k != "original_local_start"}, OverrideWrite)


def test_samples_map_every_event_exactly_once_and_nothing_else() -> None:
    for name in sorted(p.name for p in SAMPLES.glob("*.ics")):
        plan = plan_of(name)
        mapped = {(name, e.source_uid) for e in plan.events}
        assert mapped == {(f, u) for f, u, *_ in MAPPED if f == name}
        assert {(name, s.uid) for s in plan.skipped} == {(f, u) for f, u, _ in SKIPPED if f == name}


@pytest.mark.parametrize(("name", "uid", "words"), SKIPPED, ids=[f"{f}:{u[:24]}" for f, u, _ in SKIPPED])
def test_unmappable_events_are_skipped_with_a_reason(name: str, uid: str, words: str) -> None:
    reasons = [issue.reason for issue in plan_of(name).skipped if issue.uid == uid]
    assert any(words in reason for reason in reasons), reasons


@pytest.mark.parametrize(("name", "uid", "words"), NOTES, ids=[f"{f}:{w[:30]}" for f, _, w in NOTES])
def test_partial_mappings_are_noted(name: str, uid: str, words: str) -> None:
    reasons = [issue.reason for issue in plan_of(name).notes if issue.uid == uid]
    assert any(words in reason for reason in reasons), reasons


def test_calendar_name_comes_from_x_wr_calname() -> None:
    assert plan_of("google.ics").source_name == "Wiki Week Brussels"
    assert plan_of("thunderbird.ics").source_name is None


# --- round trip ---------------------------------------------------------------------------


def _moment(value: date | datetime, floating_zone: str) -> date | datetime:
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=get_zone(floating_zone))
    return value.astimezone(UTC)


def source_occurrences(
    ics: bytes, uid: str, window: tuple[datetime, datetime], floating_zone: str = DEFAULT_ZONE
) -> list[Occurrence]:
    """(start, end, status, title) of one UID as recurring_ical_events reads the file.

    Timed occurrences are UTC instants (floating ones read in `floating_zone`); all-day ones
    are dates with an exclusive end, as in iCalendar.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # icalendar warns when it strips a /mozilla.org/ prefix
        calendar = icalendar.Calendar.from_ical(ics)
        components = recurring_ical_events.of(calendar).between(*window)
    found = []
    for component in components:
        if str(component.get("UID")) != uid:
            continue
        begin = component.decoded("DTSTART")
        finish = component.decoded("DTEND") if "DTEND" in component else begin + component.decoded("DURATION")
        found.append(
            (
                _moment(begin, floating_zone),
                _moment(finish, floating_zone),
                str(component.get("STATUS", "CONFIRMED")).lower(),
                str(component.get("SUMMARY", "")),
            )
        )
    return sorted(found, key=lambda item: (str(item[0]), item[2]))


def timing_of(event: ImportedEvent) -> Timing:
    """The Timing the API would store for the body and its overrides."""
    data = event.body
    recurrence = data["recurrence"] or {}
    timing = parse_timing(
        zone=data["timezone"],
        start=data["start"],
        end=data["end"],
        all_day=data["all_day"],
        fold=data["fold"],
        rrule=recurrence.get("rrule"),
        exdates=recurrence.get("exdates", []),
        rdates=recurrence.get("rdates", []),
    )
    changes = []
    for change in event.overrides:
        original = datetime.fromisoformat(change["original_local_start"])
        fields = {k: change[k] for k in ("start", "end", "fold", "title", "status")}
        changes.append(parse_override(timing, original, **fields))
    return dataclasses.replace(timing, overrides=tuple(changes))


def imported_occurrences(event: ImportedEvent, window: tuple[datetime, datetime]) -> list[Occurrence]:
    """The same tuples from our own domain expansion of the mapped body."""
    timing = timing_of(event)
    found: list[Occurrence] = []
    for occ in expand(timing, *window).occurrences:
        status = "cancelled" if event.body["status"] == "cancelled" else (occ.status or event.body["status"])
        title = occ.title or event.body["title"]
        if timing.all_day:
            found.append((occ.start.date(), occ.end.date(), status, title))
        else:
            found.append((occ.start_utc, occ.end_utc, status, title))
    return sorted(found, key=lambda item: (str(item[0]), item[2]))


def render_imported(events: list[ImportedEvent]) -> bytes:
    """Our own feed of the mapped events, as `domain.ics` renders it (no database, no HTTP)."""
    blocks, zones = [], {}
    for index, event in enumerate(events):
        data, timing = event.body, timing_of(event)
        location = data["location"] or {}
        text = ", ".join(part for part in (location.get("name"), location.get("address")) if part)
        doc = EventDoc(
            uid=data["uid"] or f"imported-{index}@calendar-service",
            title=data["title"],
            description=data["description"],
            status=data["status"],
            sequence=0,
            created=STAMP,
            last_modified=STAMP,
            timing=timing,
            location=text or None,
            categories=tuple(data["tags"]),
        )
        blocks.append(render_event(doc))
        if not timing.all_day and timing.zone != "UTC":
            zones[timing.zone] = vtimezone_bytes(timing.zone, WINDOW[0], WINDOW[1])
    return assemble(FeedHeader(name="import"), list(zones.values()), blocks)


# Not the stale EXDATE: recurring_ical_events lets an EXDATE at 17:00 remove the 18:00 occurrence
# (it matches on UTC-shifted times), which no RFC 5545 reading supports.
ROUND_TRIPS = [
    (f, u)
    for f, u, *_ in MAPPED
    if f != "edge_cases.ics" or u in ("custom-zone@example.org", "label@example.org", "fall-back@example.org")
]


@pytest.mark.parametrize(("name", "uid"), ROUND_TRIPS, ids=[f"{f}:{u[:24]}" for f, u in ROUND_TRIPS])
def test_import_round_trips_through_the_data_model_and_our_feed(name: str, uid: str) -> None:
    source = (SAMPLES / name).read_bytes()
    event = by_uid(plan_of(name), uid)
    expected = source_occurrences(source, uid, WINDOW)
    assert expected, "the sample has occurrences in the window"
    assert imported_occurrences(event, WINDOW) == expected
    feed_uid = event.body["uid"] or "imported-0@calendar-service"
    assert source_occurrences(render_imported([event]), feed_uid, WINDOW) == expected


def test_weekly_series_keeps_its_wall_clock_across_the_dst_change() -> None:
    event = by_uid(plan_of("google.ics"), GOOGLE_SERIES)
    starts = [start for start, _, status, _ in imported_occurrences(event, WINDOW) if status == "confirmed"]
    assert starts == [
        datetime(2024, 10, 3, 7, 0, tzinfo=UTC),
        datetime(2024, 10, 10, 7, 0, tzinfo=UTC),
        datetime(2024, 10, 17, 7, 0, tzinfo=UTC),
        datetime(2024, 10, 25, 12, 0, tzinfo=UTC),  # moved to Friday 14:00 CEST
        datetime(2024, 11, 14, 8, 0, tzinfo=UTC),  # 09:00 CET after the change
    ]


# --- single properties ---------------------------------------------------------------------


def test_duration_gives_the_end() -> None:
    plan = single("""
        UID:d1
        SUMMARY:Panel
        DTSTART;TZID=America/New_York:20240921T111500
        DURATION:PT1H15M
    """)
    assert (plan.events[0].body["start"], plan.events[0].body["end"]) == ("2024-09-21T11:15:00", "2024-09-21T12:30:00")


def test_all_day_duration_counts_days_and_missing_end_is_one_day() -> None:
    three = single("UID:a\nSUMMARY:Forum\nDTSTART;VALUE=DATE:20240423\nDURATION:P3D")
    one = single("UID:b\nSUMMARY:Holiday\nDTSTART;VALUE=DATE:20240501")
    assert (three.events[0].body["start"], three.events[0].body["end"]) == ("2024-04-23", "2024-04-25")
    assert (one.events[0].body["start"], one.events[0].body["end"]) == ("2024-05-01", "2024-05-01")


def test_outlook_midnight_to_midnight_all_day_event_becomes_all_day() -> None:
    plan = single("""
        UID:o1
        SUMMARY:CELE workshop
        DTSTART;TZID=America/Argentina/Buenos_Aires:20240829T000000
        DTEND;TZID=America/Argentina/Buenos_Aires:20240831T000000
        X-MICROSOFT-CDO-ALLDAYEVENT:TRUE
    """)
    data = plan.events[0].body
    assert (data["all_day"], data["start"], data["end"]) == (True, "2024-08-29", "2024-08-30")
    assert any("imported as all-day" in note.reason for note in plan.notes)


def test_a_time_in_the_spring_gap_is_imported_at_the_instant_it_means() -> None:
    plan = single("""
        UID:g1
        SUMMARY:Early
        DTSTART;TZID=Europe/Brussels:20240331T023000
        DTEND;TZID=Europe/Brussels:20240331T040000
    """)
    assert plan.events[0].body["start"] == "2024-03-31T03:30:00"
    assert any("does not exist in Europe/Brussels" in note.reason for note in plan.notes)


def test_a_series_in_utc_stays_in_utc_so_its_instants_do_not_move() -> None:
    text = """
        UID:u1
        SUMMARY:Global call
        DTSTART:20241017T150000Z
        DTEND:20241017T160000Z
        RRULE:FREQ=WEEKLY;COUNT=4
    """
    plan = single(text)
    event = plan.events[0]
    assert (event.body["timezone"], event.body["start"]) == ("UTC", "2024-10-17T15:00:00")
    assert {start.hour for start, *_ in imported_occurrences(event, WINDOW)} == {15}


def test_cancelled_series_is_imported_as_cancelled() -> None:
    plan = single("UID:c1\nSUMMARY:Gone\nSTATUS:CANCELLED\nDTSTART:20241017T150000Z\nDTEND:20241017T160000Z")
    assert plan.events[0].body["status"] == "cancelled"


def test_an_override_of_an_excluded_occurrence_revives_it() -> None:
    plan = plan_of_text("""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//t//t//EN
BEGIN:VEVENT
UID:r1
SUMMARY:Series
DTSTART;TZID=Europe/Brussels:20241001T100000
DTEND;TZID=Europe/Brussels:20241001T110000
RRULE:FREQ=WEEKLY;COUNT=3
EXDATE;TZID=Europe/Brussels:20241008T100000
END:VEVENT
BEGIN:VEVENT
UID:r1
RECURRENCE-ID;TZID=Europe/Brussels:20241008T100000
SUMMARY:Series
DTSTART;TZID=Europe/Brussels:20241009T100000
DTEND;TZID=Europe/Brussels:20241009T110000
END:VEVENT
END:VCALENDAR
""")
    event = plan.events[0]
    assert event.body["recurrence"]["exdates"] == []
    assert event.overrides == [override("2024-10-08T10:00:00", start="2024-10-09T10:00:00", end="2024-10-09T11:00:00")]


def test_thisandfuture_override_is_reported_not_applied() -> None:
    plan = plan_of_text("""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//t//t//EN
BEGIN:VEVENT
UID:t1
SUMMARY:Series
DTSTART;TZID=Europe/Brussels:20241001T100000
DTEND;TZID=Europe/Brussels:20241001T110000
RRULE:FREQ=WEEKLY;COUNT=3
END:VEVENT
BEGIN:VEVENT
UID:t1
RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Brussels:20241008T100000
SUMMARY:Series, later
DTSTART;TZID=Europe/Brussels:20241008T120000
DTEND;TZID=Europe/Brussels:20241008T130000
END:VEVENT
END:VCALENDAR
""")
    assert plan.events[0].overrides == []
    assert any("RANGE=THISANDFUTURE" in note.reason for note in plan.notes)


def test_a_stale_vtimezone_for_an_iana_suffixed_tzid_yields_to_tzdata() -> None:
    """Lightning's 2005 block still has Mexico's DST; the wall-clock time and tzdata decide."""
    stale = (
        (SAMPLES / "thunderbird.ics")
        .read_text()
        .replace(
            "BEGIN:STANDARD\nTZOFFSETFROM:-0600\nTZOFFSETTO:-0600\nTZNAME:CST\nDTSTART:19700101T000000\nEND:STANDARD\n",
            "BEGIN:DAYLIGHT\nTZOFFSETFROM:-0600\nTZOFFSETTO:-0500\nDTSTART:19700405T020000\n"
            "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4\nEND:DAYLIGHT\nBEGIN:STANDARD\nTZOFFSETFROM:-0500\n"
            "TZOFFSETTO:-0600\nDTSTART:19701025T020000\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\nEND:STANDARD\n",
            1,
        )
    )
    event = by_uid(plan_of_text(stale), "1f5c8a0e-7b3d-4e2a-9c6f-0d4b8e2a7c51")
    first = imported_occurrences(event, WINDOW)[0]
    assert (event.body["timezone"], first[0]) == ("America/Mexico_City", datetime(2024, 9, 5, 23, 0, tzinfo=UTC))


def test_tags_are_made_to_fit_the_tag_alphabet() -> None:
    plan = single("UID:t\nSUMMARY:x\nDTSTART;VALUE=DATE:20240501\nCATEGORIES:Team Meeting,R&D,!!!,team meeting")
    assert plan.events[0].body["tags"] == ["team-meeting", "r-d"]
    assert any("'!!!' not imported" in note.reason for note in plan.notes)


def test_livestream_conference_maps_to_livestream_url() -> None:
    plan = single("""
        UID:l1
        SUMMARY:Commons
        DTSTART;VALUE=DATE:20240921
        CONFERENCE;VALUE=URI;FEATURE=VIDEO;LABEL=Livestream:https://example.org/live
    """)
    data = plan.events[0].body
    assert (data["livestream_url"], data["online_url"], data["attendance_mode"]) == (
        "https://example.org/live",
        None,
        "in_person",
    )


# --- zones ---------------------------------------------------------------------------------

TZIDS = [
    ("europe/brussels", "Europe/Brussels"),
    ("/mozilla.org/20050126_1/Europe/Berlin", "Europe/Berlin"),
    ("/citadel.org/20190103_1/America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
    ("/softwarestudio.org/Olson_20011030_5/America/New_York", "America/New_York"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Romance Standard Time", "Europe/Paris"),
    ("E. Africa Standard Time", "Africa/Nairobi"),
    ("India Standard Time", "Asia/Kolkata"),
    ("(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "Europe/Berlin"),
    ("(GMT+01.00) Amsterdam / Berlin / Bern / Rome / Stockholm / Vienna", "Europe/Berlin"),
    ("(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi", "Asia/Kolkata"),
    ("(UTC+01:00) Brussels, Luxembourg", "Europe/Brussels"),  # not a Windows label: a city it names
    ("UTC", "UTC"),
    ("Etc/GMT", "UTC"),
    ("tzone://Microsoft/Utc", "UTC"),
]


@pytest.mark.parametrize(("tzid", "zone"), TZIDS)
def test_tzids_of_other_programs_resolve_to_iana_zones(tzid: str, zone: str) -> None:
    assert ZoneResolver({}, DEFAULT_ZONE).resolve(tzid, (2024, 2025)).zone == zone


def test_unknown_tzid_without_vtimezone_cannot_be_placed() -> None:
    choice = ZoneResolver({}, DEFAULT_ZONE).resolve("My Office Time", (2024, 2024))
    assert choice.zone is None
    assert choice.reason is not None and "no VTIMEZONE" in choice.reason


def test_every_windows_zone_is_in_the_pinned_tz_database() -> None:
    assert len(WINDOWS_ZONES) >= 140
    assert {zone for _, zone, _ in WINDOWS_ZONES} <= available_zones()
    assert len({win for win, _, _ in WINDOWS_ZONES}) == len(WINDOWS_ZONES)


@pytest.mark.parametrize("windows_id", sorted(WINDOWS_TO_OLSON))
def test_windows_table_agrees_with_icalendars_copy_of_cldr(windows_id: str) -> None:
    """icalendar ships the same CLDR table (older spellings): same offsets in 2024-2026."""
    ours = ZoneResolver({}, DEFAULT_ZONE).resolve(windows_id, (2024, 2026)).zone
    assert ours is not None
    assert same_offsets(ZoneInfo(WINDOWS_TO_OLSON[windows_id]), ours, (2024, 2026))


def test_same_offsets_tells_apart_zones_that_change_on_the_same_day_at_other_hours() -> None:
    assert same_offsets(get_zone("Europe/Paris"), "Europe/Brussels", (2024, 2024))
    assert not same_offsets(get_zone("Europe/Lisbon"), "Europe/Brussels", (2024, 2024))
    # Havana changes at 00:00 local, New York at 02:00 local, on the same Sundays.
    assert not same_offsets(get_zone("America/New_York"), "America/Havana", (2024, 2024))


# --- the file as a whole ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"hello", "no BEGIN:VCALENDAR"),
        (b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VCALENDAR\n", "no complete VCALENDAR"),
    ],
)
def test_a_file_that_is_not_icalendar_is_refused(data: bytes, words: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_ics(data, calendar=CALENDAR, default_timezone=DEFAULT_ZONE)
    assert words in caught.value.message


def test_unknown_default_zone_and_bad_calendar_are_refused() -> None:
    data = (SAMPLES / "google.ics").read_bytes()
    with pytest.raises(UnknownTimeZone):
        parse_ics(data, calendar=CALENDAR, default_timezone="Mars/Olympus")
    with pytest.raises(InvalidInput):
        parse_ics(data, calendar="Global Advocacy", default_timezone=DEFAULT_ZONE)


def test_a_custom_zone_maps_only_when_the_default_zone_has_its_offsets() -> None:
    data = (SAMPLES / "edge_cases.ics").read_bytes()
    in_lisbon = parse_ics(data, calendar=CALENDAR, default_timezone="Europe/Lisbon")
    assert "custom-zone@example.org" in {issue.uid for issue in in_lisbon.skipped}
    assert "custom-zone@example.org" in {event.source_uid for event in plan_of("edge_cases.ics").events}
