"""Events: create, edit, cancel, override one occurrence, list occurrences in a window.

Every write validates the *whole* resulting event through `domain.timing`
before anything is written, so nothing half-valid reaches the database.
`sequence` rises on every change of time, recurrence or status (RFC 5545
§3.8.7.4), which is what makes subscribed calendars pick the change up.
"""

import functools
import hashlib
import uuid
from datetime import datetime, timedelta
from typing import Any, Protocol

import msgspec
from slugify import slugify
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from calendar_service.calendars.service import CalendarService
from calendar_service.db.tables import Calendar, Event, EventFacet, OccurrenceOverride
from calendar_service.domain import validation
from calendar_service.domain.access import Staff, may_edit_calendar, require_calendar_editor
from calendar_service.domain.ics import RENDER_VERSION, render_event
from calendar_service.domain.recurrence import (
    expand,
    is_occurrence,
    master_span_utc,
    parse_series_point,
    series_span_utc,
)
from calendar_service.domain.registration import RegistrationSettings
from calendar_service.domain.timezones import TZDB_VERSION, get_zone, iso_utc, to_utc_lenient
from calendar_service.domain.timing import format_point, parse_override, parse_timing
from calendar_service.domain.values import Occurrence, Timing
from calendar_service.domain.windows import parse_window
from calendar_service.errors import Conflict, InvalidInput, NotFound
from calendar_service.events import mapping
from calendar_service.events.queries import EventFilters
from calendar_service.events.schemas import (
    EventCreate,
    EventRead,
    EventUpdate,
    OccurrenceList,
    OverrideWrite,
    Recurrence,
)
from calendar_service.staff.audit import AuditLog

_TIME_FIELDS = (
    "timezone",
    "all_day",
    "start_local",
    "end_local",
    "start_fold",
    "end_fold",
    "rrule",
    "exdates",
    "rdates",
)
MAX_LIMIT = 5000
PREFILTER_MARGIN = timedelta(days=2)
SESSIONS_LIMIT = 200  # sessions listed on an event page
SESSIONS_AHEAD = timedelta(days=365)  # an endless series: the sessions of the coming year


class EventHooks(Protocol):
    """What other areas do when an event changes (registrations implement it).

    Called inside the same transaction as the change, so their effects (promotions,
    update messages to registrants) commit or roll back with it.
    """

    async def capacity_raised(self, event: Event) -> None: ...

    async def schedule_changed(self, event: Event, cancelled: bool) -> None: ...


class NoHooks:
    """Nobody listens (the fixtures loader, the importer, pages): changes concern only the event."""

    async def capacity_raised(self, event: Event) -> None:
        return None

    async def schedule_changed(self, event: Event, cancelled: bool) -> None:
        return None


