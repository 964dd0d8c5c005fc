"""Group commit for registrations: those waiting for one event are decided in one transaction.

Why: one event is one lock. A registration holds the event row (FOR UPDATE on
PostgreSQL, the single writer on SQLite) from its first statement to COMMIT,
so an event's registrations run one after the other, whatever the number of
processes. Done one per transaction, each paid for its own lock, its own
lookups, its own INSERTs and its own COMMIT (an fsync). Now, in each server
process, the registrations that arrive for an event while its previous batch
is being decided wait at the `RegistrationDesk` and are decided together:
one lock, one idempotency lookup, one duplicate lookup, one counter UPDATE,
one INSERT per table, one COMMIT. Under no contention a batch is one request
and nothing waits.

Invariants (tests/api/test_registration_batches.py, and every concurrency test):
- Places are decided under the event lock, in arrival order at the desk; the
  ids are assigned in that order (checked), so the waiting list follows it.
  The counter UPDATE re-checks the capacity itself.
- Everyone gets the answer they would have had alone, in that order: a
  duplicate email (also within the batch), a closed window or a full event
  without waiting list fails that request only; the others are written.
- 201 is answered only after COMMIT. If a batch fails as a whole (a database
  error), each request is decided again alone, in its own transaction, so
  one cannot sink the others.
- Idempotency-Key: a request repeating a key stored earlier, or used by an
  earlier request of the same batch that was accepted, gets that answer (or a
  409 for a different body); after a refused one it is decided afresh, as it
  would have been one after the other.
"""

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from calendar_service.db.tables import Event, IdempotencyRecord, Registration
from calendar_service.db.write_gate import WriteGate
from calendar_service.domain import capacity
from calendar_service.domain import registration as rules
from calendar_service.errors import Conflict, DomainError, InvalidInput
from calendar_service.notifications.outbox import Message, enqueue_many
from calendar_service.registrations.schemas import RegistrationCreate
from calendar_service.registrations.seats import places_of
from calendar_service.registrations.service import NewRegistration, RegistrationService
from calendar_service.settings import Settings

log = logging.getLogger("calendar_service.registrations")

MAX_BATCH = 200
# Before cutting a batch the clerk lets the event loop turn this many times, no timer: requests whose
# bytes have arrived need a few turns (parse, read the body, validate) to reach the desk. A lone
# request waits 10 empty turns (8 µs on uvloop); 50 clients in a closed loop on SQLite went from
# 2,044 to 3,368 registrations/s (batches of ~12 -> ~22; 1 turn: 2,822/s, 16 turns: 3,239/s).
GATHER_TURNS = 10
Outcome = tuple[int, bytes] | DomainError
# The Core tables, for the batch's multi-row statements (SQLModel does not type `Model.__table__`).
REGISTRATION = Registration.metadata.tables[Registration.__tablename__]
IDEMPOTENCY_RECORD = IdempotencyRecord.metadata.tables[IdempotencyRecord.__tablename__]


@dataclass(frozen=True, slots=True)
class Ticket:
    """One POST /api/events/{slug}/registrations, as received."""

    data: RegistrationCreate
    idempotency_key: str | None
    request_hash: str
    email: rules.Email | InvalidInput | None = None  # checked on arrival, outside the event lock

    @classmethod
    def received(cls, data: RegistrationCreate, idempotency_key: str | None, request_hash: str) -> "Ticket":
        """Checks the address now (it needs no event and is the costliest check), not in the batch."""
        try:
            email: rules.Email | InvalidInput = rules.normalize_email(data.email)
        except InvalidInput as refusal:
            email = refusal
        return cls(data, idempotency_key, request_hash, email)

    @property
    def key(self) -> str | None:
        return self.idempotency_key or None  # at most 200 characters (checked on arrival)


