"""Scholarship API schemas: programs, applications, reviews, rankings, awards, budget.

Money crosses the API as decimal strings in the program currency (see
`domain/scholarships/money.py`); amounts in requests are typed `Any` so that a
JSON number gets the domain's hint ("send the amount as a decimal string")
instead of a bare type error.
"""

from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from calendar_service.wire import LocalTime, Question

ApplicationStatus = Literal["draft", "submitted", "awarded", "accepted", "declined", "expired", "not_awarded"]
ReviewOutcome = Literal["screened", "scored", "conflict_declared"]
Item = Annotated[str, Meta(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]
LongText = Annotated[str, Meta(max_length=10_000)]
# An application's fields, written by ApplicationCreate and ApplicationUpdate alike.
Name = Annotated[str, Meta(min_length=1, max_length=200)]
Email = Annotated[str, Meta(min_length=3, max_length=320)]
Country = Annotated[str, Meta(min_length=1, max_length=8)]
Affiliation = Annotated[str, Meta(max_length=300)]
Language = Annotated[str, Meta(max_length=64)]
Amounts = Annotated[dict[str, Any], Meta(max_length=20)]
Answers = Annotated[dict[str, Any], Meta(max_length=50)]
Number = int | float


class BudgetIn(Struct, forbid_unknown_fields=True):
    amount: Any
    currency: str


class CriterionIn(Struct, forbid_unknown_fields=True):
    key: str
    max: Number
    label: str | None = None
    weight: Number = 1
    min: Number = 0


class ProgramPut(Struct, forbid_unknown_fields=True):
    budget: BudgetIn
    opens_at: LocalTime
    closes_at: LocalTime
    award_items: Annotated[list[Item], Meta(min_length=1, max_length=20)]
    criteria: Annotated[list[CriterionIn], Meta(min_length=1, max_length=20)]
    reviews_per_application: Annotated[int, Meta(ge=1, le=10)] = 2
    screening: bool = False
    screening_closes_at: LocalTime | None = None
    scoring_opens_at: LocalTime | None = None
    scoring_closes_at: LocalTime | None = None
    regional_targets: dict[str, Number] = msgspec.field(default_factory=dict)
    accept_within_days: Annotated[int, Meta(ge=1, le=120)] = 14
    questions: Annotated[list[Question], Meta(max_length=50)] = msgspec.field(default_factory=list)
    max_per_item: dict[str, Any] = msgspec.field(default_factory=dict)
    reserved_seats: Annotated[int, Meta(ge=0, le=100_000)] = 0


class Money(Struct, kw_only=True):
    amount: str
    currency: str


class CriterionRead(Struct, kw_only=True):
    key: str
    label: str
    weight: Number
    min: Number
    max: Number


class ProgramRead(Struct, kw_only=True):
    id: int
    event: str
    timezone: str
    budget: Money
    committed: str
    remaining: str
    opens_at: str
    closes_at: str
    opens_at_utc: str
    closes_at_utc: str
    award_items: list[str]
    criteria: list[CriterionRead]
    reviews_per_application: int
    screening: bool
    screening_closes_at: str | None
    scoring_opens_at: str
    scoring_closes_at: str | None
    regional_targets: dict[str, str]
    accept_within_days: int
    questions: list[dict[str, Any]]
    max_per_item: dict[str, str]
    reserved_seats: int
    reviewers: list[int] | None
    phase: str
    counts: dict[str, int]
    apply_url: str


CallState = Literal["none", "not_open", "open", "closed"]


class CallRead(Struct, kw_only=True):
    """An event's call for scholarship applications, as the public form shows it (`state` "none": no program)."""

    event: str
    event_title: str
    timezone: str
    state: CallState
    currency: str = ""
    award_items: list[str] = msgspec.field(default_factory=list)
    max_per_item: dict[str, str] = msgspec.field(default_factory=dict)
    opens_at_utc: str = ""
    closes_at_utc: str = ""
    questions: list[dict[str, Any]] = msgspec.field(default_factory=list)


class ApplicationCreate(Struct, forbid_unknown_fields=True):
    name: Name
    email: Email
    country: Country
    consent: bool
    affiliation: Affiliation = ""
    language: Language | None = None
    motivation: LongText = ""
    contribution: LongText = ""
    requested: Amounts = msgspec.field(default_factory=dict)
    currency: str | None = None
    would_attend_without_support: bool = False
    answers: Answers = msgspec.field(default_factory=dict)
    share_with_partners: bool = False
    draft: bool = False


class ApplicationUpdate(Struct, forbid_unknown_fields=True):
    """A draft's fields; what is left out stays as it was."""

    name: Name | UnsetType = UNSET
    email: Email | UnsetType = UNSET
    country: Country | UnsetType = UNSET
    affiliation: Affiliation | UnsetType = UNSET
    language: Language | None | UnsetType = UNSET
    motivation: LongText | UnsetType = UNSET
    contribution: LongText | UnsetType = UNSET
    requested: Amounts | UnsetType = UNSET
    currency: str | None | UnsetType = UNSET
    would_attend_without_support: bool | UnsetType = UNSET
    answers: Answers | UnsetType = UNSET
    share_with_partners: bool | UnsetType = UNSET
    consent: bool | UnsetType = UNSET


class RegionRead(Struct, kw_only=True):
    country: str
    un_region: str
    subregion: str
    intermediate_region: str | None
    global_south: bool


class AwardRead(Struct, kw_only=True):
    amounts: dict[str, str]
    total: str
    currency: str
    kind: str
    awarded_at: str | None
    answer_by: str | None
    answered_at: str | None


class ApplicationRead(Struct, kw_only=True):
    token: str
    status: ApplicationStatus
    event: str
    event_title: str
    name: str
    email: str
    country: str
    region: RegionRead
    affiliation: str
    language: str | None
    motivation: str
    contribution: str
    requested: dict[str, str]
    requested_total: str
    currency: str
    would_attend_without_support: bool
    answers: dict[str, Any]
    consent: bool
    share_with_partners: bool
    created_at: str
    submitted_at: str | None
    deadline: str
    award: AwardRead | None
    registration_status: str | None
    links: dict[str, str]


class ReviewCreate(Struct, forbid_unknown_fields=True):
    eligible: bool | None = None
    scores: Annotated[dict[str, Any], Meta(max_length=20)] | None = None
    comment: Annotated[str, Meta(max_length=5000)] = ""
    conflict_of_interest: bool = False


class ReviewRead(Struct, kw_only=True):
    reviewer_id: int
    reviewer: str
    phase: str
    eligible: bool | None
    scores: dict[str, Number]
    score: str | None
    comment: str
    conflict_of_interest: bool
    updated_at: str


class StaffApplicationRead(Struct, kw_only=True):
    id: int
    event: str
    status: ApplicationStatus
    screening: str
    name: str
    email: str
    country: str
    region: RegionRead
    affiliation: str
    language: str | None
    motivation: str
    contribution: str
    requested: dict[str, str]
    requested_total: str
    currency: str
    would_attend_without_support: bool
    answers: dict[str, Any]
    share_with_partners: bool
    submitted_at: str | None
    award: AwardRead | None
    criteria: list[CriterionRead]
    my_review: ReviewRead | None
    reviews: list[ReviewRead]
    hidden_reviews: int
    reviewers: list[int]
    can_review: list[str]


class MyReviews(Struct, kw_only=True):
    items: list[StaffApplicationRead]


class ReviewResult(Struct, kw_only=True):
    outcome: ReviewOutcome
    application: StaffApplicationRead | None
    replacement_reviewer: int | None = None
    screening: str | None = None


class AssignRequest(Struct, forbid_unknown_fields=True):
    reviewers: Annotated[list[int], Meta(max_length=500)] | None = None


class ReviewerRead(Struct, kw_only=True):
    id: int
    name: str
    load: int


class AssignmentRead(Struct, kw_only=True):
    added: int
    reviewers: list[ReviewerRead]
    assignments: dict[str, list[int]]
    short: dict[str, int]


class RankingItem(Struct, kw_only=True):
    id: int
    rank: int
    overall_rank: int
    name: str
    country: str
    region: RegionRead
    language: str | None
    status: ApplicationStatus
    screening: str
    score: str | None
    raw_score: str | None
    review_count: int
    spread: str | None
    stdev: str | None
    criterion_means: dict[str, str]
    requested: dict[str, str]
    requested_total: str
    award_total: str | None
    submitted_at: str | None


class RankingList(Struct, kw_only=True):
    items: list[RankingItem]
    currency: str
    normalize: bool
    region: str | None
    language: str | None
    sort: str


class AwardCreate(Struct, forbid_unknown_fields=True):
    amounts: Amounts


class BudgetRead(Struct, kw_only=True):
    currency: str
    budget: str
    awarded: str
    accepted: str
    declined: str
    expired: str
    committed: str
    remaining: str
    per_region: dict[str, str]


class AwardResult(Struct, kw_only=True):
    application_id: int
    status: ApplicationStatus
    award: AwardRead
    budget: BudgetRead


class AllocateRequest(Struct, forbid_unknown_fields=True):
    confirm: bool = False
    normalize: bool = False
    expected_application_ids: list[int] | None = None
    mark_rest_not_awarded: bool = False


class ProposedAwardRead(Struct, kw_only=True):
    application_id: int
    name: str
    region: str
    amounts: dict[str, str]
    total: str
    reason: str


class TargetRead(Struct, kw_only=True):
    label: str
    share: str
    target: str
    funded: str
    met: bool
    reason: str | None


class AllocationRead(Struct, kw_only=True):
    confirmed: bool
    currency: str
    awards: list[ProposedAwardRead]
    skipped: list[dict[str, Any]]
    total: str
    remaining: str
    per_region: dict[str, str]
    targets: list[TargetRead]
    not_awarded: list[int]
    budget: BudgetRead


class NotAwardedResult(Struct, kw_only=True):
    not_awarded: list[int]
