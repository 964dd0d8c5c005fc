"""Public pages, rendered with Jinja2 from the same read models the JSON API returns."""

from datetime import datetime, timedelta

import jinja2

from calendar_service.calendars.service import CalendarService
from calendar_service.events.service import EventService

_env = jinja2.Environment(
    loader=jinja2.PackageLoader("calendar_service.pages", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.StrictUndefined,
)


class PageService:
    def __init__(self, events: EventService, calendars: CalendarService, now: datetime) -> None:
        self.events = events
        self.calendars = calendars
        self.now = now

    async def event_page(self, slug: str) -> bytes:
        event = await self.events.get(slug, None)
        calendar = self.calendars.to_read(await self.calendars.get_row(event.calendar))
        return _env.get_template("event.html").render(event=event, calendar=calendar).encode()

    async def calendar_page(self, slug: str) -> bytes:
        calendar = self.calendars.to_read(await self.calendars.get_row(slug))
        start = (self.now - timedelta(days=30)).date().isoformat()
        end = (self.now + timedelta(days=365)).date().isoformat()
        listing = await self.events.list_occurrences(start=start, end=end, tz=None, calendar=slug, limit=500)
        return _env.get_template("calendar.html").render(calendar=calendar, listing=listing).encode()


def confirm_page(
    heading: str, message: str = "", show_form: bool = False, event_url: str = "", event_title: str = ""
) -> bytes:
    template = _env.get_template("confirm.html")
    return template.render(
        heading=heading, message=message, show_form=show_form, event_url=event_url, event_title=event_title
    ).encode()
