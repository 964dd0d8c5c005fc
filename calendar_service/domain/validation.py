"""Small pure checks on event fields, each raising InvalidInput that names the field."""

import re
from urllib.parse import urlsplit

import pytz

from calendar_service.errors import InvalidInput

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_TAG = re.compile(r"^[\w][\w\-\.]{0,63}$", re.UNICODE)
ATTENDANCE_MODES = ("in_person", "online", "hybrid")
# Control characters: never in a text we store. A line of text (a title, a name, a subject: what reaches
# an email header, a feed's SUMMARY or a page heading) refuses line breaks and tabs too; a longer text
# (a description, a message body) keeps them, and every writer escapes them.
_CONTROL_IN_LINE = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def single_line(value: str, field: str) -> str:
    """A one-line text: no line break, tab or other control character (422 naming the field)."""
    found = _CONTROL_IN_LINE.search(value)
    if found:
        what = "a line break" if found.group() in "\r\n" else f"the control character U+{ord(found.group()):04X}"
        raise InvalidInput(f"{field}: must be one line of text without control characters; it contains {what}", field)
    return value


def multiline(value: str, field: str) -> str:
    """A longer text: line breaks and tabs are kept; other control characters (NUL, escape…) are refused."""
    found = _CONTROL_IN_TEXT.search(value)
    if found:
        raise InvalidInput(
            f"{field}: must not contain control characters; it contains U+{ord(found.group()):04X}", field
        )
    return value


def country_code(value: str | None, field: str = "location.country") -> str | None:
    """ISO 3166-1 alpha-2, upper case (the list is pytz's copy of the tz database's iso3166.tab)."""
    if value is None:
        return None
    code = value.strip().upper()
    if code not in pytz.country_names:
        raise InvalidInput(f"{field}: '{value}' is not an ISO 3166-1 alpha-2 country code (e.g. GH, MX, US)", field)
    return code


def language_tags(values: list[str], field: str = "languages") -> list[str]:
    out: list[str] = []
    for index, value in enumerate(values):
        if not _LANGUAGE.fullmatch(value):
            raise InvalidInput(
                f"{field}[{index}]: '{value}' is not a BCP 47 language tag (e.g. en, es, pt-BR)", f"{field}[{index}]"
            )
        parts = value.split("-")
        tag = "-".join([parts[0].lower(), *(p.upper() if len(p) == 2 else p for p in parts[1:])])
        if tag not in out:
            out.append(tag)
    return out


def tags(values: list[str], field: str = "tags") -> list[str]:
    out: list[str] = []
    for index, value in enumerate(values):
        tag = value.strip().lower()
        if not _TAG.fullmatch(tag):
            raise InvalidInput(
                f"{field}[{index}]: '{value}' is not a tag; use up to 64 letters, digits, '-', '_' or '.'",
                f"{field}[{index}]",
            )
        if tag not in out:
            out.append(tag)
    return out


def http_url(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    url = value.strip()
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise InvalidInput(f"{field}: a URL cannot contain spaces or line breaks; percent-encode them (%20)", field)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInput(f"{field}: '{value}' is not an http(s) URL", field)
    return url


def coordinate(value: float | None, low: float, high: float, field: str) -> float | None:
    if value is None:
        return None
    if not low <= value <= high:
        raise InvalidInput(f"{field}: {value} is outside {low}..{high}", field)
    return value
