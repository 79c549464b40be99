"""Dates in words follow the reader's language inside a sentence."""

from __future__ import annotations

import datetime as dt

from django.template import Context, Template
from django.utils import translation

from schoolwindow.core.dates import day_and_month, long_date, weekday_date

DAY = dt.date(2026, 12, 4)


def test_a_date_inside_a_sentence_uses_the_case_the_language_needs() -> None:
    assert long_date(DAY, "en") == "4 December 2026"
    assert long_date(DAY, "pl") == "4 grudnia 2026"
    assert day_and_month(DAY, "pl") == "4 grudnia"
    assert weekday_date(DAY, "pl") == "piątek 4 grudnia"
    assert weekday_date(DAY, "en-gb") == "Friday 4 December"


def test_the_template_filters_follow_the_active_language() -> None:
    template = Template("{% load dates %}{{ day|long_date }} · {{ day|weekday_date }}")
    with translation.override("pl"):
        assert template.render(Context({"day": DAY})) == "4 grudnia 2026 · piątek 4 grudnia"
    with translation.override("en-gb"):
        assert template.render(Context({"day": DAY})) == "4 December 2026 · Friday 4 December"
