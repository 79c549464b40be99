"""Progress report pages: parse, call the selector or service, render.

Staff pages are for those who write reports (teachers, leaders); leaders alone set up, review,
publish and resend; other staff 403; families and pupils 404. Family pages are for a parent
with a published report of their own child; anyone else 404. Family pages work without
JavaScript: plain links and forms.
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
from schoolwindow.core.capabilities import REPORTS_MANAGE, REPORTS_WRITE
from schoolwindow.core.errors import Invalid, NotFound, attempt, attempt_form
from schoolwindow.core.once import AlreadyDone, already_done, form_token
from schoolwindow.core.requests import actor_of
from schoolwindow.people.models import Guardian
from schoolwindow.portal.reports import pdf, selectors, services
from schoolwindow.portal.reports.forms import (
    ReplyForm,
    ReturnForm,
    ScheduleForm,
    TemplateForm,
    WriteForm,
)
from schoolwindow.portal.reports.models import ReportStatus
from schoolwindow.schools.models import School

PAGE_SIZE = 50
View = Callable[..., HttpResponse]


def staff(capability: Any) -> Callable[[View], View]:
    """Staff with the capability somewhere; other staff 403; families and pupils 404."""

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


writers = staff(REPORTS_WRITE)
leaders = staff(REPORTS_MANAGE)


def _summary(form: Any) -> list[tuple[str | None, str]]:
    summary: list[tuple[str | None, str]] = [(None, str(e)) for e in form.non_field_errors()]
    for field in form:
        summary.extend((field.auto_id, f"{field.label}: {error}") for error in field.errors)
    return summary


@writers
def staff_runs(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    page = Paginator(selectors.runs_for_staff(actor), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "may_manage": bool(selectors.managing_schools(actor)),
        "templates": list(selectors.templates_of(actor)[:20]),
    }
    return render(request, "portal/reports/staff_runs.html", context)


@leaders
def template_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    schools = [
        (school.pk, school.name)
        for school in School.objects.filter(pk__in=selectors.managing_schools(actor)).order_by(
            "name"
        )
    ]
    form = TemplateForm(request.POST if request.method == "POST" else None, schools=schools)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                made, status = attempt_form(
                    form,
                    services.template_create,
                    actor=actor,
                    school_id=data["school"],
                    name=data["name"],
                    subjects=data["subjects"],
                    attainment_scale=data["attainment_scale"],
                    effort_scale=data["effort_scale"],
                    once=form_token(request.POST),
                )
            except AlreadyDone as repeat:
                return already_done(request, repeat, fallback=reverse("portal_reports:staff"))
            if made is not None:
                flash.success(request, _("Template saved."))
                return redirect("portal_reports:schedule")
    context = {"form": form, "summary": _summary(form)}
    return render(request, "portal/reports/template_new.html", context, status=status)


@leaders
def schedule(request: HttpRequest) -> HttpResponse:
    """Plan the year's runs in one go: a template, the year groups, a row a run."""
    actor = actor_of(request)
    templates = list(
        selectors.templates_of(actor).filter(school_id__in=selectors.managing_schools(actor))
    )
    chosen = request.POST.get("template") or request.GET.get("template") or ""
    template = next(
        (t for t in templates if str(t.pk) == chosen), templates[0] if templates else None
    )
    years = selectors.year_groups_of(template.school_id) if template else []
    form = ScheduleForm(
        request.POST if request.method == "POST" else None,
        templates=templates,
        years=years,
        initial={"template": template.pk if template else None},
    )
    status = 200
    if request.method == "POST" and template is not None:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                made, status = attempt_form(
                    form,
                    services.runs_schedule,
                    actor=actor,
                    template_id=data["template"],
                    year_group_ids=data["year_groups"],
                    runs=data["planned"],
                    once=form_token(request.POST),
                )
            except AlreadyDone as repeat:
                return already_done(request, repeat, fallback=reverse("portal_reports:staff"))
            if made is not None:
                flash.success(request, _("%(count)d report runs planned.") % {"count": len(made)})
                return redirect("portal_reports:staff")
    context = {"form": form, "summary": _summary(form), "template": template}
    return render(request, "portal/reports/schedule.html", context, status=status)


