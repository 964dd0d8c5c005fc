"""The scholarship budget and individual awards, pure.

Decisions:
- An award is `awarded` (offered, waiting for the applicant's answer),
  `accepted`, `declined` or `expired` (not answered within the program's
  `accept_within_days`). Committed money is awarded + accepted: an open
  offer must stay payable. Declined and expired awards free their money.
- remaining = budget − committed and is never negative: a budget change or
  award that would make it so is a Conflict (409) saying by how much.
- An award names program award items only, each at most what the applicant
  requested for that item (staff may give less, never more or unasked
  items: the applicant agreed to a request, not to a surprise), and in total
  at most what remains. "full" means every requested item at its requested
  amount; anything less is "partial".
- `remaining` passed to `check_award` must exclude the application's own
  earlier award if it is being replaced; that is the caller's bookkeeping.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from calendar_service.domain.scholarships.money import ZERO, format_amount, parse_amount
from calendar_service.errors import Conflict, InvalidInput

AwardStatus = Literal["awarded", "accepted", "declined", "expired"]
AWARD_STATUSES: tuple[AwardStatus, ...] = ("awarded", "accepted", "declined", "expired")
COMMITTING: frozenset[str] = frozenset({"awarded", "accepted"})


@dataclass(frozen=True, slots=True)
class AwardFacts:
    status: AwardStatus
    amount: Decimal
    region: str


@dataclass(frozen=True, slots=True)
class BudgetSummary:
    """Sums by status; `per_region` is committed money by region."""

    budget: Decimal
    awarded: Decimal
    accepted: Decimal
    declined: Decimal
    expired: Decimal
    committed: Decimal
    remaining: Decimal
    per_region: Mapping[str, Decimal]


def budget_summary(budget: Decimal, awards: Iterable[AwardFacts], currency: str | None = None) -> BudgetSummary:
    """Where the budget stands; a Conflict if commitments exceed it (amounts named in `currency`, if given)."""

    def show(amount: Decimal) -> str:
        return format_amount(amount, currency, with_code=True) if currency else f"{amount}"

    totals = dict.fromkeys(AWARD_STATUSES, ZERO)
    per_region: dict[str, Decimal] = {}
    for award in awards:
        if award.status not in totals:
            raise ValueError(f"unknown award status {award.status!r}")
        totals[award.status] += award.amount
        if award.status in COMMITTING:
            per_region[award.region] = per_region.get(award.region, ZERO) + award.amount
    committed = totals["awarded"] + totals["accepted"]
    if committed > budget:
        raise Conflict(
            f"budget: {show(committed)} is already committed to awards, more than the budget of {show(budget)}; "
            f"set the budget to at least {show(committed)} or withdraw awards",
            "budget",
        )
    return BudgetSummary(
        budget=budget,
        awarded=totals["awarded"],
        accepted=totals["accepted"],
        declined=totals["declined"],
        expired=totals["expired"],
        committed=committed,
        remaining=budget - committed,
        per_region=dict(sorted(per_region.items())),
    )


def check_award(
    amounts: Mapping[str, object],
    award_items: Sequence[str],
    requested: Mapping[str, Decimal],
    currency: str,
    remaining: Decimal,
    field: str = "amounts",
) -> dict[str, Decimal]:
    """Amounts per item, parsed and within the request and the remaining budget."""
    if not amounts:
        raise InvalidInput(f"{field}: award at least one item: {', '.join(award_items)}", field)
    cleaned: dict[str, Decimal] = {}
    for item, raw in amounts.items():
        at = f"{field}.{item}"
        if item not in award_items:
            raise InvalidInput(f"{at}: not an award item of this program; the items are: {', '.join(award_items)}", at)
        amount = parse_amount(raw, currency, at)
        asked = requested.get(item)
        if asked is None:
            raise InvalidInput(f"{at}: the applicant did not request {item}; award only requested items", at)
        if amount > asked:
            raise InvalidInput(
                f"{at}: {format_amount(amount, currency)} is more than the {format_amount(asked, currency)} "
                f"requested; award at most that",
                at,
            )
        cleaned[item] = amount
    total = sum(cleaned.values(), ZERO)
    if total > remaining:
        raise Conflict(
            f"{field}: the award totals {format_amount(total, currency, with_code=True)} but only "
            f"{format_amount(remaining, currency, with_code=True)} of the budget remains; "
            f"award at most {format_amount(remaining, currency)}",
            field,
        )
    return {item: cleaned[item] for item in award_items if item in cleaned}


def award_kind(amounts: Mapping[str, Decimal], requested: Mapping[str, Decimal]) -> Literal["full", "partial"]:
    """Full when every requested item is awarded its requested amount, else partial."""
    full = all(amounts.get(item, ZERO) >= asked for item, asked in requested.items())
    return "full" if full and requested else "partial"
