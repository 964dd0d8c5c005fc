"""The scholarship services of one request, on one session, built on first use.

One dependency (`scholarships`) instead of six: Litestar resolves each
dependency of a handler separately, and most handlers need exactly one of these.
"""

import functools
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


class Scholarships:
    def __init__(self, session: AsyncSession, settings: Settings, now: datetime) -> None:
        self.session, self.settings, self.now = session, settings, now

    @functools.cached_property
    def programs(self) -> ProgramService:
        return ProgramService(self.session, self.settings, self.now)

    @functools.cached_property
    def applications(self) -> ApplicationService:
        return ApplicationService(self.session, self.settings, self.now)

    @functools.cached_property
    def reviews(self) -> ReviewService:
        return ReviewService(self.session, self.now)

    @functools.cached_property
    def awards(self) -> AwardService:
        return AwardService(self.session, self.settings, self.now)

    @functools.cached_property
    def allocation(self) -> AllocationService:
        return AllocationService(self.session, self.settings, self.now)

    @functools.cached_property
    def ranking(self) -> RankingService:
        return RankingService(self.session, self.settings, self.now)

    @functools.cached_property
    def exports(self) -> ExportService:
        return ExportService(self.session, self.settings, self.now)


def provide_scholarships(
    db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings], now: NamedDependency[datetime]
) -> Scholarships:
    return Scholarships(db_session, settings, now)
