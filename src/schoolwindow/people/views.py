"""Pupil pages: the pupil list, the pupil profile, the DSL's safeguarding page, inviting a
parent, and a parent's "my children". Views parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schoolwindow.core.access import actor_passes, signed_in
from schoolwindow.core.capabilities import INVITE_PARENTS, SAFEGUARDING
from schoolwindow.core.errors import attempt
from schoolwindow.core.panels import PUPIL_PAGE
from schoolwindow.core.requests import actor_of, wants_fragment
from schoolwindow.people import selectors, services

PROFILE_TEMPLATES = {
    "staff": "people/pupil_detail.html",
    "guardian": "people/pupil_detail_family.html",
    "self": "people/pupil_detail_self.html",
}


def get_int(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


@actor_passes(selectors.can_list_pupils)
def pupil_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    options = selectors.pupil_list_options(actor=actor, school_id=get_int(request, "school"))
    school_id = options.school_id
    year = request.GET.get("year", "").strip()[:8]
    group_id = get_int(request, "group")
    query = request.GET.get("q", "").strip()[:100]
    flags = [flag for flag in request.GET.getlist("flag") if flag in selectors.FLAG_FILTERS]

    pupils = selectors.pupil_list(
        actor=actor,
        school_id=school_id,
        query=query,
        year=year,
        group_id=group_id,
        flags=flags,
    )
    page = Paginator(pupils, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "options": options,
        "flag_choices": list(selectors.FLAG_LABELS.items()),
        "filters": {
            "q": query,
            "school": school_id,
            "year": year,
            "group": group_id,
            "flags": flags,
        },
        "show_school": len(options.schools) > 1 and school_id is None,
    }
    template = "people/pupil_list.html"
    if wants_fragment(request):
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@signed_in
def pupil_detail(request: HttpRequest, pupil_id: int) -> HttpResponse:
    actor = actor_of(request)
    profile = selectors.pupil_profile_get(actor=actor, pupil_id=pupil_id)
    panels = [
        render_to_string(panel.template, panel.context, request)
        for panel in PUPIL_PAGE.shown(actor=actor, subject=profile.pupil, mode=profile.mode)
    ]
    context = {"profile": profile, "panels": panels}
    return render(request, PROFILE_TEMPLATES[profile.mode], context)


@actor_passes(lambda actor: actor.can_anywhere(SAFEGUARDING))
def pupil_safeguarding(request: HttpRequest, pupil_id: int) -> HttpResponse:
    view = selectors.pupil_safeguarding_get(actor=actor_of(request), pupil_id=pupil_id)
    return render(request, "people/pupil_safeguarding.html", {"view": view})


@actor_passes(lambda actor: actor.can_anywhere(INVITE_PARENTS))
@require_POST
def guardian_invite(request: HttpRequest, guardian_id: int) -> HttpResponse:
    actor = actor_of(request)
    guardian = selectors.guardian_get_for_invitation(actor=actor, guardian_id=guardian_id)
    if attempt(request, services.guardian_invitation_create, actor=actor, guardian=guardian):
        messages.success(
            request,
            _("We have emailed %(name)s a link to set up their account (it works for 14 days).")
            % {"name": guardian.display_name},
        )
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("home")


@actor_passes(lambda actor: actor.is_guardian)
def my_children(request: HttpRequest) -> HttpResponse:
    children = selectors.guardian_children_list(actor=actor_of(request))
    return render(request, "people/my_children.html", {"children": children})
