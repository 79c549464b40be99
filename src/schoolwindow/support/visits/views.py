"""Home visits' pages: my visits, the new intake, plan, change, record, the DSL's concern, the
calendar page and its feed. Views parse, call, render."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from schoolwindow.core.access import actor_passes, signed_in, staff_only
from schoolwindow.core.capabilities import PLAN_HOME_VISITS, SAFEGUARDING
from schoolwindow.core.errors import NotFound, attempt, attempt_form
from schoolwindow.core.once import AlreadyDone, already_done, form_token
from schoolwindow.core.policy import policy_for
from schoolwindow.core.requests import actor_of
from schoolwindow.people.models import Pupil
from schoolwindow.schools.models import School
from schoolwindow.support.visits import forms, ics, selectors, services
from schoolwindow.support.visits.models import PROFILE_QUESTIONS, Agreement, VisitStatus
from schoolwindow.support.visits.policies import ANSWER, CHANGE, RECORD

PAGE_SIZE = 25

planner_only = actor_passes(lambda actor: actor.can_anywhere(PLAN_HOME_VISITS))


def visit_url(visit_id: int) -> str:
    return reverse("visits:visit", kwargs={"visit_id": visit_id})


def _staff_choices(school_id: int) -> list[tuple[int, str]]:
    return [(s.pk, s.display_name) for s in selectors.staff_choices(school_id=school_id)]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@staff_only
def visits_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    past = request.GET.get("when") == "past"
    whole_school = request.GET.get("scope") == "school" and actor.can_anywhere(PLAN_HOME_VISITS)
    visits = (
        selectors.visits_of_schools(actor=actor, past=past)
        if whole_school
        else selectors.visits_mine(actor=actor, past=past)
    )
    page = Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "support/visits/list.html",
        {
            "page": page,
            "past": past,
            "whole_school": whole_school,
            "may_plan": actor.can_anywhere(PLAN_HOME_VISITS),
        },
    )


@planner_only
def intake(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    schools = list(
        School.objects.filter(pk__in=selectors.intake_schools(actor=actor)).order_by("name")
    )
    chosen = _int(request.GET.get("school")) or schools[0].pk
    school = next((s for s in schools if s.pk == chosen), None)
    if school is None:
        raise NotFound
    pupils = selectors.intake_pupils(actor=actor, school_id=school.pk)
    page = Paginator(pupils, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "support/visits/intake.html",
        {"page": page, "school": school, "schools": schools},
    )


@planner_only
def plan(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    source = request.POST if request.method == "POST" else request.GET
    pupil_id = _int(source.get("pupil"))
    flag_id = _int(source.get("flag"))
    pupil = (
        policy_for(Pupil)
        .visible(actor)
        .select_related("school", "household", "year_group")
        .filter(pk=pupil_id)
        .first()
        if pupil_id
        else None
    )
    if pupil is None:
        raise NotFound
    actor.require(PLAN_HOME_VISITS, pupil.school_id)
    staff = _staff_choices(pupil.school_id)
    initial = {"lead": actor.staff_ids.get(pupil.school_id)}
    form = forms.PlanForm(
        request.POST if request.method == "POST" else None, staff=staff, initial=initial
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                visit, status = attempt_form(
                    form,
                    services.visit_plan,
                    actor=actor,
                    pupil_id=pupil.pk,
                    starts_at=data["starts_at"],
                    duration_minutes=data["duration_minutes"],
                    lead_id=data["lead"],
                    second_id=data.get("second"),
                    second_interprets=data.get("second_interprets", False),
                    interpreter_name=data.get("interpreter_name", ""),
                    interpreter_language=data.get("interpreter_language", ""),
                    agreement=data["agreement"],
                    agreement_how=data.get("agreement_how", ""),
                    flag_id=flag_id,
                    once=form_token(request.POST),
                )
            except AlreadyDone as done:
                return already_done(request, done, fallback=reverse("visits:visits"))
            if visit is not None:
                flash.success(request, _("The visit is planned."))
                return redirect(visit_url(visit.pk))
    return render(
        request,
        "support/visits/plan.html",
        {"form": form, "pupil": pupil, "flag_id": flag_id},
        status=status,
    )


@signed_in
def visit_detail(request: HttpRequest, visit_id: int) -> HttpResponse:
    actor = actor_of(request)
    visit = selectors.visit_get(actor=actor, visit_id=visit_id)
    policy = policy_for(type(visit))
    if not actor.is_staff_member:
        return render(
            request,
            "support/visits/detail_family.html",
            {
                "visit": visit,
                "may_answer": policy.may(actor, ANSWER, visit)
                and visit.status == VisitStatus.PLANNED,
                "form": forms.FamilyAnswerForm(),
            },
        )
    answers = selectors.visit_profile_answers(visit)
    return render(
        request,
        "support/visits/detail.html",
        {
            "visit": visit,
            "answers": [
                (label, answers[key]) for key, label in PROFILE_QUESTIONS if key in answers
            ],
            "actions": selectors.visit_actions(visit),
            "may_change": policy.may(actor, CHANGE, visit),
            "may_record": policy.may(actor, RECORD, visit) and visit.status == VisitStatus.PLANNED,
            "is_dsl": actor.can(SAFEGUARDING, visit.school_id),
            "agreement_form": forms.AgreementForm(
                initial={"agreement": visit.agreement, "how": visit.agreement_how}
            ),
        },
    )


@require_POST
@staff_only
def visit_agreement(request: HttpRequest, visit_id: int) -> HttpResponse:
    actor = actor_of(request)
    form = forms.AgreementForm(request.POST)
    if form.is_valid():
        done = attempt(
            request,
            services.visit_agreement_record,
            actor=actor,
            visit_id=visit_id,
            agreement=form.cleaned_data["agreement"],
            how=form.cleaned_data.get("how", ""),
        )
        if done is not None:
            flash.success(request, _("The family's answer is saved."))
    else:
        selectors.visit_get(actor=actor, visit_id=visit_id)
        flash.error(request, _("Choose what the family said."))
    return redirect(visit_url(visit_id))


@require_POST
@signed_in
def visit_answer(request: HttpRequest, visit_id: int) -> HttpResponse:
    """A parent's yes or no to a planned visit."""
    actor = actor_of(request)
    selectors.visit_get(actor=actor, visit_id=visit_id, action=ANSWER)
    form = forms.FamilyAnswerForm(request.POST)
    if not form.is_valid():
        flash.error(request, _("Choose yes or no."))
        return redirect(visit_url(visit_id))
    visit = attempt(
        request,
        services.visit_family_answer,
        actor=actor,
        visit_id=visit_id,
        agreement=form.cleaned_data["agreement"],
    )
    if visit is not None:
        flash.success(
            request,
            _("Thank you. We will see you then.")
            if visit.agreement == Agreement.AGREED
            else _("Thank you for letting us know. Nobody will come."),
        )
    return redirect(visit_url(visit_id))


