"""create_app(settings) -> Litestar: routes, dependencies, error handlers, lifespan."""

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from litestar import Litestar, Request
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.openapi import OpenAPIConfig
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from sqlalchemy.engine import make_url

from calendar_service import __version__
from calendar_service.calendars.controllers import CalendarController
from calendar_service.calendars.dependencies import provide_calendar_service
from calendar_service.clock import utcnow
from calendar_service.db.engine import create_engine, create_session_maker
from calendar_service.db.migrate import ensure_migrated
from calendar_service.db.write_gate import WriteGate
from calendar_service.domain import compression
from calendar_service.events.controllers import EventController
from calendar_service.events.service import EventService
from calendar_service.exports.controllers import ExportController
from calendar_service.exports.dependencies import provide_attendee_export
from calendar_service.feeds.cache import FeedCache
from calendar_service.feeds.controllers import PersonalFeedController
from calendar_service.feeds.dependencies import provide_feed_service
from calendar_service.notifications.sender import SmtpTarget, send_due
from calendar_service.pages.assets import pages_static_router
from calendar_service.pages.controllers import ConfirmPageController, RegistrationPageController
from calendar_service.pages.dependencies import provide_listing_pages, provide_locale
from calendar_service.pages.listing_controllers import ListingPageController
from calendar_service.pages.registrant import provide_registrant_pages
from calendar_service.registrations import dependencies as registration_deps
from calendar_service.registrations.batch import RegistrationDesk
from calendar_service.registrations.controllers import AttendanceController, RegistrationController
from calendar_service.registrations.service import RegistrationService
from calendar_service.scholarships import dependencies as scholarship_deps
from calendar_service.scholarships.awards import AwardService
from calendar_service.scholarships.controllers import ApplicantController, ProgramController, ReviewController
from calendar_service.scholarships.page_controllers import ApplicationPageController
from calendar_service.settings import Settings, get_settings
from calendar_service.staff.controllers import StaffController
from calendar_service.staff.dependencies import provide_staff_admin
from calendar_service.web import access_log
from calendar_service.web import dependencies as deps
from calendar_service.web.errors import HANDLERS
from calendar_service.web.health import HealthController
from calendar_service.web.input_guard import InputGuardMiddleware
from calendar_service.web.openapi import (
    COMPONENTS,
    TidyJsonRenderPlugin,
    TidySwaggerRenderPlugin,
    TidyYamlRenderPlugin,
    document_errors,
)
from calendar_service.web.public_paths import PublicPathController
from calendar_service.web.security import CsrfScopeMiddleware, csrf_config, safety_headers
from calendar_service.web.swagger_assets import swagger_ui_router
from calendar_service.web.transactions import TransactionMiddleware, provide_db_session, provide_read_session


async def _background(app: Litestar, settings: Settings, clock: Callable[[], datetime]) -> None:
    """Every few seconds: release unconfirmed places past their deadline, send the outbox.

    Every process may run it: expiry locks each event row, sending claims its batch.
    """
    log = logging.getLogger("calendar_service")
    target = (
        SmtpTarget.parse(settings.smtp_url, settings.organizer_email or "events@localhost")
        if (settings.smtp_url)
        else None
    )
    while True:
        await asyncio.sleep(BACKGROUND_INTERVAL_SECONDS)
        try:
            await _expire_holds(app, settings, clock)
            if target is not None:
                await send_due(app.state.session_maker, target, clock())
        except Exception:  # keep the loop alive: holds and messages stay, the next pass retries
            log.exception("background pass failed")


async def _expire_holds(app: Litestar, settings: Settings, clock: Callable[[], datetime]) -> None:
    gate = app.state.write_gate or contextlib.nullcontext()
    async with gate, app.state.session_maker() as session, session.begin():
        await RegistrationService(session, settings, clock()).expire_all_holds()
    async with gate, app.state.session_maker() as session, session.begin():
        # Unanswered scholarship offers past their deadline return their money to the budget.
        await AwardService(session, settings, clock()).expire_awards()


def _is_rate_limited(request: Request[Any, Any, Any]) -> bool:
    return bool(request.route_handler.opt.get("rate_limited"))


BACKGROUND_INTERVAL_SECONDS = 5


