"""Reads for the inboxes: a staff member's and a family's list of conversations, their rows
and the unread count.

Each function takes the acting `Actor` and returns only what they may see. Lists are loaded in
a fixed number of queries, however long the list.
"""

from __future__ import annotations

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
from django.urls import reverse
from django.utils.translation import gettext as _

from schoolwindow.core.permissions import Actor
from schoolwindow.messaging.conversations.selectors import (
    GUARDIAN_NAME_FIELDS,
    KIND_LABELS,
    PROBLEM_STATUSES,
    PUPIL_NAME_FIELDS,
    STAFF_NAME_FIELDS,
    announcement_copies,
    html_lang,
    snippet,
    text_dir,
    when_shown,
)
from schoolwindow.messaging.models import (
    Conversation,
    ConversationKind,
    Delivery,
    DeliveryStatus,
    Message,
    Participant,
)
from schoolwindow.messaging.policies import staff_scope
from schoolwindow.people.contact import restricted_links
from schoolwindow.people.models import Pupil
from schoolwindow.people.selectors import pupils_visible

# --- Inboxes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilters:
    scope: str = "mine"  # "mine" or "all"
    unread: bool = False
    pupil_id: int | None = None
    kind: str = ""
    # Only conversations where the family wrote last (waiting for a reply), oldest first.
    waiting: bool = False


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


def last_author_guardian() -> Subquery:
    return Subquery(
        Message.objects.filter(conversation=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values("author_guardian_id")[:1]
    )


def waiting_for_reply(conversations: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """Open conversations whose newest message is the family's: someone at school owes a reply.
    Announcements are one-way (answers go to their own conversation)."""
    return (
        conversations.exclude(kind=ConversationKind.BROADCAST)
        .filter(closed=False)
        .annotate(waiting_guardian_id=last_author_guardian())
        .filter(waiting_guardian_id__isnull=False)
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
        # The staff side of ConversationPolicy: a member of staff who is also a parent sees
        # their staff inbox here.
        conversations = conversations.filter(staff_scope(actor))
    else:
        conversations = conversations.filter(my_participant=True)
    if filters.unread:
        conversations = conversations.filter(unread_q())
    if filters.pupil_id is not None:
        conversations = conversations.filter(pupil_id=filters.pupil_id)
    if filters.kind:
        conversations = conversations.filter(kind=filters.kind)
    order = ("-last_message_at", "-id")
    if filters.waiting:
        conversations = waiting_for_reply(conversations)  # type: ignore[assignment]
        order = ("last_message_at", "id")
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
        .order_by(*order)
    )


def guardian_participations(guardian_id: int) -> list[int]:
    """The conversations a parent is in and may read: never about a child they may not be
    contacted about, nor general ones from a school where they are restricted. One query."""
    restricted = restricted_links(guardian_id=guardian_id)
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
        restricted = restricted_links(guardian_id=actor.guardian_id).values("pupil_id")
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