@staff_only
def visit_change(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Move the visit to another time, or cancel it (with a reason)."""
    actor = actor_of(request)
    visit = selectors.visit_get(actor=actor, visit_id=visit_id, action=CHANGE)
    when_initial = {
        "starts_at": timezone.localtime(visit.starts_at),
        "duration_minutes": visit.duration_minutes,
    }
    move = forms.RescheduleForm(initial=when_initial, prefix="move")
    cancel = forms.CancelForm(prefix="cancel")
    status = 200
    if request.method == "POST":
        status = 400
        if request.POST.get("do") == "cancel":
            cancel = forms.CancelForm(request.POST, prefix="cancel")
            if cancel.is_valid():
                done, status = attempt_form(
                    cancel,
                    services.visit_cancel,
                    actor=actor,
                    visit_id=visit.pk,
                    reason=cancel.cleaned_data["reason"],
                )
                if done is not None:
                    flash.success(request, _("The visit is cancelled."))
                    return redirect(visit_url(visit.pk))
        else:
            move = forms.RescheduleForm(request.POST, prefix="move")
            if move.is_valid():
                data = move.cleaned_data
                done, status = attempt_form(
                    move,
                    services.visit_reschedule,
                    actor=actor,
                    visit_id=visit.pk,
                    starts_at=data["starts_at"],
                    duration_minutes=data["duration_minutes"],
                    reason=data.get("reason", ""),
                )
                if done is not None:
                    flash.success(request, _("The visit has moved."))
                    return redirect(visit_url(visit.pk))
        status = status if status != 200 else 400
    return render(
        request,
        "support/visits/change.html",
        {"visit": visit, "move": move, "cancel": cancel},
        status=status,
    )


@staff_only
def visit_record(request: HttpRequest, visit_id: int) -> HttpResponse:
    actor = actor_of(request)
    visit = selectors.visit_get(actor=actor, visit_id=visit_id, action=RECORD)
    staff = _staff_choices(visit.school_id)
    form = forms.RecordForm(request.POST if request.method == "POST" else None, staff=staff)
    # visit-draft.js sends the form with fetch and wants to know where to go next.
    from_draft = request.headers.get("X-Requested-With") == "visit-draft"
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                done, status = attempt_form(
                    form,
                    services.visit_record,
                    actor=actor,
                    visit_id=visit.pk,
                    answers=form.answers(),
                    wellbeing=form.cleaned_data.get("wellbeing", ""),
                    actions=form.actions(),
                    reflection=form.cleaned_data.get("reflection", ""),
                    concern=form.cleaned_data.get("concern", ""),
                    once=form_token(request.POST),
                )
            except AlreadyDone as repeat:
                # Sent again (a double tap, or the phone resending a queued draft the server
                # already had): say so, and show the visit.
                if from_draft:
                    flash.info(request, repeat.message)
                    return JsonResponse({"url": visit_url(visit.pk)})
                return already_done(request, repeat, fallback=visit_url(visit.pk))
            if done is not None:
                flash.success(request, _("The visit is recorded."))
                if from_draft:
                    return JsonResponse({"url": visit_url(visit.pk)})
                return redirect(visit_url(visit.pk))
    user_key = actor.user.pk if actor.user is not None else 0
    return render(
        request,
        "support/visits/record.html",
        {
            "visit": visit,
            "form": form,
            "draft_key": f"schoolwindow:visit:{visit.pk}:user:{user_key}",
        },
        status=status,
    )


@staff_only
def visit_concern(request: HttpRequest, visit_id: int) -> HttpResponse:
    concern = selectors.visit_concern_get(actor=actor_of(request), visit_id=visit_id)
    return render(request, "support/visits/concern.html", {"concern": concern})


@staff_only
def calendar(request: HttpRequest) -> HttpResponse:
    """The private addresses of the actor's visit calendars, one per school, and renewing one."""
    actor = actor_of(request)
    if request.method == "POST":
        school_id = _int(request.POST.get("school"))
        if school_id is None or school_id not in actor.staff_ids:
            raise NotFound
        services.visit_calendar_renew(actor=actor, school_id=school_id)
        flash.success(request, _("Your calendar has a new address. The old one no longer works."))
        return redirect(reverse("visits:calendar"))
    schools = School.objects.filter(pk__in=list(actor.staff_ids)).order_by("name")
    rows = []
    for school in schools:
        feed = selectors.visit_calendar_of(actor=actor, school_id=school.pk)
        url = (
            request.build_absolute_uri(
                reverse("visits:feed", kwargs={"school_id": school.pk, "token": feed.token})
            )
            if feed is not None
            else ""
        )
        rows.append({"school": school, "url": url})
    return render(request, "support/visits/calendar.html", {"rows": rows})


@require_GET
def feed(request: HttpRequest, school_id: int, token: str) -> HttpResponse:
    """The iCalendar feed: no log-in, the unguessable address is the key."""
    calendar = selectors.feed_calendar(school_id=school_id, token=token)
    body = ics.calendar_text(selectors.feed_visits(calendar))
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="home-visits.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
