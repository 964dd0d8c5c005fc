"""Litestar dependencies of the calendars area (wired by name in `app.py`)."""

from datetime import datetime

from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.calendars.service import CalendarService
from calendar_service.settings import Settings


def provide_calendar_service(
    db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings], now: NamedDependency[datetime]
) -> CalendarService:
    return CalendarService(db_session, settings.base_url, now)
