"""Public URLs shared by feeds and pages: `/calendars/{slug}[.ics]`, `/events/{slug}[.ics]`.

Litestar cannot route on a path suffix, so one handler per path serves the
page or, for a name ending in `.ics`, the feed.
"""

import hashlib
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, HeaderParameter, QueryParameter

from calendar_service.domain import registration as rules
from calendar_service.domain.access import PUBLIC_WRITE
from calendar_service.errors import DomainError, Gone, InvalidInput, NotFound
from calendar_service.feeds.conditional import http_date
from calendar_service.feeds.service import FeedQuery, FeedResult
from calendar_service.pages.registration import FormState, body_from_form
from calendar_service.pages.service import confirm_page, outcome_heading, registered_page
from calendar_service.registrations.batch import RegistrationDesk, Ticket
from calendar_service.registrations.schemas import RegistrationCreate, RegistrationRead
from calendar_service.registrations.service import RegistrationService
from calendar_service.web.dependencies import PublicServices

ICS_MEDIA_TYPE = "text/calendar"  # Litestar adds "; charset=utf-8" to text types
HTML_MEDIA_TYPE = "text/html"


def feed_response(result: FeedResult, download: bool) -> Response[bytes]:
    headers = {
        "ETag": result.etag,
        "Last-Modified": http_date(result.last_modified),
        "Cache-Control": "public, max-age=300",
        "Vary": "Accept-Encoding",
    }
    if result.body is None:
        return Response(b"", status_code=304, headers=headers, media_type=ICS_MEDIA_TYPE)
    if download:
        headers["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    if result.gzipped:
        headers["Content-Encoding"] = "gzip"
    return Response(result.body, headers=headers, media_type=ICS_MEDIA_TYPE)


def accepts_gzip(accept_encoding: str | None) -> bool:
    """gzip unless the client refuses it with q=0 (RFC 9110 §12.5.3)."""
    for part in (accept_encoding or "").lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def page_response(body: bytes) -> Response[bytes]:
    return Response(body, media_type=HTML_MEDIA_TYPE)


IfNoneMatch = Annotated[str | None, HeaderParameter(name="If-None-Match")]
IfModifiedSince = Annotated[str | None, HeaderParameter(name="If-Modified-Since")]
AcceptEncoding = Annotated[str | None, HeaderParameter(name="Accept-Encoding")]


class PublicController(Controller):
    """Feeds compress themselves (gzip cached per version), so the app-wide middleware skips them."""

    tags = ["feeds and pages"]
    opt = {"skip_compression": True}

    @get("/calendars/{name:str}", operation_id="GetCalendarFeedOrPage")
    async def get_calendar(
        self,
        name: FromPath[str],
        public: NamedDependency[PublicServices],
        from_: Annotated[str | None, QueryParameter(name="from", description="Only series still running then")] = None,
        to: Annotated[str | None, QueryParameter(description="Only series starting before then")] = None,
        tag: Annotated[str | None, QueryParameter()] = None,
        lang: Annotated[str | None, QueryParameter()] = None,
        country: Annotated[str | None, QueryParameter()] = None,
        mode: Annotated[str | None, QueryParameter()] = None,
        if_none_match: IfNoneMatch = None,
        if_modified_since: IfModifiedSince = None,
        accept_encoding: AcceptEncoding = None,
    ) -> Response[bytes]:
        """`{slug}.ics`: the subscription feed (filters as /api/events; 304 when unchanged). `{slug}`: its page."""
        if not name.endswith(".ics"):
            return page_response(await public.pages.calendar_page(name))
        query = FeedQuery.parse(start=from_, end=to, tag=tag, lang=lang, country=country, mode=mode)
        result = await public.feeds.calendar_feed(
            name.removesuffix(".ics"), query, if_none_match, if_modified_since, accepts_gzip(accept_encoding)
        )
        return feed_response(result, download=False)

    @get("/events/{name:str}", operation_id="GetEventFeedOrPage")
    async def get_event(
        self,
        name: FromPath[str],
        public: NamedDependency[PublicServices],
        if_none_match: IfNoneMatch = None,
        if_modified_since: IfModifiedSince = None,
        accept_encoding: AcceptEncoding = None,
    ) -> Response[bytes]:
        """`{slug}.ics`: one event for "add to calendar". `{slug}`: its page."""
        if not name.endswith(".ics"):
            return page_response(await public.pages.event_page(name))
        result = await public.feeds.event_feed(
            name.removesuffix(".ics"), if_none_match, if_modified_since, accepts_gzip(accept_encoding)
        )
        return feed_response(result, download=True)


class PersonalFeedController(Controller):
    tags = ["feeds and pages"]
    opt = {"skip_compression": True}

    @get("/feeds/{name:str}", operation_id="GetPersonalFeed")
    async def get_personal_feed(
        self,
        name: FromPath[str],
        public: NamedDependency[PublicServices],
        if_none_match: IfNoneMatch = None,
        if_modified_since: IfModifiedSince = None,
    ) -> Response[bytes]:
        """`{feed_token}.ics`: the events its registrant is registered or waitlisted for."""
        if not name.endswith(".ics"):
            raise NotFound("personal feeds end in .ics")
        result = await public.feeds.personal_feed(
            name.removesuffix(".ics"), if_none_match, if_modified_since, public.settings.organizer_email
        )
        return feed_response(result, download=False)


def _status_of(exc: DomainError) -> int:
    if isinstance(exc, InvalidInput):
        return 422
    return 404 if isinstance(exc, NotFound) else 410 if isinstance(exc, Gone) else 409


def _as_input(body: dict[str, Any]) -> RegistrationCreate:
    """The form's fields through the API's own schema; its refusal names the field like the API does."""
    try:
        return msgspec.convert(body, RegistrationCreate)
    except msgspec.ValidationError as exc:
        message, _, where = str(exc).partition(" - at `")
        field = where.rstrip("`").removeprefix("$.") or "body"
        raise InvalidInput(f"{field}: {message}", field) from None


def _problem_page(heading: str, exc: DomainError) -> Response[bytes]:
    return Response(confirm_page(heading, exc.message), status_code=_status_of(exc), media_type=HTML_MEDIA_TYPE)


class RegistrationPageController(Controller):
    """Registering on the event page (an HTML form), and the registrant's own page: see and cancel.

    The form goes through the same registration desk as `POST /api/events/{slug}/registrations`;
    its hidden Idempotency-Key (one per page view) makes a double click one registration.
    """

    tags = ["registrations"]

    @post("/events/{slug:str}/register", operation_id="RegisterFromPage", status_code=200, opt=PUBLIC_WRITE)
    async def register_from_page(
        self, request: Request[Any, Any, State], slug: FromPath[str], public: NamedDependency[PublicServices]
    ) -> Response[bytes]:
        """Form fields: name, email, consent=yes, attendance_mode, answers.<key>, idempotency_key."""
        form = await request.form()
        fields = {key: [str(v) for v in form.getall(key)] for key in form}
        body = body_from_form(fields, await public.pages.questions(slug))
        try:
            key = rules.check_idempotency_key((fields.get("idempotency_key") or [None])[-1])
            data = _as_input(body)
            desk: RegistrationDesk = request.app.state.registration_desk
            raw = msgspec.json.encode(body)
            _, answer = await desk.register(slug, Ticket.received(data, key, hashlib.sha256(raw).hexdigest()))
        except DomainError as refusal:
            state = FormState(values=body, error=refusal.message, error_field=refusal.field or "")
            page = await public.pages.event_page(slug, state)
            return Response(page, status_code=_status_of(refusal), media_type=HTML_MEDIA_TYPE)
        read = msgspec.json.decode(answer, type=RegistrationRead)
        messages = {
            "waitlisted": "We will write as soon as a place is yours.",
            "pending_confirmation": "We sent you an email: confirm with its link before the deadline it gives.",
            "confirmed": "The invitation is in your email.",
        }
        heading = outcome_heading(read)
        return page_response(registered_page(read, public.settings.base_url, heading, messages.get(read.status, "")))

    @get("/registrations/{token:str}", operation_id="RegistrationPage")
    async def registration_page(
        self, token: FromPath[str], registrations: NamedDependency[RegistrationService]
    ) -> Response[bytes]:
        """The token holder's page: status, waiting-list position, personal feed, and a cancel button."""
        try:
            read = await registrations.get(token)
        except DomainError as exc:
            return _problem_page("We could not find this registration", exc)
        return page_response(registered_page(read, registrations.base_url, outcome_heading(read)))

    @post("/registrations/{token:str}/cancel", operation_id="CancelFromPage", status_code=200, opt=PUBLIC_WRITE)
    async def cancel_from_page(
        self, token: FromPath[str], registrations: NamedDependency[RegistrationService]
    ) -> Response[bytes]:
        try:
            read = await registrations.cancel(token)
        except DomainError as exc:
            return _problem_page("We could not cancel this registration", exc)
        message = "Thank you for telling us; your place goes to the next person on the waiting list."
        return page_response(registered_page(read, registrations.base_url, outcome_heading(read), message))


class ConfirmPageController(Controller):
    """The link in the confirmation email: GET shows a button, POST confirms (link scanners only GET)."""

    tags = ["registrations"]

    @get("/registrations/confirm/{confirm_token:str}", operation_id="ConfirmPage")
    async def confirm_form(
        self, confirm_token: FromPath[str], registrations: NamedDependency[RegistrationService]
    ) -> Response[bytes]:
        """A used, expired or unknown link says so at once, instead of offering a button that cannot work."""
        problem = await registrations.confirmation_problem(confirm_token)
        if problem is None:
            return page_response(confirm_page("Confirm your place", show_form=True))
        return Response(
            confirm_page("We could not confirm this place", problem.message),
            status_code=_status_of(problem),
            media_type=HTML_MEDIA_TYPE,
        )

    @post(
        "/registrations/confirm/{confirm_token:str}", operation_id="ConfirmFromPage", status_code=200, opt=PUBLIC_WRITE
    )
    async def confirm_from_page(
        self, confirm_token: FromPath[str], registrations: NamedDependency[RegistrationService]
    ) -> Response[bytes]:
        try:
            result = await registrations.confirm(confirm_token)
        except DomainError as exc:
            return Response(
                confirm_page("We could not confirm this place", exc.message),
                status_code=_status_of(exc),
                media_type=HTML_MEDIA_TYPE,
            )
        url = f"{registrations.base_url}/events/{result.event_slug}"
        return page_response(
            confirm_page("Your place is confirmed", result.detail, event_url=url, event_title=result.event_title)
        )
