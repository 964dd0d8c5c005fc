"""Attendance per session of a series: staff mark who came; counts and completion follow.

A session is named by its original local start (as occurrences are everywhere
in the API). Only registrants holding a place (confirmed or checked in) can be
marked; marking twice changes nothing; unmarking removes the mark.
"""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from calendar_service.db.tables import Calendar, Event, OccurrenceOverride, Registration, SessionAttendance
from calendar_service.domain.access import Staff, require_calendar_editor
from calendar_service.domain.attendance import Programme, completed, programme
from calendar_service.domain.recurrence import parse_series_point
from calendar_service.domain.registration import RegistrationSettings
from calendar_service.domain.timezones import iso_local
from calendar_service.errors import Conflict, InvalidInput, NotFound
from calendar_service.events import mapping
from calendar_service.registrations.retention import answer_totals
from calendar_service.registrations.schemas import AttendanceItem, AttendanceMark, AttendanceSummary
from calendar_service.staff.audit import AuditLog


class AttendanceService:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session = session
        self.now = now

    async def plan(self, event: Event) -> Programme:
        overrides = (
            await self.session.scalars(select(OccurrenceOverride).where(col(OccurrenceOverride.event_id) == event.id))
        ).all()
        percent = RegistrationSettings.of(event.registration).completion_percent
        return programme(mapping.timing_of(event, list(overrides)), percent, self.now)

    async def attended_by_registration(self, event_id: int) -> dict[int, list[datetime]]:
        rows = await self.session.execute(
            select(col(SessionAttendance.registration_id), col(SessionAttendance.occurrence_local)).where(
                col(SessionAttendance.event_id) == event_id
            )
        )
        found: dict[int, list[datetime]] = defaultdict(list)
        for registration_id, occurrence in rows:
            found[registration_id].append(occurrence)
        return found

    async def mark(self, slug: str, original_start: str, data: AttendanceMark, staff: Staff) -> AttendanceSummary:
        event, calendar = await self.event_for(slug, staff)
        plan = await self.plan(event)
        session = parse_series_point(original_start, event.all_day, "original_start")
        if session not in plan.sessions:
            raise NotFound(
                f"'{original_start}' is not a session of '{slug}' (or it is cancelled); "
                f"sessions are named by their original local start, e.g. {iso_local(plan.sessions[0])}"
                if plan.sessions
                else f"'{slug}' has no sessions"
            )
        ids = sorted(set(data.registration_ids))
        rows = (
            await self.session.scalars(
                select(Registration).where(col(Registration.event_id) == event.id, col(Registration.id).in_(ids))
            )
        ).all()
        known = {r.id: r for r in rows}
        for registration_id in ids:
            registration = known.get(registration_id)
            if registration is None:
                raise InvalidInput(
                    f"registration_ids: {registration_id} is not a registration for '{slug}'", "registration_ids"
                )
            if registration.status not in ("confirmed", "attended"):
                raise Conflict(
                    f"registration {registration_id} is {registration.status}; only people holding a place attend"
                )
        existing = set(
            (
                await self.session.scalars(
                    select(col(SessionAttendance.registration_id)).where(
                        col(SessionAttendance.event_id) == event.id,
                        col(SessionAttendance.occurrence_local) == session,
                        col(SessionAttendance.registration_id).in_(ids),
                    )
                )
            ).all()
        )
        if data.attended:
            for registration_id in ids:
                if registration_id not in existing:
                    self.session.add(
                        SessionAttendance(
                            event_id=event.id or 0,
                            registration_id=registration_id,
                            occurrence_local=session,
                            marked_at=self.now,
                            marked_by=staff.name,
                        )
                    )
        elif existing:
            await self.session.execute(
                delete(SessionAttendance).where(
                    col(SessionAttendance.event_id) == event.id,
                    col(SessionAttendance.occurrence_local) == session,
                    col(SessionAttendance.registration_id).in_(existing),
                )
            )
        await self.session.flush()
        AuditLog(self.session, self.now).record(
            staff,
            "registration.attendance",
            "event",
            event.slug,
            calendar=calendar.slug,
            detail={"session": iso_local(session), "registration_ids": ids, "attended": data.attended},
        )
        return await self._summary(event, plan)

    async def summary(self, slug: str, staff: Staff) -> AttendanceSummary:
        event, _ = await self.event_for(slug, staff)
        return await self._summary(event, await self.plan(event))

    async def _summary(self, event: Event, plan: Programme) -> AttendanceSummary:
        attended = await self.attended_by_registration(event.id or 0)
        people = (
            await self.session.scalars(
                select(Registration)
                .where(col(Registration.event_id) == event.id, col(Registration.status).in_(("confirmed", "attended")))
                .order_by(col(Registration.id))
            )
        ).all()
        valid = set(plan.sessions)
        return AttendanceSummary(
            sessions=[iso_local(s) for s in plan.sessions],
            sessions_needed=plan.needed,
            items=[
                AttendanceItem(
                    registration_id=r.id or 0,
                    name=r.name,
                    sessions_attended=len({s for s in attended.get(r.id or 0, []) if s in valid}),
                    attended=[iso_local(s) for s in sorted(set(attended.get(r.id or 0, [])))],
                    completed=completed(attended.get(r.id or 0, []), plan),
                )
                for r in people
            ],
        )

    async def answer_totals(self, slug: str, staff: Staff) -> dict[str, dict[str, int]]:
        """The counts kept for this event when personal data was erased (`retention.py`)."""
        event, _ = await self.event_for(slug, staff)
        return await answer_totals(self.session, event.id or 0)

    async def event_for(self, slug: str, staff: Staff) -> tuple[Event, Calendar]:
        event = await self.session.scalar(select(Event).where(col(Event.slug) == slug))
        if event is None:
            raise NotFound(f"no event '{slug}'; GET /api/events lists events")
        calendar = await self.session.get_one(Calendar, event.calendar_id)
        require_calendar_editor(staff, calendar.slug)
        return event, calendar
