"""How registration controllers get their services: Litestar providers, wired by name in `app.py`.

- `registration_desk`: the process's desk for new registrations (group commit, `batch.py`),
  made once at startup and kept in the application state.
- `registrations` (the person-facing `RegistrationService`), `staff_desk`, `retention`,
  `attendance`: one per request, on the request's session.
"""

from datetime import datetime

from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.registrations.attendance import AttendanceService
from calendar_service.registrations.batch import RegistrationDesk
from calendar_service.registrations.retention import RetentionService
from calendar_service.registrations.service import RegistrationService
from calendar_service.registrations.staff_desk import StaffDesk
from calendar_service.settings import Settings


def provide_registration_service(
    db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings], now: NamedDependency[datetime]
) -> RegistrationService:
    return RegistrationService(db_session, settings, now)


def provide_registration_desk(state: State) -> RegistrationDesk:
    desk: RegistrationDesk = state.registration_desk
    return desk


def provide_staff_desk(registrations: NamedDependency[RegistrationService]) -> StaffDesk:
    return StaffDesk(registrations)


def provide_retention(
    db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings], now: NamedDependency[datetime]
) -> RetentionService:
    return RetentionService(db_session, settings, now)


def provide_attendance(db_session: NamedDependency[AsyncSession], now: NamedDependency[datetime]) -> AttendanceService:
    return AttendanceService(db_session, now)
