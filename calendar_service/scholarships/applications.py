"""Applying for a scholarship: drafts, submission, and the applicant's answer to an award.

Decisions:
- One application per person (normalised email) and program: the unique
  constraint decides, and the 409 says nothing about the other application.
- Applications are taken from `opens_at` until `closes_at` (local times of
  the event's zone); drafts can be edited and submitted until then too, and a
  submitted application is final.
- Requested amounts name program award items only, in the program currency
  (a `currency` that differs is refused rather than converted), each within
  the program's per-item maximum.
- The link token is 256-bit random and only its SHA-256 is stored; an unknown
  token is a 404. An award email carries a fresh link (the old one stops
  working), since the stored hash cannot be turned back into a link.
- Accepting confirms a place at the event (a reserved scholarship place
  first) in the same transaction; if there is no place at all it is a 409
  and nothing changes. Declining returns the money to the budget atomically.
  An offer past `answer_by` is gone (410).
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from msgspec import UNSET
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.db.tables import Registration, ScholarshipApplication
from calendar_service.domain import registration as rules
from calendar_service.domain.scholarships import (
    ZERO,
    check_currency,
    format_amount,
    format_amounts,
    parse_amount,
    region_of,
    to_minor,
)
from calendar_service.domain.timezones import iso_utc
from calendar_service.domain.tokens import hash_token, new_token
from calendar_service.errors import Conflict, Gone, InvalidInput, NotFound
from calendar_service.notifications.outbox import enqueue
from calendar_service.registrations.recipients import seat_scholarship_recipient
from calendar_service.registrations.service import RegistrationService
from calendar_service.scholarships import messages
from calendar_service.scholarships.awards import expire_application
from calendar_service.scholarships.mapping import application_read, call_read
from calendar_service.scholarships.program_view import ProgramView
from calendar_service.scholarships.schemas import ApplicationCreate, ApplicationRead, ApplicationUpdate, CallRead
from calendar_service.scholarships.store import Store
from calendar_service.settings import Settings

EDITABLE = (
    "name",
    "email",
    "country",
    "affiliation",
    "language",
    "motivation",
    "contribution",
    "requested",
    "currency",
    "would_attend_without_support",
    "answers",
    "share_with_partners",
    "consent",
)


class ApplicationService:
    def __init__(self, session: AsyncSession, settings: Settings, now: datetime) -> None:
        self.session = session
        self.settings = settings
        self.base_url = settings.base_url
        self.now = now
        self.store = Store(session, now)

    async def call(self, slug: str) -> CallRead:
        """The event's call for applications for the public form; an event without a program says so."""
        event = await self.store.event_by_slug(slug)
        try:
            program = await self.store.program_of(event)
        except NotFound:
            return CallRead(event=event.slug, event_title=event.title, timezone=event.timezone, state="none")
        return call_read(ProgramView(program, event), self.now)

    async def apply(self, slug: str, data: ApplicationCreate) -> ApplicationRead:
        view = await self.store.view(slug)
        self._check_open(view)
        token = new_token()
        application = ScholarshipApplication(
            program_id=view.row.id or 0,
            token_hash=hash_token(token),
            status="draft",
            name="",
            email="",
            email_key="",
            country="",
            created_at=self.now,
            updated_at=self.now,
        )
        self._fill(application, view, {key: getattr(data, key) for key in EDITABLE})
        self.session.add(application)
        await self._flush_unique()
        if data.draft:
            status_url = self._url(token)
            enqueue(
                self.session,
                messages.draft_saved(
                    name=application.name,
                    email=application.email,
                    title=view.event.title,
                    status_url=status_url,
                    page_url=self._page_url(token),
                    deadline=f"{view.settings['closes_at']} ({view.event.timezone})",
                ),
                self.now,
            )
        else:
            self._submit(application, view, token)
        return await self._read(application, view, token)

    async def get(self, token: str) -> ApplicationRead:
        application = await self.store.by_token(token, lock=True)
        view = await self.store.view_of(application)
        await expire_application(self.session, self.store, application, view)  # lazily, on read
        return await self._read(application, view, token)

    async def update(self, token: str, data: ApplicationUpdate) -> ApplicationRead:
        application = await self.store.by_token(token, lock=True)
        view = await self.store.view_of(application)
        if application.status != "draft":
            raise Conflict(f"status: this application is {application.status}; only a draft can be edited", "status")
        self._check_open(view)
        changes = {key: getattr(data, key) for key in EDITABLE if getattr(data, key) is not UNSET}
        self._fill(application, view, changes, current=application)
        application.updated_at = self.now
        await self._flush_unique()
        return await self._read(application, view, token)

    async def submit(self, token: str) -> ApplicationRead:
        application = await self.store.by_token(token, lock=True)
        view = await self.store.view_of(application)
        if application.status != "draft":
            raise Conflict(f"status: this application was already submitted; it is {application.status}", "status")
        self._check_open(view)
        self._submit(application, view, token)
        await self.session.flush()
        return await self._read(application, view, token)

    async def accept(self, token: str) -> ApplicationRead:
        application = await self.store.by_token(token, lock=True)
        view = await self.store.view_of(application)
        if application.status == "accepted":
            return await self._read(application, view, token)
        self._check_answerable(application)
        registration = await seat_scholarship_recipient(
            RegistrationService(self.session, self.settings, self.now),
            view.event.id or 0,
            application.name,
            application.email,
        )
        application.status = "accepted"
        application.answered_at = application.updated_at = self.now
        application.registration_id = registration.id
        await self.session.flush()
        return await self._read(application, view, token)

    async def decline(self, token: str) -> ApplicationRead:
        application = await self.store.by_token(token, lock=True)
        view = await self.store.view_of(application)
        if application.status == "declined":
            return await self._read(application, view, token)
        if application.status == "accepted":
            raise Conflict("you already accepted this award; write to the organizers to give it up", "status")
        self._check_answerable(application)
        if not await self.store.move_committed(view.row, -application.award_minor):
            raise Conflict("the budget ledger does not hold this award; tell the organizers")  # pragma: no cover
        application.status = "declined"
        application.answered_at = application.updated_at = self.now
        enqueue(
            self.session,
            messages.declined(name=application.name, email=application.email, title=view.event.title),
            self.now,
        )
        await self.session.flush()
        return await self._read(application, view, token)

    # -- internals -----------------------------------------------------------------------------

    def _check_open(self, view: ProgramView) -> None:
        zone, settings = view.event.timezone, view.settings
        if self.now < view.row.opens_at:
            raise Conflict(
                f"opens_at: applications open at {settings['opens_at']} ({zone}); try again then", "opens_at"
            )
        if self.now >= view.row.closes_at:
            raise Conflict(
                f"closes_at: the deadline for applications was {settings['closes_at']} ({zone}); "
                "no applications or changes are taken after it",
                "closes_at",
            )

    def _check_answerable(self, application: ScholarshipApplication) -> None:
        if application.status == "expired" or (
            application.status == "awarded" and application.answer_by and application.answer_by <= self.now
        ):
            deadline = iso_utc(application.answer_by) if application.answer_by else "the deadline"
            raise Gone(f"answer_by: this award had to be answered by {deadline} (UTC) and has lapsed", "answer_by")
        if application.status != "awarded":
            raise Conflict(f"status: there is no award to answer; this application is {application.status}", "status")

    def _fill(
        self,
        application: ScholarshipApplication,
        view: ProgramView,
        values: dict[str, Any],
        current: ScholarshipApplication | None = None,
    ) -> None:
        if "consent" in values and not values["consent"]:
            raise InvalidInput("consent: applying needs your consent to store these details (consent: true)", "consent")
        if "name" in values:
            application.name = rules.clean_name(values["name"])
        if "email" in values:
            email = rules.normalize_email(values["email"])
            application.email, application.email_key = email.address, email.key
        if "country" in values:
            application.country = region_of(values["country"]).country
        if values.get("currency") not in (None, UNSET):
            currency = check_currency(values["currency"])
            if currency != view.currency:
                raise InvalidInput(
                    f"currency: this program pays in {view.currency}; request amounts in {view.currency}, "
                    f"not {currency}",
                    "currency",
                )
        if "requested" in values:
            requested = self._requested(values["requested"], view)
            application.requested = format_amounts(requested, view.currency)
            application.requested_minor = to_minor(sum(requested.values(), ZERO), view.currency)
        if "answers" in values:
            # A draft may leave required questions open; submitting checks them.
            optional = [{**q, "required": False} for q in view.questions]
            application.answers = rules.check_answers(optional, values["answers"])
        for key in ("affiliation", "motivation", "contribution"):
            if key in values:
                setattr(application, key, values[key].strip())
        if "language" in values:
            application.language = (values["language"] or "").strip() or None
        for key in ("would_attend_without_support", "share_with_partners"):
            if key in values:
                setattr(application, key, bool(values[key]))
        application.consent = True

    def _requested(self, raw: dict[str, Any], view: ProgramView) -> dict[str, Decimal]:
        items, maxima = view.award_items, view.max_per_item
        cleaned: dict[str, Decimal] = {}
        for item, value in raw.items():
            field = f"requested.{item}"
            if item not in items:
                raise InvalidInput(
                    f"{field}: not an award item of this program; the items are: {', '.join(items)}", field
                )
            amount = parse_amount(value, view.currency, field)
            if item in maxima and amount > maxima[item]:
                limit = format_amount(maxima[item], view.currency, with_code=True)
                raise InvalidInput(f"{field}: at most {limit} can be requested for {item}", field)
            cleaned[item] = amount
        return {item: cleaned[item] for item in items if item in cleaned}

    def _submit(self, application: ScholarshipApplication, view: ProgramView, token: str) -> None:
        if not application.requested:
            raise InvalidInput(f"requested: ask for at least one of: {', '.join(view.award_items)}", "requested")
        if not application.motivation:
            raise InvalidInput("motivation: tell the reviewers why you want to attend", "motivation")
        rules.check_answers(view.questions, application.answers)  # required questions, now
        application.status = "submitted"
        application.submitted_at = application.updated_at = self.now
        requested = ", ".join(f"{item} {amount}" for item, amount in application.requested.items())
        enqueue(
            self.session,
            messages.received(
                name=application.name,
                email=application.email,
                title=view.event.title,
                status_url=self._url(token),
                page_url=self._page_url(token),
                requested=f"{requested} {view.currency}",
            ),
            self.now,
        )

    async def _flush_unique(self) -> None:
        try:
            await self.session.flush()
        except IntegrityError:
            raise Conflict(
                "email: an application with this email already exists for this program; "
                "the email we sent then has the link to it",
                "email",
            ) from None

    def _url(self, token: str) -> str:
        return f"{self.base_url}/api/scholarship-applications/{token}"

    def _page_url(self, token: str) -> str:
        """The applicant's page in a browser (scholarships/page_controllers.py)."""
        return f"{self.base_url}/applications/{token}"

    async def _read(self, application: ScholarshipApplication, view: ProgramView, token: str) -> ApplicationRead:
        url = self._url(token)
        registration = (
            await self.session.get(Registration, application.registration_id) if application.registration_id else None
        )
        links = {"self": url}
        if application.status == "draft":
            links["submit"] = f"{url}/submit"
        if application.status == "awarded":
            links |= {"accept": f"{url}/accept", "decline": f"{url}/decline"}
        if registration is not None:
            links["event"] = f"{self.base_url}/events/{view.event.slug}"
        return application_read(
            application,
            view,
            token=token,
            links=links,
            registration_status=registration.status if registration else None,
        )
