"""What an import produces: API bodies to send, and an account of what did not map.

An import never half-succeeds silently. Each source VEVENT (with its
RECURRENCE-ID overrides, merged by UID) either becomes an `ImportedEvent`
whose `body` the API accepts as it is (it has passed the same domain gate,
`domain.timing.parse_timing`, as a POST would) or an `ImportIssue` in
`skipped`. What was mapped only in part is listed in `notes`.
"""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """One thing a person should know: `uid`/`summary` say which source item it concerns."""

    uid: str
    summary: str
    reason: str


@dataclass(frozen=True, slots=True)
class ImportedEvent:
    """One event ready for `POST /api/events`, then one `PUT …/occurrences/{original_local_start}` per override.

    `body` is JSON-ready and has exactly the fields of `EventCreate`. Each
    override is `{original_local_start, start, end, fold, title, status}`:
    the path segment plus the `OverrideWrite` body (None = keep the series' value).
    """

    source_uid: str
    body: dict[str, Any]
    overrides: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ImportPlan:
    events: list[ImportedEvent]
    skipped: list[ImportIssue]
    notes: list[ImportIssue]
    source_name: str | None = None