def _filters(request: HttpRequest) -> selectors.RunFilters:
    group = request.GET.get("group", "")
    reach = request.GET.get("reach", "")
    return selectors.RunFilters(
        status=request.GET.get("status", ""),
        reach=reach if reach in selectors.REACH_FILTERS else "",
        group_id=int(group) if group.isdigit() else None,
        search=request.GET.get("q", "").strip(),
    )


@writers
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    """A run's pupils with their report's state: a teacher's classes, or a leader's school —
    paged and filtered; once published, who has not received, opened or acknowledged it."""
    actor = actor_of(request)
    run = selectors.run_get(actor=actor, run_id=run_id)
    filters = _filters(request)
    rows = selectors.run_rows(actor=actor, run=run, filters=filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "run": run,
        "page": page,
        "filters": filters,
        "summary": selectors.run_summary(actor=actor, run=run),
        "groups": selectors.run_groups(run),
        "statuses": ReportStatus.choices,
        "may_manage": actor.can(REPORTS_MANAGE, run.school_id),
        "max_resends": services.MAX_RESENDS,
    }
    return render(request, "portal/reports/run.html", context)


@writers
def write(request: HttpRequest, run_id: int, pupil_id: int) -> HttpResponse:
    """A pupil's report: the form, the pupil's recent facts beside it, and for a leader the
    review (approve, or send back with a note)."""
    actor = actor_of(request)
    run = selectors.run_get(actor=actor, run_id=run_id)
    pupil, report = selectors.report_for_writing(actor=actor, run=run, pupil_id=pupil_id)
    if not actor.can(REPORTS_WRITE, run.school_id):
        raise PermissionDenied
    initial = (
        WriteForm.initial_from(run.template, report.lines, report.general_comment) if report else {}
    )
    posted = request.method == "POST" and request.POST.get("action") in ("save", "submit")
    form = WriteForm(request.POST if posted else None, template=run.template, initial=initial)
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            try:
                done = services.report_save(
                    actor=actor,
                    run_id=run.pk,
                    pupil_id=pupil.pk,
                    lines=form.lines(),
                    general_comment=form.cleaned_data["general_comment"],
                    submit=request.POST.get("action") == "submit",
                )
            except Invalid as problem:
                form.add_error(form.field_for(problem.field), problem.message)
            else:
                flash.success(
                    request,
                    _("Sent for review.")
                    if done.status == ReportStatus.SUBMITTED
                    else _("Draft saved."),
                )
                return redirect("portal_reports:write", run_id=run.pk, pupil_id=pupil.pk)
    may_manage = actor.can(REPORTS_MANAGE, run.school_id)
    context = {
        "run": run,
        "pupil": pupil,
        "report": report,
        "form": form,
        "summary": _summary(form),
        "facts": selectors.recent_facts(pupil=pupil),
        "may_manage": may_manage,
        "may_edit": not run.is_published
        and (report is None or report.status != ReportStatus.APPROVED)
        and (may_manage or report is None or report.status != ReportStatus.SUBMITTED),
        "return_form": ReturnForm(),
        "lines": selectors.report_lines(report) if report else [],
    }
    return render(request, "portal/reports/write.html", context, status=status)


@leaders
@require_POST
def review(request: HttpRequest, run_id: int, pupil_id: int) -> HttpResponse:
    actor = actor_of(request)
    run = selectors.run_get(actor=actor, run_id=run_id)
    _pupil, report = selectors.report_for_writing(actor=actor, run=run, pupil_id=pupil_id)
    if report is None:
        raise NotFound
    back = redirect("portal_reports:write", run_id=run.pk, pupil_id=pupil_id)
    if request.POST.get("action") == "approve":
        try:
            if attempt(request, services.report_approve, actor=actor, report_id=report.pk):
                flash.success(request, _("Approved."))
        except AlreadyDone as repeat:
            flash.info(request, repeat.message)
        return back
    form = ReturnForm(request.POST)
    if not form.is_valid():
        flash.error(request, _("Write a note saying what to change."))
        return back
    if attempt(
        request,
        services.report_return,
        actor=actor,
        report_id=report.pk,
        note=form.cleaned_data["note"],
    ):
        flash.success(request, _("Sent back to the writer with your note."))
    return back


