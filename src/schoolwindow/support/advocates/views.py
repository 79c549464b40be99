"""Advocates' pages: parse, call the selector or service, render."""

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
from schoolwindow.core.capabilities import MANAGE_ADVOCACY, OVERRIDE_CASELOAD_LIMIT
from schoolwindow.core.errors import attempt_form, attempt_quietly
from schoolwindow.core.once import AlreadyDone, already_done, form_token
from schoolwindow.core.requests import actor_of
from schoolwindow.schools.models import School
from schoolwindow.support.advocates import charts, forms, selectors, services
from schoolwindow.support.advocates.models import AdvocacySettings

PAGE_SIZE = selectors.PAGE_SIZE


def get_int(data: Any, name: str) -> int | None:
    try:
        return int(data.get(name, ""))
    except (TypeError, ValueError):
        return None


def pupil_url(pupil_id: int) -> str:
    return reverse("advocates:advocacy_pupil", kwargs={"pupil_id": pupil_id})


@staff_only
def caseload(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    today = timezone.localdate()
    overdue = request.GET.get("overdue") == "1"
    staff_id = get_int(request.GET, "staff")
    load = selectors.caseload_get(actor=actor, today=today, overdue_only=overdue, staff_id=staff_id)
    page = Paginator(load.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": page.object_list,
        "whole_school": load.whole_school,
        "overdue": overdue,
        "total": len(load.rows),
    }
    return render(request, "support/advocates/caseload.html", context)


def school_choice(request: HttpRequest, school_ids: list[int]) -> tuple[int, list[School]]:
    schools = list(School.objects.filter(pk__in=school_ids).order_by("name"))
    chosen = get_int(request.GET, "school")
    return (chosen if chosen in school_ids else schools[0].pk), schools


@staff_only
def coverage(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    today = timezone.localdate()
    school_id, schools = school_choice(request, selectors.coverage_school_ids(actor))
    groups = selectors.coverage(actor=actor, school_id=school_id, today=today)
    missing = selectors.without_advocate(actor=actor, school_id=school_id, today=today)
    page = Paginator(missing, PAGE_SIZE).get_page(request.GET.get("page"))
    # One click assigns a pupil to the advocate with the most room left (never over a limit).
    with_room = [c for c in selectors.advocate_choices(school_id) if not c.full]
    suggested = max(with_room, key=lambda c: (c.limit - c.caseload, -c.staff_id), default=None)
    context = {
        "groups": groups,
        "chart": charts.coverage_svg(groups),
        "page": page,
        "schools": schools,
        "school_id": school_id,
        "suggested": suggested,
        "here": request.get_full_path(),
    }
    return render(request, "support/advocates/coverage.html", context)


def back_to(request: HttpRequest, fallback: str) -> str:
    """Where a form asked to return to, if it is one of this app's pages."""
    target = request.POST.get("next", "")
    return target if target.startswith("/support/advocates/") else fallback


def pupil_context(request: HttpRequest, pupil_id: int, **extra: Any) -> dict[str, Any]:
    actor = actor_of(request)
    pupil = selectors.pupil_for_advocacy(actor=actor, pupil_id=pupil_id)
    manages = actor.can(MANAGE_ADVOCACY, pupil.school_id)
    info = selectors.pupil_advocacy(
        pupil=pupil, today=timezone.localdate(), with_designations=manages
    )
    return {
        "pupil": pupil,
        "advocacy": info,
        "manages": manages,
        "may_override": actor.can(OVERRIDE_CASELOAD_LIMIT, pupil.school_id),
        "choices": selectors.advocate_choices(pupil.school_id) if manages else [],
        "assign_form": extra.pop("assign_form", None),
        **extra,
    }


@staff_only
def pupil(request: HttpRequest, pupil_id: int) -> HttpResponse:
    return render(request, "support/advocates/pupil.html", pupil_context(request, pupil_id))


@staff_only
@require_POST
def assign(request: HttpRequest, pupil_id: int) -> HttpResponse:
    actor = actor_of(request)
    form = forms.AssignForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            done, status = attempt_form(
                form,
                services.advocate_assign,
                actor=actor,
                pupil_id=pupil_id,
                staff_id=form.cleaned_data["staff"],
                override=form.cleaned_data["override"],
                today=timezone.localdate(),
                once=form_token(request.POST),
            )
        except AlreadyDone as repeat:
            return already_done(request, repeat, fallback=back_to(request, pupil_url(pupil_id)))
        if done is not None:
            flash.success(
                request,
                _("%(name)s is now the advocate of %(pupil)s.")
                % {"name": done.staff.display_name, "pupil": done.pupil.display_name},
            )
            return redirect(back_to(request, pupil_url(pupil_id)))
    context = pupil_context(request, pupil_id, assign_form=form)
    return render(request, "support/advocates/pupil.html", context, status=status)


@staff_only
@require_POST
def end(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = services.advocate_end(
        actor=actor_of(request), assignment_id=assignment_id, today=timezone.localdate()
    )
    flash.success(request, _("The advocate's work with this pupil has ended."))
    return redirect(pupil_url(assignment.pupil_id))


@staff_only
def designate(request: HttpRequest, pupil_id: int) -> HttpResponse:
    actor = actor_of(request)
    pupil_obj = services.manageable_pupil(actor, pupil_id)
    form = forms.DesignateForm(
        request.POST if request.method == "POST" else None,
        initial={"starts": timezone.localdate()},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                done, status = attempt_form(
                    form,
                    services.vulnerable_designate,
                    actor=actor,
                    pupil_id=pupil_id,
                    reason=data["reason"],
                    starts=data["starts"],
                    ends=data.get("ends"),
                    once=form_token(request.POST),
                )
            except AlreadyDone as repeat:
                return already_done(request, repeat, fallback=pupil_url(pupil_id))
            if done is not None:
                flash.success(
                    request, _("%(name)s is on the register.") % {"name": pupil_obj.display_name}
                )
                return redirect(pupil_url(pupil_id))
    return render(
        request,
        "support/advocates/designate.html",
        {"pupil": pupil_obj, "form": form},
        status=status,
    )


@staff_only
@require_POST
def designation_end(request: HttpRequest, designation_id: int) -> HttpResponse:
    designation = services.designation_end(
        actor=actor_of(request), designation_id=designation_id, today=timezone.localdate()
    )
    flash.success(request, _("The designation has ended."))
    return redirect(pupil_url(designation.pupil_id))


@staff_only
@require_POST
def cadence(request: HttpRequest, pupil_id: int) -> HttpResponse:
    form = forms.CadenceForm(request.POST)
    if not form.is_valid():
        flash.error(request, _("Enter a number of days, or leave it empty for the school's."))
        return redirect(pupil_url(pupil_id))
    _done, problem = attempt_quietly(
        services.cadence_set,
        actor=actor_of(request),
        pupil_id=pupil_id,
        pupil_days=form.cleaned_data.get("pupil_days"),
        family_days=form.cleaned_data.get("family_days"),
    )
    if problem:
        flash.error(request, problem)
    else:
        flash.success(request, _("The cadence is saved."))
    return redirect(pupil_url(pupil_id))


@staff_only
def contact(request: HttpRequest, pupil_id: int) -> HttpResponse:
    actor = actor_of(request)
    pupil_obj = selectors.pupil_for_advocacy(actor=actor, pupil_id=pupil_id)
    form = forms.ContactForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            done = _("%(name)s: contact logged.") % {"name": pupil_obj.display_name}
            recorded = False
            try:
                _result, status = attempt_form(
                    form,
                    services.advocate_contact_record,
                    actor=actor,
                    pupil_id=pupil_id,
                    kind=data["kind"],
                    happened_at=data["happened_at"],
                    notes=data.get("notes", ""),
                    once=form_token(request.POST),
                )
                recorded = status == 200
            except AlreadyDone as repeat:
                recorded, done = True, repeat.message
            if recorded:
                flash.success(request, done)
                return redirect(reverse("advocates:caseload"))
    return render(
        request, "support/advocates/contact.html", {"pupil": pupil_obj, "form": form}, status=status
    )


@staff_only
def settings_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    school_id, schools = school_choice(request, selectors.coverage_school_ids(actor))
    current = selectors.settings_of(school_id)
    initial = {name: getattr(current, name) for name in forms.SettingsForm.COUNTS}
    initial.update(
        caseload_limit=current.caseload_limit,
        pupil_every_days=current.pupil_every_days,
        family_every_days=current.family_every_days,
    )
    form = forms.SettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            saved, status = attempt_form(
                form,
                services.advocacy_settings_change,
                actor=actor,
                school_id=school_id,
                counts={name: data[name] for name in forms.SettingsForm.COUNTS},
                caseload_limit=data["caseload_limit"],
                pupil_every_days=data["pupil_every_days"],
                family_every_days=data["family_every_days"],
            )
            if isinstance(saved, AdvocacySettings):
                flash.success(request, _("The settings are saved."))
                return redirect(reverse("advocates:advocacy_settings") + f"?school={school_id}")
    context = {
        "form": form,
        "schools": schools,
        "school_id": school_id,
        "advocates": selectors.advocate_choices(school_id),
        "own_limits": selectors.own_limits(school_id),
    }
    return render(request, "support/advocates/settings.html", context, status=status)


@staff_only
@require_POST
def limit(request: HttpRequest, staff_id: int) -> HttpResponse:
    """One advocate's own caseload limit (empty: the school's)."""
    actor = actor_of(request)
    school_id = get_int(request.POST, "school") or 0
    raw = request.POST.get("limit", "").strip()
    value = get_int(request.POST, "limit")
    if raw and value is None:
        flash.error(request, _("Enter a number of pupils, or leave it empty for the school's."))
    else:
        _done, problem = attempt_quietly(
            services.caseload_limit_set,
            actor=actor,
            school_id=school_id,
            staff_id=staff_id,
            limit=value,
        )
        if problem:
            flash.error(request, problem)
        else:
            flash.success(request, _("The limit is saved."))
    return redirect(reverse("advocates:advocacy_settings") + f"?school={school_id}")
