"""The pupil's support timeline (with the form to add a call or referral), one call or
referral, and resolving a flag with the help given. Views parse, call, render.

Staff only: a parent or a pupil is told the page does not exist, as for any record they may not
know about; staff who may see the pupil but not their support are refused."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from schoolwindow.core.access import signed_in
from schoolwindow.core.capabilities import SUPPORT_ACTIONS
from schoolwindow.core.errors import NotFound, Refused, attempt_form
from schoolwindow.core.once import AlreadyDone, already_done, form_token
from schoolwindow.core.requests import actor_of
from schoolwindow.engagement.models import FlagStatus
from schoolwindow.engagement.rules import reason_evidence, reason_text
from schoolwindow.engagement.selectors import can_triage
from schoolwindow.people.selectors import pupil_get
from schoolwindow.support.actions import forms, selectors, services
from schoolwindow.support.actions.policies import CHANGE
from schoolwindow.support.timeline import SupportKind

PAGE_SIZE = 25


def timeline_url(pupil_id: int) -> str:
    return reverse("actions:timeline", kwargs={"pupil_id": pupil_id})


def _staff(school_id: int) -> list[tuple[int, str]]:
    return [(s.pk, s.display_name) for s in selectors.staff_choices(school_id=school_id)]


@signed_in
def timeline(request: HttpRequest, pupil_id: int) -> HttpResponse:
    actor = actor_of(request)
    if not actor.is_staff_member:
        raise NotFound
    pupil = pupil_get(actor=actor, pupil_id=pupil_id)
    actor.require(SUPPORT_ACTIONS, pupil.school_id)
    today = timezone.localdate()
    kind = request.GET.get("kind", "")
    kind = kind if kind in SupportKind.values else ""
    flag = selectors.live_flag(pupil=pupil)
    form = forms.ActionForm(
        request.POST if request.method == "POST" else None,
        staff=_staff(pupil.school_id),
        initial={
            "owner": actor.staff_ids.get(pupil.school_id),
            "on": today,
            "answers_flag": flag is not None,
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                action, status = attempt_form(
                    form,
                    services.action_create,
                    actor=actor,
                    pupil_id=pupil.pk,
                    kind=data["kind"],
                    referral_type=data.get("referral_type", ""),
                    summary=data["summary"],
                    on=data["on"],
                    owner_id=data["owner"],
                    due=data.get("due"),
                    status=data["status"],
                    outcome=data.get("outcome", ""),
                    flag_id=flag.pk if flag is not None and data.get("answers_flag") else None,
                    once=form_token(request.POST),
                )
            except AlreadyDone as done:
                return already_done(request, done, fallback=timeline_url(pupil.pk))
            if action is not None:
                flash.success(request, _("Saved on the pupil's support timeline."))
                return redirect(timeline_url(pupil.pk))
    # Page the entries first: only the page shown is turned into rows with their flags.
    entries = selectors.pupil_entries(pupil=pupil, kind=kind)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.timeline_rows(
        school_id=pupil.school_id, pupil_id=pupil.pk, entries=list(page.object_list), today=today
    )
    return render(
        request,
        "support/actions/timeline.html",
        {
            "pupil": pupil,
            "page": page,
            "rows": rows,
            "kind": kind,
            "kinds": SupportKind.choices,
            "form": form,
            "flag": flag,
        },
        status=status,
    )


@signed_in
def action_detail(request: HttpRequest, action_id: int) -> HttpResponse:
    actor = actor_of(request)
    if not actor.is_staff_member:
        raise NotFound
    action = selectors.action_get(actor=actor, action_id=action_id)
    form = forms.UpdateForm(
        request.POST if request.method == "POST" else None,
        staff=_staff(action.school_id),
        initial={
            "owner": action.owner_id,
            "due": action.due,
            "status": action.status,
            "outcome": action.outcome,
        },
    )
    status = 200
    if request.method == "POST":
        selectors.action_get(actor=actor, action_id=action_id, action=CHANGE)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            updated, status = attempt_form(
                form,
                services.action_update,
                actor=actor,
                action_id=action.pk,
                status=data["status"],
                outcome=data.get("outcome", ""),
                due=data.get("due"),
                owner_id=data["owner"],
            )
            if updated is not None:
                flash.success(request, _("Saved."))
                return redirect(timeline_url(action.pupil_id))
    return render(
        request,
        "support/actions/action.html",
        {"action": action, "form": form, "overdue": action.overdue(timezone.localdate())},
        status=status,
    )


@signed_in
def flag_resolve(request: HttpRequest, flag_id: int) -> HttpResponse:
    """Resolve a watchlist flag with the help that was given: the help since it opened, ticked
    where it was recorded as answering this flag, an outcome and a note."""
    actor = actor_of(request)
    if not actor.is_staff_member:
        raise NotFound
    flag = selectors.flag_for_support(actor=actor, flag_id=flag_id)
    if not can_triage(actor, flag):
        raise Refused
    today = timezone.localdate()
    rows = selectors.help_since_flag(flag=flag, today=today)
    choices = [
        (row.entry.ref, f"{row.kind_label}: {row.entry.title} ({row.entry.on:%d/%m/%Y})")
        for row in rows
    ]
    ticked = [row.entry.ref for row in rows if row.flag_id == flag.pk]
    form = forms.ResolveForm(
        request.POST if request.method == "POST" else None,
        refs=choices,
        initial={"refs": ticked},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            links, status = attempt_form(
                form,
                services.flag_resolve_with_help,
                actor=actor,
                flag_id=flag.pk,
                outcome=data["outcome"],
                note=data.get("note", ""),
                refs=data.get("refs", []),
                today=today,
            )
            if links is not None:
                flash.success(
                    request,
                    ngettext(
                        "The flag is resolved, with %(n)d piece of help linked.",
                        "The flag is resolved, with %(n)d pieces of help linked.",
                        len(links),
                    )
                    % {"n": len(links)},
                )
                return redirect(reverse("flag_detail", kwargs={"flag_id": flag.pk}))
    reasons = [
        {"text": reason_text(reason), "evidence": reason_evidence(reason)}
        for reason in flag.reasons
    ]
    return render(
        request,
        "support/actions/resolve.html",
        {
            "flag": flag,
            "pupil": flag.pupil,
            "reasons": reasons,
            "rows": rows,
            "form": form,
            "resolved": flag.status == FlagStatus.RESOLVED,
            "since": flag.opened_on - selectors.BEFORE_FLAG,
        },
        status=status,
    )
