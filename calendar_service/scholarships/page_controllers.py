"""HTML pages for scholarship applicants: the application form, the applicant's own page, the answer.

Handlers parse the form, call the same `ApplicationService` methods as the JSON API
(`scholarships/controllers.py`) and render or redirect (303, so a reload does not post twice).
A refused form is re-rendered with what was typed and each error next to its field; it is
raised as `FormRefused` so that the request's transaction rolls back whatever the refused call
had begun, and answered by `form_refused`. Other refusals are pages in the layout
(`pages/errors.py`), with the status the API gives them.
"""

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from calendar_service.domain.access import PUBLIC_WRITE
from calendar_service.errors import DomainError, http_status
from calendar_service.pages.errors import PAGE_ERRORS, error_heading
from calendar_service.pages.responses import html_response
from calendar_service.scholarships import applicant_pages as pages
from calendar_service.scholarships.applicant_pages import ApplyForm
from calendar_service.scholarships.applications import ApplicationService

TZ_COOKIE = "tz"


class FormRefused(Exception):
    """A refused form, already rendered: raised so that the transaction rolls back."""

    def __init__(self, page: bytes, status: int) -> None:
        super().__init__("form refused")
        self.page = page
        self.status = status


def form_refused(request: Request[Any, Any, Any], exc: FormRefused) -> Response[bytes]:
    return html_response(exc.page, request, exc.status)


def back_to(request: Request[Any, Any, State], path: str, saved: str = "") -> Redirect:
    """303 to the applicant's page, keeping an explicit `?lang=` (and saying what was just saved)."""
    query = [f"saved={saved}"] if saved else []
    lang = request.query_params.get("lang")
    if lang in ("en", "es"):
        query.append(f"lang={lang}")
    return Redirect(path=path + ("?" + "&".join(query) if query else ""), status_code=303)


def viewer(request: Request[Any, Any, State]) -> str:
    return pages.viewer_zone(request.query_params.get("tz"), request.cookies.get(TZ_COOKIE))


async def fields(request: Request[Any, Any, State]) -> dict[str, list[str]]:
    form = await request.form()
    return {key: [str(v) for v in form.getall(key)] for key in form}


