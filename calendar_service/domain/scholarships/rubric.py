"""The review rubric and one review's score, pure.

Decisions:
- A criterion has a key (a slug, used in `scores`), a label people read, a
  weight and a closed range [min, max]. Keys are unique, weight > 0,
  min < max; weights need not sum to anything, they are relative.
- Scores are numbers: JSON integers or decimals (floats are read through
  their shortest repr, so 7.3 is 7.3), or Decimals. Booleans are not numbers
  here even though Python says so, strings are refused too, and NaN and
  infinities are refused.
- Every criterion must be scored; a partial review is not a review. A key
  that is not in the rubric is refused with the list of valid keys, so a
  typo never silently drops a score.
- One review's score is on a 0–100 scale: each criterion is normalised to
  (s - min) / (max - min), their weighted mean is multiplied by 100. It is
  kept exact (Decimal, 28 digits); ranking rounds where it shows numbers.
"""

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from calendar_service.errors import InvalidInput

KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
MAX_CRITERIA = 20
MAX_LABEL = 200
MAX_MAGNITUDE = Decimal(1_000_000)
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Criterion:
    """One line of the rubric: scored from `min` to `max`, counted with relative `weight`."""

    key: str
    label: str
    weight: Decimal
    min: Decimal
    max: Decimal


def to_number(value: object, field: str) -> Decimal:
    """A finite number as a Decimal; booleans, strings and NaN are refused."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise InvalidInput(f"{field}: expected a number, got {value!r}", field)
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidInput(f"{field}: expected a finite number, got {value!r}", field)
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:  # pragma: no cover - every int, finite float and Decimal converts
        raise InvalidInput(f"{field}: expected a number, got {value!r}", field) from None
    if not number.is_finite():
        raise InvalidInput(f"{field}: expected a finite number, got {value!r}", field)
    if abs(number) > MAX_MAGNITUDE:
        raise InvalidInput(f"{field}: {value!r} is out of range; keep numbers within ±{MAX_MAGNITUDE}", field)
    return number


def json_number(value: Decimal) -> int | float:
    """A number `to_number` checked, as a JSON number that reads back to the same Decimal (floats via repr)."""
    return int(value) if value == value.to_integral_value() else float(value)


def check_rubric(criteria: Sequence[Criterion], field: str = "criteria") -> tuple[Criterion, ...]:
    """The rubric as given, once every rule holds; errors name `criteria[i].<attr>`."""
    if not criteria:
        raise InvalidInput(f"{field}: a rubric needs at least one criterion", field)
    if len(criteria) > MAX_CRITERIA:
        raise InvalidInput(f"{field}: at most {MAX_CRITERIA} criteria", field)
    seen: set[str] = set()
    for i, criterion in enumerate(criteria):
        at = f"{field}[{i}]"
        if not KEY.fullmatch(criterion.key):
            raise InvalidInput(
                f"{at}.key: '{criterion.key}' must be lower-case letters, digits and _, starting with a letter "
                "(at most 40), e.g. 'relevant_experience'",
                f"{at}.key",
            )
        if criterion.key in seen:
            raise InvalidInput(f"{at}.key: '{criterion.key}' is used twice; keys must be unique", f"{at}.key")
        seen.add(criterion.key)
        if not criterion.label.strip() or len(criterion.label) > MAX_LABEL:
            raise InvalidInput(f"{at}.label: give a label of 1 to {MAX_LABEL} characters", f"{at}.label")
        if not criterion.weight > 0:
            raise InvalidInput(f"{at}.weight: must be more than 0 (weights are relative)", f"{at}.weight")
        if not criterion.min < criterion.max:
            raise InvalidInput(f"{at}.max: must be more than min ({criterion.min}); got {criterion.max}", f"{at}.max")
    return tuple(criteria)


def parse_criteria(raw: Sequence[Mapping[str, object]], field: str = "criteria") -> tuple[Criterion, ...]:
    """Criteria from JSON objects `{key, label, weight, min, max}` (weight defaults to 1, min to 0)."""
    criteria: list[Criterion] = []
    for i, item in enumerate(raw):
        at = f"{field}[{i}]"
        key, label = item.get("key"), item.get("label", item.get("key"))
        if not isinstance(key, str):
            raise InvalidInput(f"{at}.key: give the criterion a key such as 'relevant_experience'", f"{at}.key")
        if not isinstance(label, str):
            raise InvalidInput(f"{at}.label: expected text", f"{at}.label")
        if "max" not in item:
            raise InvalidInput(f"{at}.max: give the highest score, e.g. 10", f"{at}.max")
        criteria.append(
            Criterion(
                key=key,
                label=label,
                weight=to_number(item.get("weight", 1), f"{at}.weight"),
                min=to_number(item.get("min", 0), f"{at}.min"),
                max=to_number(item["max"], f"{at}.max"),
            )
        )
    return check_rubric(criteria, field)


def check_scores(
    criteria: Sequence[Criterion], scores: Mapping[str, object], field: str = "scores"
) -> dict[str, Decimal]:
    """Every criterion scored with a number in its range, in rubric order; nothing else."""
    known = {c.key: c for c in criteria}
    for key in scores:
        if key not in known:
            raise InvalidInput(
                f"{field}.{key}: no such criterion; the criteria are: {', '.join(known)}", f"{field}.{key}"
            )
    cleaned: dict[str, Decimal] = {}
    for key, criterion in known.items():
        at = f"{field}.{key}"
        if key not in scores or scores[key] is None:
            raise InvalidInput(
                f"{at}: score '{criterion.label}' from {criterion.min} to {criterion.max}; every criterion is needed",
                at,
            )
        value = to_number(scores[key], at)
        if not criterion.min <= value <= criterion.max:
            raise InvalidInput(f"{at}: {value} is outside {criterion.min} to {criterion.max}", at)
        cleaned[key] = value
    return cleaned


def review_score(criteria: Sequence[Criterion], scores: Mapping[str, Decimal]) -> Decimal:
    """One review on 0–100: the weighted mean of each criterion's position in its range, times 100."""
    total_weight = sum((c.weight for c in criteria), Decimal(0))
    weighted = sum((c.weight * (scores[c.key] - c.min) / (c.max - c.min) for c in criteria), Decimal(0))
    return weighted / total_weight * HUNDRED
