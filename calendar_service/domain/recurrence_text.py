"""A recurrence rule in words, in the reader's language: "Every Thursday until December 19, 2024".

Decisions:
- Pure: the rule text, the series' first start (aware, in the event's zone) and a locale in,
  one sentence out. Weekday and month names, lists ("Monday and Wednesday" / "lunes y
  miércoles") and dates come from Babel (CLDR data); only the sentence frames are written here,
  one whole frame per locale and shape, so no sentence is glued from translated pieces.
- UNTIL is read in the event's zone: a canonical timed rule stores it in UTC
  (`UNTIL=20241220T005959Z` is still 19 December in Mexico City).
- What the frames cannot say faithfully (HOURLY, BYMONTH, BYSETPOS lists, BYWEEKNO,
  BYYEARDAY, BYHOUR…) is "Repeats on a custom schedule": never a wrong sentence.
"""

from datetime import date, datetime

from babel.dates import format_date, format_skeleton, get_day_names
from babel.lists import format_list

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # Babel's day indexes: Monday = 0
_KNOWN = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYSETPOS", "COUNT", "UNTIL", "WKST"}

_FRAMES: dict[str, dict[str, str]] = {
    "en": {
        "daily": "Every day",
        "daily_n": "Every {n} days",
        "weekly": "Every {days}",
        "weekly_n": "Every {n} weeks on {days}",
        "monthly_day": "Every month on day {day}",
        "monthly_day_n": "Every {n} months on day {day}",
        "monthly_last_day": "Every month on its last day",
        "monthly_last_day_n": "Every {n} months on the last day",
        "monthly_nth": "Every month on the {nth} {weekday}",
        "monthly_nth_n": "Every {n} months on the {nth} {weekday}",
        "yearly": "Every year on {date}",
        "yearly_n": "Every {n} years on {date}",
        "count": "{rule}, {n} times",
        "until": "{rule} until {date}",
        "custom": "Repeats on a custom schedule",
    },
    "es": {
        "daily": "Cada día",
        "daily_n": "Cada {n} días",
        "weekly": "Cada {days}",
        "weekly_n": "Cada {n} semanas, los {days}",
        "monthly_day": "Cada mes, el día {day}",
        "monthly_day_n": "Cada {n} meses, el día {day}",
        "monthly_last_day": "Cada mes, el último día",
        "monthly_last_day_n": "Cada {n} meses, el último día",
        "monthly_nth": "Cada mes, el {nth} {weekday}",
        "monthly_nth_n": "Cada {n} meses, el {nth} {weekday}",
        "yearly": "Cada año, el {date}",
        "yearly_n": "Cada {n} años, el {date}",
        "count": "{rule}, {n} veces",
        "until": "{rule} hasta el {date}",
        "custom": "Se repite según un calendario especial",
    },
}
_ORDINALS: dict[str, dict[int, str]] = {
    "en": {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last", -2: "second to last"},
    "es": {1: "primer", 2: "segundo", 3: "tercer", 4: "cuarto", 5: "quinto", -1: "último", -2: "penúltimo"},
}


class _Custom(Exception):
    """The rule has a shape the frames cannot say."""


def _parts(rrule: str) -> dict[str, str]:
    text = rrule.strip().removeprefix("RRULE:")
    parts: dict[str, str] = {}
    for item in text.split(";"):
        key, sep, value = item.partition("=")
        if not sep or not value or key.upper() in parts:
            raise _Custom
        parts[key.upper()] = value.upper()
    if not parts.keys() <= _KNOWN or "FREQ" not in parts or ("COUNT" in parts and "UNTIL" in parts):
        raise _Custom
    return parts


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise _Custom
    return int(value)


def _weekday(code: str, locale: str) -> str:
    if code not in _DAYS:
        raise _Custom
    return str(get_day_names("wide", locale=locale)[_DAYS.index(code)])


def _days(codes: list[str], locale: str) -> str:
    if not codes or len(set(codes)) != len(codes):
        raise _Custom
    ordered = sorted(codes, key=lambda code: _DAYS.index(code) if code in _DAYS else -1)
    return format_list([_weekday(code, locale) for code in ordered], locale=locale)


def _nth_weekday(byday: str, bysetpos: str | None) -> tuple[int, str]:
    """ "2TU" (or BYDAY=TU;BYSETPOS=2): the position in the month and the weekday code."""
    if bysetpos is not None:
        if not byday.isalpha():
            raise _Custom
        position, code = bysetpos, byday
    else:
        position, code = byday[:-2], byday[-2:]
    try:
        n = int(position)
    except ValueError:
        raise _Custom from None
    return n, code


def _until(value: str, start: datetime, locale: str) -> str:
    if len(value) == 8:
        moment: date = date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    else:
        try:
            parsed = datetime.strptime(value.rstrip("Z") + "+0000", "%Y%m%dT%H%M%S%z")
        except ValueError:
            raise _Custom from None
        zone = start.tzinfo
        # A floating UNTIL (no Z) is already the event's wall time.
        moment = (parsed.astimezone(zone) if value.endswith("Z") and zone else parsed).date()
    return format_date(moment, "long", locale=locale)


def _rule(parts: dict[str, str], start: datetime, locale: str) -> str:
    frames = _FRAMES[locale]
    freq = parts["FREQ"]
    n = _positive(parts.get("INTERVAL", "1"))
    suffix = "" if n == 1 else "_n"
    byday = [code for code in parts.get("BYDAY", "").split(",") if code]
    if "BYSETPOS" in parts and (freq != "MONTHLY" or len(byday) != 1):
        raise _Custom
    if freq == "DAILY":
        if "BYMONTHDAY" in parts:
            raise _Custom
        if byday and n == 1:
            return frames["weekly"].format(days=_days(byday, locale))
        if byday:
            raise _Custom
        return frames["daily" + suffix].format(n=n)
    if freq == "WEEKLY":
        if "BYMONTHDAY" in parts:
            raise _Custom
        codes = byday or [_DAYS[start.weekday()]]
        return frames["weekly" + suffix].format(n=n, days=_days(codes, locale))
    if freq == "MONTHLY":
        if byday and "BYMONTHDAY" in parts:
            raise _Custom
        if byday:
            if len(byday) != 1:
                raise _Custom
            position, code = _nth_weekday(byday[0], parts.get("BYSETPOS"))
            nth = _ORDINALS[locale].get(position)
            if nth is None:
                raise _Custom
            return frames["monthly_nth" + suffix].format(n=n, nth=nth, weekday=_weekday(code, locale))
        days = parts.get("BYMONTHDAY", str(start.day)).split(",")
        if len(days) != 1:
            raise _Custom
        if days[0] == "-1":
            return frames["monthly_last_day" + suffix].format(n=n)
        day = _positive(days[0])
        if day > 31:
            raise _Custom
        return frames["monthly_day" + suffix].format(n=n, day=day)
    if freq == "YEARLY" and not byday and "BYMONTHDAY" not in parts:
        return frames["yearly" + suffix].format(n=n, date=format_skeleton("MMMMd", start, locale=locale))
    raise _Custom


def describe(rrule: str, start: datetime, locale: str) -> str:
    """The rule in one sentence of `locale` ("en" or "es"; any other reads English)."""
    language = locale if locale in _FRAMES else "en"
    frames = _FRAMES[language]
    try:
        parts = _parts(rrule)
        text = _rule(parts, start, language)
        if "COUNT" in parts:
            return frames["count"].format(rule=text, n=_positive(parts["COUNT"]))
        if "UNTIL" in parts:
            return frames["until"].format(rule=text, date=_until(parts["UNTIL"], start, language))
    except _Custom:
        return frames["custom"]
    return text
