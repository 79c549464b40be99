"""Conversation pages: inboxes, a conversation, starting one, the read link in emails and
texts. Views parse, call, render.

Every form is a plain POST that redirects (works without JavaScript); with HTMX a reply is
appended to the conversation in place.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schoolwindow.core.access import staff_only
from schoolwindow.core.capabilities import MESSAGE_ANY_FAMILY, SEND_URGENT
from schoolwindow.core.errors import NotFound, Refused, attempt, attempt_form
from schoolwindow.core.middleware import client_ip
from schoolwindow.core.once import AlreadyDone, already_done, form_token
from schoolwindow.core.permissions import Actor
from schoolwindow.core.requests import actor_of, is_htmx, wants_fragment
from schoolwindow.messaging.broadcasts import services as broadcasts_services
from schoolwindow.messaging.conversations import (
    forms,
    inbox_selectors,
    selectors,
    timeline_selectors,
)
from schoolwindow.messaging.conversations import services as conversations_services
from schoolwindow.messaging.conversations.rendering import (
    conversation_context,
    family_language,
    form_errors,
    get_int,
    item_html,
    messages_user,
    phrase_options,
    phrase_picker_available,
    rows_html,
)
from schoolwindow.messaging.delivery import services as delivery_services
from schoolwindow.messaging.models import (
    Conversation,
    ConversationKind,
    Delivery,
    Message,
    Tone,
)
from schoolwindow.messaging.translation.phrasebook import FAMILY_UI_TEXT, family_ui_text
from schoolwindow.people.models import Pupil
from schoolwindow.schools.models import School

# --- Inbox ----------------------------------------------------------------------------------


@messages_user
def inbox(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    unread = request.GET.get("unread") == "1"
    if actor.is_staff_member:
        kind = request.GET.get("kind", "")
        if kind not in selectors.KIND_LABELS:
            kind = ""
        scope = request.GET.get("scope", "mine")
        if scope not in selectors.SCOPES:
            scope = "mine"
        filters = inbox_selectors.InboxFilters(
            scope=scope,
            unread=unread,
            pupil_id=get_int(request.GET, "pupil"),
            kind=kind,
            waiting=request.GET.get("waiting") == "1",
        )
        conversations = inbox_selectors.staff_inbox(actor=actor, filters=filters)
        page = Paginator(conversations, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
        rows = inbox_selectors.staff_inbox_rows(list(page.object_list))
        pupil = None
        if filters.pupil_id is not None:
            pupil = next(
                (r.pupil for r in rows if r.pupil is not None),
                None,
            ) or inbox_selectors.staff_pupil_filter_name(actor=actor, pupil_id=filters.pupil_id)
        context = {
            "page": page,
            "rows": rows,
            "rows_html": rows_html(rows, family_view=False),
            "filters": filters,
            "filter_pupil": pupil,
            "kind_choices": list(selectors.KIND_LABELS.items()),
            "scope_choices": [(k, str(v)) for k, v in selectors.SCOPES.items()],
            "filtered": filters != inbox_selectors.InboxFilters(),
        }
        template = "messaging/conversations/inbox_staff.html"
    else:
        conversations = inbox_selectors.guardian_inbox(actor=actor, unread=unread)
        page = Paginator(conversations, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
        rows = inbox_selectors.guardian_inbox_rows(
            actor=actor, conversations=list(page.object_list)
        )
        context = {
            "page": page,
            "rows": rows,
            "rows_html": rows_html(rows, family_view=True),
            "unread": unread,
        }
        template = "messaging/conversations/inbox_family.html"
    if wants_fragment(request):
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@messages_user
def conversation_detail(request: HttpRequest, conversation_id: int) -> HttpResponse:
    actor = actor_of(request)
    conversation = selectors.conversation_get(actor=actor, conversation_id=conversation_id)
    context = conversation_context(request, conversation)
    if context["view"].unread:
        # Opening it marks it read (for a parent, every copy to them is read). Only when
        # there is something new: a page read many times a day writes nothing.
        conversations_services.conversation_read(actor=actor, conversation=conversation)
    template = (
        "messaging/conversations/conversation_family.html"
        if actor.guardian_id is not None
        else "messaging/conversations/conversation_staff.html"
    )
    return render(request, template, context)


@messages_user
@require_POST
def conversation_reply(request: HttpRequest, conversation_id: int) -> HttpResponse:
    actor = actor_of(request)
    conversation = selectors.conversation_get(actor=actor, conversation_id=conversation_id)
    if conversation.kind == ConversationKind.BROADCAST:
        # Announcements are one-way: a family answers in their own conversation with the
        # school (announcement_answer), and staff write a new announcement.
        raise NotFound
    detail = reverse("messaging:conversation", kwargs={"conversation_id": conversation.pk})
    form = reply_form(request, conversation, family=actor.guardian_id is not None)
    message = None
    try:
        if form.is_valid():
            data = form.cleaned_data
            message, _status = attempt_form(
                form,
                conversations_services.message_post,
                actor=actor,
                conversation=conversation,
                body=data["body"],
                tone=data.get("tone") or Tone.NEUTRAL,
                needs_reply=bool(data.get("needs_reply")),
                urgent=bool(data.get("urgent")),
                phrase_key=data.get("phrase_key", ""),
                once=form_token(request.POST),
            )
    except AlreadyDone as done:
        if not is_htmx(request):
            return already_done(request, done, fallback=f"{detail}#latest")
        form.add_error(None, done.message)
    if message is not None:
        # Your own message is not news to you.
        conversations_services.conversation_read(actor=actor, conversation=conversation)
    error = form_errors(form)
    if is_htmx(request):
        return reply_appended(request, conversation, message, error)
    if error:
        flash.error(request, error)
    else:
        flash.success(request, _("Sent."))
    return redirect(f"{detail}#{'reply-heading' if error else 'latest'}")


def reply_form(request: HttpRequest, conversation: Conversation, *, family: bool) -> Any:
    if family:
        return forms.FamilyReplyForm(request.POST)
    child = conversation.pupil.first_name if conversation.pupil is not None else ""
    school = School.objects.filter(pk=conversation.school_id).values_list("name", flat=True)
    return forms.ReplyForm(request.POST, child=child, school=school.first() or "")


def reply_appended(
    request: HttpRequest, conversation: Conversation, message: Message | None, error: str
) -> HttpResponse:
    """With HTMX: the new message added to the timeline, and the form drawn afresh."""
    family = actor_of(request).guardian_id is not None
    context = conversation_context(request, conversation, reply_error=error)
    if message is not None:
        item = next(
            (i for i in context["view"].items if i.kind == "message" and i.pk == message.pk),
            None,
        )
        if item is not None:
            context["item_html"] = mark_safe(item_html(item, family_view=family))
    template = (
        "messaging/conversations/conversation_family.html#appended"
        if family
        else "messaging/conversations/conversation_staff.html#appended"
    )
    return render(request, template, context)


@messages_user
def announcement_answer(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """A parent writes to the school about an announcement: their words go to the school only,
    in their own conversation about it (started now, or the one they already have)."""
    actor = actor_of(request)
    if actor.guardian_id is None:
        raise NotFound
    conversation = selectors.conversation_get(actor=actor, conversation_id=conversation_id)
    copy = selectors.announcement_copy(actor=actor, conversation=conversation)
    if conversation.kind != ConversationKind.BROADCAST or copy is None:
        raise NotFound
    assert copy.message.broadcast_id is not None
    error = ""
    body = ""
    if request.method == "POST":
        form = forms.FamilyReplyForm(request.POST)
        body = str(request.POST.get("body", ""))[: delivery_services.MAX_BODY]
        if form.is_valid():
            try:
                message, _status = attempt_form(
                    form,
                    answer_unless_restricted,
                    actor=actor,
                    copy=copy,
                    body=form.cleaned_data["body"],
                    once=form_token(request.POST),
                )
            except AlreadyDone as done:
                return already_done(request, done, fallback=request.path)
            if message is not None:
                flash.success(request, _("Sent. Only the school can read it."))
                return redirect("messaging:conversation", conversation_id=message.conversation_id)
        error = form_errors(form)
    else:
        started = broadcasts_services.announcement_answer_conversation(
            broadcast_id=copy.message.broadcast_id, guardian_id=actor.guardian_id
        )
        if started is not None:
            # They wrote about it before: carry on there.
            return redirect("messaging:conversation", conversation_id=started.pk)
    school_name = School.objects.filter(pk=conversation.school_id).values_list("name", flat=True)
    context = {
        "conversation": conversation,
        "school_name": school_name.first() or "",
        "error": error,
        "body": body,
    }
    return render(
        request,
        "messaging/conversations/announcement_answer.html",
        context,
        status=400 if error else 200,
    )


def answer_unless_restricted(
    *, actor: Actor, copy: Delivery, body: str, once: uuid.UUID | None
) -> Message:
    try:
        return broadcasts_services.announcement_answer(actor=actor, copy=copy, body=body, once=once)
    except delivery_services.ContactRestricted:
        # They may no longer be contacted about this child: as if it were not there.
        raise NotFound from None


@staff_only
def conversation_staff_add(request: HttpRequest, conversation_id: int) -> HttpResponse:
    actor = actor_of(request)
    conversation = selectors.conversation_get(actor=actor, conversation_id=conversation_id)
    if request.method != "POST":
        context = {
            "conversation": conversation,
            "choices": timeline_selectors.staff_to_add(conversation=conversation),
        }
        return render(request, "messaging/conversations/staff_add.html", context)
    form = forms.AddStaffForm(request.POST)
    if not form.is_valid():
        flash.error(request, _("Choose a member of staff to add."))
    elif staff := attempt(
        request,
        conversations_services.participant_staff_add,
        actor=actor,
        conversation=conversation,
        staff_id=form.cleaned_data["staff"],
    ):
        flash.success(
            request, _("%(name)s has joined the conversation.") % {"name": staff.display_name}
        )
    return redirect("messaging:conversation", conversation_id=conversation.pk)


# --- Starting a conversation ------------------------------------------------------------------


@staff_only
def conversation_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    data = request.POST if request.method == "POST" else request.GET
    pupil_id = get_int(data, "pupil")
    pupil: Pupil | None = None
    guardians: list[selectors.GuardianChoice] = []
    general_schools = actor.schools_where(MESSAGE_ANY_FAMILY)
    school_id = get_int(data, "school")
    if pupil_id is not None:
        pupil = selectors.pupil_for_messages(actor=actor, pupil_id=pupil_id)
        guardians = selectors.guardian_choices(pupil=pupil)
        school_id = pupil.school_id
    elif general_schools and school_id not in general_schools:
        school_id = general_schools[0]
    query = request.GET.get("q", "").strip()[:100]
    guardian_query = request.GET.get("guardian_q", "").strip()[:100]
    pupils = selectors.pupil_search(actor=actor, query=query) if pupil is None else []
    if pupil is None and guardian_query and school_id is not None:
        guardians = selectors.guardian_search(
            actor=actor, school_id=school_id, query=guardian_query
        )
    child = pupil.first_name if pupil is not None else ""
    school_name = pupil.school.name if pupil is not None else ""
    form = forms.NewConversationForm(
        data if request.method == "POST" else None, child=child, school=school_name
    )
    status = 200
    if request.method == "POST":
        if pupil is None and school_id not in general_schools:
            raise Refused
        if form.is_valid():
            try:
                started, status = attempt_form(
                    form,
                    start_from_form,
                    actor=actor,
                    school_id=school_id or 0,
                    pupil=pupil,
                    cleaned=form.cleaned_data,
                    once=form_token(request.POST),
                )
            except AlreadyDone as done:
                return already_done(request, done, fallback=reverse("messaging:inbox"))
            if started:
                return started_response(request, actor, started, pupil)
    chosen = {str(v) for v in data.getlist("guardians")} if request.method == "POST" else set()
    context = {
        "pupil": pupil,
        "guardians": guardians,
        "chosen": chosen,
        "pupils": pupils,
        "query": query,
        "guardian_query": guardian_query,
        "general_schools": general_schools,
        "school_id": school_id,
        "school_names": dict(
            School.objects.filter(pk__in=general_schools).values_list("pk", "name")
        )
        if general_schools and pupil is None
        else {},
        "form": form,
        "tones": Tone.choices,
        "can_urgent": school_id is not None and actor.can(SEND_URGENT, school_id),
        "phrase_picker": phrase_picker_available(),
        "phrases": phrase_options(child),
        "open_guardians": [g for g in guardians if not g.restricted],
        "family_codes": [g.language_code for g in guardians if not g.restricted],
    }
    return render(request, "messaging/conversations/new.html", context, status=status)


def start_from_form(
    *,
    actor: Actor,
    school_id: int,
    pupil: Pupil | None,
    cleaned: dict[str, Any],
    once: uuid.UUID | None,
) -> list[Conversation]:
    return conversations_services.conversation_start(
        actor=actor,
        school_id=school_id,
        pupil_id=pupil.pk if pupil is not None else None,
        guardian_ids=cleaned["guardians"],
        subject=cleaned.get("subject", ""),
        body=cleaned["body"],
        separately=bool(cleaned.get("separately")),
        tone=cleaned.get("tone") or Tone.NEUTRAL,
        needs_reply=bool(cleaned.get("needs_reply")),
        urgent=bool(cleaned.get("urgent")),
        phrase_key=cleaned.get("phrase_key", ""),
        once=once,
    )


def started_response(
    request: HttpRequest, actor: Actor, started: list[Conversation], pupil: Pupil | None
) -> HttpResponse:
    for conversation in started:
        conversations_services.conversation_read(actor=actor, conversation=conversation)
    if len(started) == 1:
        flash.success(request, _("Sent."))
        return redirect("messaging:conversation", conversation_id=started[0].pk)
    flash.success(
        request,
        _("Sent: %(n)s separate conversations, one with each of them.") % {"n": len(started)},
    )
    return redirect(
        f"{reverse('messaging:inbox')}?{urlencode({'pupil': pupil.pk})}"
        if pupil is not None
        else reverse("messaging:inbox")
    )


def read_link(request: HttpRequest, token: str) -> HttpResponse:
    """No sign-in: the token in the link is the secret. Opening it marks the copy read."""
    found = (
        Delivery.objects.filter(reply_token=token[:40], guardian__isnull=False)
        .select_related("message__conversation__school", "guardian", "pupil")
        .first()
    )
    if found is None or not selectors.copy_has_reached_family(found):
        return render(request, "messaging/conversations/read_link_missing.html", status=404)
    conversation = found.message.conversation
    guardian = found.guardian
    assert guardian is not None
    restricted = delivery_services.guardian_is_restricted(
        conversation.school_id, guardian.pk, conversation.pupil_id
    )
    system = Actor(
        user=None,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
    with translation.override(family_language(guardian)):
        if restricted:
            if request.method == "POST":
                raise_refusal(system, conversation, guardian.pk)
            return render(request, "messaging/conversations/read_link_missing.html", status=404)
        error = ""
        if request.method == "POST":
            form = forms.FamilyReplyForm(request.POST)
            if form.is_valid():
                if found.message.broadcast_id is not None:
                    # An announcement is one-way: the answer goes to the school only.
                    broadcasts_services.announcement_answer(
                        actor=system, copy=found, body=form.cleaned_data["body"]
                    )
                else:
                    with transaction.atomic():
                        conversations_services.guardian_message_create(
                            conversation=conversation,
                            guardian_id=guardian.pk,
                            body=delivery_services.clean_body(form.cleaned_data["body"]),
                            actor=system,
                            replying_to=found,
                        )
                return redirect(f"{reverse('messaging:read_link', args=[token])}?sent=1")
            error = form_errors(form)
        else:
            delivery_services.delivery_read_by_token(token)
        ui_lang = selectors.html_lang(guardian.preferred_language.split("-")[0])
        if ui_lang not in FAMILY_UI_TEXT["reply"]:
            ui_lang = "en"
        context = {
            "delivery": found,
            "conversation": conversation,
            "guardian": guardian,
            # A few words in the family's own language, whatever languages the site has.
            "ui_lang": ui_lang,
            "ui_dir": selectors.text_dir(ui_lang),
            "reply_label": family_ui_text("reply", ui_lang),
            "read_and_reply": family_ui_text("read_and_reply", ui_lang),
            "lang": selectors.html_lang(found.language),
            "dir": selectors.text_dir(found.language),
            "sent": request.GET.get("sent") == "1",
            "announcement": found.message.broadcast_id is not None,
            "error": error,
            "token": token,
            "login_url": f"{reverse('login')}?next="
            + quote(reverse("messaging:conversation", args=[conversation.pk])),
        }
        return render(
            request, "messaging/conversations/read_link.html", context, status=400 if error else 200
        )


def raise_refusal(actor: Actor, conversation: Conversation, guardian_id: int) -> None:
    raise delivery_services.restriction_refuse(
        actor=actor,
        school_id=conversation.school_id,
        guardian_id=guardian_id,
        pupil_id=conversation.pupil_id,
        what="reply by link",
    )
