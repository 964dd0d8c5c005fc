"""Which language a page speaks: an explicit choice, then a remembered one, then the browser's, then English.

Pure: the shell hands over the raw `?lang=` value, the `lang` cookie and the
`Accept-Language` header; anything unknown, malformed or oversized is ignored,
never an error (a visitor with a strange browser still gets a page).
"""

SUPPORTED: tuple[str, ...] = ("en", "es")
DEFAULT = "en"
COOKIE = "lang"
_MAX_HEADER = 1024  # longer Accept-Language headers are not negotiated (no browser sends one)
_MAX_RANGES = 20


def supported(value: str | None) -> str | None:
    """`value` as a supported language code ("es-MX" -> "es"), or None when it names none of ours."""
    if not value or len(value) > 35:  # BCP 47 tags are short; RFC 5646 §4.4.1 suggests 35 characters at most
        return None
    tag = value.strip().replace("_", "-").lower()
    primary = tag.split("-", 1)[0]
    return primary if primary in SUPPORTED else None


def _quality(params: list[str]) -> float | None:
    """The q-value of one language range (1 when absent), or None when it is malformed."""
    for param in params:
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return None
            return q if 0 <= q <= 1 else None
    return 1.0


def from_accept_language(header: str | None) -> str | None:
    """The best supported language of an Accept-Language header (RFC 9110 §12.5.4), None when none fits.

    Ranges are taken by q-value, the earlier first on a tie; a region falls back to its language
    (es-MX -> es); `*` and q=0 choose nothing.
    """
    if not header or len(header) > _MAX_HEADER:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:_MAX_RANGES]):
        tag, *params = part.split(";")
        q = _quality(params)
        code = supported(tag.strip())
        if code is not None and q is not None and q > 0:
            ranked.append((-q, position, code))
    return min(ranked)[2] if ranked else None


def negotiate(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The page language: `?lang=`, then the `lang` cookie, then Accept-Language, then English."""
    return supported(query) or supported(cookie) or from_accept_language(accept_language) or DEFAULT
