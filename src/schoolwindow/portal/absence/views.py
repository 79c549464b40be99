"""Absence pages: parse, call the selector or service, render.

The family pages are for a parent with a child to report for; staff and pupils are told there is
nothing here (404). The office pages are for staff who see reports (others 403); families and
pupils get 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.core.access import signed_in
from schoolwindow.core.capabilities import CONFIRM_ABSENCES, SEE_ABSENCE_REPORTS
from schoolwindow.core.errors import NotFound, attempt_form
from schoolwindow.core.once import AlreadyDone, already_done, form_token
from schoolwindow.core.policy import policy_for
from schoolwindow.core.requests import actor_of
from schoolwindow.engagement.codes import describe
from schoolwindow.engagement.marks import TakenMark, marks_taken
from schoolwindow.portal.absence import selectors, services
from schoolwindow.portal.absence.forms import (
    DATE_BOXES,
    CallingTimeForm,
    ConfirmForm,
    PhonedForm,
    ReportForm,
)
from schoolwindow.portal.absence.models import AbsenceReport, ReportStatus
from schoolwindow.portal.absence.policies import CONFIRM

PAGE_SIZE = 50
View = Callable[..., HttpResponse]


def family(view: View) -> View:
    """A parent with at least one child they may report for; anyone else 404."""

    @signed_in
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not selectors.children_of(actor_of(request)):
            raise NotFound
        return view(request, *args, **kwargs)

    return wrapper


def office(view: View) -> View:
    """Staff who see absence reports; other staff 403; families and pupils 404."""

    @signed_in
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = actor_of(request)
        if not actor.is_staff_member:
            raise NotFound
        if not actor.can_anywhere(SEE_ABSENCE_REPORTS):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@family
def family_reports(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    rows = selectors.reports_of_family(actor=actor)
    context = {
        "children": selectors.children_of(actor),
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
    }
    return render(request, "portal/absence/family.html", context)


@family
def report_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    children = selectors.children_of(actor)
    choices = [(child.pk, f"{child.display_name} · {child.school.name}") for child in children]
    chosen = request.GET.get("child", "")
    initial = {"child": int(chosen)} if chosen.isdigit() else {}
    form = ReportForm(
        request.POST if request.method == "POST" else None, children=choices, initial=initial
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and form.cleaned_data["first"] is not None:
            data = form.cleaned_data
            try:
                made, status = attempt_form(
                    form,
                    services.absence_report,
                    actor=actor,
                    pupil_id=data["child"],
                    first_day=data["first"],
                    last_day=data["last"],
                    part=data["part"],
                    reason=data["reason"],
                    detail=data["detail"],
                    once=form_token(request.POST),
                )
            except AlreadyDone as repeat:
                return already_done(request, repeat, fallback=reverse("portal_absence:family"))
            if made is not None:
                flash.success(request, _("Thank you. The school has received your message."))
                return redirect("portal_absence:report", report_id=made.pk)
    return render(request, "portal/absence/new.html", _form_context(form), status=status)


def _form_context(form: ReportForm | PhonedForm) -> dict[str, Any]:
    """The form, its date boxes in threes, and an error summary that says which date is wrong."""
    first_legend, last_legend = _("First day away"), _("Last day away")
    summary: list[tuple[str | None, str]] = [
        (None, str(error)) for error in form.non_field_errors()
    ]
    for field in form:
        legend = (
            first_legend
            if field.name.startswith("first_")
            else last_legend
            if field.name.startswith("last_")
            else field.label
        )
        summary.extend((field.auto_id, f"{legend}: {error}") for error in field.errors)
    context: dict[str, Any] = {"form": form, "summary": summary}
    for prefix in ("first", "last"):
        boxes = [form[f"{prefix}_{box}"] for box in DATE_BOXES]
        context[f"{prefix}_boxes"] = boxes
        context[f"{prefix}_errors"] = [error for box in boxes for error in box.errors]
    return context


@signed_in
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    actor = actor_of(request)
    if not actor.is_guardian:
        raise NotFound
    report = selectors.report_get(actor=actor, report_id=report_id, family=True)
    return render(request, "portal/absence/report.html", {"report": report})


@office
def office_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    today = timezone.localdate()
    rows = selectors.office_reports(actor=actor, today=today)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for report in page.object_list:
        report.suggested = selectors.SUGGESTED_CODE.get(report.reason, "O")  # type: ignore[attr-defined]
        report.suggested_meaning = describe(report.suggested)  # type: ignore[attr-defined]
    context = {"page": page, "today": today, "may_confirm": actor.can_anywhere(CONFIRM_ABSENCES)}
    return render(request, "portal/absence/office.html", context)


def _session_key(raw: str) -> tuple[dt.date, str] | None:
    day, _sep, session = raw.partition("_")
    try:
        return (dt.date.fromisoformat(day), session) if session in ("AM", "PM") else None
    except ValueError:
        return None


@office
def office_confirm(request: HttpRequest, report_id: int) -> HttpResponse:
    actor = actor_of(request)
    report: AbsenceReport = selectors.report_get(actor=actor, report_id=report_id)
    may_confirm = policy_for(AbsenceReport).may(actor, CONFIRM, report)
    suggested = selectors.SUGGESTED_CODE.get(report.reason, "O")
    form = ConfirmForm(
        request.POST if request.method == "POST" else None, initial={"code": suggested}
    )
    sessions = selectors.report_sessions(report)
    taken: list[TakenMark] = marks_taken(
        school_id=report.school_id, pupil_id=report.pupil_id, sessions=sessions
    )
    choices: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if not may_confirm:
            raise PermissionDenied
        status = 400
        keep, replace = set(), set()
        for mark in taken:
            name = f"{mark.date.isoformat()}_{mark.session}"
            choice = request.POST.get(f"mark_{name}", "")
            choices[name] = choice
            key = _session_key(name)
            if choice == "keep" and key:
                keep.add(key)
            elif choice == "replace" and key:
                replace.add(key)
        if form.is_valid():
            try:
                done, status = attempt_form(
                    form,
                    services.absence_confirm,
                    actor=actor,
                    report_id=report.pk,
                    code=form.cleaned_data["code"],
                    keep=keep,
                    replace=replace,
                )
            except AlreadyDone as repeat:
                flash.info(request, repeat.message)
                return redirect("portal_absence:confirm", report_id=report.pk)
            if done is not None:
                flash.success(request, _("Recorded in the register."))
                return redirect("portal_absence:office")
            # A mark may have been taken since the page was drawn: show what is there now.
            taken = marks_taken(
                school_id=report.school_id, pupil_id=report.pupil_id, sessions=sessions
            )
    context = {
        "report": report,
        "form": form,
        "sessions": sessions,
        "taken": [
            {
                "mark": mark,
                "name": f"{mark.date.isoformat()}_{mark.session}",
                "meaning": describe(mark.code),
                "chosen": choices.get(f"{mark.date.isoformat()}_{mark.session}", ""),
            }
            for mark in taken
        ],
        "suggested": suggested,
        "may_confirm": may_confirm and report.status == ReportStatus.RECEIVED,
    }
    return render(request, "portal/absence/confirm.html", context, status=status)


@office
def office_phoned(request: HttpRequest) -> HttpResponse:
    """The office writes down an absence a family phoned in: find the pupil, then the same
    questions as the family's form, and who rang; it then waits on the list to be confirmed."""
    actor = actor_of(request)
    if not actor.can_anywhere(CONFIRM_ABSENCES):
        raise PermissionDenied
    raw = request.GET.get("pupil", "")
    if not raw:
        query = request.GET.get("q", "")[:100]
        matches = selectors.phoned_pupils(actor=actor, query=query)
        found = {"query": query, "matches": matches}
        return render(request, "portal/absence/phoned_find.html", found)
    pupil = selectors.phoned_pupil(actor=actor, pupil_id=int(raw)) if raw.isdigit() else None
    if pupil is None:
        raise NotFound
    form = PhonedForm(
        request.POST if request.method == "POST" else None,
        callers=selectors.who_may_ring(pupil),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and form.cleaned_data["first"] is not None:
            data = form.cleaned_data
            try:
                made, status = attempt_form(
                    form,
                    services.absence_phoned_in,
                    actor=actor,
                    pupil_id=pupil.pk,
                    guardian_id=data["guardian"],
                    first_day=data["first"],
                    last_day=data["last"],
                    part=data["part"],
                    reason=data["reason"],
                    detail=data["detail"],
                    once=form_token(request.POST),
                )
            except AlreadyDone as repeat:
                return already_done(request, repeat, fallback=reverse("portal_absence:office"))
            if made is not None:
                flash.success(request, _("Written down. Now record it in the register."))
                return redirect("portal_absence:confirm", report_id=made.pk)
    context: dict[str, Any] = {**_form_context(form), "pupil": pupil}
    return render(request, "portal/absence/phoned.html", context, status=status)


@office
def calling(request: HttpRequest) -> HttpResponse:
    """First-day calling: after the school's time, the pupils not in this morning's register and
    not reported by their family, with the numbers the school may ring."""
    actor = actor_of(request)
    schools = selectors.calling_schools(actor)
    raw = request.GET.get("school", "")
    school_id = int(raw) if raw.isdigit() and int(raw) in schools else schools[0]
    now = timezone.localtime()
    starts = selectors.calling_time(school_id=school_id)
    form = CallingTimeForm(
        request.POST if request.method == "POST" else None,
        initial={"calling_time": starts},
    )
    may_set = actor.can(CONFIRM_ABSENCES, school_id)
    status = 200
    if request.method == "POST":
        if not may_set:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            services.absence_settings_update(
                actor=actor, school_id=school_id, calling_time=form.cleaned_data["calling_time"]
            )
            flash.success(request, _("Saved. First-day calling starts at that time."))
            return redirect(f"{reverse('portal_absence:calling')}?school={school_id}")
    is_open = now.time() >= starts
    rows = selectors.first_day_calls(actor=actor, school_id=school_id, today=now.date())
    page = Paginator(rows if is_open else rows.none(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "is_open": is_open,
        "starts": starts,
        "school_id": school_id,
        "form": form,
        "may_set": may_set,
    }
    return render(request, "portal/absence/calling.html", context, status=status)
