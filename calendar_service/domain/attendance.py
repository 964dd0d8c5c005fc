"""Attendance over a series (a programme of sessions), pure.

Decisions:
- A session is an occurrence of the series that is not cancelled, named by
  its original local start (its identity, as in RECURRENCE-ID).
- The completion threshold is a share of *all* the programme's sessions
  (rounded up: 80 % of 16 sessions is 13), so it is known from the start and
  does not move as the programme goes on. An open-ended series counts the
  sessions that have begun by `now`.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from calendar_service.domain.recurrence import expand, series_span_utc
from calendar_service.domain.values import Timing

MAX_SESSIONS = 2000


@dataclass(frozen=True, slots=True)
class Programme:
    sessions: tuple[datetime, ...]  # original local starts, in order
    needed: int | None  # sessions needed to complete; None when the event sets no threshold


def programme(timing: Timing, completion_percent: int | None, now: datetime) -> Programme:
    first, last = series_span_utc(timing)
    window_end = (last if last is not None else max(now, first)) + timedelta(seconds=1)
    occurrences = expand(timing, first, window_end, limit=MAX_SESSIONS).occurrences
    sessions = tuple(
        sorted(o.original for o in occurrences if o.status != "cancelled" and (last is not None or o.start_utc <= now))
    )
    needed = math.ceil(len(sessions) * completion_percent / 100) if completion_percent else None
    return Programme(sessions, needed)


def completed(attended: Iterable[datetime], plan: Programme) -> bool | None:
    """Did someone who attended these sessions complete the programme? None when there is no threshold."""
    if plan.needed is None:
        return None
    valid = set(plan.sessions)
    return sum(1 for s in set(attended) if s in valid) >= plan.needed
