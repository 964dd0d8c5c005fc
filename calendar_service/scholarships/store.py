"""Rows for the scholarship services, loaded with the right locks, and the one atomic path that moves
committed money.

Invariants:
- `committed_minor` changes only through `Store.move_committed`: a conditional
  UPDATE whose WHERE keeps 0 <= committed <= budget, so concurrent awards in
  any number of processes can never overspend; its row count decides.
- Lock order is application(s) → program → event, everywhere, so two units of
  work never wait on each other in a cycle (PostgreSQL row locks; SQLite's
  BEGIN IMMEDIATE serialises writers anyway).
"""

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col

from calendar_service.db.tables import Calendar, Event, ScholarshipApplication, ScholarshipProgram
from calendar_service.domain.access import Staff, require_calendar_editor
from calendar_service.domain.tokens import hash_token
from calendar_service.errors import NotFound
from calendar_service.scholarships.program_view import ProgramView


class Store:
    """Loading rows for the scholarship services; every miss is a NotFound saying what to do."""

    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session = session
        self.now = now

    async def event_by_slug(self, slug: str, *, lock: bool = False) -> Event:
        stmt = select(Event).where(col(Event.slug) == slug)
        if lock:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        event = await self.session.scalar(stmt)
        if event is None:
            raise NotFound(f"no event '{slug}'; GET /api/events lists events")
        return event

    async def program_of(self, event: Event, *, lock: bool = False) -> ScholarshipProgram:
        stmt = select(ScholarshipProgram).where(col(ScholarshipProgram.event_id) == event.id)
        if lock:
            stmt = stmt.with_for_update()
        program = await self.session.scalar(stmt.execution_options(populate_existing=True))
        if program is None:
            raise NotFound(
                f"event '{event.slug}' has no scholarship program; staff create one with "
                f"PUT /api/staff/events/{event.slug}/scholarship-program"
            )
        return program

    async def view(self, slug: str, *, lock: bool = False) -> ProgramView:
        event = await self.event_by_slug(slug)
        return ProgramView(await self.program_of(event, lock=lock), event)

    async def view_of(self, application: ScholarshipApplication) -> ProgramView:
        return await self.view_of_program(application.program_id)

    async def view_of_program(self, program_id: int) -> ProgramView:
        program = await self.session.get_one(ScholarshipProgram, program_id)
        return ProgramView(program, await self.session.get_one(Event, program.event_id))

    async def application(self, application_id: int, *, lock: bool = False) -> ScholarshipApplication:
        stmt = select(ScholarshipApplication).where(col(ScholarshipApplication.id) == application_id)
        if lock:
            stmt = stmt.with_for_update()
        found = await self.session.scalar(stmt.execution_options(populate_existing=True))
        if found is None:
            raise NotFound(f"no scholarship application {application_id}")
        return found

    async def by_token(self, token: str, *, lock: bool = False) -> ScholarshipApplication:
        digest = hash_token(token)
        stmt = select(ScholarshipApplication).where(
            or_(
                col(ScholarshipApplication.token_hash) == digest,
                col(ScholarshipApplication.link_token_hash) == digest,
            )
        )
        if lock:
            stmt = stmt.with_for_update()
        found = await self.session.scalar(stmt.execution_options(populate_existing=True))
        if found is None:
            raise NotFound("no scholarship application for this link; check that it was copied whole")
        return found

    async def calendar_slug(self, event: Event) -> str:
        return (await self.session.get_one(Calendar, event.calendar_id)).slug

    async def require_editor(self, staff: Staff, event: Event) -> str:
        """The event's calendar slug, once the caller may edit it (admin, or an organizer scoped to it)."""
        calendar = await self.calendar_slug(event)
        require_calendar_editor(staff, calendar)
        return calendar

    async def move_committed(self, program: ScholarshipProgram, delta_minor: int) -> bool:
        """committed += delta, only if the result stays within 0..budget; the row count decides."""
        if delta_minor == 0:
            return True
        column = col(ScholarshipProgram.committed_minor)
        stmt = update(ScholarshipProgram).where(col(ScholarshipProgram.id) == program.id)
        if delta_minor > 0:
            stmt = stmt.where(column + delta_minor <= col(ScholarshipProgram.budget_minor))
        else:
            stmt = stmt.where(column + delta_minor >= 0)
        returning = stmt.values(committed_minor=column + delta_minor, updated_at=self.now).returning(column)
        row = (await self.session.execute(returning.execution_options(synchronize_session=False))).first()
        if row is None:
            return False
        set_committed_value(program, "committed_minor", row[0])
        return True

    async def fresh_program(self, program: ScholarshipProgram) -> ScholarshipProgram:
        await self.session.refresh(program, ["budget_minor", "committed_minor"])
        return program
