"""HTTP for events: parse, call one service method, return a schema."""

from typing import Annotated

from litestar import Controller, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from calendar_service.domain.access import ORGANIZERS, Staff
from calendar_service.events.schemas import EventCreate, EventRead, EventUpdate, OccurrenceList, OverrideWrite
from calendar_service.events.service import EventService


class EventController(Controller):
    path = "/api/events"
    tags = ["events"]

    @get(operation_id="ListOccurrences")
    async def list_occurrences(
        self,
        events: NamedDependency[EventService],
        from_: Annotated[
            str | None,
            QueryParameter(
                name="from",
                description="Window start (inclusive): a date, a "
                "local date-time read in `tz` (else UTC), or a date-time with offset; "
                "default: today",
            ),
        ] = None,
        to: Annotated[
            str | None, QueryParameter(description="Window end (exclusive); default: one year after `from`")
        ] = None,
        tz: Annotated[str | None, QueryParameter(description="Viewer's IANA zone: adds start_in_tz/end_in_tz")] = None,
        calendar: FromQuery[str | None] = None,
        tag: Annotated[str | None, QueryParameter(description="Tag, or several comma-separated (any matches)")] = None,
        lang: Annotated[str | None, QueryParameter(description="Language tag(s); 'es' also matches 'es-MX'")] = None,
        country: Annotated[str | None, QueryParameter(description="ISO 3166-1 alpha-2 code(s)")] = None,
        mode: Annotated[str | None, QueryParameter(description="in_person, online or hybrid (comma-separated)")] = None,
        limit: FromQuery[int] = 1000,
    ) -> OccurrenceList:
        """Occurrences overlapping [from, to), recurring events expanded, ordered by start."""
        return await events.list_occurrences(
            start=from_, end=to, tz=tz, calendar=calendar, tag=tag, lang=lang, country=country, mode=mode, limit=limit
        )

    @post(operation_id="CreateEvent", opt=ORGANIZERS)
    async def create_event(
        self, data: JSONBody[EventCreate], events: NamedDependency[EventService], staff: NamedDependency[Staff]
    ) -> EventRead:
        """Create an event from local wall-clock times and an IANA zone."""
        return await events.create(data, staff)

    @get("/{slug:str}", operation_id="GetEvent")
    async def get_event(
        self, slug: FromPath[str], events: NamedDependency[EventService], optional_staff: NamedDependency[Staff | None]
    ) -> EventRead:
        """One event; the private join link only for staff."""
        return await events.get(slug, optional_staff)

    @patch("/{slug:str}", operation_id="UpdateEvent", opt=ORGANIZERS)
    async def update_event(
        self,
        slug: FromPath[str],
        data: JSONBody[EventUpdate],
        events: NamedDependency[EventService],
        staff: NamedDependency[Staff],
    ) -> EventRead:
        """Change some fields; a change of time, recurrence or status raises `sequence`."""
        return await events.update(slug, data, staff)

    @post("/{slug:str}/cancel", operation_id="CancelEvent", opt=ORGANIZERS, status_code=HTTP_200_OK)
    async def cancel_event(
        self, slug: FromPath[str], events: NamedDependency[EventService], staff: NamedDependency[Staff]
    ) -> EventRead:
        """Cancel: the event stays (status cancelled) so feeds can tell subscribers."""
        return await events.cancel(slug, staff)

    @put("/{slug:str}/occurrences/{original_start:str}", operation_id="PutOccurrence", opt=ORGANIZERS)
    async def put_occurrence(
        self,
        slug: FromPath[str],
        original_start: FromPath[str],
        data: JSONBody[OverrideWrite],
        events: NamedDependency[EventService],
        staff: NamedDependency[Staff],
    ) -> EventRead:
        """Move, retitle or cancel one occurrence, named by its original local start."""
        return await events.put_occurrence(slug, original_start, data, staff)

    @post(
        "/{slug:str}/occurrences/{original_start:str}/restore",
        operation_id="RestoreOccurrence",
        opt=ORGANIZERS,
        status_code=HTTP_200_OK,
    )
    async def restore_occurrence(
        self,
        slug: FromPath[str],
        original_start: FromPath[str],
        events: NamedDependency[EventService],
        staff: NamedDependency[Staff],
    ) -> EventRead:
        """Undo every change to one occurrence."""
        return await events.delete_occurrence(slug, original_start, staff)
