"""Details pages: parse, call the selector or service, render.

The family pages are for a parent with a child they may see; staff and pupils are told there is
nothing here (404). The office pages are for staff who review details (other staff 403;
families and pupils 404); the settings page for leaders, the alerts page for staff who may see
medical notes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schoolwindow.core.access import signed_in
from schoolwindow.core.capabilities import (
    DETAILS_REVIEW,
    DETAILS_SEE_MEDICAL,
    DETAILS_SETTINGS,
    Capability,
)
from schoolwindow.core.errors import Invalid, NotFound, attempt_form
from schoolwindow.core.once import AlreadyDone, already_done, form_token
from schoolwindow.core.policy import policy_for
from schoolwindow.core.requests import actor_of
from schoolwindow.people.models import Channel, Staff
from schoolwindow.portal.details import selectors, services
from schoolwindow.portal.details.forms import DecideForm, DetailsForm, SettingsForm
from schoolwindow.portal.details.models import (
    CHILD_FIELDS,
    GUARDIAN_FIELDS,
    ChangeStatus,
    DetailsChange,
)
from schoolwindow.portal.details.policies import DECIDE

PAGE_SIZE = 50
View = Callable[..., HttpResponse]


def family(view: View) -> View:
    """A parent with at least one child they may see; anyone else 404."""

    @signed_in
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not selectors.children_of(actor_of(request)):
            raise NotFound
        return view(request, *args, **kwargs)

    return wrapper


def staff_with(capability: Capability) -> Callable[[View], View]:
    """Staff with `capability` somewhere; other staff 403; families and pupils 404."""

    def decorate(view: View) -> View:
        @signed_in
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            actor = actor_of(request)
            if not actor.is_staff_member:
                raise NotFound
            if not actor.can_anywhere(capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _summary(form: Any) -> list[tuple[str | None, str]]:
    """The error summary: each problem, linked to its field."""
    summary: list[tuple[str | None, str]] = [(None, str(e)) for e in form.non_field_errors()]
    summary += [
        (field.auto_id, f"{field.label}: {error}") for field in form for error in field.errors
    ]
    return summary


def _child(request: HttpRequest, raw: str | int | None) -> Any:
    actor = actor_of(request)
    children = selectors.children_of(actor)
    if raw in (None, ""):
        return children[0]
    if isinstance(raw, str) and not raw.isdigit():
        raise NotFound
    child = next((c for c in children if c.pk == int(raw or 0)), None)
    if child is None:
        raise NotFound
    return child


@family
def family_details(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    child = _child(request, request.GET.get("child"))
    view = selectors.family_view(actor=actor, child=child)
    context = {"view": view, "children": selectors.children_of(actor), "channels": Channel.choices}
    return render(request, "portal/details/family.html", context)


@family
def details_change(request: HttpRequest, pupil_id: int) -> HttpResponse:
    actor = actor_of(request)
    child = _child(request, pupil_id)
    view = selectors.family_view(actor=actor, child=child)
    initial = {
        row.field: row.waiting.new_value if row.waiting is not None else row.current
        for row in [*view.contact, *view.notes]
    }
    form = DetailsForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        language=view.guardian.preferred_language,
    )
    status = 200
    back = f"{reverse('portal_details:family')}?child={child.pk}"
    if request.method == "POST":
        status = 400
        if form.is_valid():
            values = {
                str(name): str(form.cleaned_data.get(name) or "")
                for name in [*GUARDIAN_FIELDS, *CHILD_FIELDS]
            }
            try:
                made, status = attempt_form(
                    form,
                    services.details_propose,
                    actor=actor,
                    pupil_id=child.pk,
                    values=values,
                    once=form_token(request.POST),
                )
            except AlreadyDone as repeat:
                return already_done(request, repeat, fallback=back)
            if made is not None:
                if made.unchanged:
                    flash.success(
                        request, _("Thank you. Nothing has changed, and we have noted your check.")
                    )
                else:
                    flash.success(
                        request,
                        _(
                            "Thank you. The school office will check your changes. "
                            "Nothing changes until they do."
                        ),
                    )
                if made.replaced:
                    flash.info(
                        request,
                        _(
                            "This replaces a change you sent earlier that the school had not "
                            "looked at yet."
                        ),
                    )
                return redirect(back)
    context = {"form": form, "view": view, "child": child, "summary": _summary(form), "back": back}
    return render(request, "portal/details/change.html", context, status=status)


@family
@require_POST
def details_confirm(request: HttpRequest, pupil_id: int) -> HttpResponse:
    actor = actor_of(request)
    child = _child(request, pupil_id)
    back = f"{reverse('portal_details:family')}?child={child.pk}"
    try:
        services.details_confirm(actor=actor, pupil_id=child.pk, once=form_token(request.POST))
    except AlreadyDone as repeat:
        return already_done(request, repeat, fallback=back)
    flash.success(request, _("Thank you. We have noted that your details are up to date."))
    return redirect(back)


# --- The office ------------------------------------------------------------------------------


def _office_row(actor: Any, change: DetailsChange) -> DetailsChange:
    hidden = change.is_medical and not selectors.sees_medical(actor, change.school_id)
    change.hidden = hidden  # type: ignore[attr-defined]
    change.now = "" if hidden else selectors.on_record(change)  # type: ignore[attr-defined]
    change.moved = change.now != change.old_value and not hidden  # type: ignore[attr-defined]
    change.may_decide = policy_for(DetailsChange).may(actor, DECIDE, change)  # type: ignore[attr-defined]
    return change


@staff_with(DETAILS_REVIEW)
def office_queue(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    rows = selectors.office_queue(actor=actor)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for change in page.object_list:
        _office_row(actor, change)
    context = {"page": page, "may_set": actor.can_anywhere(DETAILS_SETTINGS)}
    return render(request, "portal/details/office.html", context)


@staff_with(DETAILS_REVIEW)
def office_change(request: HttpRequest, change_id: int) -> HttpResponse:
    actor = actor_of(request)
    change = _office_row(actor, selectors.change_get(actor=actor, change_id=change_id))
    form = DecideForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        if not change.may_decide:  # type: ignore[attr-defined]
            raise PermissionDenied
        status = 400
        if decision not in ("accept", "reject"):
            form.add_error(None, _("Choose to accept or not to make the change."))
        elif form.is_valid():
            try:
                done, status = attempt_form(
                    form,
                    services.details_decide,
                    actor=actor,
                    change_id=change.pk,
                    accept=decision == "accept",
                    reason=form.cleaned_data["reason"],
                )
            except AlreadyDone as repeat:
                flash.info(request, repeat.message)
                return redirect("portal_details:office")
            if done is not None:
                flash.success(
                    request,
                    _("Accepted: the record is updated.")
                    if done.status == ChangeStatus.ACCEPTED
                    else _("Not changed. The family will see your reason."),
                )
                return redirect("portal_details:office")
    context = {"change": change, "form": form, "summary": _summary(form)}
    return render(request, "portal/details/office_change.html", context, status=status)


@staff_with(DETAILS_REVIEW)
def office_checked(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    rows = selectors.office_checks(actor=actor)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/details/checked.html", {"page": page})


@staff_with(DETAILS_SETTINGS)
def office_settings(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    schools = sorted(actor.schools_where(DETAILS_SETTINGS))
    raw = request.GET.get("school", "")
    school_id = int(raw) if raw.isdigit() and int(raw) in schools else schools[0]
    chosen = selectors.settings_for(school_id)
    staff = (
        Staff.objects.filter(
            school_id=school_id, active=True, roles__role__in=list(DETAILS_SEE_MEDICAL)
        )
        .distinct()
        .order_by("last_name", "first_name", "id")[:300]
    )
    choices = [(member.pk, member.display_name) for member in staff]
    initial = {
        "check_every_days": chosen.check_every_days if chosen else 365,
        "staff": list(chosen.alert_staff.values_list("pk", flat=True)) if chosen else [],
    }
    form = SettingsForm(
        request.POST if request.method == "POST" else None, initial=initial, staff=choices
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            done, status = attempt_form(
                form,
                services.details_settings_update,
                actor=actor,
                school_id=school_id,
                check_every_days=form.cleaned_data["check_every_days"],
                staff_ids=form.cleaned_data["staff"],
            )
            if done is not None:
                flash.success(request, _("Saved."))
                return redirect(f"{reverse('portal_details:settings')}?school={school_id}")
    context = {"form": form, "school_id": school_id, "summary": _summary(form)}
    return render(request, "portal/details/settings.html", context, status=status)


@staff_with(DETAILS_SEE_MEDICAL)
def alerts(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    page = Paginator(selectors.alerts_all(actor=actor), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/details/alerts.html", {"page": page})


@staff_with(DETAILS_SEE_MEDICAL)
@require_POST
def alert_read(request: HttpRequest, alert_id: int) -> HttpResponse:
    try:
        services.medical_alert_read(actor=actor_of(request), alert_id=alert_id)
    except Invalid as problem:  # pragma: no cover - the service raises none today
        flash.error(request, problem.message)
    return redirect("portal_details:alerts")
