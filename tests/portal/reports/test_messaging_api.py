"""The two functions messaging's public interface gained for reports: a parent's reply into a
conversation they are in, and which messages no copy reached."""

from __future__ import annotations

import pytest

from schoolwindow.core.errors import NotFound
from schoolwindow.messaging import api as messaging
from schoolwindow.messaging.models import Delivery, DeliveryStatus
from tests.portal.reports.conftest import Reports, published


def test_a_parent_replies_only_in_their_own_conversation(reports: Reports) -> None:
    report = published(reports)
    assert report.conversation_id is not None
    message = messaging.family_reply(
        actor=reports.actor("parent"), conversation_id=report.conversation_id, body="Thanks!"
    )
    assert message.author_guardian_id == reports.world.maria.pk
    for role in ("other_parent", "restricted"):
        with pytest.raises(NotFound):
            messaging.family_reply(
                actor=reports.actor(role), conversation_id=report.conversation_id, body="Hi"
            )
    with pytest.raises(NotFound):  # staff write through the conversation page, not this
        messaging.family_reply(
            actor=reports.actor("leader"), conversation_id=report.conversation_id, body="Hi"
        )


def test_a_message_is_undelivered_only_when_every_copy_failed(reports: Reports) -> None:
    report = published(reports)
    assert report.message_id is not None
    assert messaging.messages_undelivered(message_ids=[report.message_id]) == set()
    copies = Delivery.objects.filter(message_id=report.message_id, guardian__isnull=False)
    first = copies.order_by("pk").first()
    assert first is not None
    Delivery.objects.filter(pk=first.pk).update(status=DeliveryStatus.BOUNCED)
    expected = {report.message_id} if copies.count() == 1 else set()
    assert messaging.messages_undelivered(message_ids=[report.message_id]) == expected
    copies.update(status=DeliveryStatus.FAILED)
    assert messaging.messages_undelivered(message_ids=[report.message_id]) == {report.message_id}
    assert messaging.messages_undelivered(message_ids=[]) == set()
