"""What survives erasure: per-event totals, never a person.

Decisions:
- Only answers to closed questions (choice, multi-choice, yes/no) are
  folded into totals: free text can name or identify someone, so it is
  deleted, not counted. Status and attendance mode are totalled too.
- Totals are counts of (question, answer); a multi-choice answer counts once
  per option chosen. Keys starting with "_" are the service's own
  (`_status`, `_mode`) and cannot clash with question keys (`[a-z0-9_]`
  keys never start with "_" in practice, and the prefix is reserved).
- A registration is past retention when its event ended more than `days`
  before `now`; an open-ended series never ends, so it is never erased by age.
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

CLOSED = ("choice", "multi_choice", "yes_no")


def fold(
    questions: Sequence[Mapping[str, Any]], people: Iterable[tuple[str, str, Mapping[str, Any]]]
) -> Counter[tuple[str, str]]:
    """Totals from (status, mode, answers) of each person."""
    closed = {q["key"]: q.get("type", "text") for q in questions if q.get("type", "text") in CLOSED}
    totals: Counter[tuple[str, str]] = Counter()
    for status, mode, answers in people:
        totals[("_status", status)] += 1
        totals[("_mode", mode)] += 1
        for key, kind in closed.items():
            value = answers.get(key)
            if value is None or value == "" or value == []:
                continue
            if kind == "multi_choice" and isinstance(value, list):
                for option in value:
                    totals[(key, str(option)[:300])] += 1
            elif kind == "yes_no":
                totals[(key, "yes" if value else "no")] += 1
            else:
                totals[(key, str(value)[:300])] += 1
    return totals


def past_retention(last_end_utc: datetime | None, days: int, now: datetime) -> bool:
    return last_end_utc is not None and last_end_utc < now - timedelta(days=days)
