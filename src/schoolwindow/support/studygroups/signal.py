"""Missed check-ins as an early-warning reason: a pupil in a study group who has stopped
answering — not "can't today", which is an answer, but silence.

Registered with engagement's signal sources (`engagement.rules.register_signal_source`) and
run with the school's rules each morning on the school days before that morning (weekends,
holidays and closures are not group days). A day counts only from the day the pupil joined
the group and only while the group runs. Two queries for the whole school, whatever its size
(one when it has no groups).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from schoolwindow.engagement.rules import (
    Param,
    RuleDef,
    SignalContext,
    Signals,
    SignalSource,
    day_list,
)
from schoolwindow.support.studygroups.models import CheckIn, StudyGroupMember

KEY = "studygroup_missed"

RULE = RuleDef(
    KEY,
    gettext_lazy("Missed study-group check-ins"),
    gettext_lazy(
        "School days on which a pupil in a study group did not check in at all. "
        'Answering "Can\'t today" counts as a check-in.'
    ),
    (
        Param("missed", gettext_lazy("Missed"), 3, 1, 20, gettext_lazy("check-ins")),
        Param("days", gettext_lazy("Of the last"), 5, 2, 20, gettext_lazy("study-group days")),
    ),
)


def missed_checkins(context: SignalContext) -> Signals:
    window = list(context.school_days[-context.params["days"] :])
    if not window:
        return {}
    first, last = window[0], window[-1]
    members = list(
        StudyGroupMember.objects.filter(
            school_id=context.school_id, group__active=True
        ).values_list("pupil_id", "group_id", "added_at")
    )
    if not members:
        return {}  # most schools most mornings: one query
    answered = set(
        CheckIn.objects.filter(
            school_id=context.school_id, day__gte=first, day__lte=last
        ).values_list("pupil_id", "group_id", "day")
    )
    # Per pupil, the group days with no answer in any group they were in that day.
    expected: dict[int, set[Any]] = {}
    missed: dict[int, set[Any]] = {}
    for pupil_id, group_id, added_at in members:
        joined = added_at.date()
        for day in window:
            if day < joined:
                continue
            expected.setdefault(pupil_id, set()).add(day)
            if (pupil_id, group_id, day) not in answered:
                missed.setdefault(pupil_id, set()).add(day)
    found: Signals = {}
    for pupil_id, days in missed.items():
        if len(days) < context.params["missed"]:
            continue
        of = len(expected[pupil_id])
        args = {
            "missed": len(days),
            "days": of,
            "dates": sorted(day.isoformat() for day in days),
        }
        found[pupil_id] = (2 if len(days) == of and of >= 5 else 1, args)
    return found


def missed_text(a: Mapping[str, Any]) -> str:
    return ngettext(
        "Missed %(missed)d of the last %(days)d study-group check-in",
        "Missed %(missed)d of the last %(days)d study-group check-ins",
        a["days"],
    ) % {"missed": a["missed"], "days": a["days"]}


def missed_evidence(a: Mapping[str, Any]) -> list[str]:
    return [_("No check-in on %(days)s") % {"days": day_list(a["dates"])}]


SOURCE = SignalSource(
    rule=RULE,
    severity=(1, 2),
    load=missed_checkins,
    text=missed_text,
    evidence=missed_evidence,
)
