"""Conversation pages: inboxes, a conversation, starting one, the read link in emails and
texts, a pupil's messages and contacts, and logging a call. Views parse, call, render.

Every form is a plain POST that redirects (works without JavaScript); with HTMX a reply is
appended to the conversation in place and a contact logged from the watchlist redraws its row.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schoolwindow.core.access import actor_passes, staff_only
from schoolwindow.core.middleware import client_ip
from schoolwindow.core.permissions import Actor
from schoolwindow.core.requests import actor_of, is_htmx, safe_next, wants_fragment
from schoolwindow.engagement.views import RowCache
from schoolwindow.messaging import broadcasts, forms, selectors, services
from schoolwindow.messaging.models import (
    ContactKind,
    ContactOutcome,
    Conversation,
    ConversationKind,
    Delivery,
    Tone,
)
from schoolwindow.messaging.phrasebook import FAMILY_UI_TEXT, family_ui_text
from schoolwindow.people.models import Guardian, Pupil
from schoolwindow.schools.models import School

messages_user = actor_passes(selectors.can_use_messages)


def get_int(data: Any, name: str) -> int | None:
    value = str(data.get(name, "")).strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


def form_errors(form: Any) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def phrase_picker_available() -> bool:
    """Whether the phrasebook's picker partial exists (it belongs to the language pages)."""
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    try:
        get_template("messaging/_phrase_picker.html")
    except TemplateDoesNotExist:
        return False
    return True


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
        filters = selectors.InboxFilters(
            scope=scope, unread=unread, pupil_id=get_int(request.GET, "pupil"), kind=kind
        )
        conversations = selectors.staff_inbox(actor=actor, filters=filters)
        page = Paginator(conversations, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
        rows = selectors.staff_inbox_rows(list(page.object_list))
        pupil = None
        if filters.pupil_id is not None:
            pupil = next(
                (r.pupil for r in rows if r.pupil is not None),
                None,
            ) or selectors.staff_pupil_filter_name(actor=actor, pupil_id=filters.pupil_id)
        context = {
            "page": page,
            "rows": rows,
            "rows_html": rows_html(rows, family_view=False),
            "filters": filters,
            "filter_pupil": pupil,
            "kind_choices": list(selectors.KIND_LABELS.items()),
            "scope_choices": [(k, str(v)) for k, v in selectors.SCOPES.items()],
            "filtered": filters != selectors.InboxFilters(),
        }
        template = "messaging/inbox_staff.html"
    else:
        conversations = selectors.guardian_inbox(actor=actor, unread=unread)
        page = Paginator(conversations, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
        rows = selectors.guardian_inbox_rows(actor=actor, conversations=list(page.object_list))
        context = {
            "page": page,
            "rows": rows,
            "rows_html": rows_html(rows, family_view=True),
            "unread": unread,
        }
        template = "messaging/inbox_family.html"
    if wants_fragment(request):
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- One conversation -------------------------------------------------------------------------


# Each timeline item as drawn, keyed by everything it shows (TimelineItem.cache_key), in this
# process: a message is read many times and changes only when a copy's fate does.
ITEM_CACHE = RowCache(size=8000)


def item_html(item: selectors.TimelineItem, *, family_view: bool) -> str:
    key = item.cache_key(language=get_language() or "", family_view=family_view)
    html = ITEM_CACHE.get(key)
    if html is None:
        template = get_template("messaging/_item.html")
        html = template.render({"item": item, "family_view": family_view})
        ITEM_CACHE.put(key, html)
    return html


def rows_html(rows: list[selectors.InboxRow], *, family_view: bool) -> SafeString:
    """An inbox page's rows, each drawn once and reused until anything it shows changes."""
    language = get_language() or ""
    name = "messaging/inbox_family.html#row" if family_view else "messaging/inbox_staff.html#row"
    parts = []
    for row in rows:
        key = "row:" + row.cache_key(language=language, family_view=family_view)
        html = ITEM_CACHE.get(key)
        if html is None:
            html = get_template(name).render({"row": row})
            ITEM_CACHE.put(key, html)
        parts.append(html)
    return mark_safe("".join(parts))


def timeline_html(items: list[selectors.TimelineItem]) -> SafeString:
    """A pupil's conversations and contacts, each drawn once and reused while unchanged."""
    language = get_language() or ""
    parts = []
    for item in items:
        if item.row is None:
            parts.append(item_html(item, family_view=False))
            continue
        key = "pupil:" + item.row.cache_key(language=language, family_view=False)
        html = ITEM_CACHE.get(key)
        if html is None:
            template = get_template("messaging/pupil_messages.html#conversation")
            html = template.render({"item": item, "row": item.row, "c": item.row.conversation})
            ITEM_CACHE.put(key, html)
        parts.append(html)
    return mark_safe("".join(parts))


def items_html(items: list[selectors.TimelineItem], *, family_view: bool) -> SafeString:
    return mark_safe("".join(item_html(item, family_view=family_view) for item in items))


def conversation_context(
    request: HttpRequest, conversation: Conversation, **extra: Any
) -> dict[str, Any]:
    actor = actor_of(request)
    show_all = request.GET.get("all") == "1"
    family_view = actor.guardian_id is not None
    if family_view:
        view = selectors.guardian_conversation_view(
            actor=actor, conversation=conversation, show_all=show_all
        )
    else:
        view = selectors.staff_conversation_view(
            actor=actor, conversation=conversation, show_all=show_all
        )
    return {
        "view": view,
        "items_html": items_html(view.items, family_view=family_view),
        "conversation": conversation,
        "announcement": conversation.kind == ConversationKind.BROADCAST,
        "announcement_url": announcement_page(actor, conversation) if not family_view else "",
        "tones": Tone.choices,
        "phrase_picker": phrase_picker_available() and actor.is_staff_member,
        "phrases": phrase_options(conversation.pupil.first_name if conversation.pupil else "")
        if actor.is_staff_member
        else [],
        **extra,
    }


def announcement_page(actor: Actor, conversation: Conversation) -> str:
    """For staff reading an announcement: its page (who it went to), when theirs to see."""
    if conversation.kind != ConversationKind.BROADCAST:
        return ""
    from schoolwindow.messaging.broadcast_views import broadcasts_visible

    found = (
        broadcasts_visible(actor, conversation.school_id)
        .filter(messages__conversation=conversation)
        .values_list("pk", flat=True)
        .first()
    )
    return reverse("families:broadcast_detail", args=[found]) if found is not None else ""


@messages_user
def conversation_detail(request: HttpRequest, conversation_id: int) -> HttpResponse:
    actor = actor_of(request)
    conversation = selectors.conversation_get(actor=actor, conversation_id=conversation_id)
    context = conversation_context(request, conversation)
    if context["view"].unread:
        # Opening it marks it read (for a parent, every copy to them is read). Only when
        # there is something new: a page read many times a day writes nothing.
        services.conversation_read(actor=actor, conversation=conversation)
    template = (
        "messaging/conversation_family.html"
        if actor.guardian_id is not None
        else "messaging/conversation_staff.html"
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
        raise Http404
    detail = reverse("messaging:conversation", kwargs={"conversation_id": conversation.pk})
    child = conversation.pupil.first_name if conversation.pupil is not None else ""
    if actor.guardian_id is not None:
        form: Any = forms.FamilyReplyForm(request.POST)
    else:
        school = School.objects.filter(pk=conversation.school_id).values_list("name", flat=True)
        form = forms.ReplyForm(request.POST, child=child, school=school.first() or "")
    error = ""
    message = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            message = services.message_post(
                actor=actor,
                conversation=conversation,
                body=data["body"],
                tone=data.get("tone") or Tone.NEUTRAL,
                needs_reply=bool(data.get("needs_reply")),
                urgent=bool(data.get("urgent")),
                phrase_key=data.get("phrase_key", ""),
            )
        except ValueError as problem:
            error = str(problem)
        except PermissionDenied:
            if data.get("urgent"):
                error = _("Only leaders, the DSL, pastoral leads and the office may mark urgent.")
            else:
                raise Http404 from None
        else:
            # Your own message is not news to you.
            services.conversation_read(actor=actor, conversation=conversation)
    else:
        error = form_errors(form)
    if is_htmx(request):
        context = conversation_context(request, conversation, reply_error=error)
        if message is not None:
            item = next(
                (i for i in context["view"].items if i.kind == "message" and i.pk == message.pk),
                None,
            )
            if item is not None:
                context["item_html"] = mark_safe(
                    item_html(item, family_view=actor.guardian_id is not None)
                )
        template = (
            "messaging/conversation_family.html#appended"
            if actor.guardian_id is not None
            else "messaging/conversation_staff.html#appended"
        )
        return render(request, template, context)
    if error:
        flash.error(request, error)
    else:
        flash.success(request, _("Sent."))
    return redirect(f"{detail}#{'reply-heading' if error else 'latest'}")


@messages_user
def announcement_answer(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """A parent writes to the school about an announcement: their words go to the school only,
    in their own conversation about it (started now, or the one they already have)."""
    actor = actor_of(request)
    if actor.guardian_id is None:
        raise Http404
    conversation = selectors.conversation_get(actor=actor, conversation_id=conversation_id)
    copy = selectors.announcement_copy(actor=actor, conversation=conversation)
    if conversation.kind != ConversationKind.BROADCAST or copy is None:
        raise Http404
    assert copy.message.broadcast_id is not None
    error = ""
    body = ""
    if request.method == "POST":
        form = forms.FamilyReplyForm(request.POST)
        body = str(request.POST.get("body", ""))[: services.MAX_BODY]
        if form.is_valid():
            try:
                message = broadcasts.announcement_answer(
                    actor=actor, copy=copy, body=form.cleaned_data["body"]
                )
            except services.ContactRestricted:
                raise Http404 from None
            except ValueError as problem:
                error = str(problem)
            else:
                flash.success(request, _("Sent. Only the school can read it."))
                return redirect("messaging:conversation", conversation_id=message.conversation_id)
        else:
            error = form_errors(form)
    else:
        started = broadcasts.announcement_answer_conversation(
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
        request, "messaging/announcement_answer.html", context, status=400 if error else 200
    )


@staff_only
def conversation_staff_add(request: HttpRequest, conversation_id: int) -> HttpResponse:
    actor = actor_of(request)
    conversation = selectors.conversation_get(actor=actor, conversation_id=conversation_id)
    if request.method != "POST":
        context = {
            "conversation": conversation,
            "choices": selectors.staff_to_add(conversation=conversation),
        }
        return render(request, "messaging/staff_add.html", context)
    form = forms.AddStaffForm(request.POST)
    if form.is_valid():
        try:
            staff = services.participant_staff_add(
                actor=actor, conversation=conversation, staff_id=form.cleaned_data["staff"]
            )
        except PermissionDenied:
            flash.error(request, _("That person can't be added here."))
        else:
            flash.success(
                request,
                _("%(name)s has joined the conversation.") % {"name": staff.display_name},
            )
    else:
        flash.error(request, _("Choose a member of staff to add."))
    return redirect("messaging:conversation", conversation_id=conversation.pk)


# --- Starting a conversation ------------------------------------------------------------------


@staff_only
def conversation_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    data = request.POST if request.method == "POST" else request.GET
    pupil_id = get_int(data, "pupil")
    pupil: Pupil | None = None
    guardians: list[selectors.GuardianChoice] = []
    general_schools = actor.schools_with_role(*selectors.GENERAL_ROLES)
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
            raise PermissionDenied
        if form.is_valid():
            cleaned = form.cleaned_data
            try:
                started = services.conversation_start(
                    actor=actor,
                    school_id=school_id or 0,
                    pupil_id=pupil.pk if pupil is not None else None,
                    guardian_ids=cleaned["guardians"],
                    subject=cleaned.get("subject", ""),
                    body=cleaned["body"],
                    separately=bool(cleaned.get("separately")),
                    tone=cleaned.get("tone") or Tone.NEUTRAL,
                    needs_reply=bool(cleaned.get("needs_reply")),
                    urgent=bool(cleaned.get("urgent")),
                    phrase_key=cleaned.get("phrase_key", ""),
                )
            except services.ContactRestricted as refused:
                form.add_error(None, str(refused))
                status = 403
            except ValueError as problem:
                form.add_error(None, str(problem))
            except PermissionDenied:
                if cleaned.get("urgent"):
                    form.add_error(
                        "urgent",
                        _("Only leaders, the DSL, pastoral leads and the office may mark urgent."),
                    )
                else:
                    form.add_error(
                        None, _("Those people can't be written to from here. Choose again.")
                    )
                status = 403
            else:
                for conversation in started:
                    services.conversation_read(actor=actor, conversation=conversation)
                if len(started) == 1:
                    flash.success(request, _("Sent."))
                    return redirect("messaging:conversation", conversation_id=started[0].pk)
                flash.success(
                    request,
                    _("Sent: %(n)s separate conversations, one with each of them.")
                    % {"n": len(started)},
                )
                return redirect(
                    f"{reverse('messaging:inbox')}?{urlencode({'pupil': pupil.pk})}"
                    if pupil is not None
                    else reverse("messaging:inbox")
                )
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
        "can_urgent": school_id is not None and actor.has_role(school_id, *services.URGENT_ROLES),
        "phrase_picker": phrase_picker_available(),
        "phrases": phrase_options(child),
        "open_guardians": [g for g in guardians if not g.restricted],
    }
    return render(request, "messaging/new.html", context, status=status)


def phrase_options(child: str) -> list[tuple[str, str]]:
    """Without the phrasebook's picker: a plain list of phrases to start from.

    The phrases are English whatever the page's language (staff write in English), so the
    fillers are English too, not translated into a half-Polish sentence."""
    from schoolwindow.messaging.phrasebook import PHRASES

    return [
        (phrase.key, forms.phrase_english(phrase.key, child or "your child", "the school"))
        for phrase in PHRASES
        if "en" in phrase.texts
    ]


# --- The read link in emails and texts ----------------------------------------------------------


def family_language(guardian: Guardian) -> str:
    wanted = (guardian.preferred_language or "").split("-")[0].lower()
    for code, _name in settings.LANGUAGES:
        if code.split("-")[0] == wanted:
            return code
    return settings.LANGUAGE_CODE


def read_link(request: HttpRequest, token: str) -> HttpResponse:
    """No sign-in: the token in the link is the secret. Opening it marks the copy read."""
    found = (
        Delivery.objects.filter(reply_token=token[:40], guardian__isnull=False)
        .select_related("message__conversation__school", "guardian", "pupil")
        .first()
    )
    if found is None or not selectors.copy_has_reached_family(found):
        return render(request, "messaging/read_link_missing.html", status=404)
    conversation = found.message.conversation
    guardian = found.guardian
    assert guardian is not None
    restricted = services.guardian_is_restricted(
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
            return render(request, "messaging/read_link_missing.html", status=404)
        error = ""
        if request.method == "POST":
            form = forms.FamilyReplyForm(request.POST)
            if form.is_valid():
                if found.message.broadcast_id is not None:
                    # An announcement is one-way: the answer goes to the school only.
                    broadcasts.announcement_answer(
                        actor=system, copy=found, body=form.cleaned_data["body"]
                    )
                else:
                    with transaction.atomic():
                        services.guardian_message_create(
                            conversation=conversation,
                            guardian_id=guardian.pk,
                            body=services.clean_body(form.cleaned_data["body"]),
                            actor=system,
                            replying_to=found,
                        )
                return redirect(f"{reverse('messaging:read_link', args=[token])}?sent=1")
            error = form_errors(form)
        else:
            services.delivery_read_by_token(token)
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
        return render(request, "messaging/read_link.html", context, status=400 if error else 200)


def raise_refusal(actor: Actor, conversation: Conversation, guardian_id: int) -> None:
    raise services.restriction_refuse(
        actor=actor,
        school_id=conversation.school_id,
        guardian_id=guardian_id,
        pupil_id=conversation.pupil_id,
        what="reply by link",
    )


# --- A pupil's messages and contacts; logging a call ------------------------------------------


@staff_only
def pupil_messages(request: HttpRequest, pupil_id: int) -> HttpResponse:
    actor = actor_of(request)
    pupil = selectors.pupil_for_messages(actor=actor, pupil_id=pupil_id)
    timeline = selectors.pupil_timeline(actor=actor, pupil=pupil)
    context = {
        "timeline": timeline,
        "timeline_html": timeline_html(timeline.items),
        **contact_form_context(request, pupil, timeline.guardians, flag_id=None),
    }
    return render(request, "messaging/pupil_messages.html", context)


def contact_form_context(
    request: HttpRequest,
    pupil: Pupil,
    guardians: list[selectors.GuardianChoice],
    *,
    flag_id: int | None,
    form: forms.ContactLogForm | None = None,
) -> dict[str, Any]:
    fallback = reverse("messaging:pupil", kwargs={"pupil_id": pupil.pk})
    return {
        "pupil": pupil,
        "guardians": [g for g in guardians if not g.restricted],
        "restricted": [g for g in guardians if g.restricted],
        "kinds": ContactKind.choices,
        "outcomes": ContactOutcome.choices,
        "tones": Tone.choices,
        "flag_id": flag_id,
        "next_url": safe_next(request, fallback),
        "form": form,
        "prefix": f"c{flag_id}" if flag_id else "c",
    }


@staff_only
def contact_log(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """The "log a call, meeting or visit" form: a page of its own, or (HTMX, from the
    watchlist) a fragment in the row; posting it records the contact."""
    actor = actor_of(request)
    pupil = selectors.pupil_for_messages(actor=actor, pupil_id=pupil_id)
    flag_id = get_int(request.POST if request.method == "POST" else request.GET, "flag")
    guardians = selectors.guardian_choices(pupil=pupil)
    form = None
    status = 200
    if request.method == "POST":
        form = forms.ContactLogForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.contact_log_record(
                    actor=actor,
                    pupil_id=pupil.pk,
                    guardian_id=data.get("guardian"),
                    kind=data["kind"],
                    outcome=data["outcome"],
                    happened_at=data["happened_at"],
                    notes=data.get("notes", ""),
                    tone=data.get("tone") or Tone.NEUTRAL,
                    flag_id=flag_id,
                )
            except services.ContactRestricted as refused:
                form.add_error(None, str(refused))
                status = 403
            except PermissionDenied:
                form.add_error("guardian", _("Choose one of this pupil's parents or carers."))
                status = 400
            except ValueError as problem:
                form.add_error("happened_at", str(problem))
                status = 400
            else:
                done = _("%(name)s: contact logged.") % {"name": pupil.display_name}
                if is_htmx(request) and flag_id is not None and request.POST.get("target") == "row":
                    return watchlist_row(request, flag_id, done)
                flash.success(request, done)
                fallback = reverse("messaging:pupil", kwargs={"pupil_id": pupil.pk})
                return redirect(safe_next(request, fallback))
        else:
            status = 400
    context = contact_form_context(request, pupil, guardians, flag_id=flag_id, form=form)
    if is_htmx(request):
        # htmx swaps only successful answers: a form with its errors comes back as a 200.
        context["in_row"] = flag_id is not None
        return render(request, "messaging/_contact_form.html", context)
    return render(request, "messaging/contact_log.html", context, status=status)


def watchlist_row(request: HttpRequest, flag_id: int, message: str) -> HttpResponse:
    """The watchlist row redrawn after a contact was logged from it (its last contact shows)."""
    from schoolwindow.engagement import selectors as engagement
    from schoolwindow.engagement.models import FlagOutcome

    row = engagement.watch_row_get(actor=actor_of(request), flag_id=flag_id)
    row.message = message
    row.message_ok = True
    next_url = safe_next(request, reverse("watchlist"))
    context = {
        "row": row,
        "outcomes": FlagOutcome.choices,
        "next_url": next_url,
        "next_param": quote(next_url, safe="/"),
    }
    response = render(request, "engagement/watchlist.html#row", context)
    # The form sat in the row's actions; the answer replaces the whole row.
    response["HX-Retarget"] = f"#flag-{flag_id}"
    response["HX-Reswap"] = "outerHTML"
    return response
