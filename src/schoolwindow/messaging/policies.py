"""Who may see and act on messaging's records: conversations, announcements and the weekly
summary batches. Registered in `MessagingConfig.ready()`; pages and services ask
`policy_for(Model)`, so a record outside the scope is not found (404) and one the actor may see
but not act on is refused (403), decided here and nowhere else.
"""

from __future__ import annotations

from django.db.models import Q

from schoolwindow.core.capabilities import (
    ANNOUNCE_TO_OWN_GROUPS,
    MESSAGE_ANY_FAMILY,
    SEE_WHOLE_SCHOOL,
    SEND_ANNOUNCEMENTS,
)
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import Policy, policy_for, register
from schoolwindow.messaging.conversations.selectors import announcement_copies
from schoolwindow.messaging.models import (
    Broadcast,
    Conversation,
    ConversationKind,
    NudgeBatch,
    Participant,
)
from schoolwindow.messaging.summaries.selectors import may_approve, schools_for_nudges
from schoolwindow.people.contact import restricted_links
from schoolwindow.people.models import Pupil

NOTHING = Q(pk__in=[])
# Actions beyond viewing.
REPLY = "reply"
ADD_STAFF = "add_staff"
APPROVE = "approve"


class ConversationPolicy(Policy[Conversation]):
    """Parents: the conversations they are in, never about a child they may not be contacted
    about (nor general ones from a school where they are restricted), and the announcements
    that reached them. Staff: those they are in, those about a pupil they may see, and general
    ones at schools where they may write to any family. Nobody writes into an announcement."""

    model = Conversation

    def scope(self, actor: Actor) -> Q:
        if actor.guardian_id is not None:
            # A parent who is also on the staff reads their own family's messages as a parent.
            return guardian_scope(actor.guardian_id)
        return staff_scope(actor)

    def may(self, actor: Actor, action: str, record: Conversation) -> bool:
        if action == REPLY:
            return record.kind != ConversationKind.BROADCAST
        if action == ADD_STAFF:
            return actor.guardian_id is None and record.school_id in actor.staff_ids
        return super().may(actor, action, record)


def guardian_scope(guardian_id: int) -> Q:
    restricted = restricted_links(guardian_id=guardian_id)
    theirs = Q(pk__in=Participant.objects.filter(guardian_id=guardian_id).values("conversation_id"))
    reachable = (Q(pupil__isnull=False) & ~Q(pupil_id__in=restricted.values("pupil_id"))) | (
        Q(pupil__isnull=True) & ~Q(school_id__in=restricted.values("school_id"))
    )
    announced = Q(
        kind=ConversationKind.BROADCAST,
        pk__in=announcement_copies(guardian_id).values("message__conversation_id"),
    )
    return (theirs & reachable) | announced


def staff_scope(actor: Actor) -> Q:
    if not actor.staff_ids:
        return NOTHING
    schools = list(actor.staff_ids)
    scope = Q(
        pk__in=Participant.objects.filter(staff_id__in=list(actor.staff_ids.values())).values(
            "conversation_id"
        )
    )
    # Whole-school roles see every pupil of their school (the pupil policy says so), so their
    # pupils' conversations are matched by school: no list of every pupil in the query.
    whole = [sid for sid in actor.schools_where(SEE_WHOLE_SCHOOL) if sid in actor.staff_ids]
    if whole:
        scope |= Q(school_id__in=whole, pupil__isnull=False)
    others = [sid for sid in schools if sid not in whole]
    if others:
        pupils = policy_for(Pupil).visible(actor).filter(school_id__in=others)
        scope |= Q(school_id__in=others, pupil_id__in=pupils.values("pk"))
    general = actor.schools_where(MESSAGE_ANY_FAMILY)
    if general:
        scope |= Q(school_id__in=general, pupil__isnull=True)
    # Texts to pupils' phones have no participants and are no one's conversation.
    return Q(school_id__in=schools) & scope & ~Q(kind=ConversationKind.PUPIL_TEXTS)


class BroadcastPolicy(Policy[Broadcast]):
    """Every announcement of the school for the roles that send to whole schools; a teacher
    who announces to their own classes sees their own."""

    model = Broadcast

    def scope(self, actor: Actor) -> Q:
        scope = NOTHING
        everyone = [s for s in actor.schools_where(SEND_ANNOUNCEMENTS) if s in actor.staff_ids]
        if everyone:
            scope |= Q(school_id__in=everyone)
        for school_id in actor.schools_where(ANNOUNCE_TO_OWN_GROUPS):
            staff_id = actor.staff_ids.get(school_id)
            if staff_id is not None and school_id not in everyone:
                scope |= Q(school_id=school_id, created_by_id=staff_id)
        return scope


class NudgeBatchPolicy(Policy[NudgeBatch]):
    """Leaders and the pastoral lead see a school's weekly summaries, and its named approver
    too; only the approver (a leader or the pastoral lead when none is named) approves."""

    model = NudgeBatch

    def scope(self, actor: Actor) -> Q:
        schools = schools_for_nudges(actor)
        return Q(school_id__in=schools) if schools else NOTHING

    def may(self, actor: Actor, action: str, record: NudgeBatch) -> bool:
        if action == APPROVE:
            return may_approve(actor, record.school_id)
        return super().may(actor, action, record)


def register_messaging_policies() -> None:
    register(ConversationPolicy())
    register(BroadcastPolicy())
    register(NudgeBatchPolicy())
