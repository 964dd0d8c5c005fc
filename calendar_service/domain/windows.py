"""Query windows: `from`/`to` strings -> a UTC interval, bounded."""

from datetime import UTC, datetime, time, timedelta

from calendar_service.domain.timezones import get_zone, to_utc_lenient
from calendar_service.errors import InvalidInput

DEFAULT_SPAN = timedelta(days=366)
MAX_SPAN = timedelta(days=366 * 10)
YEARS = (1900, 2200)  # far outside any event here; keeps every margin added to a bound inside datetime's range


def parse_bound(text: str, zone_name: str | None, field: str) -> datetime:
    """A date (start of that day), a local date-time, or a date-time with offset/Z.

    Dates and local times are read in `tz` when it is given, else in UTC.
    """
    raw = text.strip()
    if raw[:4].isdigit() and not YEARS[0] <= int(raw[:4]) <= YEARS[1]:
        raise InvalidInput(f"{field}: '{text}' is out of range; use a year from {YEARS[0]} to {YEARS[1]}", field)
    try:
        if len(raw) == 10:
            value = datetime.combine(datetime.fromisoformat(raw).date(), time())
        else:
            value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"{field}: '{text}' is not a date (2024-01-01) or date-time (2024-01-01T09:00:00Z)", field
        ) from None
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    if zone_name is None:
        return value.replace(tzinfo=UTC)
    return to_utc_lenient(value, get_zone(zone_name, "tz"))


def parse_window(start: str | None, end: str | None, zone_name: str | None, now: datetime) -> tuple[datetime, datetime]:
    """[from, to) in UTC; `to` is exclusive. Defaults: from today, one year."""
    if zone_name is not None:
        get_zone(zone_name, "tz")
    lower = parse_bound(start, zone_name, "from") if start else datetime.combine(now.date(), time(), UTC)
    upper = parse_bound(end, zone_name, "to") if end else lower + DEFAULT_SPAN
    if upper <= lower:
        raise InvalidInput("to: must be after from", "to")
    if upper - lower > MAX_SPAN:
        raise InvalidInput("to: a window may span at most 10 years; narrow from/to", "to")
    return lower, upper
