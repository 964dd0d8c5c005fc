"""An event's texts in the visitor's language when staff gave a translation, else the original.

`lang` is the language of the text shown (for the element's `lang` attribute): the
translation's tag, or the event's first language for the original, or None when the
event does not say. A translation may give only a title: the description stays the
original, with its own language.
"""

from dataclasses import dataclass

from calendar_service.events.schemas import EventRead


@dataclass(frozen=True, slots=True)
class LocalizedText:
    title: str
    title_lang: str | None
    description: str
    description_lang: str | None


def _matching(tags: list[str], locale: str) -> str | None:
    """The translation for this page language: exact tag first, then the same primary language (es-MX for es)."""
    if locale in tags:
        return locale
    primary = locale.split("-")[0].lower()
    return next((tag for tag in tags if tag.split("-")[0].lower() == primary), None)


def localized(event: EventRead, locale: str) -> LocalizedText:
    original = event.languages[0] if event.languages else None
    tag = _matching(list(event.translations), locale)
    translation = event.translations.get(tag) if tag else None
    title, title_lang = event.title, original
    description, description_lang = event.description, original
    if translation is not None and tag is not None:
        if translation.title:
            title, title_lang = translation.title, tag
        if translation.description:
            description, description_lang = translation.description, tag
    return LocalizedText(title, title_lang, description, description_lang)