async def register_batch(core: RegistrationService, slug: str, tickets: Sequence[Ticket]) -> list[Outcome]:
    """Decide these registrations for one event in the caller's transaction, in order.

    Raises (the whole unit of work fails) only for what concerns everyone: no such event,
    or a database error. Each request's own refusal is its outcome.
    """
    session, seats = core.session, core.seats
    event = await seats.lock_by_slug(slug)
    scope = f"registration:{event.id}"
    outcomes: list[Outcome | None] = [None] * len(tickets)
    stored = await _stored_answers(session, scope, tickets)
    settings = rules.RegistrationSettings.of(event.registration)
    if settings.holds_places:
        await seats.expire_holds(event)  # lapsed holds go to the waiting list before anyone new
    registered = await _registered(session, event, tickets)
    tally = capacity.Tally(places_of(event))
    decided: list[tuple[int, NewRegistration]] = []
    answered_by: dict[str, int] = {}  # Idempotency-Key -> the request in this batch whose answer it stores
    repeats: list[tuple[int, int]] = []
    for index, ticket in enumerate(tickets):
        key = ticket.key
        if key is not None:
            first = stored.get(key)
            earlier = answered_by.get(key)
            if first is not None or earlier is not None:
                first_hash = first.request_hash if first is not None else tickets[earlier or 0].request_hash
                if first_hash != ticket.request_hash:
                    outcomes[index] = Conflict(
                        "this Idempotency-Key was used for a different request; use a new key for a new request"
                    )
                elif first is not None:
                    outcomes[index] = (first.status_code, first.body.encode())
                else:
                    repeats.append((index, earlier or 0))  # the same answer, once it is written
                continue
        try:
            applicant = core.check_applicant(event, ticket.data, ticket.email, settings)
            if applicant.email.key in registered:
                raise Conflict(rules.DUPLICATE_EMAIL)
            decision = tally.admit(applicant.mode, settings, core.now)
        except DomainError as refusal:
            outcomes[index] = refusal
            continue
        registered.add(applicant.email.key)
        decided.append((index, core.new_registration(event, applicant, decision)))
        if key is not None:
            answered_by[key] = index
    if decided:
        await _write(core, event, scope, tickets, decided, tally, outcomes)
    for index, earlier in repeats:
        outcomes[index] = outcomes[earlier]
    return _settled(outcomes)


async def _stored_answers(session: AsyncSession, scope: str, tickets: Sequence[Ticket]) -> dict[str, IdempotencyRecord]:
    keys = {ticket.key for ticket in tickets if ticket.key}
    if not keys:
        return {}
    query = select(IdempotencyRecord).where(col(IdempotencyRecord.scope) == scope, col(IdempotencyRecord.key).in_(keys))
    return {record.key: record for record in await session.scalars(query)}


async def _registered(session: AsyncSession, event: Event, tickets: Sequence[Ticket]) -> set[str]:
    """Which of these addresses already hold an active registration for the event."""
    addresses = {ticket.email.key for ticket in tickets if isinstance(ticket.email, rules.Email)}
    if not addresses:
        return set()
    table = REGISTRATION
    query = select(table.c.active_email).where(table.c.event_id == event.id, table.c.active_email.in_(addresses))
    return set((await session.scalars(query)).all())


async def _write(
    core: RegistrationService,
    event: Event,
    scope: str,
    tickets: Sequence[Ticket],
    decided: list[tuple[int, NewRegistration]],
    tally: capacity.Tally,
    outcomes: list[Outcome | None],
) -> None:
    session, now = core.session, core.now
    await core.seats.take_counted(event, tally)
    waiting_before = 0
    if any(not new.row.holds_seat for _, new in decided):
        waiting_before = await core.seats.waitlist_length(event.id or 0)
    table = REGISTRATION
    rows = [new.row.row() for _, new in decided]
    if len(rows) == 1:  # alone: INSERT … RETURNING id, one statement
        ids = [(await session.execute(insert(table).returning(table.c.id), rows[0])).scalar_one()]
    else:
        # One executemany, then the ids by token hash: RETURNING with rows in parameter order would
        # make SQLAlchemy fall back to one INSERT per row on SQLite (no sentinel column to sort by).
        await session.execute(insert(table), rows)
        hashes = [new.row.token_hash for _, new in decided]
        query = select(table.c.token_hash, table.c.id).where(table.c.token_hash.in_(hashes))
        found = dict((await session.execute(query)).tuples().all())
        ids = [found[token_hash] for token_hash in hashes]
    for (_, new), new_id in zip(decided, ids, strict=True):
        new.row.id = new_id
    if any(later <= earlier for earlier, later in itertools.pairwise(ids)):
        # The waiting list is ordered by id: ids out of arrival order would misstate positions.
        raise RuntimeError(f"registration ids out of arrival order: {ids}")
    messages: list[tuple[Message, int | None]] = []
    records: list[dict[str, Any]] = []
    position = waiting_before
    for index, new in decided:
        registration = new.row
        place: int | None = None
        if registration.status == "waitlisted":
            position += 1
            place = position
        read = core.read_of(registration, event, new.token, place)
        messages.append((await core.letters.registered(event, registration, read, new.confirm_token), registration.id))
        body = msgspec.json.encode(read)
        outcomes[index] = (201, body)
        key = tickets[index].key
        if key:
            records.append(
                {
                    "scope": scope,
                    "key": key,
                    "request_hash": tickets[index].request_hash,
                    "status_code": 201,
                    "body": body.decode(),
                    "created_at": now,
                }
            )
    await enqueue_many(session, messages, now)
    if records:
        await session.execute(insert(IDEMPOTENCY_RECORD), records)


