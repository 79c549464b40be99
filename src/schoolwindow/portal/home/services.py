"""Posting and withdrawing the head's message."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import POST_HEAD_MESSAGES
from schoolwindow.core.errors import Invalid, Refused
from schoolwindow.core.once import content_token, once_claim, once_done
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.portal.home.models import HeadMessage
from schoolwindow.portal.home.policies import WITHDRAW

MAX_BODY = 3000


def head_message_post(
    *,
    actor: Actor,
    school_id: int,
    title: str,
    body: str,
    video_url: str = "",
    once: uuid.UUID | None = None,
) -> HeadMessage:
    if not actor.can(POST_HEAD_MESSAGES, school_id):
        raise Refused
    title, body = title.strip(), body.strip()
    if not title:
        raise Invalid(_("Give the message a title."), field="title")
    if not body:
        raise Invalid(
            _("Write what you say in the video, for families who can't watch it."), field="body"
        )
    if len(body) > MAX_BODY:
        raise Invalid(_("Keep the message under 3,000 characters."), field="body")
    with transaction.atomic():
        repeated = _("This message was already posted.")
        claim = once_claim(once, actor=actor, repeated=repeated)
        # The same words posted from a second tab on the same day are one message.
        same = once_claim(
            content_token("head-message", school_id, title, body, timezone.localdate()),
            actor=actor,
            repeated=repeated,
        )
        message = HeadMessage.objects.create(
            school_id=school_id,
            title=title[:120],
            body=body,
            video_url=video_url.strip(),
            posted_by_id=actor.staff_ids.get(school_id),
            posted_at=timezone.now(),
        )
        audit_record(actor=actor, action="portal.head_message_posted", target=message)
        url = reverse("head_message", kwargs={"message_id": message.pk})
        once_done(claim, url)
        once_done(same, url)
    return message


def head_message_withdraw(*, actor: Actor, message_id: int) -> HeadMessage:
    with transaction.atomic():
        message = policy_for(HeadMessage).get(
            actor,
            pk=message_id,
            action=WITHDRAW,
            queryset=HeadMessage.objects.select_for_update(),
        )
        if message.withdrawn_at is None:
            message.withdrawn_at = timezone.now()
            message.save(update_fields=["withdrawn_at"])
            audit_record(actor=actor, action="portal.head_message_withdrawn", target=message)
    return message