class ApplicationPageController(Controller):
    """`/events/{slug}/apply` (the program's `apply_url`) and the applicant's `/applications/{token}`."""

    tags = ["scholarships"]
    exception_handlers = {**PAGE_ERRORS, FormRefused: form_refused}

    @get("/events/{slug:str}/apply", operation_id="ScholarshipApplyPage", opt=error_heading(pages.NOT_FOUND))
    async def apply_form(
        self,
        request: Request[Any, Any, State],
        slug: FromPath[str],
        scholarship_applications: NamedDependency[ApplicationService],
        locale: NamedDependency[str],
    ) -> Response[bytes]:
        """The program's items, limits, deadline and questions, and the form (or why there is none)."""
        call = await scholarship_applications.call(slug)
        return html_response(pages.apply_page(call, ApplyForm(), viewer(request), locale), request)

    @post(
        "/events/{slug:str}/apply",
        operation_id="ScholarshipApplyFromPage",
        opt={**PUBLIC_WRITE, **error_heading(pages.NOT_FOUND)},
    )
    async def apply_from_page(
        self,
        request: Request[Any, Any, State],
        slug: FromPath[str],
        scholarship_applications: NamedDependency[ApplicationService],
        locale: NamedDependency[str],
    ) -> Response[bytes] | Redirect:
        """Form fields as `ApplicationCreate`; `action=draft` saves a draft, `action=submit` applies."""
        form = await fields(request)
        call = await scholarship_applications.call(slug)
        body, submit = pages.body_from_form(form, call), pages.wants_submit(form)
        errors = pages.missing(body, call, submit)
        status = 422
        if not errors:
            try:
                read = await scholarship_applications.apply(slug, pages.as_create(body, draft=not submit))
            except DomainError as refusal:
                errors, status = pages.refusal_errors(refusal, call), http_status(refusal)
            else:
                return back_to(request, f"/applications/{read.token}", "submitted" if submit else "draft")
        page = pages.apply_page(call, ApplyForm(body, errors), viewer(request), locale)
        raise FormRefused(page, status)

    @get(
        "/applications/{token:str}",
        operation_id="ScholarshipApplicationPage",
        opt=error_heading(pages.NOT_FOUND),
    )
    async def application_page(
        self,
        request: Request[Any, Any, State],
        token: FromPath[str],
        scholarship_applications: NamedDependency[ApplicationService],
        locale: NamedDependency[str],
    ) -> Response[bytes]:
        """The applicant's page: status, the draft to edit and submit, the award to accept or decline."""
        read = await scholarship_applications.get(token)
        call = await scholarship_applications.call(read.event)
        notice = pages.NOTICES.get(request.query_params.get("saved", ""), "")
        base = scholarship_applications.base_url
        page = pages.application_page(read, call, base, notice=notice, viewer=viewer(request), locale=locale)
        return html_response(page, request)

    @post(
        "/applications/{token:str}",
        operation_id="ScholarshipEditFromPage",
        opt={**PUBLIC_WRITE, **error_heading(pages.NOT_FOUND)},
    )
    async def edit_from_page(
        self,
        request: Request[Any, Any, State],
        token: FromPath[str],
        scholarship_applications: NamedDependency[ApplicationService],
        locale: NamedDependency[str],
    ) -> Response[bytes] | Redirect:
        """Save the draft (PATCH semantics: every field of the form), then submit it when asked to."""
        form = await fields(request)
        read = await scholarship_applications.get(token)
        call = await scholarship_applications.call(read.event)
        body, submit = pages.body_from_form(form, call), pages.wants_submit(form)
        errors = pages.missing(body, call, submit)
        status = 422
        if not errors:
            try:
                await scholarship_applications.update(token, pages.as_update(body))
                if submit:
                    await scholarship_applications.submit(token)
            except DomainError as refusal:
                errors, status = pages.refusal_errors(refusal, call), http_status(refusal)
            else:
                return back_to(request, f"/applications/{token}", "submitted" if submit else "draft")
        base = scholarship_applications.base_url
        page = pages.application_page(read, call, base, ApplyForm(body, errors), viewer=viewer(request), locale=locale)
        raise FormRefused(page, status)

    @get(
        "/applications/{token:str}/accept",
        operation_id="ScholarshipAcceptConfirmPage",
        opt=error_heading(pages.NOT_FOUND),
    )
    async def confirm_accept(
        self,
        request: Request[Any, Any, State],
        token: FromPath[str],
        scholarship_applications: NamedDependency[ApplicationService],
        locale: NamedDependency[str],
    ) -> Response[bytes]:
        """ "Are you sure?": opening the link changes nothing (mail scanners follow links); the button does."""
        read = await scholarship_applications.get(token)
        return html_response(pages.confirm_answer_page(read, "accept", viewer(request), locale), request)

    @get(
        "/applications/{token:str}/decline",
        operation_id="ScholarshipDeclineConfirmPage",
        opt=error_heading(pages.NOT_FOUND),
    )
    async def confirm_decline(
        self,
        request: Request[Any, Any, State],
        token: FromPath[str],
        scholarship_applications: NamedDependency[ApplicationService],
        locale: NamedDependency[str],
    ) -> Response[bytes]:
        read = await scholarship_applications.get(token)
        return html_response(pages.confirm_answer_page(read, "decline", viewer(request), locale), request)

    @post(
        "/applications/{token:str}/accept",
        operation_id="ScholarshipAcceptFromPage",
        opt={**PUBLIC_WRITE, **error_heading(pages.ANSWER_REFUSED)},
    )
    async def accept_from_page(
        self,
        request: Request[Any, Any, State],
        token: FromPath[str],
        scholarship_applications: NamedDependency[ApplicationService],
    ) -> Redirect:
        await scholarship_applications.accept(token)
        return back_to(request, f"/applications/{token}")

    @post(
        "/applications/{token:str}/decline",
        operation_id="ScholarshipDeclineFromPage",
        opt={**PUBLIC_WRITE, **error_heading(pages.ANSWER_REFUSED)},
    )
    async def decline_from_page(
        self,
        request: Request[Any, Any, State],
        token: FromPath[str],
        scholarship_applications: NamedDependency[ApplicationService],
    ) -> Redirect:
        await scholarship_applications.decline(token)
        return back_to(request, f"/applications/{token}")