def _settled(outcomes: list[Outcome | None]) -> list[Outcome]:
    missing = [index for index, outcome in enumerate(outcomes) if outcome is None]
    if missing:
        raise RuntimeError(f"registration batch left requests {missing} without an answer")
    return [outcome for outcome in outcomes if outcome is not None]


@dataclass(slots=True)
class _Waiting:
    ticket: Ticket
    future: "asyncio.Future[tuple[int, bytes]]"


class RegistrationDesk:
    """Per process: a queue per event; while one batch of it is decided, the next one gathers.

    A plain class, not a dataclass: it is injected into handlers (`registrations/dependencies.py`),
    and Litestar's signature model would rebuild a dataclass field by field instead of passing it.
    """

    def __init__(
        self,
        session_maker: async_sessionmaker[AsyncSession],
        write_gate: WriteGate | None,
        settings: Settings,
        clock: Callable[[], datetime],
        max_batch: int = MAX_BATCH,
    ) -> None:
        self.session_maker = session_maker
        self.write_gate = write_gate
        self.settings = settings
        self.clock = clock
        self.max_batch = max_batch
        self.transactions = 0  # how many units of work decided registrations (observability, tests)
        self.largest_batch = 0
        self._queues: dict[str, list[_Waiting]] = {}
        self._clerks: dict[str, asyncio.Task[None]] = {}

    async def register(self, slug: str, ticket: Ticket) -> tuple[int, bytes]:
        """(status code, JSON body) once the registration is committed; raises the request's DomainError."""
        waiting = _Waiting(ticket, asyncio.get_running_loop().create_future())
        self._queues.setdefault(slug, []).append(waiting)
        if slug not in self._clerks:
            self._clerks[slug] = asyncio.create_task(self._serve(slug))
        return await waiting.future

    async def close(self) -> None:
        """Shutdown: batches under way finish; nothing new is accepted by then (the server stopped)."""
        clerks = list(self._clerks.values())
        if clerks:
            await asyncio.gather(*clerks, return_exceptions=True)

    async def _serve(self, slug: str) -> None:
        queue = self._queues[slug]
        batch: list[_Waiting] = []
        try:
            while queue:
                for _ in range(GATHER_TURNS):  # requests already read from their sockets join this batch
                    await asyncio.sleep(0)
                batch, later = queue[: self.max_batch], queue[self.max_batch :]
                queue[:] = later
                await self._decide(slug, batch)
                batch = []
        finally:
            for waiting in batch + queue:  # only when cancelled (shutdown): nobody waits forever
                _settle(waiting, RuntimeError("the server stopped before this registration was decided"))
            queue.clear()
            del self._clerks[slug]
            del self._queues[slug]

    async def _decide(self, slug: str, batch: list[_Waiting]) -> None:
        try:
            outcomes = await self._transaction(slug, [waiting.ticket for waiting in batch])
        except DomainError as refusal:  # concerns everyone (no such event)
            for waiting in batch:
                _settle(waiting, refusal)
            return
        except Exception as failure:
            if len(batch) > 1:
                log.warning("a batch of %d registrations for %s failed; deciding each alone", len(batch), slug)
                for waiting in batch:
                    await self._decide(slug, [waiting])
                return
            if isinstance(failure, IntegrityError):  # a concurrent write of the same email slipped past
                _settle(batch[0], Conflict(rules.DUPLICATE_EMAIL))
                return
            _settle(batch[0], failure)
            return
        for waiting, outcome in zip(batch, outcomes, strict=True):
            _settle(waiting, outcome)

    async def _transaction(self, slug: str, tickets: list[Ticket]) -> list[Outcome]:
        self.transactions += 1
        self.largest_batch = max(self.largest_batch, len(tickets))
        gate = self.write_gate if self.write_gate is not None else contextlib.nullcontext()
        async with gate, self.session_maker() as session, session.begin():
            core = RegistrationService(session, self.settings, self.clock())
            return await register_batch(core, slug, tickets)


def _settle(waiting: _Waiting, outcome: Outcome | BaseException) -> None:
    if waiting.future.done():  # the client went away; what was committed stays committed
        return
    if isinstance(outcome, BaseException):
        waiting.future.set_exception(outcome)
    else:
        waiting.future.set_result(outcome)
