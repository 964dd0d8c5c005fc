"""Slices of a ranking: one region, the Global South or North, one language community; pure.

Decisions:
- A slice keeps the overall order and renumbers `rank` from 1 within the
  slice; `overall_rank` still says where the application stands overall.
  This is how review committees balance: "the best three from Oceania".
- A region slice takes any label of `regions.REGION_LABELS` (M49 region,
  sub-region, intermediate region, "south", "north"), matched
  case-insensitively through `regions.canonical_label`.
- Language communities are free labels chosen by the program (e.g. "small"
  and "large" communities, or a language name). An application without a
  label is grouped under `UNSPECIFIED`, never dropped.
- Groups come out sorted by key, so listings are stable.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from calendar_service.domain.scholarships.ranking import Ranked
from calendar_service.domain.scholarships.regions import canonical_label

UNSPECIFIED = "unspecified"


def renumber(items: Iterable[Ranked]) -> list[Ranked]:
    """The same order, `rank` 1..n; `overall_rank` untouched."""
    return [replace(item, rank=position) for position, item in enumerate(items, start=1)]


def un_region_of(item: Ranked) -> str:
    return item.application.region.un_region


def hemisphere_of(item: Ranked) -> str:
    """`SOUTH` or `NORTH`."""
    return item.application.region.hemisphere


def language_of(item: Ranked) -> str:
    return item.application.language or UNSPECIFIED


def slice_ranking(
    ranked: Sequence[Ranked], *, region: str | None = None, language: str | None = None, field: str = "region"
) -> list[Ranked]:
    """The applications matching every given filter, re-ranked within the slice."""
    label = canonical_label(region, field) if region is not None else None
    wanted_language = language.casefold() if language is not None else None
    return renumber(
        item
        for item in ranked
        if (label is None or label in item.application.region.labels)
        and (wanted_language is None or language_of(item).casefold() == wanted_language)
    )


def group_ranking(ranked: Sequence[Ranked], key: Callable[[Ranked], str]) -> dict[str, list[Ranked]]:
    """One re-ranked slice per key value, e.g. `group_ranking(r, un_region_of)`; keys sorted."""
    groups: dict[str, list[Ranked]] = {}
    for item in ranked:
        groups.setdefault(key(item), []).append(item)
    return {name: renumber(groups[name]) for name in sorted(groups)}
