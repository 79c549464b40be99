"""Reads for one conversation's timeline and a pupil's messages and contacts: the items as
shown, each copy's fate, and the family's words for staff.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.db.models import (
    Exists,
    OuterRef,
    QuerySet,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwindow.core.capabilities import SEND_URGENT
from schoolwindow.core.permissions import Actor
from schoolwindow.messaging.conversations.inbox_selectors import (
    InboxFilters,
    InboxRow,
    latest_copies,
    staff_inbox,
    staff_inbox_rows,
)
from schoolwindow.messaging.conversations.selectors import (
    GUARDIAN_NAME_FIELDS,
    MESSAGES_SHOWN,
    PROBLEM_STATUSES,
    PUPIL_TIMELINE_LIMIT,
    STAFF_NAME_FIELDS,
    GuardianChoice,
    guardian_choices,
    html_lang,
    text_dir,
    when_shown,
)
from schoolwindow.messaging.delivery import services as delivery_services
from schoolwindow.messaging.models import (
    ContactLog,
    Conversation,
    ConversationKind,
    Delivery,
    DeliveryStatus,
    Message,
    Participant,
)
from schoolwindow.people.models import Pupil, Staff
from schoolwindow.people.selectors import language_name

# --- One conversation -----------------------------------------------------------------------


@dataclass
class CopyView:
    """One family's copy of a staff message, as staff see it."""

    delivery: Delivery
    guardian_name: str
    status_label: str
    problem: bool
    channel_label: str
    translated: bool  # the family read something other than the English
    lang: str
    dir: str
    times: list[tuple[str, str, str]]  # (what happened, when as shown, ISO 8601)

    def key_parts(self) -> tuple[object, ...]:
        d = self.delivery
        return (d.pk, d.status, d.translation_method, self.guardian_name, self.lang, self.times)


@dataclass
class TimelineItem:
    kind: str  # "message" or "contact"
    at: dt.datetime
    pk: int
    author: str = ""
    from_family: bool = False
    mine: bool = False
    text: str = ""
    lang: str = "en"
    dir: str = "ltr"
    # Staff view of a family's message in another language.
    translation: str = ""
    machine_translated: bool = False
    untranslated: bool = False
    language_name: str = ""
    copies: list[CopyView] = field(default_factory=list)
    message: Message | None = None
    contact: ContactLog | None = None
    row: InboxRow | None = None
    tone: str = ""
    tone_label: str = ""
    urgent: bool = False
    needs_reply: bool = False
    when: str = ""
    when_iso: str = ""

    def cache_key(self, *, language: str, family_view: bool) -> str:
        """Everything the item shows, hashed: its HTML is drawn once and reused until any of
        it changes (a copy read, a status, the reader's language)."""
        contact = self.contact
        parts: tuple[object, ...] = (
            language,
            family_view,
            self.kind,
            self.pk,
            self.when_iso,
            self.author,
            self.from_family,
            self.mine,
            self.text,
            self.lang,
            self.translation,
            self.untranslated,
            self.language_name,
            self.tone,
            self.urgent,
            self.needs_reply,
            tuple(copy.key_parts() for copy in self.copies),
            (
                contact.kind,
                contact.outcome,
                contact.guardian.display_name if contact.guardian else "",
            )
            if contact is not None
            else (),
        )
        return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def stamp(items: list[TimelineItem]) -> None:
    for item in items:
        item.when, item.when_iso = when_shown(item.at)


@dataclass
class GuardianEntry:
    guardian_id: int
    name: str
    language: str
    restricted: bool


@dataclass
class ConversationView:
    conversation: Conversation
    pupil: Pupil | None
    school_id: int
    items: list[TimelineItem]
    families: list[GuardianEntry]
    staff: list[str]
    can_urgent: bool = False
    is_participant: bool = False
    # Something here the viewer has not seen: opening the page marks it read.
    unread: bool = False
    # Older messages not shown (a long conversation shows its latest MESSAGES_SHOWN).
    earlier: int = 0


COPY_TIMES = (
    ("queued_at", gettext_lazy("Queued")),
    ("sent_at", gettext_lazy("Sent")),
    ("delivered_at", gettext_lazy("Delivered")),
    ("read_at", gettext_lazy("Read")),
    ("replied_at", gettext_lazy("Replied")),
    ("bounced_at", gettext_lazy("Bounced")),
    ("failed_at", gettext_lazy("Failed")),
)


def copy_view(delivery: Delivery, guardian_name: str) -> CopyView:
    times = [
        (str(label), *when_shown(getattr(delivery, name)))
        for name, label in COPY_TIMES
        if getattr(delivery, name) is not None
    ]
    return CopyView(
        delivery=delivery,
        guardian_name=guardian_name,
        status_label=delivery.get_status_display(),
        problem=delivery.status in PROBLEM_STATUSES,
        channel_label=delivery.get_channel_display(),
        translated=delivery.translation_method not in ("", "original"),
        lang=html_lang(delivery.language),
        dir=text_dir(delivery.language),
        times=times,
    )


