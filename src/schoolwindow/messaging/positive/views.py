"""Pages for keeping in touch with every family: praise and the positive balance. Views parse,
call, render.

Every action is a plain form POST that redirects back (works without JavaScript); the praise
buttons also answer HTMX with just a status line.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from schoolwindow.core.access import staff_only
from schoolwindow.core.errors import attempt_quietly
from schoolwindow.core.once import AlreadyDone, form_token_for
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.core.requests import actor_of, is_htmx
from schoolwindow.messaging.positive import selectors, services
from schoolwindow.people.contact import contactable_links
from schoolwindow.people.models import Pupil, PupilStatus
from schoolwindow.schools.models import Group, School, YearGroup
from schoolwindow.schools.requests import school_choice

# --- Praise ----------------------------------------------------------------------------------


def _praise_rows(school_id: int, pupils: list[Pupil]) -> list[dict[str, object]]:
    links: dict[int, list[str]] = {}
    for link in (
        contactable_links(school_id=school_id, pupil_id__in=[p.pk for p in pupils])
        .defer("restriction_reason")
        .select_related("guardian")
        .order_by("contact_priority", "guardian_id")
    ):
        links.setdefault(link.pupil_id, []).append(link.guardian.display_name)
    sent = selectors.praised_today([p.pk for p in pupils], school_id=school_id)
    return [
        {"pupil": p, "guardians": links.get(p.pk, []), "sent_today": p.pk in sent} for p in pupils
    ]


def _praise_page(
    request: HttpRequest, *, title: str, school_id: int, pupils: list[Pupil], back: str
) -> HttpResponse:
    phrases = services.praise_phrases()
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
        "messaging/positive/praise.html",
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
    text = _("Choose a pupil to praise.")
    if pupil is not None:
        try:
            sent, problem = attempt_quietly(
                services.praise_send,
                actor=actor,
                pupil_id=pupil.pk,
                phrase_key=phrase_key,
                once=form_token_for(request.POST, "pupil", pupil.pk),
            )
        except AlreadyDone as done:
            # Not a failure: the praise went, the first time.
            ok, text = True, done.message
        else:
            ok = sent is not None
            if sent is not None:
                text = _("Praise for %(child)s is on its way to %(n)d parent or carer(s).") % {
                    "child": pupil.first_name,
                    "n": len(sent),
                }
            else:
                text = problem
    if is_htmx(request):
        return render(
            request,
            "messaging/positive/_praise_status.html",
            {"text": text, "ok": ok, "pupil": pupil},
        )
    (messages.success if ok else messages.error)(request, text)
    # Back to the same page, filters and all (the form posts to the address it was shown at).
    target = request.get_full_path()
    if phrase_key and "phrase=" not in target:
        target += ("&" if "?" in target else "?") + urlencode({"phrase": phrase_key})
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
        policy_for(Pupil)
        .visible(actor)
        .filter(pk=pupil_id, status=PupilStatus.ACTIVE)
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
    """Every pupil this person may see, as cards with a praise button: paged, filtered by
    class, year and how long since the family last had good news, and searchable by name."""
    actor = actor_of(request)
    school, schools = school_choice(request, sorted(actor.staff_ids))
    if request.method == "POST":
        return _praise_post(request, allowed_pupils=_postable(actor, school, request.POST))
    filters, days_value = _filters(request)
    ids, last = selectors.positive_pupil_ids(actor=actor, school=school, filters=filters)
    page = Paginator(ids, 20).get_page(request.GET.get("page"))
    phrases = services.praise_phrases()
    chosen = request.GET.get("phrase", "")
    if chosen not in {p.key for p in phrases} and phrases:
        chosen = phrases[0].key
    return render(
        request,
        "messaging/positive/positive.html",
        {
            "school": school,
            "schools": schools,
            "page": page,
            "cards": selectors.pupil_cards(
                school_id=school.pk, pupil_ids=list(page.object_list), last=last
            ),
            "filters": filters,
            "days_value": days_value,
            "days_choices": selectors.DAYS_CHOICES,
            "groups": policy_for(Group)
            .visible(actor)
            .filter(school=school, active=True)
            .order_by("name")
            .only("pk", "name"),
            "years": YearGroup.objects.filter(school=school).order_by("pk").only("pk", "name"),
            "phrases": [
                (phrase.key, phrase.texts["en"].format(child=_("[name]"), school=school.name))
                for phrase in phrases
            ],
            "chosen": chosen,
            "matched": len(ids),
        },
    )


def _number(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


def _filters(request: HttpRequest) -> tuple[selectors.PositiveFilters, str]:
    days_value = request.GET.get("days", "")
    days = _number(days_value)
    if days not in selectors.DAYS_CHOICES:
        days = None
    never = days_value == selectors.NEVER
    if days is None and not never:
        days_value = ""
    return (
        selectors.PositiveFilters(
            group_id=_number(request.GET.get("group", "")),
            year_group_id=_number(request.GET.get("year", "")),
            days=days,
            never=never,
            search=request.GET.get("q", "").strip()[:100],
        ),
        days_value,
    )


def _postable(actor: Actor, school: School, post: QueryDict) -> dict[int, Pupil]:
    """The one pupil a praise button names, when this person may see them here."""
    pupil_id = _number(post.get("pupil", ""))
    pupil = (
        policy_for(Pupil)
        .visible(actor)
        .filter(pk=pupil_id or 0, school_id=school.pk, status=PupilStatus.ACTIVE)
        .first()
    )
    return {pupil.pk: pupil} if pupil is not None else {}
