"""Consent pages: parse, call the selector or service, render.

Family pages: a parent with a child the school may contact them about (anyone else 404); each
request page only for a holder of parental responsibility asked about that child. Staff pages:
staff who manage consent (other staff 403, families and pupils 404); phone answers and
payments only for those who record them (403 for the rest).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
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
from django.views.decorators.http import require_POST

from schoolwindow.core.access import signed_in
from schoolwindow.core.capabilities import CONSENT_MANAGE
from schoolwindow.core.errors import NotFound, attempt_form, attempt_quietly
from schoolwindow.core.once import AlreadyDone, already_done, form_token
from schoolwindow.core.policy import policy_for
from schoolwindow.core.requests import actor_of
from schoolwindow.people.contact import contactable_links
from schoolwindow.people.models import Pupil
from schoolwindow.portal.consent import selectors, services
from schoolwindow.portal.consent.forms import AnswerForm, PhoneForm, RequestForm
from schoolwindow.portal.consent.models import Audience, ConsentRequest
from schoolwindow.portal.consent.policies import MANAGE, RECORD
from schoolwindow.schools.models import Group, School, YearGroup

PAGE_SIZE = 50
View = Callable[..., HttpResponse]


def family(view: View) -> View:
    """A parent the school may contact about at least one child; anyone else 404."""

    @signed_in
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = actor_of(request)
        if not actor.is_guardian or not contactable_links(guardian_id=actor.guardian_id).exists():
            raise NotFound
        return view(request, *args, **kwargs)

    return wrapper


def staff(view: View) -> View:
    """Staff who manage consent; other staff 403; families and pupils 404."""

    @signed_in
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = actor_of(request)
        if not actor.is_staff_member:
            raise NotFound
        if not actor.can_anywhere(CONSENT_MANAGE):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# --- Families ----------------------------------------------------------------------------


@family
def family_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    items = selectors.family_items(actor=actor_of(request), today=today)
    context = {
        "waiting": [item for item in items if item.is_open and item.mine is None],
        "answered": [item for item in items if item.is_open and item.mine is not None],
        "past": [item for item in items if not item.is_open][:20],
    }
    return render(request, "portal/consent/family.html", context)


@family
def family_answer(request: HttpRequest, request_id: int, pupil_id: int) -> HttpResponse:
    actor = actor_of(request)
    today = timezone.localdate()
    item = selectors.family_item(actor=actor, request_id=request_id, pupil_id=pupil_id, today=today)
    mine = item.mine
    initial: dict[str, Any] = {"version": mine.version if mine else 0}
    if mine:
        initial |= {"answer": mine.answer, "note": mine.note}
    form = AnswerForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                made, status = attempt_form(
                    form,
                    services.consent_answer,
                    actor=actor,
                    request_id=request_id,
                    pupil_id=pupil_id,
                    answer=form.cleaned_data["answer"],
                    note=form.cleaned_data["note"],
                    version=form.cleaned_data["version"] or 0,
                    today=today,
                    once=form_token(request.POST),
                )
            except AlreadyDone as repeat:
                return already_done(request, repeat, fallback=request.path)
            if made is not None:
                flash.success(request, _("Thank you. The school has your answer."))
                return redirect(request.path)
    context = {"item": item, "form": form, "summary": _summary(form)}
    return render(request, "portal/consent/answer.html", context, status=status)


def _summary(form: Any) -> list[tuple[str | None, str]]:
    summary: list[tuple[str | None, str]] = [(None, str(e)) for e in form.non_field_errors()]
    for field in form:
        anchor = (
            f"{field.auto_id}_0"
            if field.name in ("answer", "guardian", "rule", "audience")
            else field.auto_id
        )
        summary.extend((anchor, f"{field.label}: {error}") for error in field.errors)
    return summary


# --- Staff -------------------------------------------------------------------------------


@staff
def staff_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.staff_requests(actor=actor_of(request))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/consent/staff_list.html", {"page": page})


@staff
def staff_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    schools = list(School.objects.filter(pk__in=selectors.manage_schools(actor)).order_by("name"))
    sent = request.POST if request.method == "POST" else request.GET
    raw = sent.get("school", "")
    school = next((s for s in schools if str(s.pk) == raw), schools[0])
    years = [(y.pk, y.name) for y in YearGroup.objects.filter(school=school).order_by("ordinal")]
    groups = [
        (g.pk, g.name) for g in Group.objects.filter(school=school, active=True).order_by("name")
    ]
    chosen_ids = [int(v) for v in sent.getlist("pupils") if v.isdigit()][: services.MAX_PUPILS]
    words = sent.get("find", "").strip()
    found = selectors.pupil_search(actor=actor, school_id=school.pk, words=words) if words else []
    chosen = list(
        Pupil.objects.filter(school=school, pk__in=chosen_ids).select_related("year_group")[:200]
    )
    choices = {p.pk: _pupil_label(p) for p in [*chosen, *found]}
    # "Find" redraws the form with the pupils found, keeping what was typed, without sending.
    finding = request.method == "POST" and "find_pupils" in request.POST
    initial: dict[str, Any] = {"audience": Audience.GROUP, "is_trip": True}
    if finding:
        initial = {
            **request.POST.dict(),
            "pupils": chosen_ids,
            "is_trip": "is_trip" in request.POST,
        }
    form = RequestForm(
        request.POST if request.method == "POST" and not finding else None,
        years=years,
        groups=groups,
        pupils=list(choices.items()),
        initial=initial,
    )
    status = 200
    if request.method == "POST" and not finding:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            cost: Decimal | None = data["cost"]
            try:
                made, status = attempt_form(
                    form,
                    services.consent_request_create,
                    actor=actor,
                    school_id=school.pk,
                    title=data["title"],
                    description=data["description"],
                    is_trip=data["is_trip"],
                    event_date=data["event_date"],
                    deadline=data["deadline"],
                    rule=data["rule"],
                    cost_pence=int(cost * 100) if cost else None,
                    payment_link=data["payment_link"],
                    audience=data["audience"],
                    year_group_id=data["year_group"],
                    group_id=data["group"],
                    pupil_ids=data["pupils"],
                    once=form_token(request.POST),
                )
            except AlreadyDone as repeat:
                return already_done(request, repeat, fallback=reverse("portal_consent:staff"))
            if made is not None:
                flash.success(request, _("Sent. Families can answer now."))
                return redirect("portal_consent:status", request_id=made.pk)
    context = {
        "form": form,
        "schools": schools,
        "school": school,
        "found": found,
        "finding": finding,
        "words": words,
        "summary": [] if finding else _summary(form),
    }
    return render(request, "portal/consent/staff_new.html", context, status=status)


def _pupil_label(pupil: Pupil) -> str:
    year = pupil.year_group.name if pupil.year_group else ""
    return f"{pupil.display_name} · {year}" if year else pupil.display_name


@staff
def staff_status(request: HttpRequest, request_id: int) -> HttpResponse:
    actor = actor_of(request)
    consent = selectors.request_get(actor=actor, request_id=request_id, action=MANAGE)
    rows = selectors.status_rows(consent)
    wanted = {
        "status": request.GET.get("status", ""),
        "paid": request.GET.get("paid", ""),
        "words": request.GET.get("q", "").strip()[:100],
    }
    shown = selectors.filter_rows(rows, **wanted)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "consent": consent,
        "summary": selectors.summarise(rows),
        "labels": selectors.STATUS_LABELS,
        "page": page,
        "wanted": wanted,
        "shown": len(shown),
        "may_record": policy_for(ConsentRequest).may(actor, RECORD, consent),
        "is_open": consent.deadline >= timezone.localdate(),
        "cap": services.REMINDER_CAP,
        "reminders": selectors.reminder_counts(consent),
    }
    return render(request, "portal/consent/staff_status.html", context)


@staff
@require_POST
def staff_remind(request: HttpRequest, request_id: int) -> HttpResponse:
    actor = actor_of(request)
    consent = selectors.request_get(actor=actor, request_id=request_id, action=MANAGE)
    result, problem = attempt_quietly(services.consent_remind, actor=actor, request_id=consent.pk)
    if result is None:
        flash.error(request, problem)
    else:
        flash.success(
            request,
            _(
                "Families who get a reminder now: %(sent)s. Already reminded today: %(today)s. "
                "Had every reminder (%(cap)s): %(capped)s."
            )
            % {
                "sent": result.sent,
                "today": result.today,
                "cap": services.REMINDER_CAP,
                "capped": result.capped,
            },
        )
    return redirect("portal_consent:status", request_id=consent.pk)


@staff
def staff_pupil(request: HttpRequest, request_id: int, pupil_id: int) -> HttpResponse:
    actor = actor_of(request)
    consent = selectors.request_get(actor=actor, request_id=request_id, action=MANAGE)
    rows = selectors.status_rows(consent, pupil_ids=[pupil_id])
    if not rows:
        raise NotFound
    row = rows[0]
    may_record = policy_for(ConsentRequest).may(actor, RECORD, consent)
    guardians = [(asked.guardian_id, asked.name) for asked in row.asked]
    form = PhoneForm(
        request.POST if request.method == "POST" and "phone" in request.POST else None,
        guardians=guardians,
        initial={"spoken_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    status = 200
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        if "paid" in request.POST:
            services.consent_paid_set(
                actor=actor,
                request_id=consent.pk,
                pupil_id=pupil_id,
                paid=request.POST["paid"] == "yes",
            )
            flash.success(request, _("Payment record saved."))
            return redirect(request.path)
        status = 400
        if form.is_valid():
            try:
                made, status = attempt_form(
                    form,
                    services.consent_phone_record,
                    actor=actor,
                    request_id=consent.pk,
                    pupil_id=pupil_id,
                    guardian_id=form.cleaned_data["guardian"],
                    answer=form.cleaned_data["answer"],
                    spoken_at=form.cleaned_data["spoken_at"],
                    note=form.cleaned_data["note"],
                    once=form_token(request.POST),
                )
            except AlreadyDone as repeat:
                return already_done(request, repeat, fallback=request.path)
            if made is not None:
                flash.success(request, _("The answer given on the phone is recorded."))
                return redirect(request.path)
    context = {
        "consent": consent,
        "row": row,
        "form": form,
        "summary": _summary(form),
        "may_record": may_record,
    }
    return render(request, "portal/consent/staff_pupil.html", context, status=status)


@staff
def staff_day(request: HttpRequest, request_id: int) -> HttpResponse:
    """The trip leader's list for the day: pupils going first (consent given), each with any
    note from home and a parent the school may call; then the pupils who are not going."""
    actor = actor_of(request)
    consent = selectors.request_get(actor=actor, request_id=request_id, action=MANAGE)
    rows = selectors.status_rows(consent)
    going = [row for row in rows if row.status == selectors.Status.GIVEN]
    others = [row for row in rows if row.status != selectors.Status.GIVEN]
    context = {"consent": consent, "going": going, "others": others}
    return render(request, "portal/consent/staff_day.html", context)
