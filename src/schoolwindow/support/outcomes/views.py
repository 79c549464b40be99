"""The "did it work?" page: parse, call the selector or service, render."""

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

from schoolwindow.core.access import signed_in
from schoolwindow.core.capabilities import CHANGE_OUTCOME_SETTINGS
from schoolwindow.core.errors import NotFound, attempt_form
from schoolwindow.core.permissions import Actor
from schoolwindow.core.requests import actor_of
from schoolwindow.schools.models import School
from schoolwindow.support.outcomes import charts, forms, selectors, services
from schoolwindow.support.outcomes.models import OutcomeSettings
from schoolwindow.support.outcomes.recovery import SMALL_GROUP, Result
from schoolwindow.support.timeline import SupportKind


def get_int(data: Any, name: str) -> int | None:
    try:
        return int(data.get(name, ""))
    except (TypeError, ValueError):
        return None


def staff_actor(request: HttpRequest) -> Actor:
    """Families and pupils are never told this page exists."""
    actor = actor_of(request)
    if not actor.is_staff_member:
        raise NotFound
    return actor


def school_choice(
    request: HttpRequest, school_ids: list[int], chosen: int | None = None
) -> tuple[int, list[School]]:
    schools = list(School.objects.filter(pk__in=school_ids).order_by("name"))
    chosen = chosen if chosen is not None else get_int(request.GET, "school")
    return (chosen if chosen in school_ids else schools[0].pk), schools


def page_context(
    request: HttpRequest,
    actor: Actor,
    *,
    school: int | None = None,
    form: forms.SettingsForm | None = None,
) -> dict[str, Any]:
    school_id, schools = school_choice(request, selectors.outcome_school_ids(actor), school)
    period = request.GET.get("period", "term")
    report = selectors.outcomes_report(
        actor=actor, school_id=school_id, period=period, today=timezone.localdate()
    )
    labels = dict(SupportKind.choices)
    kinds = [
        {
            "key": k.kind,
            "label": labels[k.kind],
            "outcome": k,
            "chart": charts.outcome_svg(k, str(labels[k.kind])),
        }
        for k in report.kinds
        if k.helped or k.comparison
    ]
    none_yet = [labels[k.kind] for k in report.kinds if not k.helped]
    chosen = request.GET.get("kind", "")
    page = None
    if chosen in labels and report.kind(chosen) is not None:
        rows = selectors.counted_rows(report, chosen)
        page = Paginator(rows, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    may_change = actor.can(CHANGE_OUTCOME_SETTINGS, school_id)
    if may_change and form is None:
        form = forms.SettingsForm(initial={"recovery_days": report.days})
    return {
        "report": report,
        "kinds": kinds,
        "none_yet": none_yet,
        "periods": list(selectors.PERIODS.items()),
        "schools": schools,
        "school_id": school_id,
        "chosen": chosen,
        "chosen_label": labels.get(chosen, ""),
        "page": page,
        "form": form if may_change else None,
        "small": SMALL_GROUP,
        "Result": Result,
    }


@signed_in
def outcomes(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request)
    return render(request, "support/outcomes/outcomes.html", page_context(request, actor))


@signed_in
@require_POST
def settings_change(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request)
    school_id = get_int(request.POST, "school")
    if school_id is None or not actor.can(CHANGE_OUTCOME_SETTINGS, school_id):
        raise NotFound
    form = forms.SettingsForm(request.POST)
    back = reverse("outcomes:outcomes") + f"?school={school_id}"
    status = 400
    if form.is_valid():
        saved, status = attempt_form(
            form,
            services.outcome_settings_change,
            actor=actor,
            school_id=school_id,
            recovery_days=form.cleaned_data["recovery_days"],
        )
        if isinstance(saved, OutcomeSettings):
            flash.success(
                request,
                _("Saved: 'did it work?' now looks at %(n)s school days.")
                % {"n": saved.recovery_days},
            )
            return redirect(back)
    return render(
        request,
        "support/outcomes/outcomes.html",
        page_context(request, actor, school=school_id, form=form),
        status=status,
    )
