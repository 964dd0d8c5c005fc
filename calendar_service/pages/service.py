"""Public pages, rendered with Jinja2 from the same read models the JSON API returns."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import select
from sqlmodel import col

from calendar_service.calendars.service import CalendarService
from calendar_service.db.tables import Event
from calendar_service.domain.locale import DEFAULT
from calendar_service.domain.registration import RegistrationSettings
from calendar_service.errors import NotFound
from calendar_service.events.service import EventService
from calendar_service.pages import event_view as view
from calendar_service.pages import structured
from calendar_service.pages.formats import Formats
from calendar_service.pages.i18n import render
from calendar_service.pages.localized import localized
from calendar_service.pages.registration import FormState, openness
from calendar_service.pages.text import N_, Text

SITE_NAME = "calendar-service"
WAITLIST_NOTE = N_(
    "The event is full: you can join the waiting list, and you will be told at once if a place frees up."
)


@runtime_checkable  # Litestar checks a dependency's value against its annotation
class ProgramReader(Protocol):
    """The scholarships area's read of an event's program (its `ProgramService`, wired in app.py)."""

    async def public(self, slug: str) -> view.PublicProgram | None: ...


class PageService:
    """Pages in one language (`locale`, negotiated per request: pages/dependencies.py)."""

    def __init__(
        self,
        events: EventService,
        calendars: CalendarService,
        now: datetime,
        locale: str = DEFAULT,
        base_url: str = "",
        programs: ProgramReader | None = None,
    ) -> None:
        self.events = events
        self.calendars = calendars
        self.now = now
        self.locale = locale
        self.base_url = base_url
        self.programs = programs

    async def event_page(
        self, slug: str, form: FormState | None = None, viewer: view.ViewerZone | None = None
    ) -> bytes:
        """The event, and its registration form (or why it takes none); `form` keeps a refused attempt.

        `viewer` is the visitor's zone (`?tz=`, the cookie): times are shown in it too.
        """
        event = await self.events.get(slug, None)
        text = localized(event, self.locale)
        calendar = self.calendars.to_read(await self.calendars.get_row(event.calendar))
        row = await self.row(slug)
        settings = RegistrationSettings.of(row.registration)
        viewer = viewer or view.ViewerZone()
        taken, reserved, online_taken = row.seats_taken, row.reserved_seats, row.online_taken
        open_now = openness(
            row.status, row.start_utc, row.capacity, settings, row.timezone, self.now, Formats(self.locale)
        )
        places = view.places_of(event, taken, reserved, online_taken)
        waitlist_only = settings.waitlist and view.all_full(places, event.attendance_mode)
        sessions = await self.events.sessions(slug) if event.recurrence else None
        program = await self.programs.public(slug) if self.programs is not None else None
        listed = view.sessions_of(sessions.items, event.timezone, event.status == "cancelled") if sessions else []
        truncated = bool(sessions and sessions.truncated)
        page = view.EventView(
            zones=view.zones_for(event.attendance_mode, event.timezone, viewer.zone),
            viewer=viewer,
            rule_text=view.rule_text(event, self.locale),
            sessions=listed,
            sessions_truncated=truncated,
            session_count=view.session_count(event, listed, truncated),
            places=places if open_now.open else [],  # a closed event's places are no one's concern
            waitlist_only=waitlist_only,
            availability=view.availability_of(event, open_now, places, taken, reserved, online_taken),
            map_url=view.map_url(event.location, event.attendance_mode),
            text_lang=view.text_lang([text.title_lang] if text.title_lang else [], self.locale),
            title=text.title,
            description=text.description,
            description_lang=view.text_lang([text.description_lang] if text.description_lang else [], self.locale),
            scholarships=view.scholarships_of(program, slug, self.base_url, self.now),
        )
        return render(
            "event.html",
            self.locale,
            event=event,
            calendar=calendar,
            page=page,
            json_ld=structured.script_json(structured.event_json_ld(event, page.availability)),
            open_graph=structured.open_graph(event, SITE_NAME),
            openness=open_now,
            # Places per mode are shown above the form; the form says only what being full means.
            places=Text(WAITLIST_NOTE) if waitlist_only else Text(""),
            waitlist_only=waitlist_only,
            zone_names=view.picker_zones(),
            form=form or FormState(),
            action=f"/events/{slug}/register",
        )

    async def questions(self, slug: str) -> list[Mapping[str, Any]]:
        return list(RegistrationSettings.of((await self.row(slug)).registration).questions)

    async def form_rules(self, slug: str) -> tuple[list[Mapping[str, Any]], str]:
        """The registration form's questions and the event's attendance mode: what its checks need."""
        row = await self.row(slug)
        return list(RegistrationSettings.of(row.registration).questions), row.attendance_mode

    async def row(self, slug: str) -> Event:
        row = await self.events.session.scalar(select(Event).where(col(Event.slug) == slug))
        if row is None:
            raise NotFound(f"no event '{slug}'; GET /api/events lists events")
        return row


def confirm_page(
    heading: str,
    message: str = "",
    show_form: bool = False,
    event_url: str = "",
    event_title: str = "",
    locale: str = DEFAULT,
) -> bytes:
    """`heading` and `message` are English messages (pages/messages.py), shown in `locale` when the catalog has them."""
    return render(
        "confirm.html",
        locale,
        heading=heading,
        message=message,
        show_form=show_form,
        event_url=event_url,
        event_title=event_title,
    )