def create_app(settings: Settings | None = None, clock: Callable[[], datetime] = utcnow) -> Litestar:
    settings = settings or get_settings()
    access_log.install()  # no registration, feed or application token in the access log

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncGenerator[None, None]:
        engine = create_engine(settings.database_url)
        read_engine = create_engine(settings.database_url, read_only=True)
        app.state.engine = engine
        app.state.read_engine = read_engine
        app.state.session_maker = create_session_maker(engine)
        app.state.read_session_maker = create_session_maker(read_engine)
        sqlite_file = make_url(settings.database_url).database if settings.is_sqlite else None
        app.state.write_gate = WriteGate.for_database(sqlite_file) if settings.is_sqlite else None
        app.state.registration_desk = RegistrationDesk(app.state.session_maker, app.state.write_gate, settings, clock)
        try:
            if settings.check_migrations:
                await ensure_migrated(engine)
            async with app.state.session_maker() as session, session.begin():
                await EventService(
                    session, settings.base_url, clock(), settings.uid_domain, settings.organizer_email
                ).refresh_derived()
            await _expire_holds(app, settings, clock)  # before the first request: no lapsed hold is served
            mailer = asyncio.create_task(_background(app, settings, clock))
            try:
                yield
            finally:
                await app.state.registration_desk.close()
                if mailer is not None:
                    mailer.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await mailer
        finally:
            await engine.dispose()
            await read_engine.dispose()
            if app.state.write_gate is not None:
                app.state.write_gate.close()

    middleware: list[Any] = [InputGuardMiddleware(), TransactionMiddleware(), CsrfScopeMiddleware]
    stores: dict[str, Any] = {}
    if settings.rate_limit > 0:
        # Public writes only (handlers marked rate_limited), per client address; shared across
        # processes through Redis when REDIS_URL is set.
        middleware.append(
            RateLimitConfig(
                rate_limit=("minute", settings.rate_limit),
                check_throttle_handler=_is_rate_limited,
                store="rate_limit",
            ).middleware
        )
        stores["rate_limit"] = (
            RedisStore.with_client(url=settings.redis_url, namespace="calendar-service-rate")
            if settings.redis_url
            else MemoryStore()
        )

    app = Litestar(
        route_handlers=[
            HealthController,
            CalendarController,
            EventController,
            PublicPathController,
            PersonalFeedController,
            ConfirmPageController,
            RegistrationPageController,
            ListingPageController,
            RegistrationController,
            AttendanceController,
            ExportController,
            ApplicantController,
            ApplicationPageController,
            ProgramController,
            ReviewController,
            StaffController,
            swagger_ui_router(),
            pages_static_router(),
        ],
        dependencies={
            "db_session": Provide(provide_db_session),
            "read_session": Provide(provide_read_session, sync_to_thread=False),
            "now": Provide(deps.provide_now, sync_to_thread=False),
            "settings": Provide(deps.provide_settings, sync_to_thread=False),
            "events": Provide(deps.provide_event_service, sync_to_thread=False),
            # not "calendars": a dependency named like a body field (POST /api/staff/tokens) turns that
            # field's validation errors into 500s inside Litestar
            "calendar_registry": Provide(provide_calendar_service, sync_to_thread=False),
            "feeds": Provide(provide_feed_service, sync_to_thread=False),
            "pages": Provide(deps.provide_page_service, sync_to_thread=False),
            "listing_pages": Provide(provide_listing_pages, sync_to_thread=False),
            "locale": Provide(provide_locale, sync_to_thread=False),
            "registrant_pages": Provide(provide_registrant_pages, sync_to_thread=False),
            "attendee_export": Provide(provide_attendee_export, sync_to_thread=False),
            "staff_admin": Provide(provide_staff_admin, sync_to_thread=False),
            "registrations": Provide(registration_deps.provide_registration_service, sync_to_thread=False),
            "registration_desk": Provide(registration_deps.provide_registration_desk, sync_to_thread=False),
            "staff_desk": Provide(registration_deps.provide_staff_desk, sync_to_thread=False),
            "retention": Provide(registration_deps.provide_retention, sync_to_thread=False),
            "attendance": Provide(registration_deps.provide_attendance, sync_to_thread=False),
            "outbox": Provide(deps.provide_outbox_view, sync_to_thread=False),
            "staff": Provide(deps.provide_staff),
            "optional_staff": Provide(deps.provide_optional_staff),
            "scholarship_programs": Provide(scholarship_deps.provide_program_service, sync_to_thread=False),
            "scholarship_applications": Provide(scholarship_deps.provide_application_service, sync_to_thread=False),
            "scholarship_reviews": Provide(scholarship_deps.provide_review_service, sync_to_thread=False),
            "scholarship_awards": Provide(scholarship_deps.provide_award_service, sync_to_thread=False),
            "scholarship_allocation": Provide(scholarship_deps.provide_allocation_service, sync_to_thread=False),
            "scholarship_ranking": Provide(scholarship_deps.provide_ranking_service, sync_to_thread=False),
            "scholarship_exports": Provide(scholarship_deps.provide_export_service, sync_to_thread=False),
        },
        exception_handlers=HANDLERS,
        middleware=middleware,
        csrf_config=csrf_config(settings.csrf_secret or secrets.token_hex(32)),
        before_send=[safety_headers()],
        stores=stores,
        lifespan=[lifespan],
        state=State({"settings": settings, "clock": clock, "feed_cache": FeedCache()}),
        compression_config=CompressionConfig(
            backend="gzip",
            minimum_size=compression.MIN_BYTES,
            gzip_compress_level=compression.GZIP_LEVEL,
            exclude_opt_key=compression.EXCLUDE_OPT_KEY,
        ),
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="calendar-service",
            version=__version__,
            description="Events with real time zones, iCalendar feeds, registrations and scholarships.",
            path="/schema",
            render_plugins=[TidySwaggerRenderPlugin(path="/"), TidyJsonRenderPlugin(), TidyYamlRenderPlugin()],
            components=COMPONENTS,
        ),
        debug=False,
    )
    document_errors(app)
    return app
