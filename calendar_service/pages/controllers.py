"""HTML pages for registrants: the event page's form, the registrant's own page, the confirmation link.

Handlers parse, call one service method (the same ones the JSON API calls) and render. The form
goes through the same registration desk as `POST /api/events/{slug}/registrations`; its hidden
Idempotency-Key (one per page view) makes a double click one registration. Refusals on the
registrant's and confirmation pages are pages too (`pages/errors.py`).
"""

import hashlib
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath

from calendar_service.domain import registration as rules
from calendar_service.domain.access import PUBLIC_WRITE
from calendar_service.errors import DomainError, http_status
from calendar_service.pages import messages as say
from calendar_service.pages.errors import PAGE_ERRORS, error_heading
from calendar_service.pages.registration import FormState, as_registration, body_from_form
from calendar_service.pages.responses import html_response
from calendar_service.pages.service import PageService, confirm_page, outcome_heading, registered_page
from calendar_service.registrations.batch import RegistrationDesk, Ticket
from calendar_service.registrations.schemas import RegistrationRead
from calendar_service.registrations.service import RegistrationService


class RegistrationPageController(Controller):
    """Registering on the event page, and the registrant's own page: see and cancel.

    A refused registration re-renders the event page with what was typed and why; the
    registrant's routes answer a refusal with an error page (`PAGE_ERRORS`).
    """

    tags = ["registrations"]

    @post("/events/{slug:str}/register", operation_id="RegisterFromPage", status_code=200, opt=PUBLIC_WRITE)
    async def register_from_page(
        self,
        request: Request[Any, Any, State],
        slug: FromPath[str],
        pages: NamedDependency[PageService],
        registration_desk: NamedDependency[RegistrationDesk],  # group commit: registrations/batch.py
    ) -> Response[bytes]:
        """Form fields: name, email, consent=yes, attendance_mode, answers.<key>, idempotency_key."""
        form = await request.form()
        fields = {key: [str(v) for v in form.getall(key)] for key in form}
        body = body_from_form(fields, await pages.questions(slug))
        try:
            key = rules.check_idempotency_key(next(reversed(fields.get("idempotency_key", [])), None))
            request_hash = hashlib.sha256(msgspec.json.encode(body)).hexdigest()
            ticket = Ticket.received(as_registration(body), key, request_hash)
            _, answer = await registration_desk.register(slug, ticket)
        except DomainError as refusal:
            state = FormState(values=body, error=refusal.message, error_field=refusal.field or "")
            page = await pages.event_page(slug, state)
            return html_response(page, request, http_status(refusal))
        read = msgspec.json.decode(answer, type=RegistrationRead)
        heading, message = outcome_heading(read), say.outcome_message(read.status)
        return html_response(registered_page(read, pages.base_url, heading, message, pages.locale), request)

    @get(
        "/registrations/{token:str}",
        operation_id="RegistrationPage",
        opt=error_heading(say.REGISTRATION_NOT_FOUND),
        exception_handlers=PAGE_ERRORS,
    )
    async def registration_page(
        self,
        request: Request[Any, Any, State],
        token: FromPath[str],
        registrations: NamedDependency[RegistrationService],
        locale: NamedDependency[str],
    ) -> Response[bytes]:
        """The token holder's page: status, waiting-list position, personal feed, and a cancel button."""
        read = await registrations.get(token)
        page = registered_page(read, registrations.base_url, outcome_heading(read), locale=locale)
        return html_response(page, request)

    @post(
        "/registrations/{token:str}/cancel",
        operation_id="CancelFromPage",
        status_code=200,
        opt={**PUBLIC_WRITE, **error_heading(say.CANCEL_REFUSED)},
        exception_handlers=PAGE_ERRORS,
    )
    async def cancel_from_page(
        self,
        request: Request[Any, Any, State],
        token: FromPath[str],
        registrations: NamedDependency[RegistrationService],
        locale: NamedDependency[str],
    ) -> Response[bytes]:
        read = await registrations.cancel(token)
        page = registered_page(read, registrations.base_url, outcome_heading(read), say.CANCELLED, locale)
        return html_response(page, request)


class ConfirmPageController(Controller):
    """The link in the confirmation email: GET shows a button, POST confirms (link scanners only GET)."""

    tags = ["registrations"]
    exception_handlers = PAGE_ERRORS

    @get(
        "/registrations/confirm/{confirm_token:str}",
        operation_id="ConfirmPage",
        opt=error_heading(say.CONFIRM_REFUSED),
    )
    async def confirm_form(
        self,
        request: Request[Any, Any, State],
        confirm_token: FromPath[str],
        registrations: NamedDependency[RegistrationService],
        locale: NamedDependency[str],
    ) -> Response[bytes]:
        """A used, expired or unknown link says so at once, instead of offering a button that cannot work."""
        problem = await registrations.confirmation_problem(confirm_token)
        if problem is not None:
            raise problem
        return html_response(confirm_page(say.CONFIRM_HEADING, show_form=True, locale=locale), request)

    @post(
        "/registrations/confirm/{confirm_token:str}",
        operation_id="ConfirmFromPage",
        status_code=200,
        opt={**PUBLIC_WRITE, **error_heading(say.CONFIRM_REFUSED)},
    )
    async def confirm_from_page(
        self,
        request: Request[Any, Any, State],
        confirm_token: FromPath[str],
        registrations: NamedDependency[RegistrationService],
        locale: NamedDependency[str],
    ) -> Response[bytes]:
        result = await registrations.confirm(confirm_token)
        url = f"{registrations.base_url}/events/{result.event_slug}"
        page = confirm_page(say.CONFIRMED, result.detail, event_url=url, event_title=result.event_title, locale=locale)
        return html_response(page, request)
