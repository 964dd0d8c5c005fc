"""HTTP for calendars: parse, call one service method, return a schema."""

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from calendar_service.calendars.schemas import CalendarCreate, CalendarList, CalendarRead
from calendar_service.calendars.service import CalendarService
from calendar_service.domain.access import ORGANIZERS, Staff


class CalendarController(Controller):
    path = "/api/calendars"
    tags = ["calendars"]

    @get(operation_id="ListCalendars")
    async def list_calendars(self, calendar_registry: NamedDependency[CalendarService]) -> CalendarList:
        """Every calendar, with its feed URLs."""
        return await calendar_registry.list()

    @post(operation_id="CreateCalendar", opt=ORGANIZERS)
    async def create_calendar(
        self,
        data: JSONBody[CalendarCreate],
        calendar_registry: NamedDependency[CalendarService],
        staff: NamedDependency[Staff],
    ) -> CalendarRead:
        """Create a calendar (admin, or an organizer whose token is not limited to some calendars)."""
        return await calendar_registry.create(data, staff)
