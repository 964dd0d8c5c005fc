"""What changed, as a diff an admin can read: `{"field.sub": [before, after]}`.

Decisions:
- Nested objects are flattened with dotted keys, so a filter or a reader sees
  `location.city` rather than two whole location objects.
- Lists are compared whole (a reordered tag list is a change).
- Fields that change on every write (`updated_at`, derived UTC columns,
  `sequence`) are left out: they are noise, and the fields that caused them are there.
- Secrets never enter the log: keys named like a token are replaced by "***".
"""

from collections.abc import Mapping
from typing import Any

NOISE = frozenset({"updated_at", "sequence", "start_utc", "end_utc", "url", "ics_url", "webcal_url"})
SECRET_HINTS = ("token", "secret", "password")


def flatten(value: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, Mapping) and item:
            flat.update(flatten(item, f"{name}."))
        else:
            flat[name] = item
    return flat


def _redact(key: str, value: Any) -> Any:
    return "***" if any(hint in key.rsplit(".", 1)[-1] for hint in SECRET_HINTS) and value else value


def diff_of(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, list[Any]]:
    """`{key: [before, after]}` for every key whose value differs (None stands for absent)."""
    old, new = flatten(before or {}), flatten(after or {})
    changed: dict[str, list[Any]] = {}
    for key in sorted(old.keys() | new.keys()):
        if key.rsplit(".", 1)[-1] in NOISE:
            continue
        a, b = old.get(key), new.get(key)
        if a != b:
            changed[key] = [_redact(key, a), _redact(key, b)]
    return changed
