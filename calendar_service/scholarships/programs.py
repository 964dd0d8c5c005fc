"""A scholarship program: its budget, windows, rubric and places kept for recipients.

Decisions:
- PUT replaces the whole program (what is left out takes its default). Times
  are local wall-clock times in the event's zone, like registration windows;
  a time the clocks skip is refused.
- What reviews and applications already rely on cannot change under them:
  the currency once anyone applied, an award item someone requested, a
  criterion's key or range once someone scored with it (409 saying so).
  Labels and weights may change: ranking reads them afresh.
- The budget cannot go below what is committed (awarded + accepted): a
  conditional UPDATE (`committed <= new budget`) decides, as for awards.
- `reserved_seats` is how many places inside the event capacity are still
  kept for recipients (each acceptance uses one up). Setting it needs that
  many free places (capacity − seats taken), checked by a conditional UPDATE
  on the event; lowering it hands places back to the waiting list at once.
"""

from datetime import datetime
from typing import Any, cast

import msgspec
from sqlalchemy import CursorResult, Update, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from calendar_service.db.tables import Event, ScholarshipApplication, ScholarshipProgram, ScholarshipReview
from calendar_service.domain.access import Staff
from calendar_service.domain.scholarships import (
    check_currency,
    check_regional_targets,
    format_amount,
    json_number,
    parse_amount,
    parse_criteria,
    to_minor,
)
from calendar_service.domain.timezones import parse_local_datetime, to_utc
from calendar_service.errors import Conflict, InvalidInput
from calendar_service.registrations.service import RegistrationService
from calendar_service.scholarships.awards import AwardService
from calendar_service.scholarships.mapping import program_read
from calendar_service.scholarships.program_view import ProgramView
from calendar_service.scholarships.schemas import ProgramPut, ProgramRead
from calendar_service.scholarships.store import Store
from calendar_service.settings import Settings
from calendar_service.staff.audit import AuditLog

PHASE_KEYS = ("screening_closes_at", "scoring_opens_at", "scoring_closes_at")


