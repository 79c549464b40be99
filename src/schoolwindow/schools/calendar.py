"""School days: weekdays inside a term that are not a closure (INSET day, bank holiday…).

Only school days count when later capabilities measure silence, so this is the one definition.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from schoolwindow.schools.models import Closure, Term

ONE_DAY = dt.timedelta(days=1)


def school_days(*, school_id: int, start: dt.date, end: dt.date) -> list[dt.date]:
    """Every school day of one school between start and end, inclusive, in order."""
    terms = Term.objects.filter(school_id=school_id, start__lte=end, end__gte=start).values_list(
        "start", "end"
    )
    closed = set(
        Closure.objects.filter(school_id=school_id, date__range=(start, end)).values_list(
            "date", flat=True
        )
    )
    days: set[dt.date] = set()
    for term_start, term_end in terms:
        day = max(start, term_start)
        last = min(end, term_end)
        while day <= last:
            if day.weekday() < 5 and day not in closed:
                days.add(day)
            day += ONE_DAY
    return sorted(days)


@dataclass(frozen=True)
class TermAtAGlance:
    term: Term
    is_current: bool
    school_days: int
    school_days_left: int
    closures: list[Closure]


def term_at_a_glance(*, school_id: int, today: dt.date) -> TermAtAGlance | None:
    """The term we are in (or the next one, in a holiday) with its closures still to come."""
    term = (
        Term.objects.filter(school_id=school_id, end__gte=today)
        .select_related("academic_year")
        .order_by("start")
        .first()
    )
    if term is None:
        return None
    days = school_days(school_id=school_id, start=term.start, end=term.end)
    closures = list(
        Closure.objects.filter(
            school_id=school_id, date__range=(max(today, term.start), term.end)
        ).order_by("date")
    )
    return TermAtAGlance(
        term=term,
        is_current=term.start <= today,
        school_days=len(days),
        school_days_left=sum(1 for day in days if day >= today),
        closures=closures,
    )
