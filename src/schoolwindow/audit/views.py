"""The audit log page: the DSL's view of who looked at or changed what, in plain words."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from schoolwindow.audit import selectors
from schoolwindow.audit.describe import describe, kind_choices, pupils_matching
from schoolwindow.core.access import actor_passes
from schoolwindow.core.capabilities import SAFEGUARDING
from schoolwindow.core.requests import SchoolWindowRequest

PAGE_SIZE = 50
TYPED_MAX = 100


def parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


@actor_passes(lambda actor: actor.can_anywhere(SAFEGUARDING))
def audit_log(request: SchoolWindowRequest) -> HttpResponse:
    actor = request.actor
    schools = selectors.audit_school_choices(actor=actor)
    school = request.GET.get("school", "").strip()
    school_id = int(school) if school in {str(pk) for pk, _name in schools} else None
    kinds = kind_choices()
    action = request.GET.get("action", "").strip()
    if action not in {value for value, _label in kinds}:
        action = ""
    who = request.GET.get("who", "").strip()[:TYPED_MAX]
    pupil = request.GET.get("pupil", "").strip()[:TYPED_MAX]
    date_from = parse_date(request.GET.get("from", ""))
    date_to = parse_date(request.GET.get("to", ""))
    events = selectors.audit_event_list(
        actor=actor,
        school_id=school_id,
        action=action,
        who=who,
        date_from=date_from,
        date_to=date_to,
        pupil_ids=pupils_matching(actor, pupil) if pupil else None,
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": describe(list(page.object_list)),
        "schools": schools,
        "kinds": kinds,
        "filters": {
            "school": school_id,
            "action": action,
            "who": who,
            "pupil": pupil,
            "from": date_from.isoformat() if date_from else "",
            "to": date_to.isoformat() if date_to else "",
        },
    }
    return render(request, "audit/audit_log.html", context)