def message_item(message: Message) -> TimelineItem:
    return TimelineItem(
        kind="message",
        at=message.created_at,
        pk=message.pk,
        message=message,
        tone=message.tone,
        tone_label=message.get_tone_display(),
        urgent=message.urgent,
        needs_reply=message.needs_reply,
    )


def family_words_for_staff(item: TimelineItem, message: Message) -> None:
    """A family's message: the original, and (when in another language) the English."""
    item.from_family = True
    item.text = message.body
    item.lang = html_lang(message.language)
    item.dir = text_dir(message.language)
    if message.language and message.language != "en":
        item.language_name = language_name(message.language)
        if message.translation_method == "untranslated" or not message.translation:
            item.untranslated = True
        else:
            item.translation = message.translation
            item.machine_translated = message.translation_method.startswith("machine")


def contact_items(contacts: QuerySet[ContactLog]) -> list[TimelineItem]:
    items = []
    for contact in contacts.select_related("staff", "guardian").only(
        "id",
        "kind",
        "outcome",
        "tone",
        "happened_at",
        "notes",
        "pupil_id",
        "flag_id",
        "staff_id",
        "guardian_id",
        *(f"staff__{f}" for f in STAFF_NAME_FIELDS),
        *(f"guardian__{f}" for f in GUARDIAN_NAME_FIELDS),
    ):
        items.append(
            TimelineItem(
                kind="contact",
                at=contact.happened_at,
                pk=contact.pk,
                author=contact.staff.display_name if contact.staff else "",
                contact=contact,
                text=contact.notes,
                tone=contact.tone,
                tone_label=contact.get_tone_display(),
            )
        )
    return items


def latest_messages(messages: QuerySet[Message], *, show_all: bool) -> tuple[list[Message], int]:
    """The newest MESSAGES_SHOWN messages, oldest first, and how many earlier ones are left."""
    if show_all:
        return list(messages.order_by("created_at", "id")), 0
    newest = list(messages.order_by("-created_at", "-id")[: MESSAGES_SHOWN + 1])
    earlier = 0
    if len(newest) > MESSAGES_SHOWN:
        newest = newest[:MESSAGES_SHOWN]
        earlier = messages.count() - MESSAGES_SHOWN
    newest.reverse()
    return newest, earlier


def staff_conversation_view(
    *, actor: Actor, conversation: Conversation, show_all: bool = False
) -> ConversationView:
    """What staff see: every message with who wrote it, each family's copy and its fate, and
    the calls, meetings and visits about the same pupil since the conversation began."""
    school_id = conversation.school_id
    my_staff_id = actor.staff_ids.get(school_id)
    participants = list(
        Participant.objects.filter(conversation=conversation)
        .select_related("guardian", "staff")
        .only(
            "id",
            "guardian_id",
            "staff_id",
            "last_read_at",
            *(f"guardian__{f}" for f in GUARDIAN_NAME_FIELDS),
            *(f"staff__{f}" for f in STAFF_NAME_FIELDS),
        )
        .order_by("id")
    )
    guardians = [p.guardian for p in participants if p.guardian is not None]
    restricted = {
        gid
        for gid, _pid in delivery_services.restricted_pairs(school_id, [g.pk for g in guardians])
        if conversation.pupil_id is None or _pid == conversation.pupil_id
    }
    names = {g.pk: g.display_name for g in guardians}
    families = [
        GuardianEntry(g.pk, g.display_name, g.preferred_language, g.pk in restricted)
        for g in guardians
    ]
    staff_in = [p.staff for p in participants if p.staff is not None]
    messages, earlier = latest_messages(
        Message.objects.filter(conversation=conversation)
        .select_related("author_staff", "author_guardian")
        .defer("broadcast_id"),
        show_all=show_all,
    )
    copies: dict[int, list[Delivery]] = {}
    # An announcement's copies (hundreds) are on its own page, a page at a time.
    if conversation.kind != ConversationKind.BROADCAST:
        for delivery in Delivery.objects.filter(
            message_id__in=[m.pk for m in messages], guardian__isnull=False
        ).order_by("id"):
            copies.setdefault(delivery.message_id, []).append(delivery)
    items = []
    for message in messages:
        item = message_item(message)
        if message.author_guardian is not None:
            item.author = message.author_guardian.display_name
            family_words_for_staff(item, message)
        else:
            item.author = message.author_staff.display_name if message.author_staff else ""
            item.mine = message.author_staff_id == my_staff_id
            item.text = message.body
            item.copies = [
                copy_view(d, names.get(d.guardian_id or 0, "")) for d in copies.get(message.pk, [])
            ]
        items.append(item)
    if conversation.pupil_id is not None:
        items.extend(
            contact_items(
                ContactLog.objects.filter(
                    school_id=school_id,
                    pupil_id=conversation.pupil_id,
                    happened_at__gte=messages[0].created_at
                    if earlier and messages
                    else conversation.created_at,
                )[:MESSAGES_SHOWN]
            )
        )
    items.sort(key=lambda item: (item.at, item.kind != "message", item.pk))
    stamp(items)
    joined = {s.pk for s in staff_in}
    me = next((p for p in participants if p.staff_id == my_staff_id), None)
    unread = me is not None and (
        me.last_read_at is None or me.last_read_at < conversation.last_message_at
    )
    return ConversationView(
        conversation=conversation,
        pupil=conversation.pupil,
        school_id=school_id,
        items=items,
        families=families,
        staff=[s.display_name for s in staff_in],
        can_urgent=actor.can(SEND_URGENT, school_id),
        is_participant=my_staff_id in joined,
        unread=unread,
        earlier=earlier,
    )


