"""Scholarships, pure: money, regions, rubric, ranking, screening, reviewer assignment, allocation, budget.

Everything here takes values and returns decisions; the service loads rows,
calls these functions and writes the outcome. Module docstrings state the
decisions (what counts as money, which countries are Global South, how
normalisation works, what a proposal may fund).
"""

from calendar_service.domain.scholarships.allocation import (
    Candidate,
    Proposal,
    ProposedAward,
    Skipped,
    TargetOutcome,
    allocate,
    candidates_from,
    check_regional_targets,
)
from calendar_service.domain.scholarships.assignment import Assignment, assign_reviewers
from calendar_service.domain.scholarships.budget import (
    AWARD_STATUSES,
    AwardFacts,
    AwardStatus,
    BudgetSummary,
    award_kind,
    budget_summary,
    check_award,
)
from calendar_service.domain.scholarships.money import (
    CURRENCY_EXPONENTS,
    MAX_AMOUNT,
    check_currency,
    exponent_of,
    format_amount,
    parse_amount,
)
from calendar_service.domain.scholarships.ranking import ApplicationFacts, Ranked, ReviewFacts, rank
from calendar_service.domain.scholarships.regions import (
    NORTH,
    REGION_LABELS,
    SOUTH,
    UN_REGIONS,
    Region,
    canonical_label,
    region_of,
)
from calendar_service.domain.scholarships.rubric import (
    Criterion,
    check_rubric,
    check_scores,
    parse_criteria,
    review_score,
    to_number,
)
from calendar_service.domain.scholarships.screening import ScreeningOutcome, default_threshold, screening_outcome
from calendar_service.domain.scholarships.slicing import (
    UNSPECIFIED,
    group_ranking,
    hemisphere_of,
    language_of,
    renumber,
    slice_ranking,
    un_region_of,
)

__all__ = [
    "AWARD_STATUSES",
    "CURRENCY_EXPONENTS",
    "MAX_AMOUNT",
    "NORTH",
    "REGION_LABELS",
    "SOUTH",
    "UNSPECIFIED",
    "UN_REGIONS",
    "ApplicationFacts",
    "Assignment",
    "AwardFacts",
    "AwardStatus",
    "BudgetSummary",
    "Candidate",
    "Criterion",
    "Proposal",
    "ProposedAward",
    "Ranked",
    "Region",
    "ReviewFacts",
    "ScreeningOutcome",
    "Skipped",
    "TargetOutcome",
    "allocate",
    "assign_reviewers",
    "award_kind",
    "budget_summary",
    "candidates_from",
    "canonical_label",
    "check_award",
    "check_currency",
    "check_regional_targets",
    "check_rubric",
    "check_scores",
    "default_threshold",
    "exponent_of",
    "format_amount",
    "group_ranking",
    "hemisphere_of",
    "language_of",
    "parse_amount",
    "parse_criteria",
    "rank",
    "region_of",
    "renumber",
    "review_score",
    "screening_outcome",
    "slice_ranking",
    "to_number",
    "un_region_of",
]
