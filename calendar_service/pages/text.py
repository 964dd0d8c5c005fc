"""Sentences the pages build in Python, kept untranslated until the page's language is known.

`N_("…")` marks an English message for the catalog (`make i18n` extracts it) and returns it
unchanged; `Text` carries such a message with its placeholders, so a whole sentence is
translated at once ("%(free)s of %(capacity)s places left."), never glued from pieces.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field


def N_(message: str) -> str:
    """Marks `message` for extraction; translated later, in the page's language."""
    return message


@dataclass(frozen=True, slots=True)
class Text:
    """An English message id and its named placeholders (numbers are formatted in the page's locale)."""

    msgid: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.msgid % self.params if self.params else self.msgid

    def __bool__(self) -> bool:
        return bool(self.msgid)