def staff_to_add(*, conversation: Conversation) -> list[tuple[int, str]]:
    """Active staff of the school not yet in the conversation (for "add a member of staff")."""
    joined = Participant.objects.filter(conversation=conversation, staff__isnull=False)
    return [
        (s.pk, s.display_name)
        for s in Staff.objects.filter(school_id=conversation.school_id, active=True)
        .exclude(pk__in=joined.values("staff_id"))
        .only(*STAFF_NAME_FIELDS)
        .order_by("last_name", "first_name", "id")
    ]


def guardian_conversation_view(
    *, actor: Actor, conversation: Conversation, show_all: bool = False
) -> ConversationView:
    """What a parent sees: staff messages exactly as they received them (their language),
    their own messages as they wrote them."""
    guardian_id = actor.guardian_id or 0
    shown = Message.objects.filter(conversation=conversation)
    if conversation.kind == ConversationKind.BROADCAST:
        # Only what was sent to them (an announcement may hold older families' answers).
        shown = shown.filter(
            Exists(
                Delivery.objects.filter(message=OuterRef("pk"), guardian_id=guardian_id).exclude(
                    status=DeliveryStatus.CANCELLED
                )
            )
        )
    messages, earlier = latest_messages(
        shown.select_related("author_staff", "author_guardian").only(
            "id",
            "body",
            "language",
            "created_at",
            "tone",
            "urgent",
            "needs_reply",
            "author_staff_id",
            "author_guardian_id",
            *(f"author_staff__{f}" for f in STAFF_NAME_FIELDS),
            *(f"author_guardian__{f}" for f in GUARDIAN_NAME_FIELDS),
        ),
        show_all=show_all,
    )
    theirs = latest_copies(
        Delivery.objects.filter(message_id__in=[m.pk for m in messages], guardian_id=guardian_id)
        .exclude(status=DeliveryStatus.CANCELLED)
        .only("id", "message_id", "guardian_id", "body", "language", "read_at")
    )
    items = []
    for message in messages:
        item = message_item(message)
        if message.author_guardian_id == guardian_id:
            item.mine = True
            item.from_family = True
            item.author = _("You")
            item.text = message.body
            item.lang = html_lang(message.language)
        else:
            delivery = theirs.get((message.pk, guardian_id or 0))
            if delivery is None:
                continue  # never sent to this family
            author = message.author_staff or message.author_guardian
            item.author = author.display_name if author is not None else ""
            item.from_family = message.author_guardian_id is not None
            item.text = delivery.body
            item.lang = html_lang(delivery.language)
        item.dir = text_dir(item.lang)
        items.append(item)
    stamp(items)
    return ConversationView(
        conversation=conversation,
        pupil=conversation.pupil,
        school_id=conversation.school_id,
        items=items,
        families=[],
        staff=[],
        is_participant=True,
        unread=any(d.read_at is None for d in theirs.values()),
        earlier=earlier,
    )


# --- A pupil's messages and contacts ------------------------------------------------------


@dataclass
class PupilTimeline:
    pupil: Pupil
    items: list[TimelineItem]
    conversations: list[InboxRow]
    guardians: list[GuardianChoice]


def pupil_timeline(*, actor: Actor, pupil: Pupil) -> PupilTimeline:
    """Every conversation about the pupil and every call, meeting and visit, newest first."""
    conversations = list(
        staff_inbox(actor=actor, filters=InboxFilters(scope="all", pupil_id=pupil.pk))[
            :PUPIL_TIMELINE_LIMIT
        ]
    )
    rows = staff_inbox_rows(conversations)
    items = [
        TimelineItem(
            kind="conversation",
            at=row.conversation.last_message_at,
            pk=row.conversation.pk,
            author=row.snippet_author,
            text=row.snippet,
            lang=row.snippet_lang,
            dir=row.snippet_dir,
            row=row,
        )
        for row in rows
    ]
    items.extend(
        contact_items(
            ContactLog.objects.filter(school_id=pupil.school_id, pupil=pupil)[:PUPIL_TIMELINE_LIMIT]
        )
    )
    items.sort(key=lambda item: (item.at, item.pk), reverse=True)
    stamp(items)
    return PupilTimeline(
        pupil=pupil,
        items=items,
        conversations=rows,
        guardians=guardian_choices(pupil=pupil),
    )
