"""Pages for keeping in touch with every family: praise, the positive balance, weekly summaries,
families we can't reach and their letters. Views parse, call, render.

Every action is a plain form POST that redirects back (works without JavaScript); the praise
buttons also answer HTMX with just a status line.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schoolwindow.core.access import actor_passes, staff_only
from schoolwindow.core.permissions import Actor
from schoolwindow.core.requests import actor_of, is_htmx
from schoolwindow.messaging import letters, nudges, positive, reach
from schoolwindow.messaging.models import Nudge, NudgeBatch, NudgeBatchStatus
from schoolwindow.messaging.school_settings import may_change_settings
from schoolwindow.messaging.services import ContactRestricted
from schoolwindow.people.models import GuardianLink, Pupil, PupilStatus
from schoolwindow.schools.models import School
from schoolwindow.schools.requests import school_choice


def may_see_unreachable(actor: Actor) -> bool:
    return bool(actor.schools_with_role(*letters.LETTER_ROLES))


def may_see_nudges(actor: Actor) -> bool:
    return bool(nudges.schools_for_nudges(actor))


# --- The hub ---------------------------------------------------------------------------------


@staff_only
def hub(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    from schoolwindow.messaging.broadcast_views import may_broadcast

    return render(
        request,
        "messaging/families/hub.html",
        {
            "sees_unreachable": may_see_unreachable(actor),
            "sees_nudges": may_see_nudges(actor),
            "sees_broadcasts": may_broadcast(actor),
            "sees_settings": may_change_settings(actor),
        },
    )


# --- Praise ----------------------------------------------------------------------------------


def _praise_rows(school_id: int, pupils: list[Pupil]) -> list[dict[str, object]]:
    links: dict[int, list[str]] = {}
    for link in (
        GuardianLink.objects.filter(
            school_id=school_id, pupil_id__in=[p.pk for p in pupils], contact_restricted=False
        )
        .defer("restriction_reason")
        .select_related("guardian")
        .order_by("contact_priority", "guardian_id")
    ):
        links.setdefault(link.pupil_id, []).append(link.guardian.display_name)
    sent = positive.praised_today([p.pk for p in pupils], school_id=school_id)
    return [
        {"pupil": p, "guardians": links.get(p.pk, []), "sent_today": p.pk in sent} for p in pupils
    ]


def _praise_page(
    request: HttpRequest, *, title: str, school_id: int, pupils: list[Pupil], back: str
) -> HttpResponse:
    phrases = positive.praise_phrases()
    school = School.objects.get(pk=school_id)
    shown = [
        (phrase.key, phrase.texts["en"].format(child=_("[name]"), school=school.name))
        for phrase in phrases
    ]
    chosen = request.GET.get("phrase", "")
    if chosen not in {p.key for p in phrases} and phrases:
        chosen = phrases[0].key
    return render(
        request,
        "messaging/families/praise.html",
        {
            "title": title,
            "rows": _praise_rows(school_id, pupils),
            "phrases": shown,
            "chosen": chosen,
            "back": back,
            "action": request.path,
        },
    )


def _praise_post(request: HttpRequest, *, allowed_pupils: dict[int, Pupil]) -> HttpResponse:
    actor = actor_of(request)
    raw = request.POST.get("pupil", "")
    pupil = allowed_pupils.get(int(raw)) if raw.isdigit() and len(raw) < 12 else None
    phrase_key = request.POST.get("phrase", "")
    ok = False
    if pupil is None:
        text = _("Choose a pupil to praise.")
    else:
        try:
            sent = positive.praise_send(actor=actor, pupil_id=pupil.pk, phrase_key=phrase_key)
        except ContactRestricted as error:
            text = str(error)
        except ValueError as error:
            text = str(error)
        else:
            ok = True
            text = _("Praise for %(child)s is on its way to %(n)d parent or carer(s).") % {
                "child": pupil.first_name,
                "n": len(sent),
            }
    if is_htmx(request):
        return render(
            request,
            "messaging/families/_praise_status.html",
            {"text": text, "ok": ok, "pupil": pupil},
        )
    (messages.success if ok else messages.error)(request, text)
    target = request.path
    if phrase_key:
        target += "?phrase=" + phrase_key
    return redirect(target)


@staff_only
def praise_group(request: HttpRequest, group_id: int) -> HttpResponse:
    from schoolwindow.people.rosters import group_class_list

    class_list = group_class_list(actor=actor_of(request), group_id=group_id)  # 404 if unseen
    pupils = [member.pupil for member in class_list.members]
    if request.method == "POST":
        return _praise_post(request, allowed_pupils={p.pk: p for p in pupils})
    return _praise_page(
        request,
        title=_("Send praise home: %(group)s") % {"group": class_list.group.name},
        school_id=class_list.group.school_id,
        pupils=pupils,
        back=reverse("group_detail", kwargs={"group_id": group_id}),
    )


@staff_only
def praise_pupil(request: HttpRequest, pupil_id: int) -> HttpResponse:
    actor = actor_of(request)
    pupil = (
        Pupil.objects.filter(actor.pupil_scope(), pk=pupil_id, status=PupilStatus.ACTIVE)
        .filter(school_id__in=list(actor.staff_ids))
        .select_related("year_group")
        .distinct()
        .first()
    )
    if pupil is None:
        raise Http404
    if request.method == "POST":
        return _praise_post(request, allowed_pupils={pupil.pk: pupil})
    return _praise_page(
        request,
        title=_("Send praise home: %(child)s") % {"child": pupil.display_name},
        school_id=pupil.school_id,
        pupils=[pupil],
        back=reverse("families:positive"),
    )


# --- The positive balance --------------------------------------------------------------------


@staff_only
def positive_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    school, schools = school_choice(request, sorted(actor.staff_ids))
    overview = positive.positive_overview(actor=actor, school=school)
    return render(
        request,
        "messaging/families/positive.html",
        {"overview": overview, "school": school, "schools": schools},
    )


# --- Families we can't reach, and their letters ----------------------------------------------


@actor_passes(may_see_unreachable)
def unreachable_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    school, schools = school_choice(request, actor.schools_with_role(*letters.LETTER_ROLES))
    families = reach.unreachable_families(school.pk)
    return render(
        request,
        "messaging/families/unreachable.html",
        {
            "families": families,
            "school": school,
            "schools": schools,
            "letters_waiting": letters.letters_count(school.pk),
        },
    )


@require_POST
@actor_passes(may_see_unreachable)
def letters_print(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    school, _schools = school_choice(request, actor.schools_with_role(*letters.LETTER_ROLES))
    pdf, count = letters.letters_print(actor=actor, school_id=school.pk)
    if not count:
        messages.info(request, _("There are no letters waiting to be printed."))
        return redirect(reverse("families:unreachable") + f"?school={school.pk}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="letters-{school.pk}.pdf"'
    return response


# --- Weekly summaries ------------------------------------------------------------------------


@actor_passes(may_see_nudges)
def nudge_batches(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    school, schools = school_choice(request, nudges.schools_for_nudges(actor))
    batches = list(NudgeBatch.objects.filter(school=school).order_by("-week_starting")[:20])
    counts = dict(
        Nudge.objects.filter(batch__in=batches)
        .values("batch_id")
        .annotate(n=Count("id"))
        .values_list("batch_id", "n")
    )
    return render(
        request,
        "messaging/families/nudge_batches.html",
        {
            "school": school,
            "schools": schools,
            "batches": [(batch, counts.get(batch.pk, 0)) for batch in batches],
            "may_approve": nudges.may_approve(actor, school.pk),
        },
    )


@require_POST
@actor_passes(may_see_nudges)
def nudge_prepare_now(request: HttpRequest) -> HttpResponse:
    """Prepare this week's batch now (the scheduler does it on Fridays)."""
    actor = actor_of(request)
    school, _schools = school_choice(request, nudges.schools_for_nudges(actor))
    if not nudges.may_approve(actor, school.pk):
        raise PermissionDenied
    from django.utils import timezone

    batch = nudges.nudges_prepare(school.pk, timezone.localdate())
    return redirect("families:nudge_batch", batch_id=batch.pk)


