"""Who may read the head's messages: staff at the school, and parents with a child there whom
they may be contacted about (people/contact.py says who that is)."""

from __future__ import annotations

from django.db.models import Q

from schoolwindow.core.capabilities import POST_HEAD_MESSAGES
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import Policy
from schoolwindow.people.contact import contactable_links
from schoolwindow.portal.home.models import HeadMessage

WITHDRAW = "withdraw"


class HeadMessagePolicy(Policy[HeadMessage]):
    model = HeadMessage

    def scope(self, actor: Actor) -> Q:
        scope = Q(school_id__in=actor.school_ids)
        if actor.is_guardian:
            schools = contactable_links(guardian_id=actor.guardian_id).values("school_id")
            scope |= Q(school_id__in=schools, withdrawn_at__isnull=True)
        return scope

    def may(self, actor: Actor, action: str, record: HeadMessage) -> bool:
        if action == WITHDRAW:
            return actor.can(POST_HEAD_MESSAGES, record.school_id)
        return super().may(actor, action, record)