@leaders
@require_POST
def publish(request: HttpRequest, run_id: int) -> HttpResponse:
    actor = actor_of(request)
    run = selectors.run_get(actor=actor, run_id=run_id, action="manage")
    try:
        done = attempt(
            request, services.run_publish, actor=actor, run_id=run.pk, once=form_token(request.POST)
        )
    except AlreadyDone as repeat:
        flash.info(request, repeat.message)
        return redirect("portal_reports:run", run_id=run.pk)
    if done is not None:
        flash.success(
            request,
            _("Published %(reports)d reports. Families are being told now, each their usual way.")
            % {"reports": done.reports},
        )
    return redirect("portal_reports:run", run_id=run.pk)


@leaders
@require_POST
def resend(request: HttpRequest, run_id: int) -> HttpResponse:
    actor = actor_of(request)
    run = selectors.run_get(actor=actor, run_id=run_id, action="manage")
    reach = request.POST.get("reach", "")
    try:
        done = attempt(
            request,
            services.reports_resend,
            actor=actor,
            run_id=run.pk,
            reach=reach,
            once=form_token(request.POST),
        )
    except AlreadyDone as repeat:
        flash.info(request, repeat.message)
        done = None
    if done is not None:
        flash.success(
            request,
            _("Sent again to %(sent)d families. %(capped)d had already been sent it %(max)d times.")
            % {"sent": done.sent, "capped": done.capped, "max": services.MAX_RESENDS},
        )
    return redirect(f"{reverse('portal_reports:run', kwargs={'run_id': run.pk})}?reach={reach}")


# --- Families -------------------------------------------------------------------------------


def family(view: View) -> View:
    """A parent (a guardian account); anyone else 404."""

    @signed_in
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not actor_of(request).is_guardian:
            raise NotFound
        return view(request, *args, **kwargs)

    return wrapper


@family
def family_reports(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    rows = selectors.family_reports(actor=actor)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/reports/family.html", {"page": page})


def _family_page(
    request: HttpRequest, report_id: int, reply: ReplyForm | None = None, status: int = 200
) -> HttpResponse:
    actor = actor_of(request)
    report = selectors.family_report_get(actor=actor, report_id=report_id)
    reading = services.report_open(actor=actor, report_id=report.pk)
    context = {
        "report": report,
        "lines": selectors.report_lines(report),
        "reading": reading,
        "reply_form": reply or ReplyForm(),
        "summary": _summary(reply) if reply is not None else [],
    }
    return render(request, "portal/reports/family_report.html", context, status=status)


@family
def family_report(request: HttpRequest, report_id: int) -> HttpResponse:
    return _family_page(request, report_id)


@family
def family_pdf(request: HttpRequest, report_id: int) -> HttpResponse:
    actor = actor_of(request)
    report = selectors.family_report_get(actor=actor, report_id=report_id)
    services.report_open(actor=actor, report_id=report.pk)
    # The headings in the family's own language (their preferred one, as messaging writes to
    # them), else the language the page is shown in.
    language = getattr(request, "LANGUAGE_CODE", "") or "en"
    preferred = (
        Guardian.objects.filter(pk=actor.guardian_id or 0)
        .values_list("preferred_language", flat=True)
        .first()
    )
    body = pdf.report_pdf(report, language=preferred or language)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.report_filename(report)}"'
    return response


@family
@require_POST
def acknowledge(request: HttpRequest, report_id: int) -> HttpResponse:
    actor = actor_of(request)
    report = selectors.family_report_get(actor=actor, report_id=report_id)
    try:
        services.report_acknowledge(actor=actor, report_id=report.pk)
        flash.success(request, _("Thank you. The school knows you have read the report."))
    except AlreadyDone as repeat:
        flash.info(request, repeat.message)
    return redirect("portal_reports:family_report", report_id=report.pk)


@family
@require_POST
def reply(request: HttpRequest, report_id: int) -> HttpResponse:
    actor = actor_of(request)
    report = selectors.family_report_get(actor=actor, report_id=report_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            _done, status = attempt_form(
                form,
                services.report_reply,
                actor=actor,
                report_id=report.pk,
                body=form.cleaned_data["body"],
                once=form_token(request.POST),
            )
        except AlreadyDone as repeat:
            return already_done(
                request,
                repeat,
                fallback=reverse("portal_reports:family_report", kwargs={"report_id": report.pk}),
            )
        if status == 200:
            flash.success(request, _("Thank you. Your reply has been sent to the school."))
            return redirect("portal_reports:family_report", report_id=report.pk)
    return _family_page(request, report.pk, reply=form, status=400)
