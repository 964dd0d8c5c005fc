"""Shared factories and hypothesis settings for the scholarship domain tests."""

import os
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, settings

from calendar_service.domain.scholarships import ApplicationFacts, Criterion, ReviewFacts, region_of

# `make fuzz` sets HYPOTHESIS_FUZZ=1: random (not derandomized) and many more examples.
FUZZ = os.environ.get("HYPOTHESIS_FUZZ") == "1"
PROPERTY = settings(
    derandomize=not FUZZ,
    database=None,
    deadline=None,
    max_examples=5_000 if FUZZ else 200,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
EXPERIENCE = Criterion("experience", "Relevant experience", Decimal(1), Decimal(0), Decimal(10))
SHARING = Criterion("sharing", "Sharing what they learn", Decimal(1), Decimal(0), Decimal(10))
RUBRIC = (EXPERIENCE, SHARING)
SINGLE = (Criterion("merit", "Merit", Decimal(1), Decimal(0), Decimal(100)),)


def application(
    id: int,
    country: str = "GH",
    *,
    minutes: int | None = None,
    language: str | None = None,
    requested: dict[str, str] | None = None,
) -> ApplicationFacts:
    """An application submitted `minutes` after T0 (default: `id` minutes)."""
    return ApplicationFacts(
        id=id,
        submitted_at=T0 + timedelta(minutes=id if minutes is None else minutes),
        region=region_of(country),
        language=language,
        requested={k: Decimal(v) for k, v in (requested or {"travel": "500.00"}).items()},
    )


def review(reviewer: int, application_id: int, experience: int | str, sharing: int | str | None = None) -> ReviewFacts:
    """A review on RUBRIC (both criteria) or, with one score only, on SINGLE."""
    if sharing is None:
        return ReviewFacts(reviewer, application_id, {"merit": Decimal(experience)})
    return ReviewFacts(reviewer, application_id, {"experience": Decimal(experience), "sharing": Decimal(sharing)})
