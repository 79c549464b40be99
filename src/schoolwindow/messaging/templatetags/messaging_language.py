"""{% load messaging_language %}: showing text in the family's language the right way round.

`text_dir` gives "rtl" or "ltr" for a language code (for the `dir` attribute, next to `lang`);
`language_own_name` gives the language's own name ("pl" → "Polski", "ur" → "اردو");
`{% phrase_categories as categories %}` lists the phrasebook's categories (code, label).
"""

from __future__ import annotations

from django import template
from django.utils.translation import get_language_info

from schoolwindow.messaging.translation.phrasebook import CATEGORIES, LANGUAGE_NAMES
from schoolwindow.messaging.translation.services import (
    base_language,
    is_rtl,
    translation_outlook,
)

register = template.Library()


@register.filter
def text_dir(language: str | None) -> str:
    return "rtl" if is_rtl(language or "") else "ltr"


@register.filter
def language_own_name(code: str | None) -> str:
    """The language's name in that language (an endonym, for a family choosing theirs), unlike
    people.selectors.language_name, which names it in the reader's language. Unknown codes are
    shown as they are."""
    code = (code or "").strip()
    if not code:
        return ""
    name = LANGUAGE_NAMES.get(base_language(code))
    if name is not None:
        return name
    try:
        return str(get_language_info(code)["name_local"])
    except KeyError:
        return code


@register.simple_tag
def phrase_categories() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in CATEGORIES.items()]


@register.simple_tag
def translation_outlooks(codes: list[str]) -> list[tuple[str, str]]:
    """(the language's own name, what happens to a message in it) for each language other than
    English among `codes`, once each."""
    seen: list[str] = []
    for code in codes:
        base = base_language(code or "en")
        if base != "en" and base not in seen:
            seen.append(base)
    return [(language_own_name(code), translation_outlook(code)) for code in seen]