class ProgramService:
    def __init__(self, session: AsyncSession, settings: Settings, now: datetime) -> None:
        self.session = session
        self.settings = settings
        self.now = now
        self.store = Store(session, now)
        self.audit = AuditLog(session, now)

    async def get(self, slug: str, staff: Staff) -> ProgramRead:
        view = await self.store.view(slug)
        await self.store.require_editor(staff, view.event)
        await AwardService(self.session, self.settings, self.now).expire_program(view)  # lapsed offers pay back
        return await self.read(view)

    async def public(self, slug: str) -> ProgramRead | None:
        """The event's program as the public sees it on the event page (None: the event has none).

        A read: offers that lapsed are not paid back here (the staff read and the worker do that).
        """
        event = await self.store.event_by_slug(slug)
        program = await self.session.scalar(
            select(ScholarshipProgram).where(col(ScholarshipProgram.event_id) == event.id)
        )
        return None if program is None else await self.read(ProgramView(program, event))

    async def put(self, slug: str, data: ProgramPut, staff: Staff) -> ProgramRead:
        found = await self.store.event_by_slug(slug)
        calendar = await self.store.require_editor(staff, found)
        existing = await self.session.scalar(
            select(ScholarshipProgram).where(col(ScholarshipProgram.event_id) == found.id).with_for_update()
        )
        event = await self.store.event_by_slug(slug, lock=True)  # lock order: program, then event
        values = self._check(data, event)
        before = await self.read(ProgramView(existing, event)) if existing else None
        if existing is None and values["closes_at"] <= self.now:
            # A new program whose window is already over could never take an application.
            raise InvalidInput(
                f"closes_at: {data.closes_at} ({event.timezone}) has passed; a new program needs an application "
                "window that ends in the future",
                "closes_at",
            )
        if existing is None:
            program = ScholarshipProgram(
                event_id=event.id or 0,
                currency=values["currency"],
                budget_minor=values["budget_minor"],
                opens_at=values["opens_at"],
                closes_at=values["closes_at"],
                settings=values["settings"],
                created_at=self.now,
                updated_at=self.now,
            )
            self.session.add(program)
            try:
                await self.session.flush()
            except IntegrityError:
                raise Conflict("this event's program was created at the same moment; send the PUT again") from None
        else:
            program = existing
            await self._check_change(program, values)
            program.opens_at, program.closes_at = values["opens_at"], values["closes_at"]
            program.currency = values["currency"]
            program.settings = values["settings"]
            program.updated_at = self.now
            await self.session.flush()
        await self._set_reserved(event, data.reserved_seats)
        after = await self.read(ProgramView(program, event))
        self.audit.record(
            staff,
            "scholarship.program.put",
            "scholarship_program",
            program.id,
            calendar=calendar,
            before=before,
            after=after,
            detail={"event": event.slug},
        )
        return after

    def _check(self, data: ProgramPut, event: Event) -> dict[str, Any]:
        currency = check_currency(data.budget.currency, "budget.currency")
        budget = parse_amount(data.budget.amount, currency, "budget.amount", allow_zero=True)
        instants = {key: self._instant(getattr(data, key), event, key) for key in ("opens_at", "closes_at")}
        if instants["closes_at"] <= instants["opens_at"]:
            raise InvalidInput("closes_at: must be after opens_at", "closes_at")
        phases = {key: getattr(data, key) for key in PHASE_KEYS if getattr(data, key)}
        if "screening_closes_at" in phases and not data.screening:
            raise InvalidInput(
                "screening_closes_at: this program has no screening (screening: false)", "screening_closes_at"
            )
        at = {key: self._instant(text, event, key) for key, text in phases.items()}
        if "screening_closes_at" in at and at["screening_closes_at"] <= instants["opens_at"]:
            raise InvalidInput("screening_closes_at: must be after opens_at", "screening_closes_at")
        scoring_opens = at.get("scoring_opens_at", instants["closes_at"])
        if scoring_opens < instants["opens_at"]:
            raise InvalidInput("scoring_opens_at: must not be before opens_at", "scoring_opens_at")
        if "scoring_closes_at" in at and at["scoring_closes_at"] <= scoring_opens:
            raise InvalidInput(
                "scoring_closes_at: must be after scoring opens (closes_at by default)", "scoring_closes_at"
            )
        items = list(data.award_items)
        if len(set(items)) != len(items):
            raise InvalidInput("award_items: each item once", "award_items")
        criteria = [{k: v for k, v in msgspec.to_builtins(c).items() if v is not None} for c in data.criteria]
        parsed = parse_criteria(criteria)
        targets = check_regional_targets(data.regional_targets)
        maxima: dict[str, str] = {}
        for item, raw in data.max_per_item.items():
            if item not in items:
                raise InvalidInput(
                    f"max_per_item.{item}: not an award item; the items are: {', '.join(items)}", f"max_per_item.{item}"
                )
            maxima[item] = format_amount(parse_amount(raw, currency, f"max_per_item.{item}"), currency)
        questions = [msgspec.to_builtins(q) for q in data.questions]
        keys = [q["key"] for q in questions]
        if len(keys) != len(set(keys)):
            raise InvalidInput("questions: each question needs a distinct key", "questions")
        for index, question in enumerate(questions):
            if question["type"] in ("choice", "multi_choice") and not question["options"]:
                raise InvalidInput(
                    f"questions[{index}].options: a choice question needs options", f"questions[{index}].options"
                )
        settings: dict[str, Any] = {
            "opens_at": data.opens_at,
            "closes_at": data.closes_at,
            **{key: phases.get(key) for key in PHASE_KEYS},
            "award_items": items,
            "criteria": [
                {
                    "key": c.key,
                    "label": c.label,
                    "weight": json_number(c.weight),
                    "min": json_number(c.min),
                    "max": json_number(c.max),
                }
                for c in parsed
            ],
            "reviews_per_application": data.reviews_per_application,
            "screening": data.screening,
            "regional_targets": {label: str(share) for label, share in targets.items()},
            "accept_within_days": data.accept_within_days,
            "questions": questions,
            "max_per_item": maxima,
        }
        return {
            "currency": currency,
            "budget_minor": to_minor(budget, currency),
            "opens_at": instants["opens_at"],
            "closes_at": instants["closes_at"],
            "settings": settings,
        }

    @staticmethod
    def _instant(text: str, event: Event, field: str) -> datetime:
        return to_utc(parse_local_datetime(text, field), event.timezone, None, field)

    async def _check_change(self, program: ScholarshipProgram, values: dict[str, Any]) -> None:
        old = program.settings or {}
        applications = (
            await self.session.scalars(
                select(ScholarshipApplication).where(col(ScholarshipApplication.program_id) == program.id)
            )
        ).all()
        if applications and values["currency"] != program.currency:
            raise Conflict(
                f"budget.currency: applicants already asked in {program.currency}; the currency cannot change now",
                "budget.currency",
            )
        requested = {item for a in applications for item in (a.requested or {})}
        dropped = sorted(requested - set(values["settings"]["award_items"]))
        if dropped:
            raise Conflict(f"award_items: applicants requested {', '.join(dropped)}; keep those items", "award_items")
        scored = await self.session.scalar(
            select(func.count())
            .select_from(ScholarshipReview)
            .join(ScholarshipApplication, col(ScholarshipApplication.id) == col(ScholarshipReview.application_id))
            .where(col(ScholarshipApplication.program_id) == program.id, col(ScholarshipReview.phase) == "scoring")
        )
        if scored:

            def shape(criteria: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
                return [(c["key"], str(c["min"]), str(c["max"])) for c in criteria]

            if shape(old.get("criteria", [])) != shape(values["settings"]["criteria"]):
                raise Conflict(
                    f"criteria: {scored} reviews were scored with the current rubric; its keys and ranges can no "
                    "longer change (labels and weights can)",
                    "criteria",
                )
        budget = values["budget_minor"]
        lowered = await self._update(
            update(ScholarshipProgram)
            .where(col(ScholarshipProgram.id) == program.id, col(ScholarshipProgram.committed_minor) <= budget)
            .values(budget_minor=budget)
            .execution_options(synchronize_session=False)
        )
        if lowered.rowcount == 0:
            await self.store.fresh_program(program)
            view = ProgramView(program, await self.session.get_one(Event, program.event_id))
            raise Conflict(
                f"budget.amount: {view.money(program.committed_minor)} {program.currency} is already committed to "
                f"awards; the budget cannot go below that",
                "budget.amount",
            )
        await self.store.fresh_program(program)

    async def _set_reserved(self, event: Event, reserved: int) -> None:
        if reserved == event.reserved_seats:
            return
        lowered = reserved < event.reserved_seats
        result = await self._update(
            update(Event)
            .where(col(Event.id) == event.id)
            .where(col(Event.capacity).is_(None) | (col(Event.seats_taken) + reserved <= col(Event.capacity)))
            .values(reserved_seats=reserved)
            .execution_options(synchronize_session=False)
        )
        await self.session.refresh(event, ["reserved_seats", "seats_taken", "capacity"])
        if result.rowcount == 0:
            free = (event.capacity or 0) - event.seats_taken
            raise Conflict(
                f"reserved_seats: only {free} of {event.capacity} places are free ({event.seats_taken} taken); "
                f"reserve at most {free} or raise the capacity",
                "reserved_seats",
            )
        if lowered:  # places handed back go to the waiting list now, in order
            await RegistrationService(self.session, self.settings, self.now).capacity_raised(event)

    async def _update(self, stmt: Update) -> CursorResult[Any]:
        """An UPDATE whose row count decides; AsyncSession.execute types every result as a plain Result."""
        return cast("CursorResult[Any]", await self.session.execute(stmt))

    async def read(self, view: ProgramView) -> ProgramRead:
        counts = (
            await self.session.execute(
                select(col(ScholarshipApplication.status), func.count())
                .where(col(ScholarshipApplication.program_id) == view.row.id)
                .group_by(col(ScholarshipApplication.status))
            )
        ).all()
        return program_read(view, {str(status): int(n) for status, n in counts}, self.now, self.settings.base_url)
