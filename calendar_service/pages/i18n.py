"""The pages' languages: gettext catalogs and one Jinja environment per language.

Messages are written in English in the templates (`{% trans %}`, `_()`) and in Python (`N_()`,
`Text`); `make i18n` extracts them into `locale/messages.pot` and merges them into each
`locale/<lang>/LC_MESSAGES/messages.po`. The `.po` files are the only catalogs in git, and they
are read as they are when a language is first used (compiled in memory by Babel, a few
milliseconds once per process): no build step, so `make run` and the tests work on a fresh
clone, and no compiled `.mo` can lag behind its source. Fuzzy entries are left out, as gettext
does: an unreviewed translation shows the English.
"""

import functools
import re
from io import BytesIO
from pathlib import Path

import jinja2
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from calendar_service.domain.locale import DEFAULT, SUPPORTED
from calendar_service.pages.csrf import csrf_field
from calendar_service.pages.formats import Formats
from calendar_service.pages.text import Text

LOCALE_DIR = Path(__file__).resolve().with_name("locale")
DOMAIN = "messages"
LANGUAGE_NAMES = {"en": "English", "es": "Español"}  # each in its own language, for the switch


def catalog_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(locale: str) -> NullTranslations:
    """The catalog of a supported language; English is the messages themselves."""
    if locale not in SUPPORTED:
        raise ValueError(f"unsupported locale {locale!r}")
    if locale == DEFAULT:
        return NullTranslations()
    with catalog_path(locale).open("rb") as source:
        catalog = read_po(source, locale=locale, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


class Say:
    """Translates what Python built: a `Text` (message and placeholders) or a plain message.

    A plain string with no catalog entry comes back unchanged, so a sentence not yet in the
    catalog (a domain error's wording, an event's own text) is shown as it is.
    """

    def __init__(self, locale: str) -> None:
        self.catalog = translations(locale)
        self.formats = Formats(locale)

    def __call__(self, text: Text | str) -> str:
        if not text:
            return ""  # gettext("") is the catalog's header
        if isinstance(text, str):
            return self.catalog.gettext(text)
        params = {k: self.formats.number(v) if isinstance(v, int) else v for k, v in text.params.items()}
        translated = self.catalog.gettext(text.msgid)
        return translated % params if params else translated


def _switch_links(locale: str) -> list[dict[str, str | bool]]:
    return [{"code": code, "name": LANGUAGE_NAMES[code], "current": code == locale} for code in SUPPORTED]


@functools.cache
def environment(locale: str) -> jinja2.Environment:
    """Templates in one language: gettext installed (new style: `_("… %(n)s", n=…)`), Babel formats as `fmt`."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("calendar_service.pages", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True  # a {% trans %} block's line breaks are not part of its message
    # install_gettext_translations is added by the i18n extension at run time: no stub declares it
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(locale=locale, fmt=Formats(locale), say=Say(locale), languages=_switch_links(locale))
    env.globals["csrf_field"] = csrf_field  # {{ csrf_field() }} in every POST form: pages/csrf.py
    return env


def render(template: str, locale: str = DEFAULT, **context: object) -> bytes:
    return environment(locale).get_template(template).render(**context).encode()


def inline_scripts() -> list[str]:
    """The text of each inline `<script>` in the layout, for the CSP's hashes (web/security.py)."""
    source = (Path(__file__).with_name("templates") / "base.html").read_text(encoding="utf-8")
    return re.findall(r"<script>(.*?)</script>", source, flags=re.DOTALL)
