"""School and class pages (they show pupils, so they live with people). Views parse, call a
selector, render."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from schoolwindow.core.access import actor_passes
from schoolwindow.core.permissions import Actor
from schoolwindow.core.requests import actor_of
from schoolwindow.people import rosters
from schoolwindow.people.selectors import can_list_pupils
from schoolwindow.schools import selectors
from schoolwindow.schools.models import GroupKind

PAGE_SIZE = 50


def sees_schools(actor: Actor) -> bool:
    return actor.is_staff_member or actor.is_trust_officer


@actor_passes(sees_schools)
def school_list(request: HttpRequest) -> HttpResponse:
    summaries = rosters.school_list(actor=actor_of(request))
    return render(request, "people/school_list.html", {"summaries": summaries})


@actor_passes(sees_schools)
def school_detail(request: HttpRequest, school_id: int) -> HttpResponse:
    overview = rosters.school_overview(actor=actor_of(request), school_id=school_id)
    return render(request, "people/school_detail.html", {"overview": overview})


@actor_passes(can_list_pupils)
def group_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    options = selectors.group_filter_options(actor=actor)
    school = request.GET.get("school", "").strip()
    school_id = int(school) if school in {pk for pk, _name in options["schools"]} else None
    kind = request.GET.get("kind", "").strip()
    if kind not in GroupKind.values:
        kind = ""
    year = request.GET.get("year", "").strip()[:8]
    query = request.GET.get("q", "").strip()[:100]
    groups = selectors.group_list(
        actor=actor, school_id=school_id, year=year, kind=kind, query=query
    )
    page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "options": options,
        "filters": {"school": school, "kind": kind, "year": year, "q": query},
        "show_school": len(options["schools"]) > 1,
    }
    htmx = getattr(request, "htmx", None)
    template = "people/group_list.html"
    if htmx and not htmx.history_restore_request and not htmx.boosted:
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@actor_passes(can_list_pupils)
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    class_list = rosters.group_class_list(actor=actor_of(request), group_id=group_id)
    return render(request, "people/group_detail.html", {"class_list": class_list})
