"""Is this reply in English? A small heuristic for the one question replies need.

A family whose preferred language is Polish may still answer in English (a parent who reads
Polish best but writes English at work, an older child typing for them). Their words must then
reach staff as they are, not as "translated from Polish". We only ever choose between English
and the family's own language, which is what makes a small test good enough: another script
(Arabic, Gurmukhi, Bengali) or the letters only Polish or Romanian use decide at once; otherwise
the common short words of each language are counted. With no evidence either way the family's
language is kept, which is what happened before this test existed.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
_LATIN = re.compile(r"[A-Za-z]")
# Letters outside English's alphabet, for the Latin-script phrasebook languages.
_OWN_LETTERS = {
    "pl": re.compile(r"[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]"),
    "ro": re.compile(r"[ăâîșțşţĂÂÎȘȚŞŢ]"),
}
_ENGLISH = frozenset(
    [
        "a",
        "about",
        "after",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "don't",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "him",
        "his",
        "how",
        "i",
        "i'm",
        "if",
        "in",
        "is",
        "it",
        "it's",
        "just",
        "know",
        "let",
        "me",
        "my",
        "no",
        "not",
        "of",
        "ok",
        "okay",
        "on",
        "or",
        "our",
        "please",
        "she",
        "so",
        "sorry",
        "thank",
        "thanks",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "they",
        "this",
        "to",
        "today",
        "tomorrow",
        "up",
        "us",
        "was",
        "we",
        "we'll",
        "were",
        "what",
        "when",
        "will",
        "with",
        "would",
        "yes",
        "you",
        "your",
    ]
)
_OTHER = {
    "pl": frozenset(
        [
            "a",
            "ale",
            "bardzo",
            "będzie",
            "być",
            "co",
            "czy",
            "dla",
            "do",
            "dobrze",
            "dzień",
            "dziękuję",
            "dziękujemy",
            "i",
            "jak",
            "jest",
            "jestem",
            "już",
            "ma",
            "mam",
            "mi",
            "mnie",
            "moja",
            "może",
            "na",
            "nie",
            "o",
            "od",
            "po",
            "proszę",
            "przez",
            "się",
            "syn",
            "córka",
            "tak",
            "też",
            "to",
            "w",
            "we",
            "wiem",
            "z",
            "za",
            "że",
            "jutro",
            "dziś",
            "dzisiaj",
        ]
    ),
    "ro": frozenset(
        [
            "a",
            "am",
            "are",
            "bine",
            "ce",
            "cu",
            "da",
            "de",
            "din",
            "este",
            "eu",
            "fi",
            "în",
            "la",
            "mâine",
            "mulțumesc",
            "multumesc",
            "nu",
            "o",
            "pe",
            "pentru",
            "sa",
            "să",
            "se",
            "si",
            "și",
            "sunt",
            "un",
            "una",
            "va",
            "vă",
            "azi",
            "astăzi",
        ]
    ),
}


def looks_english(text: str, other: str) -> bool:
    """True when `text` is in English rather than in `other` (a base language code)."""
    words = [word.lower() for word in _WORD.findall(text)]
    if not words:
        return False
    letters = [char for char in text if char.isalpha()]
    latin = sum(1 for char in letters if _LATIN.match(char))
    if latin < len(letters) * 0.8:
        return False  # mostly another script: Arabic, Urdu, Gurmukhi, Bengali…
    own = _OWN_LETTERS.get(other)
    if own is not None and own.search(text):
        return False
    english = sum(1 for word in words if word in _ENGLISH)
    theirs = sum(1 for word in words if word in _OTHER.get(other, frozenset()))
    # Words both languages share ("a", "to", "am") count for each; English must lead, and one
    # word ("ok") is too little to tell.
    return english >= 2 and english > theirs and english * 4 >= len(words)
