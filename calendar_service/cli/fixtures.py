"""Load `fixtures/` (calendars.json, events.json) through the same services the API uses."""

import json
from pathlib import Path

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.calendars.schemas import CalendarCreate
from calendar_service.calendars.service import CalendarService
from calendar_service.clock import utcnow
from calendar_service.db.tables import Calendar
from calendar_service.domain.access import Staff
from calendar_service.errors import DomainError
from calendar_service.events.schemas import EventCreate
from calendar_service.events.service import EventService
from calendar_service.settings import Settings

LOADER = Staff(id=0, name="fixtures loader", role="admin")


class FixtureError(RuntimeError):
    pass


async def database_is_empty(session: AsyncSession) -> bool:
    return (await session.scalar(select(func.count()).select_from(Calendar))) == 0


async def load_fixtures(session: AsyncSession, directory: Path, settings: Settings) -> tuple[int, int]:
    """All or nothing: the caller's transaction rolls back on the first bad record."""
    now = utcnow()
    calendars = CalendarService(session, settings.base_url, now)
    events = EventService(session, settings.base_url, now, settings.uid_domain, settings.organizer_email)
    n_calendars = n_events = 0
    for index, raw in enumerate(_read(directory / "calendars.json")):
        try:
            await calendars.create(msgspec.convert(raw, CalendarCreate), LOADER)
        except (DomainError, msgspec.ValidationError) as exc:
            raise FixtureError(f"calendars.json[{index}]: {getattr(exc, 'message', exc)}") from exc
        n_calendars += 1
    for index, raw in enumerate(_read(directory / "events.json")):
        try:
            await events.create(msgspec.convert(raw, EventCreate), LOADER)
        except (DomainError, msgspec.ValidationError) as exc:
            raise FixtureError(f"events.json[{index}] ({raw.get('slug')}): {getattr(exc, 'message', exc)}") from exc
        n_events += 1
    return n_calendars, n_events


def _read(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise FixtureError(f"{path}: expected a JSON list")
    return data
