"""The parent survey, from a personal link with no account: one question a screen (the GOV.UK
"question pages" pattern), then "Check your answers", then a confirmation.

Answers wait in the session until the family sends them from the check page; nothing is saved
to the profile before that. Every page is drawn in the family's language when the site has it
(Polish), and says a few words in their own language when it has not, written the right way
round (Arabic and Urdu right to left).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods

from schoolwindow.core.middleware import client_ip
from schoolwindow.core.once import AlreadyDone, form_token
from schoolwindow.core.permissions import Actor
from schoolwindow.core.requests import actor_of
from schoolwindow.homelife import selectors, services
from schoolwindow.homelife.fields import as_pairs, check, draw, posted
from schoolwindow.homelife.links import Invite, LinkBroken, LinkExpired, invite_open
from schoolwindow.homelife.models import SurveyResponse
from schoolwindow.homelife.questions import HOUSEHOLD_QUESTIONS, PUPIL_QUESTIONS, Question
from schoolwindow.messaging import api as messaging
from schoolwindow.people.models import Guardian, Pupil

# A few words for families whose language the site's pages are not yet in: what this is, and
# that they may answer in their own words.
OWN_LANGUAGE = {
    "ar": "بضعة أسئلة عن التعلّم في البيت. يمكنك الكتابة بلغتك.",
    "ur": "گھر پر پڑھائی کے بارے میں چند سوالات۔ آپ اپنی زبان میں لکھ سکتے ہیں۔",  # noqa: RUF001
    "ro": "Câteva întrebări despre învățarea acasă. Puteți scrie în limba dumneavoastră.",
    "pa": "ਘਰ ਵਿੱਚ ਪੜ੍ਹਾਈ ਬਾਰੇ ਕੁਝ ਸਵਾਲ। ਤੁਸੀਂ ਆਪਣੀ ਭਾਸ਼ਾ ਵਿੱਚ ਲਿਖ ਸਕਦੇ ਹੋ।",
    "bn": "বাড়িতে পড়াশোনা নিয়ে কয়েকটি প্রশ্ন। আপনি নিজের ভাষায় লিখতে পারেন।",
}


def page_language(preferred: str) -> str:
    """The language the pages are drawn in: the family's own when the site has it."""
    base = messaging.base_language(preferred or "en")
    for code, _name in settings.LANGUAGES:
        if messaging.base_language(code) == base:
            return code
    return settings.LANGUAGE_CODE


@dataclass(frozen=True)
class Step:
    slug: str
    question: Question
    pupil: Pupil | None

    @property
    def label(self) -> str:
        if self.pupil is None:
            return str(self.question.label)
        return f"{self.pupil.first_name}: {self.question.label}"

    @property
    def ask(self) -> str:
        return self.question.ask_about(self.pupil.first_name if self.pupil else "")

    @property
    def pupil_id(self) -> int | None:
        return self.pupil.pk if self.pupil else None


def survey_steps(children: list[Pupil]) -> list[Step]:
    steps = [Step(slug=q.key, question=q, pupil=None) for q in HOUSEHOLD_QUESTIONS]
    for child in children:
        steps += [
            Step(slug=f"{q.key}-{child.pk}", question=q, pupil=child) for q in PUPIL_QUESTIONS
        ]
    return steps


@dataclass
class Survey:
    invite: Invite
    children: list[Pupil]
    steps: list[Step]
    context: dict[str, Any]

    @property
    def session_key(self) -> str:
        return f"homelife-survey-{self.invite.round.pk}-{self.invite.guardian.pk}"


SurveyView = Callable[..., HttpResponse]


