"""Pages: a pupil's home-learning profile, the staff's phone form, and the survey rounds."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from schoolwindow.core.access import actor_passes, signed_in
from schoolwindow.core.capabilities import RUN_HOME_SURVEYS
from schoolwindow.core.errors import Invalid, Refused
from schoolwindow.core.once import AlreadyDone, already_done, form_token
from schoolwindow.core.requests import actor_of
from schoolwindow.homelife import selectors, services
from schoolwindow.homelife.fields import check, draw, posted
from schoolwindow.homelife.models import Source
from schoolwindow.homelife.profile import as_initial
from schoolwindow.homelife.questions import HOUSEHOLD_QUESTIONS, PUPIL_QUESTIONS
from schoolwindow.schools.models import School

PHONE_SOURCES = [
    (Source.PHONE_CALL.value, Source.PHONE_CALL.label),
    (Source.PUPIL.value, Source.PUPIL.label),
]


@signed_in
def profile(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """The full profile with its history: staff who may see profiles, and the pupil's parents
    (read only)."""
    found = selectors.home_profile_get(actor=actor_of(request), pupil_id=pupil_id)
    return render(request, "homelife/profile.html", {"profile": found})


@signed_in
@require_http_methods(["GET", "POST"])
def phone_answers(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """Staff write down what a family said on the phone: every question on one page, filled in
    with what we know; each question answered is saved as a new version."""
    actor = actor_of(request)
    found = selectors.home_profile_get(actor=actor, pupil_id=pupil_id, with_history=False)
    if not found.can_record:
        raise Refused
    pupil = found.pupil
    known = as_initial([*found.household, *found.own])
    questions = [*HOUSEHOLD_QUESTIONS, *PUPIL_QUESTIONS]
    source = request.POST.get("source", Source.PHONE_CALL)
    fields = []
    problems = []
    answers = []
    for asked in questions:
        ask = asked.ask_about(pupil.first_name)
        if request.method == "POST":
            value, detail = posted(request.POST, asked.key, asked)
            if not value and not detail:
                fields.append(draw(asked.key, asked, ask))
                continue
            value, detail, error = check(asked, value, detail)
            if error:
                problems.append((asked.key, ask, error))
            else:
                answers.append(services.Given(question=asked.key, value=value, detail=detail))
            fields.append(draw(asked.key, asked, ask, value, detail, error))
        else:
            value, detail = known.get(asked.key, ("", ""))
            fields.append(draw(asked.key, asked, ask, value, detail))
    status = 200
    if request.method == "POST":
        if source not in dict(PHONE_SOURCES):
            problems.append(("source", _("Who gave the answers"), _("Choose one of the answers.")))
        if not problems and not answers:
            problems.append(("", "", _("Answer at least one question to save.")))
        if not problems:
            try:
                services.profile_answers_record(
                    actor=actor,
                    pupil=pupil,
                    source=source,
                    answers=answers,
                    once=form_token(request.POST),
                )
            except AlreadyDone as done:
                return already_done(
                    request, done, fallback=reverse("homelife:profile", args=[pupil.pk])
                )
            except Invalid as problem:
                problems.append((problem.field, "", problem.message))
            else:
                messages.success(request, _("Saved. The profile shows the new answers."))
                return redirect("homelife:profile", pupil_id=pupil.pk)
        status = 400
    context = {
        "profile": found,
        "pupil": pupil,
        "fields": fields,
        "problems": problems,
        "sources": PHONE_SOURCES,
        "source": source,
    }
    return render(request, "homelife/phone_answers.html", context, status=status)


# --- Survey rounds (staff) --------------------------------------------------------------------


def parse_date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


@actor_passes(lambda actor: actor.can_anywhere(RUN_HOME_SURVEYS))
@require_http_methods(["GET", "POST"])
def rounds(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    schools = list(School.objects.filter(pk__in=selectors.survey_schools(actor)).order_by("name"))
    settings_schools = set(selectors.settings_schools(actor))
    error = ""
    error_field = ""
    status = 200
    if request.method == "POST":
        school_id = (
            int(request.POST.get("school") or 0) if request.POST.get("school", "").isdigit() else 0
        )
        if school_id not in {school.pk for school in schools}:
            raise Refused
        try:
            if request.POST.get("action") == "settings":
                days = request.POST.get("stale_after_days", "")
                if not days.isdigit():
                    raise Invalid(
                        _("Enter a number of days from 30 to 3650."), field="stale_after_days"
                    )
                services.homelife_settings_change(
                    actor=actor, school_id=school_id, stale_after_days=int(days)
                )
                messages.success(request, _("Saved."))
                return redirect("homelife:rounds")
            closes_on = parse_date(request.POST.get("closes_on", ""))
            if closes_on is None:
                raise Invalid(
                    _("Enter the closing date, for example 31/01/2027."), field="closes_on"
                )
            created = services.survey_round_open(
                actor=actor,
                school_id=school_id,
                title=request.POST.get("title", ""),
                closes_on=closes_on,
                once=form_token(request.POST),
            )
        except AlreadyDone as done:
            return already_done(request, done, fallback=reverse("homelife:rounds"))
        except Invalid as problem:
            error, error_field, status = problem.message, problem.field, 400
        else:
            messages.success(request, _("The round is open."))
            return redirect("homelife:round", round_id=created.pk)
    context = {
        "rounds": selectors.rounds_list(actor=actor),
        "schools": schools,
        "settings": [
            (school, selectors.stale_after_days(school.pk))
            for school in schools
            if school.pk in settings_schools
        ],
        "error": error,
        "error_field": error_field,
        "posted": request.POST if request.method == "POST" else {},
    }
    return render(request, "homelife/rounds.html", context, status=status)


@actor_passes(lambda actor: actor.can_anywhere(RUN_HOME_SURVEYS))
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    actor = actor_of(request)
    survey_round = selectors.round_get(actor=actor, round_id=round_id)
    year = request.GET.get("year", "")
    answered = request.GET.get("answered", "")
    if answered not in (selectors.ANSWERED, selectors.NOT_ANSWERED):
        answered = ""
    page = request.GET.get("page", "1")
    listing = selectors.round_pupils(
        actor=actor,
        survey_round=survey_round,
        year_id=int(year) if year.isdigit() else None,
        answered=answered,
        page=int(page) if page.isdigit() else 1,
    )
    context = {
        "round": survey_round,
        "listing": listing,
        "year": year,
        "answered": answered,
        "to_remind": selectors.chase_count(survey_round, timezone.localdate()),
    }
    return render(request, "homelife/round.html", context)


@actor_passes(lambda actor: actor.can_anywhere(RUN_HOME_SURVEYS))
@require_http_methods(["GET", "POST"])
def round_remind(request: HttpRequest, round_id: int) -> HttpResponse:
    """Show how many families would be reminded; send only when confirmed, once."""
    actor = actor_of(request)
    survey_round = selectors.round_get(actor=actor, round_id=round_id)
    if request.method == "POST":
        try:
            sent = services.survey_chase(
                actor=actor, survey_round=survey_round, once=form_token(request.POST)
            )
        except AlreadyDone as done:
            return already_done(
                request, done, fallback=reverse("homelife:round", args=[survey_round.pk])
            )
        except Invalid as problem:
            messages.error(request, problem.message)
        else:
            messages.success(
                request,
                _("Reminders are on their way to %(n)s families.") % {"n": sent},
            )
        return redirect("homelife:round", round_id=survey_round.pk)
    context = {
        "round": survey_round,
        "count": selectors.chase_count(survey_round, timezone.localdate()),
        "batch": selectors.CHASE_BATCH,
    }
    return render(request, "homelife/round_remind.html", context)