@actor_passes(may_see_nudges)
def nudge_batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        batch = nudges.batch_for(actor, batch_id)
    except PermissionDenied:
        raise Http404 from None
    can_approve = nudges.may_approve(actor, batch.school_id)
    if request.method == "POST":
        if not can_approve:
            raise PermissionDenied
        return _nudge_batch_post(request, actor, batch)
    items = list(
        Nudge.objects.filter(batch=batch)
        .select_related("guardian", "pupil")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pupil_id", "guardian_id")
    )
    return render(
        request,
        "messaging/families/nudge_batch.html",
        {
            "batch": batch,
            "nudges": items,
            "may_approve": can_approve and batch.status == NudgeBatchStatus.DRAFT,
            "to_send": sum(1 for n in items if not n.skipped),
        },
    )


def _nudge_batch_post(request: HttpRequest, actor: Actor, batch: NudgeBatch) -> HttpResponse:
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
    try:
        if action == "discard":
            nudges.nudges_discard(actor=actor, batch=batch)
            messages.success(request, _("This week's summaries were discarded. Nothing was sent."))
            return redirect(reverse("families:nudges") + f"?school={batch.school_id}")
        if edits:
            nudges.nudge_edit(actor=actor, batch=batch, edits=edits)
        if action == "approve":
            result = nudges.nudges_approve(actor=actor, batch=batch)
            messages.success(
                request,
                _(
                    "Approved. %(sent)d summaries are on their way; %(skipped)d skipped; "
                    "%(not_sent)d not sent (opted out or no longer to be contacted)."
                )
                % {"sent": result.sent, "skipped": result.skipped, "not_sent": result.not_sent},
            )
        else:
            messages.success(request, _("Your changes are saved. Nothing has been sent yet."))
    except ValueError as error:
        messages.error(request, str(error))
    return redirect("families:nudge_batch", batch_id=batch.pk)


@actor_passes(lambda actor: actor.is_guardian)
def nudges_opt_out(request: HttpRequest) -> HttpResponse:
    """A signed-in parent turns the weekly summaries off or on."""
    actor = actor_of(request)
    from schoolwindow.people.models import Guardian

    guardian = Guardian.objects.get(pk=actor.guardian_id or 0)
    if request.method == "POST":
        opt_out = request.POST.get("summaries") == "off"
        nudges.opt_out_set(guardian_id=guardian.pk, opt_out=opt_out)
        messages.success(
            request,
            _("You will no longer get weekly summaries.")
            if opt_out
            else _("You will get a short summary each week."),
        )
        return redirect("families:nudges_opt_out")
    return render(request, "messaging/families/opt_out.html", {"guardian": guardian})


def nudges_stop(request: HttpRequest, token: str) -> HttpResponse:
    """The link in each summary: stop them without signing in (a button, so link checkers
    that open links do not opt anyone out)."""
    delivery = nudges.nudge_delivery_by_token(token)
    if delivery is None or delivery.guardian is None:
        raise Http404
    done = False
    if request.method == "POST":
        nudges.opt_out_set(guardian_id=delivery.guardian.pk, opt_out=True)
        done = True
    return render(
        request,
        "messaging/families/opt_out_token.html",
        {"done": done or delivery.guardian.nudges_opt_out, "token": token},
    )
