"""Erasure: by age (the retention setting) or at a registrant's own request.

What is erased: name, email, answers, tokens (the old links stop working),
the emails written for that person (outbox) and replayable responses that
echo their details (idempotency records). What stays: the row itself with
status, mode, scholarship flag and timestamps, so counts and capacity
history stay true, and per-event totals of closed answers (`answer_total`),
folded in *before* the individual answers are deleted, in the same
transaction. Scholarship applications of those events lose name, email,
affiliation, texts and answers; country, amounts, statuses and scores stay
for the budget and regional summaries.
"""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from calendar_service.db.tables import (
    AnswerTotal,
    Event,
    IdempotencyRecord,
    OutboxMessage,
    Registration,
    ScholarshipApplication,
    ScholarshipProgram,
)
from calendar_service.domain.registration import RegistrationSettings
from calendar_service.domain.retention import fold, past_retention
from calendar_service.errors import InvalidInput
from calendar_service.registrations.service import RegistrationService
from calendar_service.settings import Settings
from calendar_service.staff.audit import AuditLog


@dataclass
class RetentionReport:
    days: int
    cutoff: str
    dry_run: bool
    events: list[str] = field(default_factory=list)
    registrations: int = 0
    applications: int = 0
    totals: int = 0


def _gone() -> str:
    return hashlib.sha256(secrets.token_bytes(32)).hexdigest()


class RetentionService:
    def __init__(self, session: AsyncSession, settings: Settings, now: datetime) -> None:
        self.session = session
        self.settings = settings
        self.now = now
        self.registrations = RegistrationService(session, settings, now)

    async def run(self, days: int | None, *, dry_run: bool = False) -> RetentionReport:
        """Erase personal data of every event that ended more than `days` ago (default: RETENTION_DAYS)."""
        days = days if days is not None else self.settings.retention_days
        if days is None or days < 0:
            raise InvalidInput("days: give --days N or set RETENTION_DAYS (0 or more)", "days")
        report = RetentionReport(days=days, cutoff="", dry_run=dry_run)
        candidates = (await self.session.scalars(select(Event).where(col(Event.last_end_utc).is_not(None)))).all()
        for event in sorted(candidates, key=lambda e: e.id or 0):
            if not past_retention(event.last_end_utc, days, self.now):
                continue
            people = (
                await self.session.scalars(
                    select(Registration).where(
                        col(Registration.event_id) == event.id, col(Registration.erased_at).is_(None)
                    )
                )
            ).all()
            applications = await self._applications(event.id or 0)
            if not people and not applications:
                continue
            report.events.append(event.slug)
            report.registrations += len(people)
            report.applications += len(applications)
            if dry_run:
                continue
            report.totals += await self._erase(event, list(people))
            for application in applications:
                self._erase_application(application)
        if not dry_run and report.events:
            AuditLog(self.session, self.now).record(
                None,
                "retention.erase",
                "events",
                ",".join(report.events)[:200],
                detail={"days": days, "registrations": report.registrations, "applications": report.applications},
            )
        await self.session.flush()
        return report

    async def erase_own(self, token: str) -> None:
        """The registrant's right to erasure: cancel (the next person is promoted), then erase."""
        event, registration = await self.registrations.locked(token)
        if registration.status != "cancelled":
            await self.registrations.seats.cancel(event, registration, None)  # no email to an address being erased
        await self._erase(event, [registration])
        await self.session.flush()

    async def _erase(self, event: Event, people: list[Registration]) -> int:
        questions = RegistrationSettings.of(event.registration).questions
        totals = fold(questions, [(p.status, p.attendance_mode, p.answers or {}) for p in people])
        for (question, answer), count in sorted(totals.items()):
            row = await self.session.get(AnswerTotal, (event.id, question, answer))
            if row is None:
                self.session.add(AnswerTotal(event_id=event.id or 0, question=question, answer=answer, count=count))
            else:
                row.count += count
        ids = [p.id for p in people if p.id is not None]
        for person in people:
            person.name = ""
            person.email = ""
            person.email_key = f"erased-{person.id}"
            person.active_email = None
            person.answers = {}
            person.token_hash = _gone()
            person.link_token_hash = None
            person.feed_token = _gone()
            person.confirm_token_hash = None
            person.erased_at = person.updated_at = self.now
        if ids:
            await self.session.execute(delete(OutboxMessage).where(col(OutboxMessage.registration_id).in_(ids)))
            await self.session.execute(
                delete(IdempotencyRecord).where(col(IdempotencyRecord.scope) == f"registration:{event.id}")
            )
        return len(totals)

    async def _applications(self, event_id: int) -> list[ScholarshipApplication]:
        program = await self.session.scalar(
            select(ScholarshipProgram).where(col(ScholarshipProgram.event_id) == event_id)
        )
        if program is None:
            return []
        return list(
            (
                await self.session.scalars(
                    select(ScholarshipApplication).where(
                        col(ScholarshipApplication.program_id) == program.id,
                        col(ScholarshipApplication.erased_at).is_(None),
                    )
                )
            ).all()
        )

    def _erase_application(self, application: ScholarshipApplication) -> None:
        application.name = application.email = application.affiliation = ""
        application.email_key = f"erased-{application.id}"
        application.motivation = application.contribution = ""
        application.answers = {}
        application.token_hash = _gone()
        application.link_token_hash = None
        application.erased_at = application.updated_at = self.now


async def answer_totals(session: AsyncSession, event_id: int) -> dict[str, dict[str, int]]:
    """{question: {answer: count}} kept for an event after erasure (`_status`, `_mode` included)."""
    rows = await session.execute(
        select(col(AnswerTotal.question), col(AnswerTotal.answer), col(AnswerTotal.count))
        .where(col(AnswerTotal.event_id) == event_id)
        .order_by(col(AnswerTotal.question), col(AnswerTotal.answer))
    )
    totals: dict[str, dict[str, int]] = {}
    for question, answer, count in rows:
        totals.setdefault(question, {})[answer] = count
    return totals
