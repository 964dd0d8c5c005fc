"""Who reviews what, pure: balanced, conflict-free, deterministic.

Decisions:
- Each application gets `per_application` reviewers in total; reviewers it
  already has (`existing`) count, and are never moved or removed, since
  they may have started reading.
- Never assigned: a declared conflict `(reviewer_id, application_id)`, an
  application in the reviewer's `own_applications` (someone who applied, or
  whose colleague did, as the service decides), or a reviewer twice on one
  application.
- Balance: every slot goes to the eligible reviewer with the fewest
  assignments in the program (existing ones included), ties to the lower
  id; most constrained applications are filled first. A repair pass then
  moves new assignments from a reviewer to one with at least two fewer
  whenever the constraints allow, until no such move exists. Without
  constraints loads differ by at most one; with them, no single move can
  narrow the gap (a maximal-balance guarantee would need a flow solver,
  which a reviewer pool of tens does not justify).
- There is no per-reviewer cap, so an application is short of reviewers
  exactly when too few eligible reviewers exist; `short` says how many it
  still lacks, for staff to recruit or lift a conflict.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from calendar_service.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Assignment:
    """`added` is what to write; `reviewers` includes the existing ones; `loads` counts both."""

    added: dict[int, list[int]]
    reviewers: dict[int, list[int]]
    short: dict[int, int]
    loads: dict[int, int]


def assign_reviewers(
    application_ids: Sequence[int],
    reviewer_ids: Sequence[int],
    per_application: int,
    *,
    conflicts: Collection[tuple[int, int]] = (),
    existing: Mapping[int, Collection[int]] | None = None,
    own_applications: Mapping[int, Collection[int]] | None = None,
) -> Assignment:
    """New reviewer assignments bringing every application up to `per_application`."""
    if per_application < 1:
        raise InvalidInput("reviews_per_application: must be at least 1", "reviews_per_application")
    if len(set(application_ids)) != len(application_ids) or len(set(reviewer_ids)) != len(reviewer_ids):
        raise ValueError("application_ids and reviewer_ids must not repeat")
    existing = existing or {}
    forbidden = set(conflicts)
    for reviewer, applications in (own_applications or {}).items():
        forbidden.update((reviewer, a) for a in applications)
    pool = sorted(reviewer_ids)
    loads = {r: 0 for r in pool}
    for reviewers in existing.values():
        for r in reviewers:
            if r in loads:
                loads[r] += 1

    def eligible(application: int) -> list[int]:
        have = existing.get(application, ())
        return [r for r in pool if (r, application) not in forbidden and r not in have]

    candidates = {a: eligible(a) for a in application_ids}
    needs = {a: max(0, per_application - len(set(existing.get(a, ())))) for a in application_ids}
    added: dict[int, list[int]] = {a: [] for a in application_ids}
    for application in sorted(application_ids, key=lambda a: (len(candidates[a]) - needs[a], a)):
        chosen = sorted(candidates[application], key=lambda r: (loads[r], r))[: needs[application]]
        for r in chosen:
            loads[r] += 1
        added[application] = chosen

    _rebalance(added, candidates, loads)
    result = {a: sorted(rs) for a, rs in sorted(added.items())}
    return Assignment(
        added=result,
        reviewers={a: sorted(set(existing.get(a, ())) | set(result[a])) for a in result},
        short={a: needs[a] - len(result[a]) for a in result if len(result[a]) < needs[a]},
        loads=loads,
    )


def _rebalance(added: dict[int, list[int]], candidates: Mapping[int, list[int]], loads: dict[int, int]) -> None:
    """Move new assignments from busier to idler reviewers while a move narrows a gap of 2+.

    Each move lowers the sum of squared loads, so the loop ends.
    """
    moved = True
    while moved:
        moved = False
        for application in sorted(added):
            for r in sorted(added[application], key=lambda x: (-loads[x], x)):
                taken = set(added[application])
                spare = [x for x in candidates[application] if x not in taken and loads[x] <= loads[r] - 2]
                if not spare:
                    continue
                better = min(spare, key=lambda x: (loads[x], x))
                added[application] = [better if x == r else x for x in added[application]]
                loads[r] -= 1
                loads[better] += 1
                moved = True
