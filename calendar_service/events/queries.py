"""The filters shared by the occurrence listing and the feeds (tag, lang, country, mode)."""

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, exists, or_
from sqlmodel import col

from calendar_service.db.tables import Event, EventFacet
from calendar_service.domain import validation
from calendar_service.errors import InvalidInput

S = TypeVar("S", bound=Select[Any])


@dataclass(frozen=True, slots=True)
class EventFilters:
    """Validated, normalised filter values; `key()` is stable for cache keys."""

    tags: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()

    @classmethod
    def parse(
        cls, tag: str | None = None, lang: str | None = None, country: str | None = None, mode: str | None = None
    ) -> "EventFilters":
        modes = split(mode)
        for value in modes:
            if value not in validation.ATTENDANCE_MODES:
                raise InvalidInput(f"mode: '{value}' is not one of {', '.join(validation.ATTENDANCE_MODES)}", "mode")
        return cls(
            tags=tuple(sorted(validation.tags(split(tag), "tag"))),
            langs=tuple(sorted(validation.language_tags(split(lang), "lang"))),
            countries=tuple(sorted(validation.country_code(c, "country") or "" for c in split(country))),
            modes=tuple(sorted(set(modes))),
        )

    def key(self) -> str:
        return f"t={','.join(self.tags)};l={','.join(self.langs)};c={','.join(self.countries)};m={','.join(self.modes)}"

    def apply(self, stmt: S) -> S:
        if self.tags:
            stmt = stmt.where(_facet("tag", self.tags))
        if self.langs:
            stmt = stmt.where(_facet("lang", self.langs, prefix=True))
        if self.countries:
            stmt = stmt.where(col(Event.location_country).in_(self.countries))
        if self.modes:
            stmt = stmt.where(col(Event.attendance_mode).in_(self.modes))
        return stmt


def split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _facet(facet: str, values: tuple[str, ...], prefix: bool = False) -> Any:
    """Any of the values; a language also matches its regional variants ('es' matches 'es-MX')."""
    matches = [col(EventFacet.value) == v for v in values]
    if prefix:
        matches += [col(EventFacet.value).startswith(f"{v}-") for v in values]
    return exists().where(col(EventFacet.event_id) == col(Event.id), col(EventFacet.facet) == facet, or_(*matches))
