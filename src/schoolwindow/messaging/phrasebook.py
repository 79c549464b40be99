"""Common school messages, written once in plain English and translated by people.

Keys are stable: a message built from a phrase remembers its key, so each family gets the
human translation in their language. `{child}` and other fields are filled in after translation.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Phrase:
    key: str
    category: str  # "praise", "attendance", "homework", "events", "general", "reply"
    texts: dict[str, str]  # language code → text


# Languages with a translation for every phrase (besides English).
PHRASEBOOK_LANGUAGES: tuple[str, ...] = ("pl", "ur", "ro", "pa", "ar", "bn")
RTL_LANGUAGES = frozenset({"ar", "ur", "he", "fa", "ps"})

PHRASES: tuple[Phrase, ...] = (
    Phrase(
        key="praise.great_work",
        category="praise",
        texts={
            "en": "{child} did some great work today. We are very proud of them.",
            "pl": "{child} wykonał(a) dziś świetną pracę. Jesteśmy z niego/niej bardzo dumni.",
        },
    ),
)

PHRASES_BY_KEY: dict[str, Phrase] = {phrase.key: phrase for phrase in PHRASES}