class EventService:
    def __init__(
        self,
        session: AsyncSession,
        base_url: str,
        now: datetime,
        uid_domain: str = "calendar-service",
        organizer_email: str | None = None,
        hooks: "EventHooks | None" = None,
    ):
        self.hooks: EventHooks = hooks or NoHooks()
        self.session = session
        self.base_url = base_url
        self.now = now
        self.uid_domain = uid_domain
        self.organizer_email = organizer_email
        self.render_key = render_key(base_url, organizer_email)
        self.calendars = CalendarService(session, base_url, now)
        self.audit = AuditLog(session, now)

    # -- reads ---------------------------------------------------------------------------------

    async def get(self, slug: str, staff: Staff | None) -> EventRead:
        row, calendar = await self._load(slug)
        overrides = await self._overrides([row.id or 0])
        # Staff-only fields (the join link) follow the same scope as staff writes.
        include_private = may_edit_calendar(staff, calendar.slug)
        return mapping.event_read(row, calendar.slug, overrides.get(row.id or 0, []), self.base_url, include_private)

    async def list_occurrences(
        self,
        *,
        start: str | None,
        end: str | None,
        tz: str | None,
        calendar: str | None = None,
        tag: str | None = None,
        lang: str | None = None,
        country: str | None = None,
        mode: str | None = None,
        limit: int = 1000,
    ) -> OccurrenceList:
        window_start, window_end = parse_window(start, end, tz, self.now)
        viewer_zone = get_zone(tz, "tz").key if tz else None
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput(f"limit: must be from 1 to {MAX_LIMIT}", "limit")
        stmt = (
            select(Event, col(Calendar.slug))
            .join(Calendar, col(Calendar.id) == col(Event.calendar_id))
            .where(col(Event.first_start_utc) < window_end + PREFILTER_MARGIN)
            .where(or_(col(Event.last_end_utc).is_(None), col(Event.last_end_utc) > window_start - PREFILTER_MARGIN))
            .order_by(col(Event.first_start_utc), col(Event.id))
        )
        if calendar:
            await self.calendars.get_row(calendar)
            stmt = stmt.where(col(Calendar.slug) == calendar)
        stmt = EventFilters.parse(tag, lang, country, mode).apply(stmt)
        rows = (await self.session.execute(stmt)).all()
        overrides = await self._overrides([row.id for row, _ in rows if row.id is not None])
        found: list[tuple[datetime, str, datetime, Event, str, Occurrence]] = []
        for row, calendar_slug in rows:
            timing = mapping.timing_of(row, overrides.get(row.id or 0))
            # limit + 1 per event is enough to know whether the merged page is complete.
            expansion = expand(timing, window_start, window_end, limit=limit + 1)
            found.extend(
                (occ.start_utc, row.slug, occ.original, row, calendar_slug, occ) for occ in expansion.occurrences
            )
        found.sort(key=lambda item: item[:3])
        next_from = None
        warnings: list[str] = []
        if len(found) > limit:
            next_from = iso_utc(found[limit][0])
            found = found[:limit]
            warnings.append(
                f"only the first {limit} occurrences are listed; continue with from={next_from} or narrow from/to"
            )
        items = [mapping.occurrence_read(row, cal, occ, self.base_url, viewer_zone) for *_, row, cal, occ in found]
        window = {"from": iso_utc(window_start), "to": iso_utc(window_end)}
        if viewer_zone:
            window["tz"] = viewer_zone
        return OccurrenceList(
            items=items, window=window, truncated=next_from is not None, warnings=warnings, next_from=next_from
        )

    async def sessions(self, slug: str, limit: int = SESSIONS_LIMIT) -> OccurrenceList:
        """Every session of one event, moved and cancelled ones included (an endless series: the next year's).

        The event page lists these; `truncated` says there are more than `limit`.
        """
        row, calendar = await self._load(slug)
        timing = mapping.timing_of(row, (await self._overrides([row.id or 0])).get(row.id or 0))
        first = row.first_start_utc
        last = row.last_end_utc or max(self.now, first) + SESSIONS_AHEAD
        expansion = expand(timing, first - PREFILTER_MARGIN, last + PREFILTER_MARGIN, limit=limit)
        items = [mapping.occurrence_read(row, calendar.slug, occ, self.base_url, None) for occ in expansion.occurrences]
        window = {"from": iso_utc(first), "to": iso_utc(last)}
        return OccurrenceList(items=items, window=window, truncated=expansion.truncated, warnings=[], next_from=None)

    # -- writes --------------------------------------------------------------------------------

    async def create(self, data: EventCreate, staff: Staff) -> EventRead:
        require_calendar_editor(staff, data.calendar)
        calendar = await self.calendars.find_for_event(data.calendar)
        values = msgspec.structs.asdict(data)
        fields, timing = _validated(values)
        if data.uid and await self.session.scalar(select(col(Event.id)).where(col(Event.uid) == data.uid)) is not None:
            raise Conflict(f"uid: an event with uid '{data.uid}' already exists", "uid")
        row = await self._insert_with_free_slug(data, calendar.id or 0, fields, timing)
        await self._write_facets(row)
        await self._bump_feeds({row.calendar_id})
        read = mapping.event_read(row, calendar.slug, [], self.base_url, include_private=True)
        self.audit.record(staff, "event.create", "event", row.slug, calendar=calendar.slug, after=read)
        return read

    async def update(self, slug: str, data: EventUpdate, staff: Staff) -> EventRead:
        row, calendar = await self._load(slug, for_update=True)
        require_calendar_editor(staff, calendar.slug)
        snapshot = await self._snapshot(row, calendar)
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
        if not changes:
            raise InvalidInput("the body changes nothing; send at least one field", "body")
        if "calendar" in changes and changes["calendar"] != calendar.slug:
            require_calendar_editor(staff, changes["calendar"])
            calendar = await self.calendars.find_for_event(changes["calendar"])
        values = mapping.wire_of(row, calendar.slug)
        if {"start", "end", "timezone", "all_day"} & changes.keys() and "fold" not in changes:
            values["fold"] = None
        values.update(changes)
        if isinstance(values.get("recurrence"), Recurrence):
            values["recurrence"] = msgspec.structs.asdict(values["recurrence"])
        fields, timing = _validated(values)
        if fields["capacity"] is not None and fields["capacity"] < row.seats_taken:
            raise Conflict(
                f"capacity: {row.seats_taken} in-person places are taken; capacity cannot go below that "
                "(cancel registrations first; nobody is cancelled silently)",
                "capacity",
            )
        capacity_raised = row.capacity is not None and (fields["capacity"] is None or fields["capacity"] > row.capacity)
        before = {name: getattr(row, name) for name in (*_TIME_FIELDS, "status")}
        old_calendar_id = row.calendar_id
        for name, value in fields.items():
            setattr(row, name, value)
        row.calendar_id = calendar.id or 0
        await self._drop_orphan_overrides(row, timing)
        after = {name: getattr(row, name) for name in (*_TIME_FIELDS, "status")}
        if before != after:
            row.sequence += 1
        await self._write_facets(row, replace=True)
        read = await self._finish(row, calendar, old_calendar_id)
        if capacity_raised:
            await self.hooks.capacity_raised(row)
        if before != after:
            await self.hooks.schedule_changed(row, cancelled=row.status == "cancelled")
        self.audit.record(staff, "event.update", "event", row.slug, calendar=calendar.slug, before=snapshot, after=read)
        return read

    async def cancel(self, slug: str, staff: Staff) -> EventRead:
        row, calendar = await self._load(slug, for_update=True)
        require_calendar_editor(staff, calendar.slug)
        if row.status == "cancelled":
            overrides = (await self._overrides([row.id or 0])).get(row.id or 0, [])
            return mapping.event_read(row, calendar.slug, overrides, self.base_url, include_private=True)
        snapshot = await self._snapshot(row, calendar)
        row.status = "cancelled"
        row.sequence += 1
        read = await self._finish(row, calendar)
        await self.hooks.schedule_changed(row, cancelled=True)
        self.audit.record(staff, "event.cancel", "event", row.slug, calendar=calendar.slug, before=snapshot, after=read)
        return read

    async def put_occurrence(self, slug: str, original_start: str, data: OverrideWrite, staff: Staff) -> EventRead:
        row, calendar = await self._load(slug, for_update=True)
        require_calendar_editor(staff, calendar.slug)
        original = parse_series_point(original_start, row.all_day, "original_start")
        snapshot = await self._snapshot(row, calendar)
        existing = (await self._overrides([row.id or 0])).get(row.id or 0, [])
        timing = mapping.timing_of(row, [o for o in existing if o.original_local != original])
        override = parse_override(
            timing, original, start=data.start, end=data.end, fold=data.fold, title=data.title, status=data.status
        )
        current = next((o for o in existing if o.original_local == original), None)
        if current is None:
            current = OccurrenceOverride(
                event_id=row.id or 0, original_local=original, created_at=self.now, updated_at=self.now
            )
            self.session.add(current)
        current.start_local, current.end_local = override.start, override.end
        current.start_fold, current.end_fold = override.start_fold, override.end_fold
        current.title, current.status = override.title, override.status
        current.updated_at = self.now
        row.sequence += 1
        await self.session.flush()
        read = await self._finish(row, calendar)
        await self.hooks.schedule_changed(row, cancelled=False)
        self.audit.record(
            staff,
            "event.occurrence",
            "event",
            row.slug,
            calendar=calendar.slug,
            before=snapshot,
            after=read,
            detail={"occurrence": original_start},
        )
        return read

    async def delete_occurrence(self, slug: str, original_start: str, staff: Staff) -> EventRead:
        row, calendar = await self._load(slug, for_update=True)
        require_calendar_editor(staff, calendar.slug)
        original = parse_series_point(original_start, row.all_day, "original_start")
        snapshot = await self._snapshot(row, calendar)
        result = await self.session.execute(
            delete(OccurrenceOverride).where(
                col(OccurrenceOverride.event_id) == row.id,
                col(OccurrenceOverride.original_local) == original,
            )
        )
        if not getattr(result, "rowcount", 0):
            raise NotFound(f"occurrence {original_start} of '{slug}' has no changes to undo")
        row.sequence += 1
        read = await self._finish(row, calendar)
        self.audit.record(
            staff,
            "event.occurrence_restore",
            "event",
            row.slug,
            calendar=calendar.slug,
            before=snapshot,
            after=read,
            detail={"occurrence": original_start},
        )
        return read

    async def refresh_derived(self) -> int:
        """Recompute UTC columns and feed blocks made with another tz database or renderer.

        Runs at startup: after a tzdata upgrade a future event's UTC time follows
        the new rules, and its feed block and VTIMEZONE with it.
        """
        stale = or_(col(Event.tzdb_version) != TZDB_VERSION, col(Event.render_key) != self.render_key)
        rows = (await self.session.scalars(select(Event).where(stale))).all()
        overrides = await self._overrides([row.id for row in rows if row.id is not None])
        for row in rows:
            self._derive(row, mapping.timing_of(row, overrides.get(row.id or 0)))
        await self._bump_feeds({row.calendar_id for row in rows})
        await self.session.flush()
        return len(rows)

    # -- helpers -------------------------------------------------------------------------------

    async def _snapshot(self, row: Event, calendar: Calendar) -> EventRead:
        overrides = (await self._overrides([row.id or 0])).get(row.id or 0, [])
        return mapping.event_read(row, calendar.slug, overrides, self.base_url, include_private=True)

    async def _finish(self, row: Event, calendar: Calendar, old_calendar_id: int | None = None) -> EventRead:
        """After any change: derive UTC columns, re-render the feed block, raise the feed versions."""
        await self.session.flush()
        overrides = (await self._overrides([row.id or 0])).get(row.id or 0, [])
        row.updated_at = self.now
        self._derive(row, mapping.timing_of(row, overrides))
        await self._bump_feeds({row.calendar_id, old_calendar_id or row.calendar_id})
        await self.session.flush()
        return mapping.event_read(row, calendar.slug, overrides, self.base_url, include_private=True)

    def _derive(self, row: Event, timing: Timing) -> None:
        """UTC columns from local time + zone, and the public feed block, stamped with what made them."""
        row.start_utc, row.end_utc = master_span_utc(timing)
        row.first_start_utc, row.last_end_utc = series_span_utc(timing)
        row.tzdb_version = TZDB_VERSION
        row.ics = render_event(mapping.event_doc(row, timing, self.base_url, self.organizer_email)).decode()
        row.render_key = self.render_key

    async def _bump_feeds(self, calendar_ids: set[int]) -> None:
        """Raise feed versions in the same transaction as the change (sorted: a fixed lock order)."""
        for calendar_id in sorted(calendar_ids):
            await self.session.execute(
                update(Calendar)
                .where(col(Calendar.id) == calendar_id)
                .values(feed_version=col(Calendar.feed_version) + 1, feed_updated_at=self.now)
            )

    async def _load(self, slug: str, for_update: bool = False) -> tuple[Event, Calendar]:
        stmt = (
            select(Event, Calendar)
            .join(Calendar, col(Calendar.id) == col(Event.calendar_id))
            .where(col(Event.slug) == slug)
        )
        if for_update:
            stmt = stmt.with_for_update(of=Event).execution_options(populate_existing=True)
        result = (await self.session.execute(stmt)).first()
        if result is None:
            raise NotFound(f"no event '{slug}'; GET /api/events lists events")
        return result[0], result[1]

    async def _overrides(self, event_ids: list[int]) -> dict[int, list[OccurrenceOverride]]:
        if not event_ids:
            return {}
        rows = await self.session.scalars(
            select(OccurrenceOverride)
            .where(col(OccurrenceOverride.event_id).in_(event_ids))
            .order_by(col(OccurrenceOverride.original_local))
        )
        grouped: dict[int, list[OccurrenceOverride]] = {}
        for override in rows:
            grouped.setdefault(override.event_id, []).append(override)
        return grouped

    async def _drop_orphan_overrides(self, row: Event, timing: Timing) -> None:
        """Overrides of occurrences the edited series no longer has are removed."""
        for override in (await self._overrides([row.id or 0])).get(row.id or 0, []):
            if not (timing.recurring and is_occurrence(timing, override.original_local)):
                await self.session.delete(override)
        await self.session.flush()

    async def _free_slug(self, title: str) -> str:
        base = slugify(title, max_length=60, word_boundary=True) or "event"
        taken = set((await self.session.scalars(select(col(Event.slug)).where(col(Event.slug).startswith(base)))).all())
        if base not in taken:
            return base
        return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)

    async def _insert_with_free_slug(
        self, data: EventCreate, calendar_id: int, fields: dict[str, Any], timing: Timing
    ) -> Event:
        """Insert under a savepoint; a derived slug taken meanwhile by a concurrent writer is derived again."""
        for attempt in range(5):
            slug = data.slug or await self._free_slug(data.title)
            row = Event(
                uid=data.uid or f"{uuid.uuid4()}@{self.uid_domain}",
                slug=slug,
                calendar_id=calendar_id,
                sequence=0,
                created_at=self.now,
                updated_at=self.now,
                **fields,
            )
            self._derive(row, timing)
            try:
                async with self.session.begin_nested():
                    self.session.add(row)
                    await self.session.flush()
            except IntegrityError:
                if data.slug or attempt == 4:
                    raise Conflict(f"slug: an event '{slug}' already exists; choose another slug", "slug") from None
                continue
            return row
        raise AssertionError("unreachable")  # pragma: no cover

    async def _write_facets(self, row: Event, replace: bool = False) -> None:
        if replace:
            await self.session.execute(delete(EventFacet).where(col(EventFacet.event_id) == row.id))
        facets = [EventFacet(event_id=row.id or 0, facet="tag", value=t) for t in row.tags]
        facets += [EventFacet(event_id=row.id or 0, facet="lang", value=lang) for lang in row.languages]
        self.session.add_all(facets)
        await self.session.flush()


