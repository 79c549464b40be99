"""Needs pages: parse, call the selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schoolwindow.core.access import staff_only
from schoolwindow.core.errors import Invalid, Refused
from schoolwindow.core.once import AlreadyDone, already_done, form_token
from schoolwindow.core.requests import actor_of
from schoolwindow.schools.models import School
from schoolwindow.support.needs import selectors, services
from schoolwindow.support.needs.rules import BY_KEY, NEEDS

STATES = (selectors.WAITING, selectors.HELPED, "all")


def get_int(data: Any, name: str) -> int | None:
    try:
        return int(data.get(name, ""))
    except (TypeError, ValueError):
        return None


def school_choice(request: HttpRequest, school_ids: list[int]) -> tuple[int, list[School]]:
    if not school_ids:
        raise Refused
    schools = list(School.objects.filter(pk__in=school_ids).order_by("name"))
    chosen = get_int(request.GET, "school")
    return (chosen if chosen in school_ids else schools[0].pk), schools


@staff_only
def board(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    school_id, schools = school_choice(request, selectors.needs_schools(actor))
    found = selectors.board_get(actor=actor, school_id=school_id, today=timezone.localdate())
    need = request.GET.get("need", "")
    need = need if need in BY_KEY else ""
    year_id = get_int(request.GET, "year")
    group = request.GET.get("group", "")
    group = group if group in dict(selectors.GROUPS) else ""
    state = request.GET.get("state", selectors.WAITING)
    state = state if state in STATES else selectors.WAITING
    rows = selectors.board_rows(found, need=need, year_id=year_id, group=group, state=state)
    page = Paginator(rows, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    # Only the shown page's pupils get their one-click actions worked out.
    shown = [
        {
            "pupil": row.pupil,
            "needs": [
                {
                    "item": item,
                    "action": None
                    if item.helped
                    else selectors.action_for(actor, row.pupil, item.need.key),
                }
                for item in row.needs
                if not need or item.need.key == need
            ],
        }
        for row in page.object_list
    ]
    context = {
        "board": found,
        "totals": list(zip(found.needs, found.totals, strict=True)),
        "page": page,
        "shown": shown,
        "schools": schools,
        "school_id": school_id,
        "need": need,
        "year_id": year_id,
        "group": group,
        "state": state,
        "groups": selectors.GROUPS,
        "may_change_rules": school_id in selectors.rules_schools(actor),
        "here": request.get_full_path(),
    }
    return render(request, "support/needs/board.html", context)


def back_to(request: HttpRequest, fallback: str) -> str:
    """Where the form asked to return to, if it is the board or a pupil's page."""
    target = request.POST.get("next", "")
    pupils = reverse("pupil_list")
    if target.startswith(reverse("needs:board")) or (
        target.startswith(pupils) and target[len(pupils) :].rstrip("/").isdigit()
    ):
        return target
    return fallback


@staff_only
@require_POST
def mark_met(request: HttpRequest, pupil_id: int) -> HttpResponse:
    actor = actor_of(request)
    fallback = reverse("needs:board")
    try:
        met = services.need_mark_met(
            actor=actor,
            pupil_id=pupil_id,
            need=request.POST.get("need", ""),
            note=request.POST.get("note", ""),
            once=form_token(request.POST),
        )
    except AlreadyDone as repeat:
        return already_done(request, repeat, fallback=back_to(request, fallback))
    except Invalid as problem:
        flash.error(request, problem.message)
        return redirect(back_to(request, fallback))
    flash.success(
        request,
        _("%(need)s: marked as met for %(pupil)s.")
        % {"need": BY_KEY[met.need].label, "pupil": met.pupil.display_name},
    )
    return redirect(back_to(request, fallback))


@staff_only
def rules(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    school_id, schools = school_choice(request, selectors.rules_schools(actor))
    status = 200
    if request.method == "POST":
        enabled = {key for key in request.POST.getlist("enabled") if key in BY_KEY}
        services.need_rules_set(actor=actor, school_id=school_id, enabled=enabled)
        flash.success(request, _("The rules are saved."))
        return redirect(reverse("needs:rules") + f"?school={school_id}")
    on = selectors.enabled_rules(school_id)
    context = {
        "rules": [{"need": need, "on": need.key in on} for need in NEEDS],
        "schools": schools,
        "school_id": school_id,
    }
    return render(request, "support/needs/rules.html", context, status=status)
