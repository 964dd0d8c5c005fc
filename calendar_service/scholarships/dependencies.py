"""One provider per scholarship service, wired by name in `app.py` (`NamedDependency[XService]` in controllers).

Every name starts with `scholarship_`: Litestar turns a request body field's
validation error into a 500 when a dependency has the field's name, and the
scholarship bodies have fields such as `reviewers`, `amounts` and `screening`.
"""

from datetime import datetime

from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.scholarships.allocation import AllocationService
from calendar_service.scholarships.applications import ApplicationService
from calendar_service.scholarships.awards import AwardService
from calendar_service.scholarships.exports import ExportService
from calendar_service.scholarships.programs import ProgramService
from calendar_service.scholarships.ranking import RankingService
from calendar_service.scholarships.reviews import ReviewService
from calendar_service.settings import Settings


def provide_program_service(
    db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings], now: NamedDependency[datetime]
) -> ProgramService:
    return ProgramService(db_session, settings, now)


def provide_program_reader(
    read_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings], now: NamedDependency[datetime]
) -> ProgramService:
    """Programs read on the read-only session, for the pages (the event page's scholarships block)."""
    return ProgramService(read_session, settings, now)


def provide_application_service(
    db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings], now: NamedDependency[datetime]
) -> ApplicationService:
    return ApplicationService(db_session, settings, now)


def provide_review_service(db_session: NamedDependency[AsyncSession], now: NamedDependency[datetime]) -> ReviewService:
    return ReviewService(db_session, now)


def provide_award_service(
    db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings], now: NamedDependency[datetime]
) -> AwardService:
    return AwardService(db_session, settings, now)


def provide_allocation_service(
    db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings], now: NamedDependency[datetime]
) -> AllocationService:
    return AllocationService(db_session, settings, now)


def provide_ranking_service(
    db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings], now: NamedDependency[datetime]
) -> RankingService:
    return RankingService(db_session, settings, now)


def provide_export_service(
    db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings], now: NamedDependency[datetime]
) -> ExportService:
    return ExportService(db_session, settings, now)
