"""Ranking applications from their reviews, pure.

Decisions:
- Only scored, non-conflict reviews are passed in; each gives one 0–100
  score (`rubric.review_score`). An application's `raw_score` is the plain
  mean of its review scores: every review counts the same.
- `spread` is max − min of the review scores (reads as "the reviewers are 40
  points apart"), `stdev` their population standard deviation; both are None
  without reviews, 0 with one. `criterion_means` are raw means per criterion
  on the criterion's own scale. These never change with normalisation.
- `normalize=True` removes each reviewer's harshness or leniency: a review
  becomes z = (s − reviewer mean) / reviewer stdev, over *all* reviews that
  reviewer wrote in the program (reviews of applications not being ranked
  still count, so pass them all). A reviewer with one review, or who gave
  every application the same score, says nothing about relative merit, so
  their reviews get z = 0 ("average for this reviewer"). An application's
  normalised score is the mean z mapped back to 0–100 through the mean and
  stdev of all review scores (clamped to [0, 100]), so numbers stay readable.
- Scores are rounded to 2 decimals before ordering: what staff see is what
  ranks. Order: score desc, review_count desc, submitted_at asc, id asc;
  unreviewed applications (score None) go last. `rank` is the 1-based
  position, unique and without gaps; `overall_rank` keeps it in slices.
- Every review carries a score for every criterion of the rubric passed in
  (`rubric.check_scores` made sure); the shell must not change criterion
  keys once reviews exist, or old reviews no longer fit (KeyError here).
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from calendar_service.domain.scholarships.regions import Region
from calendar_service.domain.scholarships.rubric import HUNDRED, Criterion, review_score

PLACES = Decimal("0.01")
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class ApplicationFacts:
    """What ranking, slicing and allocation need to know about a submitted application."""

    id: int
    submitted_at: datetime
    region: Region
    language: str | None = None
    requested: Mapping[str, Decimal] = field(default_factory=dict)

    @property
    def requested_total(self) -> Decimal:
        return sum(self.requested.values(), ZERO)


@dataclass(frozen=True, slots=True)
class ReviewFacts:
    """One completed, non-conflict review: checked scores per criterion key."""

    reviewer_id: int
    application_id: int
    scores: Mapping[str, Decimal]


@dataclass(frozen=True, slots=True)
class Ranked:
    """An application's place in a ranking; `rank` is within the list it is in."""

    application: ApplicationFacts
    rank: int
    score: Decimal | None
    raw_score: Decimal | None
    review_count: int
    spread: Decimal | None
    stdev: Decimal | None
    criterion_means: Mapping[str, Decimal]
    overall_rank: int

    @property
    def application_id(self) -> int:
        return self.application.id


def _round(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_EVEN)


def mean(values: Sequence[Decimal]) -> Decimal:
    return sum(values, ZERO) / len(values)


def pstdev(values: Sequence[Decimal]) -> Decimal:
    """Population standard deviation (divides by n): the spread of exactly these values."""
    centre = mean(values)
    return (sum(((v - centre) ** 2 for v in values), ZERO) / len(values)).sqrt()


def _z_scores(scored: Sequence[tuple[ReviewFacts, Decimal]]) -> list[Decimal]:
    by_reviewer: dict[int, list[Decimal]] = defaultdict(list)
    for review, score in scored:
        by_reviewer[review.reviewer_id].append(score)
    stats = {rid: (mean(values), pstdev(values)) for rid, values in by_reviewer.items()}
    z: list[Decimal] = []
    for review, score in scored:
        centre, sd = stats[review.reviewer_id]
        z.append((score - centre) / sd if sd > 0 else ZERO)  # one review, or all alike: sd is 0
    return z


def _rescale(z: Decimal, centre: Decimal, sd: Decimal) -> Decimal:
    """A mean z back on the 0–100 scale of all review scores, clamped to it."""
    return min(HUNDRED, max(ZERO, centre + z * sd))


def sort_key(item: Ranked) -> tuple[bool, Decimal, int, datetime, int]:
    """Score desc (None last), more reviews first, earlier submission first, lower id first."""
    score = item.score if item.score is not None else ZERO
    return (item.score is None, -score, -item.review_count, item.application.submitted_at, item.application.id)


def rank(
    applications: Sequence[ApplicationFacts],
    reviews: Sequence[ReviewFacts],
    criteria: Sequence[Criterion],
    *,
    normalize: bool = False,
) -> list[Ranked]:
    """Applications best first, with their scores; deterministic for any input order."""
    ids = [a.id for a in applications]
    if len(set(ids)) != len(ids):
        raise ValueError("each application may appear only once in a ranking")
    if any(a.submitted_at.utcoffset() is None for a in applications):
        raise ValueError("submitted_at must be an aware datetime")
    pairs = {(r.reviewer_id, r.application_id) for r in reviews}
    if len(pairs) != len(reviews):
        raise ValueError("a reviewer reviews an application at most once")
    ordered = sorted(reviews, key=lambda r: (r.application_id, r.reviewer_id))
    scored = [(r, review_score(criteria, r.scores)) for r in ordered]
    adjusted = _z_scores(scored) if normalize else [s for _, s in scored]
    everything = [s for _, s in scored]
    centre = mean(everything) if everything else ZERO
    sd = pstdev(everything) if everything else ZERO

    per_app: dict[int, list[tuple[ReviewFacts, Decimal, Decimal]]] = defaultdict(list)
    for (review, score), value in zip(scored, adjusted, strict=True):
        per_app[review.application_id].append((review, score, value))

    results: list[Ranked] = []
    for application in applications:
        mine = per_app.get(application.id, [])
        raw = [s for _, s, _ in mine]
        if not mine:
            results.append(Ranked(application, 0, None, None, 0, None, None, {}, 0))
            continue
        raw_score = mean(raw)
        score = _rescale(mean([v for _, _, v in mine]), centre, sd) if normalize else raw_score
        means = {c.key: _round(mean([r.scores[c.key] for r, _, _ in mine])) for c in criteria}
        results.append(
            Ranked(
                application=application,
                rank=0,
                score=_round(score),
                raw_score=_round(raw_score),
                review_count=len(mine),
                spread=_round(max(raw) - min(raw)),
                stdev=_round(pstdev(raw)),
                criterion_means=means,
                overall_rank=0,
            )
        )
    results.sort(key=sort_key)
    return [replace(item, rank=position, overall_rank=position) for position, item in enumerate(results, start=1)]
