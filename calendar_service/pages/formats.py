"""Dates, times, zones and numbers as a person reads them in the page's language, all by Babel (CLDR).

No pattern here is written by hand: each comes from the locale's data (skeletons, interval formats,
the date-time glue "{1}, {0}" and the interval fallback "{0} – {1}"), so Spanish reads
"jue, 5 sept 2024, 17:00–19:00" and English "Thu, Sep 5, 2024, 17:00 – 19:00". Times are 24-hour
in every language (the `Hm` skeleton): the readers are worldwide, and 24-hour times are never
ambiguous.
"""

import functools
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_interval, format_skeleton, get_timezone_gmt, get_timezone_location, get_timezone_name
from babel.numbers import format_currency, format_decimal

DATE = "yMMMEd"  # weekday, day, short month, year
SHORT_DATE = "yMMMd"  # day, short month, year: the span of a series
MONTH = "yMMMM"  # a month heading: "September 2024" / "septiembre de 2024"
TIME = "Hm"  # 24-hour hours and minutes
UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "Etc/GMT", "GMT", "Etc/Universal", "Etc/Zulu", "Universal", "Zulu"})


def instant(value: datetime | str) -> datetime:
    """An aware datetime from one, or from an ISO 8601 text with an offset or Z (as the read models give)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no UTC offset")
    return moment


def day(value: date | str) -> date:
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value.date() if isinstance(value, datetime) else value


class Formats:
    """Babel's formatting in one locale, as the templates call it (`fmt.time_range(…)`)."""

    def __init__(self, locale: str) -> None:
        self.locale = locale
        self._data = Locale.parse(locale)

    def _glue(self, date_text: str, time_text: str) -> str:
        pattern = str(self._data.datetime_formats["medium"])  # "{1}, {0}": {1} the date, {0} the time
        return pattern.replace("{1}", date_text).replace("{0}", time_text)

    def _fallback(self, first: str, second: str) -> str:
        pattern = str(self._data.interval_formats[None])  # "{0} – {1}"
        return pattern.replace("{0}", first).replace("{1}", second)

    def date_text(self, value: date | str) -> str:
        """ "Thu, Sep 5, 2024" / "jue, 5 sept 2024"."""
        return format_skeleton(DATE, day(value), locale=self.locale)

    def date_time(self, value: datetime | str, zone: str) -> str:
        """One instant on the wall clock of `zone`, date and time."""
        local = instant(value).astimezone(ZoneInfo(zone))
        return self._glue(self.date_text(local.date()), format_skeleton(TIME, local, locale=self.locale))

    def time_range(self, start: datetime | str, end: datetime | str, zone: str) -> str:
        """From `start` to `end` on the wall clock of `zone`: one date when both fall on the same day."""
        tz = ZoneInfo(zone)
        first, last = instant(start).astimezone(tz), instant(end).astimezone(tz)
        if first.date() == last.date():
            times = format_interval(first, last, TIME, tzinfo=tz, locale=self.locale)
            return self._glue(self.date_text(first.date()), times)
        return self._fallback(self.date_time(first, zone), self.date_time(last, zone))

    def date_range(self, first: date | str, last: date | str) -> str:
        """All-day and multi-day events: the dates only, both inclusive ("Thu, Sep 5 – Sat, Sep 7, 2024")."""
        start, end = day(first), day(last)
        if start == end:
            return self.date_text(start)
        return format_interval(start, end, DATE, locale=self.locale)

    def short_date_range(self, first: date | str, last: date | str) -> str:
        """A series' span without weekdays ("Sep 5 – Dec 19, 2024" / "5 sept – 19 dic 2024")."""
        start, end = day(first), day(last)
        if start == end:
            return format_skeleton(SHORT_DATE, start, locale=self.locale)
        return format_interval(start, end, SHORT_DATE, locale=self.locale)

    def month(self, value: date | str) -> str:
        """A month and its year, as a heading."""
        return format_skeleton(MONTH, day(value), locale=self.locale)

    def language_name(self, code: str) -> str:
        """A language tag's name in the page's language ("es" -> "Spanish" / "español"); the tag if unknown."""
        return str(self._data.languages.get(code.split("-")[0].lower()) or code)

    def country_name(self, code: str) -> str:
        """An ISO 3166 code's name in the page's language ("MX" -> "Mexico" / "México")."""
        return str(self._data.territories.get(code.upper()) or code)

    def all_day_range(self, start: date | str, end_exclusive: date | str) -> str:
        """An all-day event stored with an exclusive end date (iCalendar's DTEND) as its inclusive dates."""
        start_day, end_day = day(start), day(end_exclusive)
        return self.date_range(start_day, max(start_day, end_day - timedelta(days=1)))

    def zone_name(self, zone: str) -> str:
        """The zone as a place, in the locale: "Mexico (Mexico City) Time" / "hora de México (Ciudad de México)"."""
        return _zone_name(zone, self.locale)

    def utc_offset(self, zone: str, at: datetime | str) -> str:
        """The zone's offset at that instant, in the locale's format ("GMT-06:00")."""
        return get_timezone_gmt(instant(at).astimezone(ZoneInfo(zone)), width="long", locale=self.locale)

    def zone_city(self, zone: str) -> str:
        """The zone's exemplar city in the locale ("Mexico City" / "Ciudad de México"); "UTC" for UTC."""
        if zone in UTC_NAMES:
            return "UTC"
        return str(get_timezone_location(ZoneInfo(zone), locale=self.locale, return_city=True))

    def short_offset(self, zone: str, at: datetime | str) -> str:
        """The offset at that instant as people write it: "UTC−6", "UTC+5:30", "UTC" (a true minus sign)."""
        offset = instant(at).astimezone(ZoneInfo(zone)).utcoffset() or timedelta()
        minutes = round(offset.total_seconds() / 60)
        if minutes == 0:
            return "UTC"
        hours, rest = divmod(abs(minutes), 60)
        sign = "+" if minutes > 0 else "\u2212"
        return f"UTC{sign}{self.number(hours)}" + (f":{rest:02d}" if rest else "")

    def number(self, value: int | float | Decimal) -> str:
        return format_decimal(value, locale=self.locale)

    def money(self, amount: int | float | Decimal | str, currency: str) -> str:
        """An amount in its currency, as the locale writes it ("MX$1,234.50" / "1234,50 MXN")."""
        return format_currency(Decimal(str(amount)), currency, locale=self.locale)


@functools.lru_cache(maxsize=4096)
def _zone_name(zone: str, locale: str) -> str:
    """Zone names do not change while the process runs; CLDR's lookup is the slow part of a list of events."""
    if zone in UTC_NAMES:  # a zone with no place: "Coordinated Universal Time" / "tiempo universal coordinado"
        return get_timezone_name(datetime(2000, 1, 1, tzinfo=ZoneInfo("Etc/UTC")), width="long", locale=locale)
    return get_timezone_location(ZoneInfo(zone), locale=locale)
