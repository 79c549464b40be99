"""Reads for the conversation pages: who may use them, one conversation, the announcements a
family may read, and the pupils and parents a member of staff may write to. The inboxes are in
`inbox_selectors`, a conversation's timeline and a pupil's contacts in `timeline_selectors`.

Each function takes the acting `Actor` and returns only what they may see; anything out of
reach is not found (`NotFound`, a 404). Lists are loaded in a fixed number of queries: the
page of conversations, then their people, last messages and copies in one query each, however
long the list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.translation import gettext_lazy

from schoolwindow.core.capabilities import MESSAGE_ANY_FAMILY
from schoolwindow.core.errors import NotFound, Refused
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import VIEW, policy_for
from schoolwindow.messaging.models import (
    Broadcast,
    Conversation,
    ConversationKind,
    Delivery,
    DeliveryStatus,
)
from schoolwindow.messaging.translation.services import is_rtl
from schoolwindow.people.contact import (
    links_contactable_first,
    may_contact,
    restricted,
    restricted_links,
)
from schoolwindow.people.models import Guardian, GuardianLink, Pupil
from schoolwindow.people.selectors import language_name, pupil_name_query, pupils_visible

PAGE_SIZE = 25
SNIPPET = 140
# Roles that may write to families without a pupil (a general conversation).
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
        return actor.can_anywhere(MESSAGE_ANY_FAMILY)
    return actor.can(MESSAGE_ANY_FAMILY, school_id)


def snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1].rstrip() + "…"


def text_dir(language: str) -> str:
    return "rtl" if is_rtl(language or "en") else "ltr"


def html_lang(language: str) -> str:
    return (language or "en").lower()


def announcement_copies(guardian_id: int, now: dt.datetime | None = None) -> QuerySet[Delivery]:
    """A parent's copies of announcements that have reached them: the announcement's time has
    come (a scheduled one is nowhere before it), the copy was not cancelled, and the parent may
    still be contacted about the child it is about."""
    now = now or timezone.now()
    restricted = restricted_links(guardian_id=guardian_id)
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


def when_shown(at: dt.datetime) -> tuple[str, str]:
    """(as shown, ISO 8601) in the school's time zone: "Mon 23 Nov, 14:05" as the template
    filter date:"D j M, H:i" would write it, with the day and month names translated."""
    local = timezone.localtime(at)
    return (
        f"{WEEKDAYS_ABBR[local.weekday()]} {local.day} {MONTHS_3[local.month].title()}, "
        f"{local:%H:%M}",
        local.isoformat(),
    )


def conversation_get(*, actor: Actor, conversation_id: int, action: str = VIEW) -> Conversation:
    """The conversation with its pupil, if the actor may see it (else 404) and do `action` to
    it (else 403). Pupils and trust officers have no conversations."""
    if not can_use_messages(actor):
        raise Refused
    found = policy_for(Conversation).get(actor, pk=conversation_id, action=action)
    found.pupil = (
        Pupil.objects.filter(pk=found.pupil_id)
        .only(*(f.removeprefix("pupil__") for f in PUPIL_NAME_FIELDS))
        .first()
        if found.pupil_id
        else None
    )
    return found


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
    language_code: str = "en"


def pupil_for_messages(*, actor: Actor, pupil_id: int) -> Pupil:
    """A pupil the member of staff may write about; 404 otherwise."""
    pupil = (
        pupils_visible(actor=actor)
        .filter(pk=pupil_id, school_id__in=list(actor.staff_ids))
        .select_related("school", "year_group")
        .first()
    )
    if pupil is None:
        raise NotFound
    return pupil


def guardian_choices(*, pupil: Pupil) -> list[GuardianChoice]:
    """The pupil's parents and carers, restricted ones included (shown, never tickable)."""
    links = links_contactable_first(school_id=pupil.school_id, pupil=pupil).select_related(
        "guardian"
    )
    return [
        GuardianChoice(
            guardian_id=link.guardian_id,
            name=link.guardian.display_name,
            relationship=link.get_relationship_display() if link.relationship else "",
            language=language_name(link.guardian.preferred_language),
            channel=link.guardian.get_preferred_channel_display(),
            restricted=not may_contact(link),
            lives_with_pupil=link.lives_with_pupil,
            language_code=link.guardian.preferred_language,
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
        raise Refused
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
            restricted_here=Exists(linked.filter(restricted())),
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
            language_code=g.preferred_language,
        )
        for g in guardians
    ]
