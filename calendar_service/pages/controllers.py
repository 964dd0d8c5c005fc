"""HTML pages for registrants: the event page's form, the registrant's own page, the confirmation link.

Handlers parse, call one service method (the same ones the JSON API calls) and render. The form
goes through the same registration desk as `POST /api/events/{slug}/registrations`; its hidden
Idempotency-Key (one per page view) makes a double click one registration. Refusals on the
registrant's and confirmation pages are pages too (`pages/errors.py`).
"""

import hashlib
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from calendar_service.domain import registration as rules
from calendar_service.domain.access import PUBLIC_WRITE
from calendar_service.errors import DomainError, http_status
from calendar_service.pages import messages as say
from calendar_service.pages.errors import PAGE_ERRORS, error_heading
from calendar_service.pages.registrant import RegistrantPages, outcome_page
from calendar_service.pages.registration import (
    FormState,
    as_registration,
    body_from_form,
    form_problems,
    refusal_problem,
)
from calendar_service.pages.responses import html_response
from calendar_service.pages.service import PageService, confirm_page
from calendar_service.registrations.batch import RegistrationDesk, Ticket
from calendar_service.registrations.schemas import RegistrationRead
from calendar_service.registrations.service import RegistrationService
from calendar_service.settings import Settings


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
        settings: NamedDependency[Settings],
    ) -> Response[bytes]:
        """Form fields: name, email, consent=yes, attendance_mode, answers.<key>, idempotency_key."""
        form = await request.form()
        fields = {key: [str(v) for v in form.getall(key)] for key in form}
        questions, mode = await pages.form_rules(slug)
        body = body_from_form(fields, questions)
        problems = form_problems(body, questions, mode)  # every mistake at once, before the desk's own checks
        if problems:
            page = await pages.event_page(slug, FormState(values=body, problems=problems))
            return html_response(page, request, 422)
        try:
            key = rules.check_idempotency_key(next(reversed(fields.get("idempotency_key", [])), None))
            request_hash = hashlib.sha256(msgspec.json.encode(body)).hexdigest()
            ticket = Ticket.received(as_registration(body), key, request_hash)
            _, answer = await registration_desk.register(slug, ticket)
        except DomainError as refusal:
            state = FormState(values=body, problems=[refusal_problem(refusal, questions, body)])
            page = await pages.event_page(slug, state)
            return html_response(page, request, http_status(refusal))
        read = msgspec.json.decode(answer, type=RegistrationRead)
        page = await outcome_page(pages.events, pages.locale, read, mail=bool(settings.smtp_url))
        return html_response(page, request)

    @get(
        "/registrations/link",
        operation_id="RegistrationLinkPage",
        exception_handlers=PAGE_ERRORS,
    )
    async def registration_link_form(
        self,
        request: Request[Any, Any, State],
        registrant_pages: NamedDependency[RegistrantPages],
        event: Annotated[str, QueryParameter(description="the event's slug, to ask for it already chosen")] = "",
    ) -> Response[bytes]:
        """ "Send me my link again": the event and the email address registered with."""
        return html_response(await registrant_pages.link_form(event), request)

    @post(
        "/registrations/link",
        operation_id="RegistrationLinkFromPage",
        status_code=200,
        opt=PUBLIC_WRITE,
        exception_handlers=PAGE_ERRORS,
    )
    async def send_registration_link(
        self, request: Request[Any, Any, State], registrant_pages: NamedDependency[RegistrantPages]
    ) -> Response[bytes]:
        """The resend-link service of the API; the answer is the same sentence whatever the address."""
        form = await request.form()
        page = await registrant_pages.send_link(str(form.get("event") or ""), str(form.get("email") or ""))
        return html_response(page, request)

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
        registrant_pages: NamedDependency[RegistrantPages],
    ) -> Response[bytes]:
        """The token holder's page: status, waiting-list position, time and place, answers, calendar, cancel, erase."""
        return html_response(await registrant_pages.registration(token), request)

    @get(
        "/registrations/{token:str}/cancel",
        operation_id="CancelQuestionPage",
        opt=error_heading(say.REGISTRATION_NOT_FOUND),
        exception_handlers=PAGE_ERRORS,
    )
    async def cancel_question(
        self,
        request: Request[Any, Any, State],
        token: FromPath[str],
        registrant_pages: NamedDependency[RegistrantPages],
    ) -> Response[bytes]:
        """ "Are you sure?" — opening a link never cancels (mail scanners open links)."""
        return html_response(await registrant_pages.cancel_question(token), request)

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
        registrant_pages: NamedDependency[RegistrantPages],
    ) -> Response[bytes]:
        return html_response(await registrant_pages.cancel(token), request)

    @get(
        "/registrations/{token:str}/erase",
        operation_id="EraseQuestionPage",
        opt=error_heading(say.REGISTRATION_NOT_FOUND),
        exception_handlers=PAGE_ERRORS,
    )
    async def erase_question(
        self,
        request: Request[Any, Any, State],
        token: FromPath[str],
        registrant_pages: NamedDependency[RegistrantPages],
    ) -> Response[bytes]:
        return html_response(await registrant_pages.erase_question(token), request)

    @post(
        "/registrations/{token:str}/erase",
        operation_id="EraseFromPage",
        status_code=200,
        opt={**PUBLIC_WRITE, **error_heading(say.ERASE_REFUSED)},
        exception_handlers=PAGE_ERRORS,
    )
    async def erase_from_page(
        self,
        request: Request[Any, Any, State],
        token: FromPath[str],
        registrant_pages: NamedDependency[RegistrantPages],
    ) -> Response[bytes]:
        """The API's right to erasure: cancel (the next person is promoted), erase name, email and answers."""
        return html_response(await registrant_pages.erase(token), request)


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
