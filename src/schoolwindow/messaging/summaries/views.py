"""Weekly summaries (nudges): the batches, preparing and approving one, and a family's opt-out
(signed in, or by the token in the summary's link).
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schoolwindow.core.access import actor_passes
from schoolwindow.core.errors import Refused, attempt
from schoolwindow.core.once import AlreadyDone, already_done, form_token
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.core.requests import actor_of
from schoolwindow.messaging.models import Nudge, NudgeBatch, NudgeBatchStatus
from schoolwindow.messaging.policies import APPROVE
from schoolwindow.messaging.summaries import selectors, services
from schoolwindow.messaging.summaries.selectors import may_see_nudges
from schoolwindow.schools.requests import school_choice

# --- Weekly summaries ------------------------------------------------------------------------


@actor_passes(may_see_nudges)
def nudge_batches(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    school, schools = school_choice(request, selectors.schools_for_nudges(actor))
    batches = list(NudgeBatch.objects.filter(school=school).order_by("-week_starting")[:20])
    counts = dict(
        Nudge.objects.filter(batch__in=batches)
        .values("batch_id")
        .annotate(n=Count("id"))
        .values_list("batch_id", "n")
    )
    return render(
        request,
        "messaging/summaries/nudge_batches.html",
        {
            "school": school,
            "schools": schools,
            "batches": [(batch, counts.get(batch.pk, 0)) for batch in batches],
            "may_approve": selectors.may_approve(actor, school.pk),
        },
    )


@require_POST
@actor_passes(may_see_nudges)
def nudge_prepare_now(request: HttpRequest) -> HttpResponse:
    """Prepare this week's batch now (the scheduler does it on Fridays)."""
    actor = actor_of(request)
    school, _schools = school_choice(request, selectors.schools_for_nudges(actor))
    if not selectors.may_approve(actor, school.pk):
        raise Refused
    batch = services.nudges_prepare(school.pk, timezone.localdate())
    return redirect("families:nudge_batch", batch_id=batch.pk)


@actor_passes(may_see_nudges)
def nudge_batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    actor = actor_of(request)
    if request.method == "POST":
        batch = selectors.batch_for(actor, batch_id, action=APPROVE)
        return nudge_batch_post(request, actor, batch)
    batch = selectors.batch_for(actor, batch_id)
    can_approve = policy_for(NudgeBatch).may(actor, APPROVE, batch)
    items = list(
        Nudge.objects.filter(batch=batch)
        .select_related("guardian", "pupil")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pupil_id", "guardian_id")
    )
    return render(
        request,
        "messaging/summaries/nudge_batch.html",
        {
            "batch": batch,
            "nudges": items,
            "may_approve": can_approve and batch.status == NudgeBatchStatus.DRAFT,
            "to_send": sum(1 for n in items if not n.skipped),
        },
    )


def nudge_batch_post(request: HttpRequest, actor: Actor, batch: NudgeBatch) -> HttpResponse:
    action = request.POST.get("action", "save")
    ids = [
        int(value) for value in request.POST.getlist("nudge") if value.isdigit() and len(value) < 12
    ]
    edits = {
        nudge_id: (
            request.POST.get(f"body-{nudge_id}", ""),
            request.POST.get(f"skip-{nudge_id}") == "on",
        )
        for nudge_id in ids
    }
    here = reverse("families:nudge_batch", kwargs={"batch_id": batch.pk})
    try:
        if action == "discard":
            if attempt(request, services.nudges_discard, actor=actor, batch=batch) is not None:
                messages.success(
                    request, _("This week's summaries were discarded. Nothing was sent.")
                )
                return redirect(reverse("families:nudges") + f"?school={batch.school_id}")
            return redirect(here)
        saved = attempt(request, services.nudge_edit, actor=actor, batch=batch, edits=edits)
        if saved is None:
            return redirect(here)
        if action != "approve":
            messages.success(request, _("Your changes are saved. Nothing has been sent yet."))
            return redirect(here)
        result = attempt(
            request,
            services.nudges_approve,
            actor=actor,
            batch=batch,
            once=form_token(request.POST),
        )
    except AlreadyDone as done:
        return already_done(request, done, fallback=here)
    if result is not None:
        messages.success(
            request,
            _(
                "Approved. %(sent)d summaries are on their way; %(skipped)d skipped; "
                "%(not_sent)d not sent (opted out or no longer to be contacted)."
            )
            % {"sent": result.sent, "skipped": result.skipped, "not_sent": result.not_sent},
        )
    return redirect(here)


@actor_passes(lambda actor: actor.is_guardian)
def nudges_opt_out(request: HttpRequest) -> HttpResponse:
    """A signed-in parent turns the weekly summaries off or on."""
    actor = actor_of(request)
    from schoolwindow.people.models import Guardian

    guardian = Guardian.objects.get(pk=actor.guardian_id or 0)
    if request.method == "POST":
        opt_out = request.POST.get("summaries") == "off"
        services.opt_out_set(guardian_id=guardian.pk, opt_out=opt_out)
        messages.success(
            request,
            _("You will no longer get weekly summaries.")
            if opt_out
            else _("You will get a short summary each week."),
        )
        return redirect("families:nudges_opt_out")
    return render(request, "messaging/summaries/opt_out.html", {"guardian": guardian})


def nudges_stop(request: HttpRequest, token: str) -> HttpResponse:
    """The link in each summary: stop them without signing in (a button, so link checkers
    that open links do not opt anyone out)."""
    delivery = selectors.nudge_delivery_by_token(token)
    if delivery is None or delivery.guardian is None:
        raise Http404
    done = False
    if request.method == "POST":
        services.opt_out_set(guardian_id=delivery.guardian.pk, opt_out=True)
        done = True
    return render(
        request,
        "messaging/summaries/opt_out_token.html",
        {"done": done or delivery.guardian.nudges_opt_out, "token": token},
    )
