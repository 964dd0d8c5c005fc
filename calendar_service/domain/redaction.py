"""Secrets never reach a log: the token in a registrant's, applicant's or feed path is redacted.

A registration, confirmation, personal-feed or application link *is* its own
credential: whoever reads it in a log can cancel the registration, read the
person's answers or follow their award. These are the paths that carry one
(where it sits is fixed by the routes, so nothing is guessed from its shape).
"""

import re

REDACTED = "[redacted]"

_TOKEN_PATHS = (
    re.compile(r"^(/api/registrations/confirm/)([^/?#]+)"),
    re.compile(r"^(/api/registrations/)(?!confirm/)([^/?#]+)"),
    re.compile(r"^(/registrations/confirm/)([^/?#]+)"),
    re.compile(r"^(/registrations/)(?!confirm(?:/|$)|link(?:[/?#]|$))([^/?#]+)"),
    re.compile(r"^(/feeds/)([^/?#]+?)(?=\.ics(?:[?#]|$)|[?#]|$)"),
    re.compile(r"^(/api/scholarship-applications/)([^/?#]+)"),
    re.compile(r"^(/applications/)([^/?#]+)"),
)
_SECRET_QUERY = re.compile(r"(?<=[?&])(token|key|code|secret)=[^&#]*", re.IGNORECASE)


def redact_path(path: str) -> str:
    """The path (with its query) as it may be logged: token segments and secret query values replaced."""
    for pattern in _TOKEN_PATHS:
        path, hits = pattern.subn(lambda m: m.group(1) + REDACTED, path, count=1)
        if hits:
            break
    return _SECRET_QUERY.sub(lambda m: f"{m.group(1)}={REDACTED}", path)
