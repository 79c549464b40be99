"""Weekly summaries (nudges): the batches, preparing and approving one, and a family's opt-out
(signed in, or by the token in the summary's link).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
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
    """Approving by exception: the figures, a few to read, and only the summaries that need a
    look (paged, searchable); the rest go with one "approve the rest"."""
    actor = actor_of(request)
    if request.method == "POST":
        batch = selectors.batch_for(actor, batch_id, action=APPROVE)
        return nudge_batch_post(request, actor, batch)
    batch = selectors.batch_for(actor, batch_id)
    can_approve = policy_for(NudgeBatch).may(actor, APPROVE, batch)
    show = request.GET.get("show", "look")
    if show not in selectors.SHOW_CHOICES:
        show = "look"
    search = request.GET.get("q", "").strip()[:100]
    longest = selectors.longest_ids(batch)
    page = Paginator(
        selectors.batch_nudges(batch, longest=longest, show=show, search=search), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    for nudge in page.object_list:
        nudge.reasons = look_labels(nudge, longest)  # type: ignore[attr-defined]
    draft = batch.status == NudgeBatchStatus.DRAFT
    return render(
        request,
        "messaging/summaries/nudge_batch.html",
        {
            "batch": batch,
            "counts": selectors.batch_counts(batch, longest),
            "not_prepared": not_prepared_lines(batch),
            "sample": selectors.batch_sample(batch, longest) if show == "look" else [],
            "page": page,
            "show": show,
            "search": search,
            "shows": [(key, SHOW_LABELS[key]) for key in selectors.SHOW_CHOICES],
            "may_approve": can_approve and draft,
            "may_decide": can_approve and batch.status == NudgeBatchStatus.APPROVED,
        },
    )


PAGE_SIZE = 20
SHOW_LABELS = {
    "look": gettext_lazy("To look at"),
    "held": gettext_lazy("Held back"),
    "skipped": gettext_lazy("Skipped"),
    "all": gettext_lazy("All"),
}
LOOK_LABELS = {
    services.HARD_WEEK: gettext_lazy("A hard week"),
    services.PUPIL_FLAG: gettext_lazy("On the watchlist"),
    services.SENSITIVE: gettext_lazy("Sensitive family"),
    services.LANGUAGE: gettext_lazy("Not in English"),
    services.LONGEST: gettext_lazy("One of the longest"),
}


def look_labels(nudge: Nudge, longest: list[int]) -> list[str]:
    keys = list(nudge.look or [])
    if nudge.pk in longest:
        keys.append(services.LONGEST)
    return [str(LOOK_LABELS[key]) for key in keys if key in LOOK_LABELS]


def not_prepared_lines(batch: NudgeBatch) -> list[str]:
    """Why some children have no summary, in words."""
    counts = batch.not_prepared or {}
    lines = []
    n = int(counts.get(services.NO_NEWS, 0))
    if n:
        lines.append(
            ngettext(
                "%(n)d child had nothing new this week (no missed sessions, homework, praise "
                "or messages).",
                "%(n)d children had nothing new this week (no missed sessions, homework, "
                "praise or messages).",
                n,
            )
            % {"n": n}
        )
    n = int(counts.get(services.OPTED_OUT, 0))
    if n:
        lines.append(
            ngettext(
                "%(n)d child's family turned weekly summaries off.",
                "%(n)d children's families turned weekly summaries off.",
                n,
            )
            % {"n": n}
        )
    n = int(counts.get(services.NO_CONTACT, 0))
    if n:
        lines.append(
            ngettext(
                "%(n)d child has no parent or carer we may write to.",
                "%(n)d children have no parent or carer we may write to.",
                n,
            )
            % {"n": n}
        )
    return lines


def _ids(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit() and len(value) < 12]


def nudge_batch_post(request: HttpRequest, actor: Actor, batch: NudgeBatch) -> HttpResponse:
    action = request.POST.get("action", "save")
    ids = _ids(request.POST.getlist("nudge"))
    edits = {
        nudge_id: (
            request.POST.get(f"body-{nudge_id}", ""),
            request.POST.get(f"skip-{nudge_id}") == "on",
        )
        for nudge_id in ids
    }
    holds = {nudge_id: request.POST.get(f"hold-{nudge_id}") == "on" for nudge_id in ids}
    here = reverse("families:nudge_batch", kwargs={"batch_id": batch.pk})
    back = here + _kept_query(request)
    try:
        if action in ("send-held", "skip-held"):
            return _decide(request, actor, batch, back)
        if action == "discard":
            if attempt(request, services.nudges_discard, actor=actor, batch=batch) is not None:
                messages.success(
                    request, _("This week's summaries were discarded. Nothing was sent.")
                )
                return redirect(reverse("families:nudges") + f"?school={batch.school_id}")
            return redirect(back)
        saved = attempt(
            request, services.nudge_edit, actor=actor, batch=batch, edits=edits, holds=holds
        )
        if saved is None:
            return redirect(back)
        if action != "approve":
            messages.success(request, _("Your changes are saved. Nothing has been sent yet."))
            return redirect(back)
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
                "%(held)d held back; %(not_sent)d not sent (opted out or no longer to be "
                "contacted)."
            )
            % {
                "sent": result.sent,
                "skipped": result.skipped,
                "held": result.held,
                "not_sent": result.not_sent,
            },
        )
    return redirect(here)


def _decide(request: HttpRequest, actor: Actor, batch: NudgeBatch, back: str) -> HttpResponse:
    """Send or skip one summary that was held back from an approved week."""
    [nudge_id] = _ids(request.POST.getlist("held"))[:1] or [0]
    send = request.POST.get("action") == "send-held"
    went = attempt(
        request, services.nudge_decide, actor=actor, batch=batch, nudge_id=nudge_id, send=send
    )
    if went is not None:
        if went:
            messages.success(request, _("That summary is on its way."))
        elif send:
            messages.error(
                request,
                _("That summary was not sent: the family opted out or may not be contacted."),
            )
        else:
            messages.success(request, _("That summary was skipped. Nothing was sent."))
    return redirect(back)


def _kept_query(request: HttpRequest) -> str:
    """Back to the same list, search and page after a save."""
    kept = {
        key: request.POST.get(key, "")[:100]
        for key in ("show", "q", "page")
        if request.POST.get(key, "")
    }
    return "?" + urlencode(kept) if kept else ""


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
