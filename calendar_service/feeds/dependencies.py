"""Litestar dependencies of the feeds area (wired by name in `app.py`)."""

from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.feeds.service import FeedService


def provide_feed_service(read_session: NamedDependency[AsyncSession], state: State) -> FeedService:
    """On the read-only session; the process-wide cache of rendered bodies comes from the app state."""
    settings = state.settings
    return FeedService(read_session, settings.base_url, state.clock(), state.feed_cache, settings.organizer_email)
