"""Public pages, rendered with Jinja2 from the same read models the JSON API returns."""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from calendar_service.calendars.service import CalendarService
from calendar_service.db.tables import Event
from calendar_service.domain.locale import DEFAULT
from calendar_service.domain.registration import RegistrationSettings
from calendar_service.errors import NotFound
from calendar_service.events.service import EventService
from calendar_service.pages.i18n import render
from calendar_service.pages.registration import FormState, openness, places_note


class PageService:
    """Pages in one language (`locale`, negotiated per request: pages/dependencies.py)."""

    def __init__(
        self, events: EventService, calendars: CalendarService, now: datetime, locale: str = DEFAULT, base_url: str = ""
    ) -> None:
        self.events = events
        self.calendars = calendars
        self.now = now
        self.locale = locale
        self.base_url = base_url

    async def event_page(self, slug: str, form: FormState | None = None) -> bytes:
        """The event, and its registration form (or why it takes none); `form` keeps a refused attempt."""
        event = await self.events.get(slug, None)
        calendar = self.calendars.to_read(await self.calendars.get_row(event.calendar))
        row = await self.row(slug)
        settings = RegistrationSettings.of(row.registration)
        return render(
            "event.html",
            self.locale,
            event=event,
            calendar=calendar,
            openness=openness(row.status, row.start_utc, row.capacity, settings, row.timezone, self.now),
            places=places_note(row.capacity, row.seats_taken, row.reserved_seats, settings.waitlist),
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

    async def calendar_page(self, slug: str) -> bytes:
        calendar = self.calendars.to_read(await self.calendars.get_row(slug))
        start = (self.now - timedelta(days=30)).date().isoformat()
        end = (self.now + timedelta(days=365)).date().isoformat()
        listing = await self.events.list_occurrences(start=start, end=end, tz=None, calendar=slug, limit=500)
        return render("calendar.html", self.locale, calendar=calendar, listing=listing)


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