def _validated(values: dict[str, Any]) -> tuple[dict[str, Any], Timing]:
    """All event fields checked together; returns column values and the timing."""
    recurrence = values.get("recurrence") or {}
    if not isinstance(recurrence, dict):
        recurrence = msgspec.structs.asdict(recurrence)
    timing = parse_timing(
        zone=values["timezone"],
        start=values["start"],
        end=values["end"],
        all_day=values.get("all_day", False),
        fold=values.get("fold"),
        rrule=recurrence.get("rrule"),
        exdates=recurrence.get("exdates") or [],
        rdates=recurrence.get("rdates") or [],
    )
    location = values.get("location")
    loc = (
        msgspec.structs.asdict(location)
        if location is not None and not isinstance(location, dict)
        else (location or {})
    )
    registration = values.get("registration")
    reg = msgspec.to_builtins(registration) if registration is not None else {}
    _check_registration(reg, timing)
    if values.get("online_url") and values.get("attendance_mode", "in_person") == "in_person":
        raise InvalidInput(
            "online_url: an in-person event has no join link; set attendance_mode to online or hybrid", "online_url"
        )
    _check_texts(values, loc)
    fields = {
        "title": values["title"].strip(),
        "description": values.get("description") or "",
        "status": values.get("status", "confirmed"),
        "timezone": timing.zone,
        "all_day": timing.all_day,
        "start_local": timing.start,
        "end_local": timing.end,
        "start_fold": timing.start_fold,
        "end_fold": timing.end_fold,
        "rrule": timing.rrule,
        "exdates": [format_point(p, timing.all_day) for p in timing.exdates],
        "rdates": [format_point(p, timing.all_day) for p in timing.rdates],
        "location_name": loc.get("name"),
        "location_address": loc.get("address"),
        "location_city": loc.get("city"),
        "location_country": validation.country_code(loc.get("country")),
        "location_lat": validation.coordinate(loc.get("lat"), -90, 90, "location.lat"),
        "location_lon": validation.coordinate(loc.get("lon"), -180, 180, "location.lon"),
        "livestream_url": validation.http_url(values.get("livestream_url"), "livestream_url"),
        "online_url": validation.http_url(values.get("online_url"), "online_url"),
        "attendance_mode": values.get("attendance_mode", "in_person"),
        "languages": validation.language_tags(values.get("languages") or []),
        "tags": validation.tags(values.get("tags") or []),
        "hosts": [h.strip() for h in values.get("hosts") or [] if h.strip()],
        "speakers": [msgspec.to_builtins(s) for s in values.get("speakers") or []],
        "capacity": values.get("capacity"),
        "registration": reg,
        "translations": _translations(values.get("translations") or {}),
    }
    if not fields["title"]:
        raise InvalidInput("title: must not be blank", "title")
    return fields, timing


