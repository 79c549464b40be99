"""Dates in words in the active language: `{% load dates %}{{ day|long_date }}`."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from schoolwindow.core import dates

register = template.Library()


def as_date(value: dt.date | dt.datetime | None) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@register.filter
def long_date(value: dt.date | dt.datetime | None) -> str:
    day = as_date(value)
    return dates.long_date(day) if day else ""


@register.filter
def day_and_month(value: dt.date | dt.datetime | None) -> str:
    day = as_date(value)
    return dates.day_and_month(day) if day else ""


@register.filter
def weekday_date(value: dt.date | dt.datetime | None) -> str:
    day = as_date(value)
    return dates.weekday_date(day) if day else ""
