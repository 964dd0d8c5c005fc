"""Litestar dependencies of the staff area (wired by name in `app.py`)."""

from datetime import datetime

from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.staff.admin import StaffAdminService


def provide_staff_admin(db_session: NamedDependency[AsyncSession], now: NamedDependency[datetime]) -> StaffAdminService:
    return StaffAdminService(db_session, now)
