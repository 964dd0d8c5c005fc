"""HTTP validators: weak ETags and Last-Modified, compared as RFC 9110 says."""

from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from hashlib import sha256


def make_etag(key: str) -> str:
    """A weak validator (W/): gzip and identity encodings of one feed share it."""
    return 'W/"' + sha256(key.encode()).hexdigest()[:32] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(candidate.strip().removeprefix("W/") == wanted for candidate in if_none_match.split(","))


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def not_modified_since(if_modified_since: str | None, last_modified: datetime) -> bool:
    if not if_modified_since:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return last_modified.replace(microsecond=0) <= since


def is_fresh(if_none_match: str | None, if_modified_since: str | None, etag: str, last_modified: datetime) -> bool:
    """304? If-None-Match wins; If-Modified-Since counts only without it (RFC 9110 §13.2.2)."""
    if if_none_match:
        return etag_matches(if_none_match, etag)
    return not_modified_since(if_modified_since, last_modified)