def survey_page(view: SurveyView) -> SurveyView:
    """Open the link (a friendly page when it is broken, closed or someone else's) and draw
    everything in the family's language."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            invite = invite_open(token)
        except LinkBroken:
            return render(request, "homelife/survey/link_broken.html", status=404)
        except LinkExpired as closed:
            with translation.override(page_language(closed.language)):
                return render(
                    request,
                    "homelife/survey/link_closed.html",
                    {"school": closed.round.school},
                    status=410,
                )
        guardian = invite.guardian
        actor = actor_of(request)
        # A signed-in parent of another household is told so in their own language.
        if (
            actor.is_guardian
            and actor.guardian_id != guardian.pk
            and (
                guardian.household_id is None
                or not _same_household(actor.guardian_id, guardian.household_id)
            )
        ):
            return render(request, "homelife/survey/link_not_yours.html", status=403)
        with translation.override(page_language(guardian.preferred_language)):
            children = selectors.survey_children(invite)
            own = messaging.base_language(guardian.preferred_language)
            context = {
                "school": invite.round.school,
                "token": token,
                "own_words": OWN_LANGUAGE.get(own, ""),
                "own_lang": own,
                "own_dir": "rtl" if messaging.is_rtl(own) else "ltr",
            }
            survey = Survey(
                invite=invite, children=children, steps=survey_steps(children), context=context
            )
            return view(request, survey, *args, **kwargs)

    return wrapper


def _same_household(guardian_id: int | None, household_id: int) -> bool:
    if guardian_id is None:
        return False
    return Guardian.objects.filter(pk=guardian_id, household_id=household_id).exists()


def answers_of(request: HttpRequest, survey: Survey) -> dict[str, tuple[str, str]]:
    """What the family has answered so far on top of what the school knew."""
    known = selectors.survey_prefill(survey.invite, survey.children)
    known.update(as_pairs(request.session.get(survey.session_key, {})))
    return known


def already_answered(survey: Survey) -> bool:
    return SurveyResponse.objects.filter(
        round=survey.invite.round, guardian=survey.invite.guardian
    ).exists()


@survey_page
def survey_start(request: HttpRequest, survey: Survey) -> HttpResponse:
    if already_answered(survey):
        return redirect("homelife:survey_done", token=survey.invite.token)
    first = survey.steps[0].slug if survey.children else ""
    context = {
        **survey.context,
        "children": survey.children,
        "first": first,
        "questions": len(survey.steps),
        "closes_on": survey.invite.round.closes_on,
    }
    return render(request, "homelife/survey/start.html", context)


@survey_page
@require_http_methods(["GET", "POST"])
def survey_question(request: HttpRequest, survey: Survey, slug: str) -> HttpResponse:
    if already_answered(survey):
        return redirect("homelife:survey_done", token=survey.invite.token)
    slugs = [step.slug for step in survey.steps]
    if slug not in slugs:
        return redirect("homelife:survey_start", token=survey.invite.token)
    index = slugs.index(slug)
    step = survey.steps[index]
    changing = request.GET.get("change") == "1"
    token = survey.invite.token
    status = 200
    if request.method == "POST":
        value, detail = posted(request.POST, "answer", step.question)
        value, detail, error = check(step.question, value, detail)
        if not error:
            stored = dict(request.session.get(survey.session_key, {}))
            stored[step.slug] = [value, detail]
            request.session[survey.session_key] = stored
            if changing or index + 1 == len(slugs):
                return redirect("homelife:survey_check", token=token)
            return redirect("homelife:survey_question", token=token, slug=slugs[index + 1])
        status = 400
    else:
        value, detail = answers_of(request, survey).get(step.slug, ("", ""))
        error = ""
    if changing:
        back = reverse("homelife:survey_check", args=[token])
    elif index:
        back = reverse("homelife:survey_question", args=[token, slugs[index - 1]])
    else:
        back = reverse("homelife:survey_start", args=[token])
    context = {
        **survey.context,
        "step": step,
        "field": draw("answer", step.question, step.ask, value, detail, error),
        "number": index + 1,
        "of": len(slugs),
        "back": back,
        "action": request.get_full_path(),
    }
    return render(request, "homelife/survey/question.html", context, status=status)


@survey_page
@require_http_methods(["GET", "POST"])
def survey_check(request: HttpRequest, survey: Survey) -> HttpResponse:
    token = survey.invite.token
    if already_answered(survey):
        return redirect("homelife:survey_done", token=token)
    answers = answers_of(request, survey)
    missing = [step for step in survey.steps if step.slug not in answers]
    if missing:
        return redirect("homelife:survey_question", token=token, slug=missing[0].slug)
    error = ""
    if request.method == "POST":
        actor = Actor(
            user=None,
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            system_label="survey link",
        )
        given = [
            services.Given(
                question=step.question.key,
                value=answers[step.slug][0],
                detail=answers[step.slug][1],
                pupil_id=step.pupil_id,
            )
            for step in survey.steps
        ]
        try:
            services.survey_submit(
                actor=actor,
                invite=survey.invite,
                children=survey.children,
                answers=given,
                once=form_token(request.POST),
            )
        except AlreadyDone:
            return redirect("homelife:survey_done", token=token)
        except ValueError as problem:
            error = str(problem)
        else:
            request.session.pop(survey.session_key, None)
            return redirect("homelife:survey_done", token=token)
    rows: list[dict[str, Any]] = [
        {
            "step": step,
            "shown": step.question.show(answers[step.slug][0]),
            "detail": answers[step.slug][1],
            "change": reverse("homelife:survey_question", args=[token, step.slug]) + "?change=1",
        }
        for step in survey.steps
    ]
    context = {
        **survey.context,
        "household_rows": [row for row in rows if row["step"].pupil is None],
        "children_rows": [
            (child, [row for row in rows if row["step"].pupil == child])
            for child in survey.children
        ],
        "back": reverse("homelife:survey_question", args=[token, survey.steps[-1].slug]),
        "error": error,
    }
    return render(request, "homelife/survey/check.html", context, status=400 if error else 200)


@survey_page
def survey_done(request: HttpRequest, survey: Survey) -> HttpResponse:
    if not already_answered(survey):
        return redirect("homelife:survey_start", token=survey.invite.token)
    return render(request, "homelife/survey/done.html", survey.context)
