""" "Add to calendar" and "subscribe" links for Google and Outlook (pure URL building).

Subscription links use the feed URL; one-off links carry the times in UTC
plus the event's zone (`ctz`) so Google shows the event's own zone. A
recurring event's one-off link includes its RRULE (Google's `recur`);
Outlook's compose link has no recurrence, so a series should be added
through its .ics file instead (the page offers both).
"""

from datetime import UTC, date, datetime
from urllib.parse import urlencode

GOOGLE_RENDER = "https://calendar.google.com/calendar/render"
GOOGLE_SUBSCRIBE = "https://calendar.google.com/calendar/r"
OUTLOOK_COM = "https://outlook.live.com/calendar/0"
OFFICE_365 = "https://outlook.office.com/calendar/0"


def webcal(url: str) -> str:
    """The same feed URL with the webcal scheme Apple and Outlook subscribe with."""
    return "webcal://" + url.split("://", 1)[1]


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_event(
    *,
    title: str,
    start: datetime | date,
    end: datetime | date,
    zone: str,
    details: str = "",
    location: str | None = None,
    rrule: str | None = None,
) -> str:
    """`start`/`end`: aware datetimes, or dates (end exclusive) for all-day events."""
    if isinstance(start, datetime) and isinstance(end, datetime):
        dates = f"{_utc(start)}/{_utc(end)}"
    else:
        dates = f"{start:%Y%m%d}/{end:%Y%m%d}"
    params = {"action": "TEMPLATE", "text": title, "dates": dates, "ctz": zone, "details": details[:1500]}
    if location:
        params["location"] = location
    if rrule:
        params["recur"] = f"RRULE:{rrule}"
    return f"{GOOGLE_RENDER}?{urlencode(params)}"


def outlook_event(
    *,
    title: str,
    start: datetime | date,
    end: datetime | date,
    details: str = "",
    location: str | None = None,
    office365: bool = False,
) -> str:
    all_day = not (isinstance(start, datetime) and isinstance(end, datetime))
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": title,
        "startdt": _outlook_time(start),
        "enddt": _outlook_time(end),
        "allday": "true" if all_day else "false",
        "body": details[:1500],
    }
    if location:
        params["location"] = location
    base = OFFICE_365 if office365 else OUTLOOK_COM
    return f"{base}/deeplink/compose?{urlencode(params)}"


def _outlook_time(moment: datetime | date) -> str:
    if isinstance(moment, datetime):
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.isoformat()


def google_subscribe(feed_url: str) -> str:
    return f"{GOOGLE_SUBSCRIBE}?{urlencode({'cid': webcal(feed_url)})}"


def outlook_subscribe(feed_url: str, name: str, office365: bool = False) -> str:
    base = OFFICE_365 if office365 else OUTLOOK_COM
    return f"{base}/addfromweb?{urlencode({'url': feed_url, 'name': name})}"
