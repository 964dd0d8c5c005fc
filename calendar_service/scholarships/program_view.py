"""A scholarship program as the services read it: its row and event, the settings JSON as domain values."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from calendar_service.db.tables import Event, ScholarshipApplication, ScholarshipProgram
from calendar_service.domain.scholarships import (
    Criterion,
    check_regional_targets,
    decimal_amounts,
    format_minor,
    parse_criteria,
)
from calendar_service.domain.timezones import get_zone, parse_local_datetime, to_utc_lenient


@dataclass(frozen=True)
class ProgramView:
    """A program row and its event, with the settings JSON read as domain values."""

    row: ScholarshipProgram
    event: Event

    @property
    def settings(self) -> dict[str, Any]:
        return self.row.settings or {}

    @property
    def currency(self) -> str:
        return self.row.currency

    def screening_of(self, application: ScholarshipApplication) -> str:
        """The application's screening state, or `not_required` when the program has no screening phase."""
        return application.screening if self.settings.get("screening") else "not_required"

    @property
    def award_items(self) -> list[str]:
        return list(self.settings.get("award_items", []))

    @cached_property
    def criteria(self) -> tuple[Criterion, ...]:
        return parse_criteria(self.settings.get("criteria", []))

    @property
    def per_application(self) -> int:
        return int(self.settings.get("reviews_per_application", 2))

    @property
    def screening(self) -> bool:
        return bool(self.settings.get("screening"))

    @property
    def accept_within_days(self) -> int:
        return int(self.settings.get("accept_within_days", 14))

    @property
    def questions(self) -> list[dict[str, Any]]:
        return list(self.settings.get("questions", []))

    @property
    def max_per_item(self) -> dict[str, Decimal]:
        return decimal_amounts(self.settings.get("max_per_item", {}), self.currency)

    @property
    def regional_targets(self) -> dict[str, Decimal]:
        return check_regional_targets(
            {label: Decimal(share) for label, share in self.settings.get("regional_targets", {}).items()}
        )

    @property
    def reviewers(self) -> list[int] | None:
        chosen = self.settings.get("reviewers")
        return None if chosen is None else [int(r) for r in chosen]

    def local(self, key: str) -> str | None:
        value = self.settings.get(key)
        return str(value) if value else None

    def instant(self, key: str) -> datetime | None:
        """A phase boundary (local time in the event zone, stored as written) as a UTC instant."""
        text = self.local(key)
        if text is None:
            return None
        return to_utc_lenient(parse_local_datetime(text, key), get_zone(self.event.timezone))

    @property
    def scoring_opens(self) -> datetime:
        return self.instant("scoring_opens_at") or self.row.closes_at

    def phase(self, now: datetime) -> str:
        """What the program is doing now (informational; each action checks its own window)."""
        if now < self.row.opens_at:
            return "not_open"
        if now < self.row.closes_at:
            return "applications"
        scoring_closes = self.instant("scoring_closes_at")
        if now < self.scoring_opens:
            return "screening" if self.screening else "waiting_for_scoring"
        if scoring_closes is None or now < scoring_closes:
            return "scoring"
        return "awards"

    def money(self, minor: int) -> str:
        """Minor units of the program currency as the API's decimal string."""
        return format_minor(minor, self.currency)
