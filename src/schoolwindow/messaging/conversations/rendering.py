"""What the conversation pages share, outside any view: drawing inbox rows and timeline items
(each drawn once and kept in `core.rendercache` until anything it shows changes), a
conversation's page context, the contact form's context, and small request helpers.

The view modules (`views`, `pupil_views`) import from here, never from each other.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from schoolwindow.core.access import actor_passes
from schoolwindow.core.permissions import Actor
from schoolwindow.core.rendercache import RenderCache
from schoolwindow.core.requests import actor_of, safe_next
from schoolwindow.messaging.conversations import (
    forms,
    inbox_selectors,
    selectors,
    timeline_selectors,
)
from schoolwindow.messaging.models import (
    ContactKind,
    ContactOutcome,
    Conversation,
    ConversationKind,
    Tone,
)
from schoolwindow.people.models import Guardian, Pupil

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
        get_template("messaging/translation/_phrase_picker.html")
    except TemplateDoesNotExist:
        return False
    return True


# --- One conversation -------------------------------------------------------------------------


# Each timeline item as drawn, keyed by everything it shows (TimelineItem.cache_key), in this
# process: a message is read many times and changes only when a copy's fate does.
ITEM_CACHE = RenderCache(size=8000)


def item_html(item: timeline_selectors.TimelineItem, *, family_view: bool) -> str:
    key = item.cache_key(language=get_language() or "", family_view=family_view)
    html = ITEM_CACHE.get(key)
    if html is None:
        template = get_template("messaging/conversations/_item.html")
        html = template.render({"item": item, "family_view": family_view})
        ITEM_CACHE.put(key, html)
    return html


def rows_html(rows: list[inbox_selectors.InboxRow], *, family_view: bool) -> SafeString:
    """An inbox page's rows, each drawn once and reused until anything it shows changes."""
    language = get_language() or ""
    name = (
        "messaging/conversations/inbox_family.html#row"
        if family_view
        else "messaging/conversations/inbox_staff.html#row"
    )
    parts = []
    for row in rows:
        key = "row:" + row.cache_key(language=language, family_view=family_view)
        html = ITEM_CACHE.get(key)
        if html is None:
            html = get_template(name).render({"row": row})
            ITEM_CACHE.put(key, html)
        parts.append(html)
    return mark_safe("".join(parts))


def timeline_html(items: list[timeline_selectors.TimelineItem]) -> SafeString:
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
            template = get_template("messaging/conversations/pupil_messages.html#conversation")
            html = template.render({"item": item, "row": item.row, "c": item.row.conversation})
            ITEM_CACHE.put(key, html)
        parts.append(html)
    return mark_safe("".join(parts))


def items_html(items: list[timeline_selectors.TimelineItem], *, family_view: bool) -> SafeString:
    return mark_safe("".join(item_html(item, family_view=family_view) for item in items))


def conversation_context(
    request: HttpRequest, conversation: Conversation, **extra: Any
) -> dict[str, Any]:
    actor = actor_of(request)
    show_all = request.GET.get("all") == "1"
    family_view = actor.guardian_id is not None
    if family_view:
        view = timeline_selectors.guardian_conversation_view(
            actor=actor, conversation=conversation, show_all=show_all
        )
    else:
        view = timeline_selectors.staff_conversation_view(
            actor=actor, conversation=conversation, show_all=show_all
        )
    return {
        "view": view,
        "items_html": items_html(view.items, family_view=family_view),
        "conversation": conversation,
        "announcement": conversation.kind == ConversationKind.BROADCAST,
        "announcement_url": announcement_page(actor, conversation) if not family_view else "",
        "tones": Tone.choices,
        # The languages a reply will be read in, to say what translation they will get.
        "family_codes": [f.language for f in view.families if not f.restricted],
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
    from schoolwindow.messaging.broadcasts.selectors import broadcasts_visible

    found = (
        broadcasts_visible(actor, conversation.school_id)
        .filter(messages__conversation=conversation)
        .values_list("pk", flat=True)
        .first()
    )
    return reverse("families:broadcast_detail", args=[found]) if found is not None else ""


def phrase_options(child: str) -> list[tuple[str, str]]:
    """Without the phrasebook's picker: a plain list of phrases to start from.

    The phrases are English whatever the page's language (staff write in English), so the
    fillers are English too, not translated into a half-Polish sentence."""
    from schoolwindow.messaging.translation.phrasebook import PHRASES

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
