"""Litestar dependencies of the pages area (wired by name in `app.py`)."""

from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.calendars.service import CalendarService
from calendar_service.events.service import EventService
from calendar_service.pages.service import PageService


def provide_page_service(read_session: NamedDependency[AsyncSession], state: State) -> PageService:
    """Pages read on the read-only session, through the same services as the JSON API."""
    s, now = state.settings, state.clock()
    events = EventService(read_session, s.base_url, now, s.uid_domain, s.organizer_email)
    return PageService(events, CalendarService(read_session, s.base_url, now), now, s.base_url)
