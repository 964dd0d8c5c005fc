"""The pages that find events: the front page, all events (upcoming, and past by year), a calendar by month.

Queries and decisions are the events area's (`events/search.py`); this renders them. Links
(pages, years, clearing the filters) keep the other filters and are built here, not in
templates. On pages, `lang=` is the page's language (the switch every page has), so the events'
language filter is `language=`.

A refused filter is re-raised with a sentence a visitor can act on (per parameter, translated),
and the controllers render it as a 422 page in the layout (`listing_refused`).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import groupby
from typing import Any
from urllib.parse import urlencode

from calendar_service.calendars.service import CalendarService
from calendar_service.domain.locale import DEFAULT
from calendar_service.errors import InvalidInput
from calendar_service.events.queries import EventFilters
from calendar_service.events.search import EventPage, EventSearch, EventSummary, SearchQuery, local_month
from calendar_service.pages.i18n import render
from calendar_service.pages.text import N_

FRONT_PAGE_EVENTS = 10
CALENDAR_PER_PAGE = 30
FILTER_PARAMS = ("q", "calendar", "tag", "language", "country", "mode")
MODES = ("in_person", "online", "hybrid")

# What a visitor reads when a filter is refused, per parameter (the API's wording names fields).
REFUSED = {
    "q": N_("The search text is too long: use at most 200 characters."),
    "calendar": N_("There is no calendar with that name. Choose one from the list."),
    "tag": N_("A topic may contain only letters, digits and hyphens."),
    "lang": N_("Choose a language from the list, or a language code such as “es” or “en”."),
    "country": N_("Choose a country from the list, or a two-letter country code such as “MX”."),
    "mode": N_("Choose in person, online or hybrid."),
    "when": N_("Choose upcoming or past events."),
    "year": N_("The year must be a number such as 2024."),
    "page": N_("The page number must be a whole number, 1 or more."),
    "from": N_("The start date must be a date such as 2024-09-01."),
    "to": N_("The end date must be a date such as 2024-12-31, after the start date."),
}
REFUSED_HEADING = N_("These filters cannot be used")
SHOW_ALL = N_("Show all events without filters")
CALENDAR_NOT_FOUND = N_("There is no such calendar")
CALENDAR_NOT_FOUND_TEXT = N_("This address matches no calendar. The front page lists every calendar.")
FRONT_PAGE = N_("Go to the front page")


@dataclass(frozen=True, slots=True)
class Group:
    """Events under one heading: a year of the archive, a month of a calendar, or none."""

    label: str
    items: list[EventSummary]
    key: str = ""


def refusal(exc: InvalidInput) -> InvalidInput:
    """The same refusal, worded for a visitor (the field's sentence; the original when the field is unknown)."""
    return InvalidInput(REFUSED.get(exc.field or "", exc.message), exc.field)


def link(path: str, params: Mapping[str, str | int | None], **changes: str | int | None) -> str:
    """`path` with the non-empty parameters, changed by `changes` (None removes one)."""
    merged = {**params, **changes}
    kept = {k: str(v) for k, v in merged.items() if v not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


class ListingPages:
    """The front page, `/events` and a calendar's page, in one language."""

    def __init__(self, search: EventSearch, calendars: CalendarService, locale: str = DEFAULT) -> None:
        self.search = search
        self.calendars = calendars
        self.locale = locale

    async def front_page(self) -> bytes:
        calendars = (await self.calendars.list()).items
        upcoming = await self.search.find(SearchQuery(per_page=FRONT_PAGE_EVENTS))
        return render(
            "home.html",
            self.locale,
            calendars=calendars,
            upcoming=upcoming,
            options=await self.search.options(),
            values={},
            modes=MODES,
            all_url="/events",
            past_url=link("/events", {}, when="past"),
            switch_path="/",
        )

    async def events_page(self, params: Mapping[str, str | None]) -> bytes:
        """`params`: q, calendar, tag, language, country, mode, when, year, page (as given)."""
        calendars = (await self.calendars.list()).items
        try:
            query = SearchQuery.parse(
                q=params.get("q"),
                calendar=params.get("calendar"),
                tag=params.get("tag"),
                lang=params.get("language"),
                country=params.get("country"),
                mode=params.get("mode"),
                when=params.get("when"),
                year=params.get("year"),
                page=params.get("page"),
            )
            found = await self.search.find(query, {c.slug for c in calendars})
        except InvalidInput as exc:
            raise refusal(exc) from None
        values = {name: params.get(name) or "" for name in FILTER_PARAMS}
        kept: dict[str, str | int | None] = {**values, "when": "past" if query.when == "past" else None}
        kept["year"] = query.year
        past = query.when == "past"
        groups = (
            [Group(str(y), list(items), str(y)) for y, items in groupby(found.items, key=lambda i: i.year)]
            if past
            else [Group("", found.items)]
        )
        filtered = any(values.values()) or query.year is not None
        return render(
            "events.html",
            self.locale,
            found=found,
            groups=groups,
            past=past,
            year=query.year,
            values=values,
            filtered=filtered,
            calendars=calendars,
            options=await self.search.options(),
            modes=MODES,
            years=[(y, link("/events", kept, year=y, page=None), y == query.year) for y in found.years],
            all_years_url=link("/events", kept, year=None, page=None),
            upcoming_url=link("/events", kept, when=None, year=None, page=None),
            past_url=link("/events", kept, when="past", page=None),
            clear_url=link("/events", {}, when="past" if past else None),
            **self._pager(found, "/events", kept),
            switch_path="/events",
        )

    async def calendar_page(self, slug: str, params: Mapping[str, str | None]) -> bytes:
        """`params`: from, to, tag, language, country, mode, page. An unknown calendar is a NotFound."""
        calendar = self.calendars.to_read(await self.calendars.get_row(slug))
        try:
            filters = EventFilters.parse(
                params.get("tag"), params.get("language"), params.get("country"), params.get("mode")
            )
            query = SearchQuery.window(
                slug,
                params.get("from"),
                params.get("to"),
                self.search.now,
                filters,
                params.get("page"),
                CALENDAR_PER_PAGE,
            )
            found = await self.search.find(query, {slug})
        except InvalidInput as exc:
            raise refusal(exc) from None
        kept: dict[str, str | int | None] = {
            name: params.get(name) for name in ("from", "to", "tag", "language", "country", "mode")
        }
        assert query.window_start is not None and query.window_end is not None
        months = [
            Group("", list(items), month.isoformat())
            for month, items in groupby(found.items, key=lambda i: _month_of(i))
        ]
        return render(
            "calendar.html",
            self.locale,
            calendar=calendar,
            found=found,
            months=months,
            window_first=query.window_start.date(),
            window_last=_last_day(query.window_end),
            archive_url=link("/events", {}, calendar=slug, when="past"),
            **self._pager(found, f"/calendars/{slug}", kept),
            switch_path=f"/calendars/{slug}",
        )

    @staticmethod
    def _pager(found: EventPage, path: str, kept: Mapping[str, Any]) -> dict[str, str]:
        return {
            "previous_url": link(path, kept, page=found.page - 1 if found.page > 2 else None) if found.page > 1 else "",
            "next_url": link(path, kept, page=found.page + 1) if found.page < found.pages else "",
        }


def _month_of(item: EventSummary) -> date:
    return local_month(item.shown.start_date if item.shown else item.first_day)


def _last_day(window_end: datetime) -> date:
    """The last day a window `[from, to)` covers: the day before `to` when `to` is a midnight."""
    if window_end.time() == time():
        return date.fromordinal(window_end.date().toordinal() - 1)
    return window_end.date()


def listing_refused(message: str, locale: str, back_url: str = "/events") -> bytes:
    """A refused filter: what to fix, and a way back without filters."""
    return render(
        "refused.html", locale, heading=REFUSED_HEADING, message=message, back_url=back_url, back_label=SHOW_ALL
    )


def calendar_missing(locale: str) -> bytes:
    """`/calendars/{slug}` for a slug no calendar has."""
    return render(
        "refused.html",
        locale,
        heading=CALENDAR_NOT_FOUND,
        message=CALENDAR_NOT_FOUND_TEXT,
        back_url="/",
        back_label=FRONT_PAGE,
    )
