"""Reads for the conversation pages: inboxes, a conversation's timeline, a pupil's contacts.

Each function takes the acting `Actor` and returns only what they may see; anything out of
reach is `Http404`. Lists are loaded in a fixed number of queries: the page of conversations,
then their people, last messages and copies in one query each, however long the list.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwindow.core.capabilities import SEE_WHOLE_SCHOOL
from schoolwindow.core.permissions import Actor
from schoolwindow.messaging import services
from schoolwindow.messaging.models import (
    Broadcast,
    ContactLog,
    Conversation,
    ConversationKind,
    Delivery,
    DeliveryStatus,
    Message,
    Participant,
)
from schoolwindow.messaging.translation import is_rtl
from schoolwindow.people.models import Guardian, GuardianLink, Pupil, Staff
from schoolwindow.people.selectors import language_name, pupil_name_query, pupils_visible

PAGE_SIZE = 25
SNIPPET = 140
# Roles that may write to families without a pupil (a general conversation).
GENERAL_ROLES = ("leader", "pastoral", "office", "dsl", "flo")
# The most a pupil's "messages and contacts" page lists of each kind.
PUPIL_TIMELINE_LIMIT = 200
# The most messages a conversation page shows at once (the newest; "show all" for the rest).
MESSAGES_SHOWN = 50

# What a family's copy shows in lists, most telling first.
STATUS_ORDER = {
    DeliveryStatus.REPLIED: 0,
    DeliveryStatus.READ: 1,
    DeliveryStatus.DELIVERED: 2,
    DeliveryStatus.SENT: 3,
    DeliveryStatus.SENDING: 4,
    DeliveryStatus.QUEUED: 5,
    DeliveryStatus.LETTER: 6,
    DeliveryStatus.PRINTED: 7,
    DeliveryStatus.BOUNCED: 8,
    DeliveryStatus.FAILED: 9,
    DeliveryStatus.CANCELLED: 10,
}
# Copies that went wrong: shown in a warning colour.
PROBLEM_STATUSES = frozenset({DeliveryStatus.BOUNCED, DeliveryStatus.FAILED, DeliveryStatus.LETTER})
PUPIL_NAME_FIELDS = (
    "pupil__id",
    "pupil__school_id",
    "pupil__legal_first_name",
    "pupil__legal_last_name",
    "pupil__preferred_first_name",
    "pupil__preferred_last_name",
)
GUARDIAN_NAME_FIELDS = ("id", "title", "first_name", "last_name", "preferred_language")
STAFF_NAME_FIELDS = ("id", "title", "first_name", "last_name")

KIND_LABELS = dict(ConversationKind.choices)
SCOPES = {"mine": gettext_lazy("Conversations I am in"), "all": gettext_lazy("All I may see")}


def can_use_messages(actor: Actor) -> bool:
    """Staff and parents have conversations; pupils and trust officers do not."""
    return actor.is_staff_member or actor.is_guardian


def can_start_general(actor: Actor, school_id: int | None = None) -> bool:
    if school_id is None:
        return actor.has_any_role(*GENERAL_ROLES)
    return actor.has_role(school_id, *GENERAL_ROLES)


def snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1].rstrip() + "…"


def text_dir(language: str) -> str:
    return "rtl" if is_rtl(language or "en") else "ltr"


def html_lang(language: str) -> str:
    return (language or "en").lower()


# --- Inboxes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilters:
    scope: str = "mine"  # "mine" or "all"
    unread: bool = False
    pupil_id: int | None = None
    kind: str = ""


@dataclass
class FamilyStatus:
    name: str
    status: str
    label: str
    problem: bool


@dataclass
class InboxRow:
    conversation: Conversation
    pupil: Pupil | None
    unread: bool
    mine: bool
    families: list[str] = field(default_factory=list)
    staff: list[str] = field(default_factory=list)
    snippet: str = ""
    snippet_lang: str = "en"
    snippet_dir: str = "ltr"
    snippet_author: str = ""
    statuses: list[FamilyStatus] = field(default_factory=list)
    school_name: str = ""
    kind_name: str = ""
    url: str = ""
    when: str = ""
    when_iso: str = ""

    @property
    def kind_label(self) -> str:
        return self.kind_name or str(KIND_LABELS.get(self.conversation.kind, ""))

    def cache_key(self, *, language: str, family_view: bool) -> str:
        """Everything the row shows, hashed (its HTML is reused until any of it changes)."""
        conversation, pupil = self.conversation, self.pupil
        parts = (
            language,
            family_view,
            self.url,
            conversation.subject,
            conversation.kind,
            self.kind_label,
            (pupil.display_name, pupil.first_name) if pupil is not None else (),
            self.unread,
            self.families,
            self.when_iso,
            self.when,
            self.snippet_author,
            self.snippet,
            self.snippet_lang,
            self.snippet_dir,
            tuple((s.name, s.status, s.label) for s in self.statuses),
            self.school_name,
        )
        return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def last_message_subquery(**extra: object) -> Subquery:
    return Subquery(
        Message.objects.filter(conversation=OuterRef("pk"), **extra)
        .order_by("-created_at", "-id")
        .values("id")[:1]
    )


def unread_q() -> Q:
    return Q(my_participant=True) & (Q(my_read__isnull=True) | Q(my_read__lt=F("last_message_at")))


def staff_inbox(*, actor: Actor, filters: InboxFilters) -> QuerySet[Conversation]:
    """Conversations a member of staff is in, or (scope "all") every one they may see."""
    if not actor.is_staff_member:
        raise PermissionDenied
    staff_ids = list(actor.staff_ids.values())
    mine = Participant.objects.filter(conversation=OuterRef("pk"), staff_id__in=staff_ids)
    conversations = Conversation.objects.filter(school_id__in=list(actor.staff_ids)).annotate(
        my_participant=Exists(mine),
        my_read=Subquery(mine.values("last_read_at")[:1]),
        last_message_id=last_message_subquery(),
        last_staff_message_id=last_message_subquery(author_staff__isnull=False),
    )
    if filters.scope == "all":
        whole = actor.schools_where(SEE_WHOLE_SCHOOL)
        visible = Q(my_participant=True)
        if whole:
            visible |= Q(school_id__in=whole)
        others = [sid for sid in actor.staff_ids if sid not in whole]
        if others:
            in_scope = Pupil.objects.filter(actor.pupil_scope(), school_id__in=others)
            visible |= Q(school_id__in=others, pupil_id__in=in_scope.values("pk"))
        conversations = conversations.filter(visible)
    else:
        conversations = conversations.filter(my_participant=True)
    if filters.unread:
        conversations = conversations.filter(unread_q())
    if filters.pupil_id is not None:
        conversations = conversations.filter(pupil_id=filters.pupil_id)
    if filters.kind:
        conversations = conversations.filter(kind=filters.kind)
    return (
        conversations.select_related("pupil")
        .only(
            "id",
            "school_id",
            "subject",
            "kind",
            "last_message_at",
            "closed",
            "created_at",
            *PUPIL_NAME_FIELDS,
        )
        .order_by("-last_message_at", "-id")
    )


def announcement_copies(guardian_id: int, now: dt.datetime | None = None) -> QuerySet[Delivery]:
    """A parent's copies of announcements that have reached them: the announcement's time has
    come (a scheduled one is nowhere before it), the copy was not cancelled, and the parent may
    still be contacted about the child it is about."""
    now = now or timezone.now()
    restricted = GuardianLink.objects.filter(guardian_id=guardian_id, contact_restricted=True)
    return (
        Delivery.objects.filter(guardian_id=guardian_id, message__broadcast__isnull=False)
        .filter(
            Q(message__broadcast__scheduled_for__isnull=True)
            | Q(message__broadcast__scheduled_for__lte=now)
        )
        .exclude(status=DeliveryStatus.CANCELLED)
        .exclude(pupil_id__in=restricted.values("pupil_id"))
    )


def copy_has_reached_family(copy: Delivery, now: dt.datetime | None = None) -> bool:
    """Whether a family's copy may be read yet: a scheduled announcement's are nowhere before
    its time (not even through the link in the copy itself)."""
    if copy.message.broadcast_id is None:
        return True
    scheduled = (
        Broadcast.objects.filter(pk=copy.message.broadcast_id)
        .values_list("scheduled_for", flat=True)
        .first()
    )
    return scheduled is None or scheduled <= (now or timezone.now())


def guardian_participations(guardian_id: int) -> list[int]:
    """The conversations a parent is in and may read: never about a child they may not be
    contacted about, nor general ones from a school where they are restricted. One query."""
    restricted = GuardianLink.objects.filter(guardian_id=guardian_id, contact_restricted=True)
    return list(
        Participant.objects.filter(guardian_id=guardian_id)
        .filter(
            (
                Q(conversation__pupil__isnull=False)
                & ~Q(conversation__pupil_id__in=restricted.values("pupil_id"))
            )
            | (
                Q(conversation__pupil__isnull=True)
                & ~Q(conversation__school_id__in=restricted.values("school_id"))
            )
        )
        .values_list("conversation_id", flat=True)
    )


def guardian_announcements(guardian_id: int) -> dict[int, bool]:
    """The announcements that reached a parent: conversation id → still unread (no copy of it
    to them read yet, whether in the app or through the link in an email or text). One query."""
    found: dict[int, bool] = {}
    for conversation_id, read_at in announcement_copies(guardian_id).values_list(
        "message__conversation_id", "read_at"
    ):
        found[conversation_id] = found.get(conversation_id, True) and read_at is None
    return found


def guardian_inbox(*, actor: Actor, unread: bool = False) -> QuerySet[Conversation]:
    """A parent's conversations: those they are in, never about a child they may not be
    contacted about (nor general ones from a school where they are restricted), and the
    announcements that reached them (new until they have read them).

    Which those are is read first (two small queries, by the parent's own rows), so the page's
    query only looks up those conversations by key: its cost does not grow with the trust's."""
    guardian_id = actor.guardian_id
    if guardian_id is None:
        raise PermissionDenied
    participating = guardian_participations(guardian_id)
    announced = guardian_announcements(guardian_id)
    new_announcements = [pk for pk, new in announced.items() if new]
    theirs = Participant.objects.filter(conversation=OuterRef("pk"), guardian_id=guardian_id)
    conversations = Conversation.objects.filter(pk__in=[*participating, *announced]).annotate(
        my_participant=Exists(theirs),
        my_read=Subquery(theirs.values("last_read_at")[:1]),
        announcement_unread=Case(
            When(pk__in=new_announcements, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        last_message_id=last_message_subquery(),
    )
    if unread:
        conversations = conversations.filter(
            (
                Q(pk__in=participating)
                & (Q(my_read__isnull=True) | Q(my_read__lt=F("last_message_at")))
            )
            | Q(pk__in=new_announcements)
        )
    return (
        conversations.select_related("pupil", "school")
        .only(
            "id",
            "school_id",
            "subject",
            "kind",
            "last_message_at",
            "closed",
            "created_at",
            "school__name",
            *PUPIL_NAME_FIELDS,
        )
        .order_by("-last_message_at", "-id")
    )


def latest_copies(deliveries: QuerySet[Delivery]) -> dict[tuple[int, int], Delivery]:
    """The newest copy per (message, guardian): a fallback SMS replaces the email it follows."""
    found: dict[tuple[int, int], Delivery] = {}
    for delivery in deliveries.order_by("id"):
        if delivery.guardian_id is not None:
            found[(delivery.message_id, delivery.guardian_id)] = delivery
    return found


def person_name(title: str | None, first: str | None, last: str | None) -> str:
    """Staff.display_name / Guardian.display_name, from values() rows."""
    return " ".join(part for part in (title, first, last) if part)


def status_labels() -> dict[str, str]:
    """Each delivery status's label in the current language, translated once per list."""
    return {value: str(label) for value, label in DeliveryStatus.choices}


def conversation_url_prefix() -> str:
    """'/messages/' for '/messages/<id>/': one reverse() per list, not one per row."""
    return reverse("messaging:conversation", args=[1]).removesuffix("1/")


def row_times(row: InboxRow, prefix: str) -> None:
    row.when, row.when_iso = when_shown(row.conversation.last_message_at)
    row.url = f"{prefix}{row.conversation.pk}/"


def staff_inbox_rows(conversations: list[Conversation]) -> list[InboxRow]:
    """Everything a staff inbox row shows, in three queries for the whole page (values, not
    model instances: a page of 25 rows is read many times a day)."""
    ids = [c.pk for c in conversations]
    families_of: dict[int, list[tuple[int, str]]] = {i: [] for i in ids}
    staff_of: dict[int, list[str]] = {i: [] for i in ids}
    for conversation_id, guardian_id, g_title, g_first, g_last, s_title, s_first, s_last in (
        Participant.objects.filter(conversation_id__in=ids)
        .order_by("id")
        .values_list(
            "conversation_id",
            "guardian_id",
            "guardian__title",
            "guardian__first_name",
            "guardian__last_name",
            "staff__title",
            "staff__first_name",
            "staff__last_name",
        )
    ):
        if guardian_id is not None:
            families_of[conversation_id].append(
                (guardian_id, person_name(g_title, g_first, g_last))
            )
        else:
            staff_of[conversation_id].append(person_name(s_title, s_first, s_last))
    last_ids = [c.last_message_id for c in conversations if c.last_message_id]  # type: ignore[attr-defined]
    last = {
        row[0]: row
        for row in Message.objects.filter(pk__in=last_ids).values_list(
            "id",
            "body",
            "translation",
            "language",
            "author_guardian_id",
            "author_staff__title",
            "author_staff__first_name",
            "author_staff__last_name",
            "author_guardian__title",
            "author_guardian__first_name",
            "author_guardian__last_name",
        )
    }
    # Announcements have no families among their participants, so their thousands of copies
    # are not read here (their statistics are on the announcement's own page).
    staff_message_ids = [
        c.last_staff_message_id  # type: ignore[attr-defined]
        for c in conversations
        if c.last_staff_message_id  # type: ignore[attr-defined]
        and c.kind != ConversationKind.BROADCAST
    ]
    copies: dict[tuple[int, int], str] = {}
    for message_id, guardian_id, copy_status in (
        Delivery.objects.filter(message_id__in=staff_message_ids, guardian__isnull=False)
        .order_by("id")
        .values_list("message_id", "guardian_id", "status")
    ):
        copies[(message_id, guardian_id)] = copy_status  # the newest copy wins (fallbacks)
    labels = status_labels()
    kinds = {value: str(label) for value, label in KIND_LABELS.items()}
    prefix = conversation_url_prefix()
    rows = []
    for conversation in conversations:
        families = families_of[conversation.pk]
        my_read = conversation.my_read  # type: ignore[attr-defined]
        mine = bool(conversation.my_participant)  # type: ignore[attr-defined]
        row = InboxRow(
            conversation=conversation,
            pupil=conversation.pupil,
            unread=mine and (my_read is None or my_read < conversation.last_message_at),
            mine=mine,
            families=[name for _gid, name in families],
            staff=staff_of[conversation.pk],
            kind_name=kinds.get(conversation.kind, ""),
        )
        row_times(row, prefix)
        message = last.get(conversation.last_message_id)  # type: ignore[attr-defined]
        if message is not None:
            _pk, body, translation, language, author_guardian_id, *names = message
            if author_guardian_id is not None:
                row.snippet_author = person_name(*names[3:])
                # Staff read a family's words in English when there is a translation.
                row.snippet = snippet(translation or body)
                if not translation:
                    row.snippet_lang = html_lang(language)
                    row.snippet_dir = text_dir(language)
            else:
                row.snippet_author = person_name(*names[:3])
                row.snippet = snippet(body)
        staff_message_id = conversation.last_staff_message_id  # type: ignore[attr-defined]
        for guardian_id, name in families:
            found = copies.get((staff_message_id, guardian_id))
            if found is not None:
                row.statuses.append(
                    FamilyStatus(
                        name=name,
                        status=found,
                        label=labels.get(found, found),
                        problem=found in PROBLEM_STATUSES,
                    )
                )
        rows.append(row)
    return rows


def guardian_inbox_rows(*, actor: Actor, conversations: list[Conversation]) -> list[InboxRow]:
    """A parent's rows: the last message as they received it, in their language."""
    guardian_id = actor.guardian_id or 0
    last_ids = [c.last_message_id for c in conversations if c.last_message_id]  # type: ignore[attr-defined]
    last = {
        m.pk: m
        for m in Message.objects.filter(pk__in=last_ids)
        .select_related("author_staff", "author_guardian")
        .only(
            "id",
            "body",
            "language",
            "author_staff_id",
            "author_guardian_id",
            *(f"author_staff__{f}" for f in STAFF_NAME_FIELDS),
            *(f"author_guardian__{f}" for f in GUARDIAN_NAME_FIELDS),
        )
    }
    copies = latest_copies(
        Delivery.objects.filter(message_id__in=last_ids, guardian_id=guardian_id)
        .exclude(status=DeliveryStatus.CANCELLED)
        .only("id", "message_id", "guardian_id", "body", "language")
    )
    prefix = conversation_url_prefix()
    kinds = {value: str(label) for value, label in KIND_LABELS.items()}
    rows = []
    for conversation in conversations:
        my_read = conversation.my_read  # type: ignore[attr-defined]
        if conversation.my_participant:  # type: ignore[attr-defined]
            unread = my_read is None or my_read < conversation.last_message_at
        else:  # an announcement: new until they have opened it
            unread = bool(conversation.announcement_unread)  # type: ignore[attr-defined]
        row = InboxRow(
            conversation=conversation,
            pupil=conversation.pupil,
            unread=unread,
            mine=True,
            school_name=conversation.school.name,
            kind_name=kinds.get(conversation.kind, ""),
        )
        row_times(row, prefix)
        message = last.get(conversation.last_message_id)  # type: ignore[attr-defined]
        if message is not None:
            if message.author_guardian_id == guardian_id:
                row.snippet_author = _("You")
                row.snippet = snippet(message.body)
                row.snippet_lang = html_lang(message.language)
            else:
                author = message.author_staff or message.author_guardian
                row.snippet_author = author.display_name if author is not None else ""
                delivery = copies.get((message.pk, guardian_id or 0))
                if delivery is not None:  # always, but for a fallback's race
                    row.snippet = snippet(delivery.body)
                    row.snippet_lang = html_lang(delivery.language)
            row.snippet_dir = text_dir(row.snippet_lang)
        rows.append(row)
    return rows


def unread_count(actor: Actor) -> int:
    """Conversations with something new for this person: one small query (for the nav)."""
    if actor.is_staff_member:
        participants = Participant.objects.filter(staff_id__in=list(actor.staff_ids.values()))
    elif actor.guardian_id is not None:
        restricted = GuardianLink.objects.filter(
            guardian_id=actor.guardian_id, contact_restricted=True
        ).values("pupil_id")
        participants = Participant.objects.filter(guardian_id=actor.guardian_id).exclude(
            conversation__pupil_id__in=restricted
        )
    else:
        return 0
    count = (
        participants.filter(
            Q(last_read_at__isnull=True) | Q(last_read_at__lt=F("conversation__last_message_at"))
        )
        .values("pk")[:100]
        .count()
    )
    if actor.guardian_id is not None and count < 100:
        # …and the announcements they have not read yet (one more small query).
        count += sum(guardian_announcements(actor.guardian_id).values())
    return min(count, 100)


def staff_pupil_filter_name(*, actor: Actor, pupil_id: int | None) -> Pupil | None:
    if pupil_id is None:
        return None
    return pupils_visible(actor=actor).filter(pk=pupil_id).first()


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


def when_shown(at: dt.datetime) -> tuple[str, str]:
    """(as shown, ISO 8601) in the school's time zone: "Mon 23 Nov, 14:05" as the template
    filter date:"D j M, H:i" would write it, with the day and month names translated."""
    local = timezone.localtime(at)
    return (
        f"{WEEKDAYS_ABBR[local.weekday()]} {local.day} {MONTHS_3[local.month].title()}, "
        f"{local:%H:%M}",
        local.isoformat(),
    )


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


def conversation_get(*, actor: Actor, conversation_id: int) -> Conversation:
    """The conversation with its pupil, if the actor may see it; 404 otherwise."""
    if not can_use_messages(actor):
        raise PermissionDenied
    try:
        found = services.conversation_for_actor(actor, conversation_id)
    except PermissionDenied:
        # Parents are not in announcements: they may read those that reached them.
        announcement = announcement_for_guardian(actor, conversation_id)
        if announcement is None:
            raise Http404 from None
        found = announcement
    found.pupil = (
        Pupil.objects.filter(pk=found.pupil_id)
        .only(*(f.removeprefix("pupil__") for f in PUPIL_NAME_FIELDS))
        .first()
        if found.pupil_id
        else None
    )
    return found


def announcement_for_guardian(actor: Actor, conversation_id: int) -> Conversation | None:
    """An announcement that reached this parent (see `announcement_copies`); None otherwise."""
    if actor.guardian_id is None:
        return None
    return Conversation.objects.filter(
        pk=conversation_id,
        kind=ConversationKind.BROADCAST,
        pk__in=announcement_copies(actor.guardian_id).values("message__conversation_id"),
    ).first()


def announcement_copy(*, actor: Actor, conversation: Conversation) -> Delivery | None:
    """The parent's copy of an announcement (the newest, when one replaced another)."""
    if actor.guardian_id is None:
        return None
    return (
        announcement_copies(actor.guardian_id)
        .filter(message__conversation=conversation)
        .select_related("message")
        .order_by("-pk")
        .first()
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
        for gid, _pid in services.restricted_pairs(school_id, [g.pk for g in guardians])
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
        can_urgent=actor.has_role(school_id, *services.URGENT_ROLES),
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


# --- Starting a conversation ----------------------------------------------------------------


@dataclass
class GuardianChoice:
    guardian_id: int
    name: str
    relationship: str
    language: str
    channel: str
    restricted: bool
    lives_with_pupil: bool


def pupil_for_messages(*, actor: Actor, pupil_id: int) -> Pupil:
    """A pupil the member of staff may write about; 404 otherwise."""
    pupil = (
        pupils_visible(actor=actor)
        .filter(pk=pupil_id, school_id__in=list(actor.staff_ids))
        .select_related("school", "year_group")
        .first()
    )
    if pupil is None:
        raise Http404
    return pupil


def guardian_choices(*, pupil: Pupil) -> list[GuardianChoice]:
    """The pupil's parents and carers, restricted ones included (shown, never tickable)."""
    links = (
        GuardianLink.objects.filter(school_id=pupil.school_id, pupil=pupil)
        .select_related("guardian")
        .defer("restriction_reason")
        .order_by("contact_restricted", "contact_priority", "guardian_id")
    )
    return [
        GuardianChoice(
            guardian_id=link.guardian_id,
            name=link.guardian.display_name,
            relationship=link.get_relationship_display() if link.relationship else "",
            language=language_name(link.guardian.preferred_language),
            channel=link.guardian.get_preferred_channel_display(),
            restricted=link.contact_restricted,
            lives_with_pupil=link.lives_with_pupil,
        )
        for link in links
    ]


def pupil_search(*, actor: Actor, query: str, limit: int = 20) -> list[Pupil]:
    query = query.strip()[:100]
    if not query:
        return []
    return list(
        pupils_visible(actor=actor)
        .filter(pupil_name_query(query), school_id__in=list(actor.staff_ids))
        .select_related("year_group", "school")
        .order_by("legal_last_name", "legal_first_name", "id")[:limit]
    )


def guardian_search(
    *, actor: Actor, school_id: int, query: str, limit: int = 20
) -> list[GuardianChoice]:
    """Parents and carers of a school's pupils, for a general message (whole-school roles)."""
    if not can_start_general(actor, school_id):
        raise PermissionDenied
    words = query.split()[:5]
    if not words:
        return []
    match = Q()
    for word in words:
        match &= (
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__iexact=word)
        )
    linked = GuardianLink.objects.filter(school_id=school_id, guardian_id=OuterRef("pk"))
    guardians = (
        Guardian.objects.filter(match)
        .annotate(
            linked=Exists(linked),
            restricted_here=Exists(linked.filter(contact_restricted=True)),
        )
        .filter(linked=True)
        .order_by("last_name", "first_name", "id")[:limit]
    )
    return [
        GuardianChoice(
            guardian_id=g.pk,
            name=g.display_name,
            relationship="",
            language=language_name(g.preferred_language),
            channel=g.get_preferred_channel_display(),
            restricted=g.restricted_here,
            lives_with_pupil=True,
        )
        for g in guardians
    ]


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
