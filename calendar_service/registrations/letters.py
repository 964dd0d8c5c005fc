"""Every message a registrant receives, with its iTIP invitation: texts from `notifications.messages`,
invitations rendered from the event as stored (its VTIMEZONE from the same tz database as the feeds)."""

import dataclasses
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from calendar_service.db.tables import Event, OccurrenceOverride, Registration
from calendar_service.domain.ics import render_invitation
from calendar_service.domain.timezones import iso_utc
from calendar_service.domain.vtimezone import timezone_blocks, zone_spans
from calendar_service.events import mapping
from calendar_service.notifications import messages
from calendar_service.registrations.draft import Draft
from calendar_service.registrations.schemas import RegistrationRead
from calendar_service.settings import Settings


class Letters:
    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self.session = session
        self.settings = settings
        self.base_url = settings.base_url

    def confirm_url(self, confirm_token: str) -> str:
        return f"{self.base_url}/registrations/confirm/{confirm_token}"

    def organizer(self) -> str:
        if self.settings.organizer_email:
            return self.settings.organizer_email
        host = urlsplit(self.base_url).hostname or "localhost"
        return f"events@{'localhost' if host.replace('.', '').isdigit() else host}"

    async def invitation(self, event: Event, registration: Registration | Draft, method: str) -> bytes:
        overrides: list[OccurrenceOverride] = []
        if event.rrule or event.rdates:  # only a series has per-occurrence overrides
            query = select(OccurrenceOverride).where(col(OccurrenceOverride.event_id) == event.id)
            overrides = list((await self.session.scalars(query)).all())
        timing = mapping.timing_of(event, overrides)
        doc = dataclasses.replace(
            mapping.event_doc(event, timing, self.base_url, self.organizer()),
            attendee_email=registration.email,
            attendee_name=registration.name,
        )
        spans = zone_spans([(None, event.timezone, event.all_day, event.first_start_utc, event.last_end_utc)])
        return render_invitation(doc, method, timezone_blocks(spans))

    def when(self, event: Event) -> str:
        return f"{mapping.wire_start(event.start_local, event.all_day).replace('T', ' ')} {event.timezone}"

    async def registered(
        self, event: Event, registration: Registration | Draft, read: RegistrationRead, confirm_token: str | None
    ) -> Any:
        if confirm_token is not None:
            return messages.confirm_message(
                name=registration.name,
                email=registration.email,
                title=event.title,
                when=self.when(event),
                confirm_url=self.confirm_url(confirm_token),
                manage_url=read.manage_url,
                deadline=iso_utc(registration.confirm_expires_at) if registration.confirm_expires_at else "",
            )
        ics = await self.invitation(event, registration, "REQUEST") if registration.status == "confirmed" else None
        return messages.registration_message(
            status=registration.status,
            name=registration.name,
            email=registration.email,
            title=event.title,
            when=self.when(event),
            page_url=read.event.url,
            manage_url=read.manage_url,
            position=read.waitlist_position,
            ics=ics,
        )

    async def promoted(self, event: Event, registration: Registration) -> Any:
        return messages.promoted_message(
            name=registration.name,
            email=registration.email,
            title=event.title,
            when=self.when(event),
            page_url=f"{self.base_url}/events/{event.slug}",
            ics=await self.invitation(event, registration, "REQUEST"),
        )

    async def cancelled(self, event: Event, registration: Registration) -> Any:
        ics = await self.invitation(event, registration, "CANCEL") if registration.confirmed_at else None
        return messages.cancelled_message(
            name=registration.name,
            email=registration.email,
            title=event.title,
            when=self.when(event),
            page_url=f"{self.base_url}/events/{event.slug}",
            ics=ics,
        )
