"""Litestar dependencies of the exports area (wired by name in `app.py`)."""

from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.exports.attendees import AttendeeExport


def provide_attendee_export(db_session: NamedDependency[AsyncSession], state: State) -> AttendeeExport:
    """Authorises and audits in the request's unit of work; streams its rows on the read-only engine."""
    return AttendeeExport(db_session, state.read_session_maker, state.clock())
