"""The registrant's pages: their registration, cancel and erase (each with a confirmation step), and a lost link.

Each method calls the service the JSON API calls (`RegistrationService.get/cancel/resend_link`,
`RetentionService.erase_own`) and renders the answer. The event's time and place come from the
same event read model as the event page. A refusal (an unknown or erased link) is raised as the
domain error: the page controllers answer it with an error page.

What the pages promise about email follows the settings: without a mail server
(`Settings.smtp_url` unset) no page says "we emailed you".
"""

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from litestar.di import NamedDependency

from calendar_service.errors import InvalidInput
from calendar_service.events.service import EventService
from calendar_service.pages.i18n import render
from calendar_service.pages.text import N_
from calendar_service.registrations.retention import RetentionService
from calendar_service.registrations.schemas import RegistrationRead
from calendar_service.registrations.service import RegistrationService
from calendar_service.settings import Settings

CANCEL_HEADING = N_("Cancel your registration?")
ERASE_HEADING = N_("Erase your data?")
ERASED_HEADING = N_("Your data is erased")
ERASED = N_(
    "Your registration is cancelled and your name, email and answers are erased. The link to this page no "
    "longer works; only anonymous counts remain."
)
CANCELLED = N_("Thank you for telling us; your place goes to the next person on the waiting list.")
LINK_HEADING = N_("Get the link to your registration again")
LINK_SENT_BY_MAIL = N_(
    "If this address is registered for this event, a new link to your registration page is on its way to it. "
    "It can take a few minutes; check your spam folder too."
)
LINK_NO_MAIL = N_(
    "If this address is registered for this event, a new link to your registration page has been made. This "
    "site does not send email itself: please ask the organisers of the event to send you the link."
)
OUTCOME_BY_MAIL = {
    "waitlisted": N_("We will write as soon as a place is yours."),
    "pending_confirmation": N_("We sent you an email: confirm with its link before the deadline it gives."),
    "confirmed": N_("The invitation is in your email."),
}
OUTCOME_NO_MAIL = N_(
    "Keep the address of your registration page (the link below): it is how you see, change or cancel this "
    "registration."
)
LIST_DAYS_BACK, LIST_DAYS_AHEAD = 30, 2 * 365


def outcome_message(status: str, mail: bool) -> str:
    """What the page says under the outcome of registering; it promises email only when mail is sent."""
    if not mail:
        return OUTCOME_NO_MAIL if status != "cancelled" else ""
    return OUTCOME_BY_MAIL.get(status, "")


def outcome_heading(status: str) -> str:
    return {
        "confirmed": N_("You are registered"),
        "waitlisted": N_("You are on the waiting list"),
        "pending_confirmation": N_("Please confirm your place"),
        "cancelled": N_("Your registration is cancelled"),
        "attended": N_("You attended"),
    }.get(status, N_("Your registration"))


async def registration_page(
    events: EventService,
    locale: str,
    read: RegistrationRead,
    template: str = "registered.html",
    heading: str = "",
    message: str = "",
    erasing: bool = False,
) -> bytes:
    """A registration with its event's time, place and questions (`events` reads the event as the event page does)."""
    event = await events.get(read.event.slug, None)
    return render(
        template,
        locale,
        r=read,
        event=event,
        questions=list(event.registration.questions),
        heading=heading or outcome_heading(read.status),
        message=message,
        manage_page=f"{events.base_url}/registrations/{read.token}",
        show_cancel=read.status in ("confirmed", "waitlisted", "pending_confirmation"),
        erasing=erasing,
    )


async def outcome_page(events: EventService, locale: str, read: RegistrationRead, mail: bool) -> bytes:
    """Right after registering on the event page (on the page's read session: the desk wrote on its own)."""
    return await registration_page(events, locale, read, message=outcome_message(read.status, mail))


@dataclass
class RegistrantPages:
    registrations: RegistrationService
    retention: RetentionService
    events: EventService
    locale: str
    mail: bool  # a mail server is configured: messages are really sent
    now: datetime

    @property
    def base_url(self) -> str:
        return self.registrations.base_url

    def manage_page(self, token: str) -> str:
        return f"{self.base_url}/registrations/{token}"

    async def render_registration(
        self,
        read: RegistrationRead,
        template: str = "registered.html",
        heading: str = "",
        message: str = "",
        erasing: bool = False,
    ) -> bytes:
        return await registration_page(self.events, self.locale, read, template, heading, message, erasing)

    async def registration(self, token: str, message: str = "") -> bytes:
        """The token holder's page: status, place on the waiting list, time and place, answers, what they can do."""
        return await self.render_registration(await self.registrations.get(token), message=message)

    async def cancel_question(self, token: str) -> bytes:
        return await self.render_registration(
            await self.registrations.get(token), "registrant_confirm.html", CANCEL_HEADING
        )

    async def cancel(self, token: str) -> bytes:
        read = await self.registrations.cancel(token)
        return await self.render_registration(read, message=CANCELLED)

    async def erase_question(self, token: str) -> bytes:
        return await self.render_registration(
            await self.registrations.get(token), "registrant_confirm.html", ERASE_HEADING, erasing=True
        )

    async def erase(self, token: str) -> bytes:
        await self.retention.erase_own(token)
        return render("error.html", self.locale, heading=ERASED_HEADING, message=ERASED, advice="", retry_after="")

    async def link_form(self, event_slug: str = "", email: str = "", sent: bool = False) -> bytes:
        """ "Send me my link again": the event (chosen, or from a list of current ones) and an email address."""
        chosen: Any = await self.events.get(event_slug, None) if event_slug else None
        options: list[Any] = []
        if chosen is None:
            start = (self.now - timedelta(days=LIST_DAYS_BACK)).date().isoformat()
            end = (self.now + timedelta(days=LIST_DAYS_AHEAD)).date().isoformat()
            listing = await self.events.list_occurrences(start=start, end=end, tz=None, limit=500)
            seen: set[str] = set()
            for item in listing.items:
                if item.slug not in seen and item.status != "cancelled":
                    seen.add(item.slug)
                    options.append(item)
        return render(
            "registration_link.html",
            self.locale,
            chosen=chosen,
            options=options,
            email=email,
            sent=(LINK_SENT_BY_MAIL if self.mail else LINK_NO_MAIL) if sent else "",
        )

    async def send_link(self, event_slug: str, email: str) -> bytes:
        """The same neutral answer whether or not the address is registered (or even valid)."""
        if event_slug and email.strip():
            with contextlib.suppress(InvalidInput):  # not an address at all: the answer must not differ
                await self.registrations.resend_link(event_slug, email)
        return await self.link_form(event_slug, "", sent=True)


def provide_registrant_pages(
    registrations: NamedDependency[RegistrationService],
    retention: NamedDependency[RetentionService],
    settings: NamedDependency[Settings],
    locale: NamedDependency[str],
    now: NamedDependency[datetime],
) -> RegistrantPages:
    """On the request's write session: cancelling and erasing write, and the page shows what was written."""
    events = EventService(registrations.session, settings.base_url, now, settings.uid_domain, settings.organizer_email)
    return RegistrantPages(registrations, retention, events, locale, bool(settings.smtp_url), now)
