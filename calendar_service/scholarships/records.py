"""The scholarship shell's shared ground: rows loaded with the right locks, money in minor units,
a program's settings read as domain values, and the one atomic path that moves committed money.

Invariants:
- `committed_minor` changes only through `Store.move_committed`: a conditional
  UPDATE whose WHERE keeps 0 <= committed <= budget, so concurrent awards in
  any number of processes can never overspend; its row count decides.
- Lock order is application(s) → program → event, everywhere, so two units of
  work never wait on each other in a cycle (PostgreSQL row locks; SQLite's
  BEGIN IMMEDIATE serialises writers anyway).
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from calendar_service.db.tables import Calendar, Event, ScholarshipApplication, ScholarshipProgram
from calendar_service.domain.access import Staff, require_calendar_editor
from calendar_service.domain.scholarships import (
    Criterion,
    Region,
    check_regional_targets,
    exponent_of,
    format_amount,
    parse_criteria,
    region_of,
)
from calendar_service.domain.scholarships.money import quantum
from calendar_service.domain.timezones import get_zone, parse_local_datetime, to_utc_lenient
from calendar_service.domain.tokens import hash_token
from calendar_service.errors import NotFound

ZERO = Decimal(0)


def to_minor(amount: Decimal, currency: str) -> int:
    return int(amount.scaleb(exponent_of(currency)))


def from_minor(minor: int, currency: str) -> Decimal:
    exponent = exponent_of(currency)
    return Decimal(minor).scaleb(-exponent).quantize(quantum(exponent))


def show(minor: int, currency: str) -> str:
    return format_amount(from_minor(minor, currency), currency)


def amounts_of(stored: dict[str, Any], currency: str) -> dict[str, Decimal]:
    """Stored `{item: "1500.00"}` as Decimals."""
    return {item: Decimal(str(value)).quantize(quantum(exponent_of(currency))) for item, value in stored.items()}


def as_text(amounts: dict[str, Decimal], currency: str) -> dict[str, str]:
    return {item: format_amount(value, currency) for item, value in amounts.items()}


def plain_number(value: Decimal) -> int | float:
    """A checked Decimal as a JSON number that reads back to the same Decimal (floats via repr)."""
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass(frozen=True)
class ProgramView:
    """A program row and its event, with the settings JSON read as domain values."""

    row: ScholarshipProgram
    event: Event

    @property
    def settings(self) -> dict[str, Any]:
        return self.row.settings or {}

    @property
    def currency(self) -> str:
        return self.row.currency

    def screening_of(self, application: ScholarshipApplication) -> str:
        """The application's screening state, or `not_required` when the program has no screening phase."""
        return application.screening if self.settings.get("screening") else "not_required"

    @property
    def award_items(self) -> list[str]:
        return list(self.settings.get("award_items", []))

    @cached_property
    def criteria(self) -> tuple[Criterion, ...]:
        return parse_criteria(self.settings.get("criteria", []))

    @property
    def per_application(self) -> int:
        return int(self.settings.get("reviews_per_application", 2))

    @property
    def screening(self) -> bool:
        return bool(self.settings.get("screening"))

    @property
    def accept_within_days(self) -> int:
        return int(self.settings.get("accept_within_days", 14))

    @property
    def questions(self) -> list[dict[str, Any]]:
        return list(self.settings.get("questions", []))

    @property
    def max_per_item(self) -> dict[str, Decimal]:
        return amounts_of(self.settings.get("max_per_item", {}), self.currency)

    @property
    def regional_targets(self) -> dict[str, Decimal]:
        return check_regional_targets(
            {label: Decimal(share) for label, share in self.settings.get("regional_targets", {}).items()}
        )

    @property
    def reviewers(self) -> list[int] | None:
        chosen = self.settings.get("reviewers")
        return None if chosen is None else [int(r) for r in chosen]

    def local(self, key: str) -> str | None:
        value = self.settings.get(key)
        return str(value) if value else None

    def instant(self, key: str) -> datetime | None:
        """A phase boundary (local time in the event zone, stored as written) as a UTC instant."""
        text = self.local(key)
        if text is None:
            return None
        return to_utc_lenient(parse_local_datetime(text, key), get_zone(self.event.timezone))

    @property
    def scoring_opens(self) -> datetime:
        return self.instant("scoring_opens_at") or self.row.closes_at

    def phase(self, now: datetime) -> str:
        """What the program is doing now (informational; each action checks its own window)."""
        if now < self.row.opens_at:
            return "not_open"
        if now < self.row.closes_at:
            return "applications"
        scoring_closes = self.instant("scoring_closes_at")
        if now < self.scoring_opens:
            return "screening" if self.screening else "waiting_for_scoring"
        if scoring_closes is None or now < scoring_closes:
            return "scoring"
        return "awards"

    def money(self, minor: int) -> str:
        return show(minor, self.currency)


def region_facts(application: ScholarshipApplication) -> Region:
    return region_of(application.country)


class Store:
    """Loading rows for the scholarship services; every miss is a NotFound saying what to do."""

    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session = session
        self.now = now

    async def event_by_slug(self, slug: str, *, lock: bool = False) -> Event:
        stmt = select(Event).where(Event.slug == slug)
        if lock:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        event = await self.session.scalar(stmt)
        if event is None:
            raise NotFound(f"no event '{slug}'; GET /api/events lists events")
        return event

    async def program_of(self, event: Event, *, lock: bool = False) -> ScholarshipProgram:
        stmt = select(ScholarshipProgram).where(ScholarshipProgram.event_id == event.id)
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
        stmt = select(ScholarshipApplication).where(ScholarshipApplication.id == application_id)
        if lock:
            stmt = stmt.with_for_update()
        found = await self.session.scalar(stmt.execution_options(populate_existing=True))
        if found is None:
            raise NotFound(f"no scholarship application {application_id}")
        return found

    async def by_token(self, token: str, *, lock: bool = False) -> ScholarshipApplication:
        digest = hash_token(token)
        stmt = select(ScholarshipApplication).where(
            or_(ScholarshipApplication.token_hash == digest, ScholarshipApplication.link_token_hash == digest)
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
        column = ScholarshipProgram.committed_minor
        stmt = update(ScholarshipProgram).where(ScholarshipProgram.id == program.id)  # type: ignore[arg-type]
        if delta_minor > 0:
            stmt = stmt.where(column + delta_minor <= ScholarshipProgram.budget_minor)
        else:
            stmt = stmt.where(column + delta_minor >= 0)
        stmt = stmt.values(committed_minor=column + delta_minor, updated_at=self.now).returning(column)
        row = (await self.session.execute(stmt.execution_options(synchronize_session=False))).first()
        if row is None:
            return False
        set_committed_value(program, "committed_minor", row[0])
        return True

    async def fresh_program(self, program: ScholarshipProgram) -> ScholarshipProgram:
        await self.session.refresh(program, ["budget_minor", "committed_minor"])
        return program
