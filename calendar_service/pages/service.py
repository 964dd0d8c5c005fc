"""Public pages, rendered with Jinja2 from the same read models the JSON API returns."""

from collections.abc import Mapping
from datetime import datetime
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
from calendar_service.pages.text import N_
from calendar_service.registrations.schemas import RegistrationRead


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


def registered_page(
    read: RegistrationRead, base_url: str, heading: str, message: str = "", locale: str = DEFAULT
) -> bytes:
    """After registering on the page, and the token holder's own page (see, cancel)."""
    return render(
        "registered.html",
        locale,
        r=read,
        heading=heading,
        message=message,
        manage_page=f"{base_url}/registrations/{read.token}",
        show_cancel=read.status != "cancelled",
    )


def outcome_heading(read: RegistrationRead) -> str:
    """An English message: the page shows it in its own language."""
    return {
        "confirmed": N_("You are registered"),
        "waitlisted": N_("You are on the waiting list"),
        "pending_confirmation": N_("Please confirm your place"),
        "cancelled": N_("Your registration is cancelled"),
        "attended": N_("You attended"),
    }.get(read.status, N_("Your registration"))
