"""Dates in words, as the reader's language writes them inside a sentence.

Django's "F" is the month's name on its own ("grudzień"); inside a date Polish needs the genitive
("5 grudnia"), which is Django's "E". Django's Polish and Romanian catalogues also capitalise the
names, where those languages write them in lower case.
"""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from django.utils.formats import date_format

LOWER_CASE_NAMES = frozenset({"pl", "ro"})


def base_language(language: str | None) -> str:
    return (language or translation.get_language() or "en").split("-")[0].lower()


def in_words(day: dt.date, pattern: str, language: str | None = None) -> str:
    code = base_language(language)
    with translation.override(code):
        text = date_format(day, pattern)
    return text.lower() if code in LOWER_CASE_NAMES else text


def long_date(day: dt.date, language: str | None = None) -> str:
    """'5 December 2026', '5 grudnia 2026'."""
    return in_words(day, "j E Y", language)


def day_and_month(day: dt.date, language: str | None = None) -> str:
    """'5 December', '5 grudnia'."""
    return in_words(day, "j E", language)


def weekday_date(day: dt.date, language: str | None = None) -> str:
    """'Friday 4 December', 'piątek 4 grudnia'."""
    return in_words(day, "l j E", language)
