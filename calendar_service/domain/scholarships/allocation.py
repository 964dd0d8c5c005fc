"""Proposing awards down the ranking within the budget, pure.

Decisions:
- Candidates arrive best first (the order of `ranking.rank`, or a slice of
  it); the order is the only merit signal used here. Unreviewed applications
  are left out by `candidates_from`: nobody is funded unread.
- Each proposed award is the candidate's full request, item by item. There
  are no partial awards in a proposal: a candidate whose request no longer
  fits is skipped (with the reason) and the walk continues, so a smaller
  request further down may still fit. Staff make partial awards by hand
  (`budget.check_award`), where a person judges what a partial award means.
- Regional targets are minimum shares of the budget per region label (any
  label of `regions.REGION_LABELS`: "Africa", "Western Africa", "south"…),
  as fractions 0–1 of `budget_total` (default: the remaining budget), less
  what is already `committed` to that label. They are honoured first: one
  walk down the ranking funds each candidate that counts towards a target
  still unmet and fits. Then a second walk fills by rank. A target is met
  when its funded amount reaches share × budget, rounded up to the minor unit.
- Never exceeds `budget_remaining`; deterministic; the proposal says per
  region totals and, for each unmet target, why.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_UP, Decimal

from calendar_service.domain.scholarships.money import ZERO, quantum
from calendar_service.domain.scholarships.ranking import Ranked
from calendar_service.domain.scholarships.regions import NORTH, SOUTH, UN_REGIONS, canonical_label
from calendar_service.domain.scholarships.rubric import to_number
from calendar_service.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Candidate:
    """A fundable application: `region` is what totals are reported by, `labels` what targets count."""

    application_id: int
    region: str
    requested: Mapping[str, Decimal]
    labels: frozenset[str] = field(default_factory=frozenset)

    @property
    def total(self) -> Decimal:
        return sum(self.requested.values(), ZERO)

    @property
    def all_labels(self) -> frozenset[str]:
        return self.labels | {self.region}


@dataclass(frozen=True, slots=True)
class ProposedAward:
    application_id: int
    amounts: Mapping[str, Decimal]
    total: Decimal
    region: str
    reason: str  # "target: Africa" or "rank"


@dataclass(frozen=True, slots=True)
class Skipped:
    application_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class TargetOutcome:
    label: str
    share: Decimal
    target: Decimal
    funded: Decimal  # committed before plus proposed now
    met: bool
    reason: str | None


@dataclass(frozen=True, slots=True)
class Proposal:
    awards: tuple[ProposedAward, ...]
    skipped: tuple[Skipped, ...]
    total: Decimal
    remaining: Decimal
    per_region: Mapping[str, Decimal]
    targets: tuple[TargetOutcome, ...]

    @property
    def unmet(self) -> tuple[TargetOutcome, ...]:
        return tuple(t for t in self.targets if not t.met)


def candidates_from(ranked: Sequence[Ranked]) -> list[Candidate]:
    """Reviewed applications in ranking order, reported by UN region, counting towards all their labels."""
    return [
        Candidate(
            r.application_id, r.application.region.un_region, r.application.requested, r.application.region.labels
        )
        for r in ranked
        if r.score is not None
    ]


def check_regional_targets(raw: Mapping[str, object], field: str = "regional_targets") -> dict[str, Decimal]:
    """Targets keyed by canonical region label; shares in (0, 1]; the five regions, and south + north, ≤ 1."""
    targets: dict[str, Decimal] = {}
    for key, value in raw.items():
        label = canonical_label(key, f"{field}.{key}")
        share = to_number(value, f"{field}.{key}")
        if not ZERO < share <= 1:
            raise InvalidInput(
                f"{field}.{key}: a share of the budget between 0 and 1 (0.25 is a quarter); got {share}",
                f"{field}.{key}",
            )
        if label in targets:
            raise InvalidInput(f"{field}.{key}: '{label}' is given twice", f"{field}.{key}")
        targets[label] = share
    for group in (UN_REGIONS, (SOUTH, NORTH)):
        if sum((targets.get(label, ZERO) for label in group), ZERO) > 1:
            raise InvalidInput(
                f"{field}: the shares for {', '.join(group)} add up to more than 1; lower some of them", field
            )
    return targets


def allocate(
    candidates: Sequence[Candidate],
    budget_remaining: Decimal,
    *,
    regional_targets: Mapping[str, Decimal] | None = None,
    exponent: int = 2,
    budget_total: Decimal | None = None,
    committed: Mapping[str, Decimal] | None = None,
) -> Proposal:
    """Awards for `candidates` (best first) that fit `budget_remaining`, targets first, then by rank."""
    if budget_remaining < 0:
        raise ValueError("budget_remaining must not be negative")
    if len({c.application_id for c in candidates}) != len(candidates):
        raise ValueError("each candidate may appear only once")
    if any(amount < 0 for c in candidates for amount in c.requested.values()):
        raise ValueError("requested amounts must not be negative")
    shares = dict(regional_targets or {})
    committed = committed or {}
    base = budget_remaining if budget_total is None else budget_total
    goals = {label: (share * base).quantize(quantum(exponent), rounding=ROUND_UP) for label, share in shares.items()}
    funded_by_label = {label: committed.get(label, ZERO) for label in shares}
    remaining = budget_remaining
    awards: dict[int, ProposedAward] = {}

    def fund(candidate: Candidate, reason: str) -> None:
        nonlocal remaining
        remaining -= candidate.total
        awards[candidate.application_id] = ProposedAward(
            candidate.application_id, dict(candidate.requested), candidate.total, candidate.region, reason
        )
        for label in candidate.all_labels & funded_by_label.keys():
            funded_by_label[label] += candidate.total

    for candidate in candidates:
        unmet = sorted(label for label in candidate.all_labels & goals.keys() if funded_by_label[label] < goals[label])
        if unmet and ZERO < candidate.total <= remaining:
            fund(candidate, "target: " + ", ".join(unmet))
    skipped: list[Skipped] = []
    for candidate in candidates:
        if candidate.application_id in awards:
            continue
        if candidate.total == 0:
            skipped.append(Skipped(candidate.application_id, "requested nothing"))
        elif candidate.total <= remaining:
            fund(candidate, "rank")
        else:
            skipped.append(Skipped(candidate.application_id, f"requests {candidate.total}; only {remaining} was left"))

    ordered = tuple(awards[c.application_id] for c in candidates if c.application_id in awards)
    per_region: dict[str, Decimal] = {}
    for award in ordered:
        per_region[award.region] = per_region.get(award.region, ZERO) + award.total
    outcomes = tuple(
        _outcome(label, shares[label], goals[label], funded_by_label[label], candidates, awards, remaining)
        for label in sorted(shares)
    )
    return Proposal(
        awards=ordered,
        skipped=tuple(skipped),
        total=budget_remaining - remaining,
        remaining=remaining,
        per_region=dict(sorted(per_region.items())),
        targets=outcomes,
    )


def _outcome(
    label: str,
    share: Decimal,
    goal: Decimal,
    funded: Decimal,
    candidates: Sequence[Candidate],
    awards: Mapping[int, ProposedAward],
    remaining: Decimal,
) -> TargetOutcome:
    if funded >= goal:
        return TargetOutcome(label, share, goal, funded, True, None)
    members = [c for c in candidates if label in c.all_labels]
    waiting = [c for c in members if c.application_id not in awards and c.total > 0]
    if not members:
        reason = f"no ranked candidate counts towards {label}"
    elif not waiting:
        reason = f"every candidate from {label} is funded; together they request less than {goal}"
    else:
        first = waiting[0]
        reason = (
            f"the next candidate from {label} (application {first.application_id}) requests {first.total}, "
            f"more than the {remaining} left"
        )
    return TargetOutcome(label, share, goal, funded, False, reason)