def _check_texts(values: dict[str, Any], location: dict[str, Any]) -> None:
    """Lines (title, place, hosts, speakers) stay one line; longer texts keep their line breaks."""
    validation.single_line(values["title"], "title")
    validation.multiline(values.get("description") or "", "description")
    for key in ("name", "address", "city"):
        if location.get(key):
            validation.single_line(location[key], f"location.{key}")
    for index, host in enumerate(values.get("hosts") or []):
        validation.single_line(host, f"hosts[{index}]")
    for index, speaker in enumerate(values.get("speakers") or []):
        person = speaker if isinstance(speaker, dict) else msgspec.structs.asdict(speaker)
        for key in ("name", "affiliation"):
            if person.get(key):
                validation.single_line(person[key], f"speakers[{index}].{key}")


def _translations(raw: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Language tags normalised like `languages`; each translation says something; titles are not blank."""
    out: dict[str, dict[str, str]] = {}
    for tag, text in raw.items():
        try:
            (lang,) = validation.language_tags([tag], "translations")
        except InvalidInput:
            raise InvalidInput(
                f"translations: '{tag}' is not a BCP 47 language tag (e.g. en, es, pt-BR)", "translations"
            ) from None
        entry = msgspec.to_builtins(text) if not isinstance(text, dict) else dict(text)
        entry = {key: value for key, value in entry.items() if value is not None}
        if "title" in entry:
            entry["title"] = validation.single_line(entry["title"], f"translations.{lang}.title").strip()
            if not entry["title"]:
                raise InvalidInput(
                    f"translations.{lang}.title: must not be blank (leave it out to keep the original)",
                    f"translations.{lang}.title",
                )
        if "description" in entry:
            validation.multiline(entry["description"], f"translations.{lang}.description")
        if not entry:
            raise InvalidInput(f"translations.{lang}: give a title, a description or both", f"translations.{lang}")
        if lang in out:
            raise InvalidInput(f"translations: '{tag}' is given twice", "translations")
        out[lang] = entry
    return out


def _check_registration(reg: dict[str, Any], timing: Timing) -> None:
    zone = get_zone(timing.zone)
    settings = RegistrationSettings.of(reg)
    bounds = {}
    for key, value in (("opens_at", settings.opens_at), ("closes_at", settings.closes_at)):
        if value:
            local = parse_series_point(value, False, f"registration.{key}")
            bounds[key] = to_utc_lenient(local, zone)
    if len(bounds) == 2 and bounds["closes_at"] <= bounds["opens_at"]:
        raise InvalidInput("registration.closes_at: must be after opens_at", "registration.closes_at")
    keys = [q["key"] for q in settings.questions]
    if len(keys) != len(set(keys)):
        raise InvalidInput("registration.questions: each question needs a distinct key", "registration.questions")
    for index, question in enumerate(settings.questions):
        if question["type"] in ("choice", "multi_choice") and not question["options"]:
            raise InvalidInput(
                f"registration.questions[{index}].options: a choice question needs options",
                f"registration.questions[{index}].options",
            )


@functools.cache
def render_key(base_url: str, organizer_email: str | None) -> str:
    """What the stored feed blocks depend on besides the event itself."""
    return hashlib.sha256(f"{RENDER_VERSION}|{base_url}|{organizer_email}".encode()).hexdigest()[:32]
