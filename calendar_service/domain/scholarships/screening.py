"""Screening, pure: do enough reviewers find an application eligible?

Decisions:
- Each screener votes eligible (True) or not (False). `needed` is how many
  votes an application is meant to get; it passes with `threshold` eligible
  votes, by default a strict majority of `needed` (2 of 3, 2 of 2, 3 of 4).
- The outcome is decided as soon as it can no longer change: eligible once
  the threshold is reached, ineligible once even all outstanding votes could
  not reach it. Until then it is pending.
- Votes are taken in the order cast and only the first `needed` count: an
  extra screener (assigned by mistake or to break a stalemate elsewhere)
  can never flip a decision already announced.
"""

from collections.abc import Sequence
from typing import Literal

from calendar_service.errors import InvalidInput

ScreeningOutcome = Literal["pending", "eligible", "ineligible"]


def default_threshold(needed: int) -> int:
    """A strict majority of the votes needed."""
    return needed // 2 + 1


def screening_outcome(votes: Sequence[bool], needed: int, threshold: int | None = None) -> ScreeningOutcome:
    """The outcome of the votes so far: eligible, ineligible, or still pending."""
    if needed < 1:
        raise InvalidInput("reviews_per_application: at least 1 screening vote is needed", "reviews_per_application")
    bar = default_threshold(needed) if threshold is None else threshold
    if not 1 <= bar <= needed:
        raise InvalidInput(
            f"screening_threshold: must be between 1 and reviews_per_application ({needed}); got {bar}",
            "screening_threshold",
        )
    if any(not isinstance(vote, bool) for vote in votes):
        raise TypeError("votes are booleans: True for eligible")
    counted = votes[:needed]
    yes = sum(1 for vote in counted if vote)
    outstanding = needed - len(counted)
    if yes >= bar:
        return "eligible"
    if yes + outstanding < bar:
        return "ineligible"
    return "pending"
