"""Wire types every area shares: the shapes of slugs, zone names, local times, texts and questions.

Each area's `schemas.py` builds its request and response bodies from these, so a slug or a zone
name is refused the same way on every endpoint; `ENUM_HINTS` lets the one error handler list the
allowed values of an enumerated field. Nothing here imports an area.
"""

from typing import Annotated, Literal

import msgspec
from msgspec import Meta, Struct

# Places at one event, in person or online: far above any venue or stream, and inside the 32-bit
# integer columns of both databases (a larger number was a 500 on SQLite and PostgreSQL alike).
MAX_PLACES = 1_000_000

Title = Annotated[str, Meta(min_length=1, max_length=300)]
Text = Annotated[str, Meta(max_length=20_000)]
ShortText = Annotated[str, Meta(max_length=300)]
Slug = Annotated[str, Meta(min_length=1, max_length=80, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
LocalTime = Annotated[
    str,
    Meta(
        max_length=32,
        description="Local wall-clock time in `timezone`, 'YYYY-MM-DDTHH:MM:SS' without offset; "
        "a date 'YYYY-MM-DD' for all-day events (`end` = last day, inclusive).",
        examples=["2024-09-21T11:15:00"],
    ),
]
ZoneName = Annotated[str, Meta(max_length=64, description="IANA zone name", examples=["America/New_York"])]
Url = Annotated[str, Meta(max_length=2000)]


class Question(Struct, forbid_unknown_fields=True):
    key: Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")]
    label: ShortText
    type: Literal["text", "choice", "multi_choice", "yes_no"] = "text"
    required: bool = False
    options: Annotated[list[ShortText], Meta(max_length=100)] = msgspec.field(default_factory=list)


# Allowed values of enumerated fields, so a validation error can list them.
ENUM_HINTS: dict[str, tuple[str, ...]] = {
    "status": ("confirmed", "tentative", "cancelled"),
    "attendance_mode": ("in_person", "online", "hybrid"),
    "fold": ("0", "1"),
}
ENUM_HINTS.update(
    {f"registration.questions[{i}].type": ("text", "choice", "multi_choice", "yes_no") for i in range(50)}
)
