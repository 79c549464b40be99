"""Staff write in English; each family reads in its own language.

`render_for_family` decides what a family receives: the phrasebook's human translation when the
message came from a phrase, otherwise the configured machine-translation provider, otherwise the
English with a short note in the family's language. `translate_to_english` does the reverse for
replies. The method is stored with each copy, so staff see how the text was made.
"""

from __future__ import annotations

from dataclasses import dataclass

from schoolwindow.messaging.phrasebook import PHRASES_BY_KEY, RTL_LANGUAGES


@dataclass(frozen=True)
class Rendering:
    text: str
    language: str
    method: str  # "original", "phrasebook", "machine:<provider>", "untranslated"


def is_rtl(language: str) -> bool:
    return language.split("-")[0].lower() in RTL_LANGUAGES


def base_language(language: str) -> str:
    return (language or "en").split("-")[0].lower()


def render_for_family(
    *, body: str, language: str, phrase_key: str = "", fields: dict[str, str] | None = None
) -> Rendering:
    language = base_language(language)
    if language == "en":
        return Rendering(body, "en", "original")
    phrase = PHRASES_BY_KEY.get(phrase_key)
    if phrase is not None and language in phrase.texts and fields is not None:
        return Rendering(phrase.texts[language].format(**fields), language, "phrasebook")
    return Rendering(body, "en", "untranslated")


def translate_to_english(*, text: str, language: str) -> Rendering:
    language = base_language(language)
    if language == "en":
        return Rendering(text, "en", "original")
    return Rendering("", language, "untranslated")
