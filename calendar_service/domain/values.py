"""Immutable values the domain works on. No ORM, no HTTP.

Local times are naive `datetime`s meaning wall-clock time in the event's zone;
UTC instants are aware. All-day events are held as local midnights with an
*exclusive* end (the day after the last day), so durations and overlaps need
no special case; the API's inclusive last day is converted at the edge.
"""

from dataclasses import dataclass, field
from datetime import datetime

STATUSES = ("confirmed", "tentative", "cancelled")


@dataclass(frozen=True, slots=True)
class Override:
    """One occurrence of a series changed: moved, retitled or cancelled.

    `original` (the occurrence's original local start) is its identity, the
    RECURRENCE-ID; `start`/`end` are None when the time is unchanged.
    """

    original: datetime
    start: datetime | None = None
    end: datetime | None = None
    start_fold: int = 0
    end_fold: int = 0
    title: str | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class Timing:
    """When an event happens: the local wall clock plus its zone, and its recurrence."""

    zone: str
    start: datetime
    end: datetime
    all_day: bool = False
    start_fold: int = 0
    end_fold: int = 0
    rrule: str | None = None
    exdates: tuple[datetime, ...] = ()
    rdates: tuple[datetime, ...] = ()
    overrides: tuple[Override, ...] = field(default=())

    @property
    def recurring(self) -> bool:
        return bool(self.rrule or self.rdates)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One concrete happening of an event, in local time and in UTC."""

    original: datetime
    start: datetime
    end: datetime
    start_utc: datetime
    end_utc: datetime
    title: str | None = None
    status: str | None = None
    overridden: bool = False


@dataclass(frozen=True, slots=True)
class Expansion:
    """Occurrences in a window; `truncated` says the cap cut the list short."""

    occurrences: tuple[Occurrence, ...]
    truncated: bool = False
