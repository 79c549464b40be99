"""Checking in by text: the daily text at the group's time through the outbox (once, however
often the job runs), and "1", "2" or "3" back through the SMS provider's real webhook records
the check-in exactly as the tap does; anything else goes on to the family's conversation."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.errors import Invalid
from schoolwindow.core.scheduler import JOBS
from schoolwindow.messaging.delivery.outbox import outbox_drain
from schoolwindow.messaging.models import (
    Conversation,
    ConversationKind,
    Delivery,
    DeliveryStatus,
    Inbound,
    InboundOutcome,
    Message,
    MessagingSettings,
)
from schoolwindow.people.models import Pupil
from schoolwindow.schools.models import AcademicYear, Closure, Term
from schoolwindow.support.studygroups import selectors, services, texts
from schoolwindow.support.studygroups.models import (
    Answer,
    CheckIn,
    CheckInText,
    StudyGroup,
    TextTo,
)
from tests.messaging.test_sms import FakeTwilio, signed_post
from tests.messaging.test_sms import twilio as twilio  # the fixture
from tests.pages.conftest import World
from tests.support.conftest import actor
from tests.support.test_studygroups import form_group

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ADA_MOBILE = "07700 900222"
MONDAY = dt.date(2026, 11, 30)


@pytest.fixture
def open_every_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """The webhook answers 'today', whatever day the tests run on: every day is a school day."""
    monkeypatch.setattr(texts, "school_days", lambda **kw: [kw["start"]])


def by_text(world: World, **overrides: Any) -> StudyGroup:
    group = form_group(world)
    fields: dict[str, Any] = {"text_to": TextTo.PUPIL, "mobile": ADA_MOBILE}
    fields.update(overrides)
    services.member_text_set(
        actor=actor(world, "teacher"), group_id=group.pk, pupil_id=world.ada.pk, **fields
    )
    return group


def term(world: World) -> None:
    year = AcademicYear.objects.create(
        school=world.oakfield, name="2026/27", start=dt.date(2026, 9, 1), end=dt.date(2027, 8, 31)
    )
    Term.objects.create(
        school=world.oakfield,
        academic_year=year,
        name="Autumn",
        start=dt.date(2026, 9, 3),
        end=dt.date(2026, 12, 18),
    )


def reply(body: str, sid: str, sender: str = "+447700900222") -> Any:
    return signed_post(
        "/hooks/sms/twilio/inbound", {"MessageSid": sid, "From": sender, "Body": body}
    )


@pytest.fixture
def quiet_free(world: World) -> Iterator[None]:
    MessagingSettings.objects.create(
        school=world.oakfield, quiet_from=dt.time(0, 0), quiet_until=dt.time(0, 0)
    )
    yield


def test_the_daily_text_goes_once_at_the_groups_time_on_school_days_only(world: World) -> None:
    term(world)
    Closure.objects.create(school=world.oakfield, date=MONDAY + dt.timedelta(days=1))
    group = by_text(world)
    assert Pupil.objects.get(pk=world.ada.pk).mobile == ADA_MOBILE
    result = texts.checkin_texts_queue(today=MONDAY)
    assert result.queued == 1
    # Run again (a second worker, a retry): nothing more.
    again = texts.checkin_texts_queue(today=MONDAY)
    assert again.queued == 0 and again.already == 1
    call_command("studygroup_texts", "--date", MONDAY.isoformat())
    delivery = Delivery.objects.get()
    row = CheckInText.objects.get()
    assert row.delivery_id == delivery.pk and row.address == "+447700900222"
    assert delivery.address == "+447700900222" and delivery.guardian_id is None
    assert delivery.not_before == timezone.make_aware(dt.datetime.combine(MONDAY, group.text_at))
    assert "Reply 1" in delivery.body and group.name in delivery.body
    assert delivery.message.conversation.kind == ConversationKind.PUPIL_TEXTS
    # A closure, Saturday and Sunday: no text.
    for day in (1, 5, 6):
        assert texts.checkin_texts_queue(today=MONDAY + dt.timedelta(days=day)).queued == 0
    assert Delivery.objects.count() == 1
    assert any(job.name == "support-checkin-texts" for job in JOBS)


def test_nobody_sees_the_texts_as_a_conversation(world: World, open_every_day: None) -> None:
    by_text(world)
    texts.checkin_texts_queue(today=MONDAY)
    from schoolwindow.core.policy import policy_for

    for role in ("leader", "office", "teacher"):
        assert not policy_for(Conversation).visible(actor(world, role)).exists()


def test_a_reply_through_the_webhook_checks_in_once_and_goes_no_further(
    twilio: type[FakeTwilio], world: World, open_every_day: None, quiet_free: None
) -> None:
    group = by_text(world)
    texts.checkin_texts_queue(today=timezone.localdate())
    Delivery.objects.update(not_before=timezone.now())
    assert outbox_drain(until_idle=True).sent == 1
    [request] = twilio.requests
    body = request["form"]["Body"][0]
    # No read link: the pupil has no data to open one.
    assert "Reply 1" in body and "/messages/r/" not in body
    assert reply(" 2. ", "SMa1").status_code == 200
    checkin = CheckIn.objects.get()
    assert (checkin.pupil_id, checkin.group_id, checkin.answer, checkin.by_text) == (
        world.ada.pk,
        group.pk,
        Answer.NEED_HELP,
        True,
    )
    inbound = Inbound.objects.get()
    assert inbound.outcome == InboundOutcome.HANDLED and inbound.school_id == world.oakfield.pk
    # The provider retries the webhook: acted on once.
    assert reply(" 2. ", "SMa1").status_code == 200
    assert CheckIn.objects.count() == 1 and Inbound.objects.count() == 1
    event = AuditEvent.objects.get(action="studygroup.checkin_text")
    assert event.actor_label == "system (inbound)"
    # "Need help" is on the lead's home the same day, as for a tap.
    helped = selectors.help_today(actor=actor(world, "teacher"), today=timezone.localdate())
    assert [c.pupil_id for c in helped] == [world.ada.pk]
    assert not Message.objects.filter(author_guardian__isnull=False).exists()
    week = world.client("teacher").get(f"/support/groups/{group.pk}/").content.decode()
    assert "Need help (by text)" in week


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("1", Answer.ON_IT),
        ("1.", Answer.ON_IT),
        (" On it! ", Answer.ON_IT),
        ("2", Answer.NEED_HELP),
        ("Need help", Answer.NEED_HELP),
        ("3", Answer.CANT_TODAY),
        ("can't today", Answer.CANT_TODAY),
        ("Can\u2019t today", Answer.CANT_TODAY),
        ("12", None),
        ("see you later", None),
        ("", None),
    ],
)
def test_the_answers_a_text_may_carry(text: str, answer: str | None) -> None:
    assert texts.answer_from_text(text) == answer


def test_a_second_reply_that_day_changes_the_answer_like_a_second_tap(
    twilio: type[FakeTwilio], world: World, open_every_day: None
) -> None:
    by_text(world)
    texts.checkin_texts_queue(today=timezone.localdate())
    reply("1", "SMb1")
    reply("1", "SMb2")  # the same again: nothing changes
    assert CheckIn.objects.get().answer == Answer.ON_IT
    assert AuditEvent.objects.filter(action="studygroup.checkin_text").count() == 1
    reply("3", "SMb3")  # "can't today" after all: today's one row changes
    assert CheckIn.objects.get().answer == Answer.CANT_TODAY
    assert AuditEvent.objects.filter(action="studygroup.checkin_text").count() == 2


def test_texts_it_cannot_read_or_from_numbers_not_texted_go_on_as_before(
    twilio: type[FakeTwilio], world: World, open_every_day: None
) -> None:
    by_text(world)
    # No text sent today yet: an answer is not claimed.
    reply("1", "SMc1")
    assert Inbound.objects.get(external_id="twilio:SMc1").outcome == InboundOutcome.UNMATCHED
    texts.checkin_texts_queue(today=timezone.localdate())
    reply("what time is it tomorrow?", "SMc2")
    assert Inbound.objects.get(external_id="twilio:SMc2").outcome == InboundOutcome.UNMATCHED
    # Another number altogether.
    reply("1", "SMc3", sender="+447700900999")
    assert not CheckIn.objects.exists()


def test_texts_to_a_parents_phone_follow_the_contact_restriction(
    twilio: type[FakeTwilio], world: World, open_every_day: None
) -> None:
    # Piotr may not be contacted about Ada: he cannot be chosen.
    with pytest.raises(Invalid):
        by_text(world, text_to=TextTo.GUARDIAN, guardian_id=world.piotr.pk, mobile="")
    StudyGroup.objects.all().delete()
    by_text(world, text_to=TextTo.GUARDIAN, guardian_id=world.maria.pk, mobile="")
    today = timezone.localdate()
    assert texts.checkin_texts_queue(today=today).queued == 1
    assert Delivery.objects.get().address == "+447700900111"
    # Maria's answer on her phone is Ada's check-in, not a message in a conversation.
    reply("on it", "SMd1", sender="07700 900111")
    assert CheckIn.objects.get().pupil_id == world.ada.pk
    # The next day's text is queued at 6 a.m.; a restriction made before its time: the outbox
    # cancels it unsent (audited), and no text is queued the day after.
    from schoolwindow.people.models import GuardianLink

    assert texts.checkin_texts_queue(today=today + dt.timedelta(days=1)).queued == 1
    GuardianLink.objects.filter(guardian=world.maria, pupil=world.ada).update(
        contact_restricted=True
    )
    Delivery.objects.update(not_before=timezone.now())
    report = outbox_drain(until_idle=True)
    # Today's and tomorrow's texts were both still waiting: neither goes.
    assert report.cancelled == 2 and report.sent == 0
    for cancelled in Delivery.objects.all():
        assert cancelled.status == DeliveryStatus.CANCELLED
        assert cancelled.phone_of_id == world.maria.pk and cancelled.pupil_id == world.ada.pk
    assert AuditEvent.objects.filter(action="messaging.contact_refused").exists()
    result = texts.checkin_texts_queue(today=today + dt.timedelta(days=2))
    assert result.queued == 0 and result.no_number == 1


def test_the_members_choice_is_checked(world: World) -> None:
    group = form_group(world)
    teacher = actor(world, "teacher")
    with pytest.raises(Invalid) as no_number:
        services.member_text_set(
            actor=teacher, group_id=group.pk, pupil_id=world.ada.pk, text_to=TextTo.PUPIL
        )
    assert no_number.value.field == "mobile"
    with pytest.raises(Invalid):
        services.member_text_set(
            actor=teacher,
            group_id=group.pk,
            pupil_id=world.ada.pk,
            text_to=TextTo.PUPIL,
            mobile="12ab",
        )
    with pytest.raises(Invalid):
        services.member_text_set(
            actor=teacher, group_id=group.pk, pupil_id=world.ada.pk, text_to="fax"
        )
    assert not Pupil.objects.get(pk=world.ada.pk).mobile


def test_a_sent_text_is_not_sent_again_after_a_crash(
    twilio: type[FakeTwilio], world: World, open_every_day: None
) -> None:
    """The worker died after claiming the copy: another worker takes it over once the lease
    lapses and sends it once; the job run again meanwhile adds nothing."""
    by_text(world)
    texts.checkin_texts_queue(today=timezone.localdate())
    Delivery.objects.update(
        not_before=timezone.now(),
        status=DeliveryStatus.SENDING,
        claimed_by="gone:1:abc",
        claimed_at=timezone.now() - dt.timedelta(hours=1),
    )
    texts.checkin_texts_queue(today=timezone.localdate())
    assert outbox_drain(until_idle=True).sent == 1
    assert outbox_drain(until_idle=True).sent == 0
    assert len(twilio.requests) == 1
    assert Delivery.objects.get().status == DeliveryStatus.SENT


MEMBER_TEXT = {
    "leader": 200,
    "pastoral": 200,
    "teacher": 200,
    "flo": 200,
    "advocate": 404,
    "office": 404,
    "dsl": 404,
    "trust_officer": 403,
    "parent": 403,
    "pupil": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize("role", list(MEMBER_TEXT))
def test_who_may_choose_how_a_member_checks_in(world: World, role: str) -> None:
    group = form_group(world)
    url = f"/support/groups/{group.pk}/members/{world.ada.pk}/text/"
    assert world.client(role).get(url).status_code == MEMBER_TEXT[role]


def test_the_page_lists_only_contactable_phones_and_saves_twice_as_once(world: World) -> None:
    group = form_group(world)
    client = world.client("teacher")
    url = f"/support/groups/{group.pk}/members/{world.ada.pk}/text/"
    page = client.get(url).content.decode()
    assert "Maria Kowalska" in page and "Piotr" not in page
    bad = client.post(url, {"how": "pupil", "mobile": ""})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    tampered = client.post(url, {"how": f"guardian:{world.piotr.pk}"})
    assert tampered.status_code == 400
    for _ in range(2):
        assert client.post(url, {"how": "pupil", "mobile": ADA_MOBILE}).status_code == 302
    member = group.members.get()
    assert member.text_to == TextTo.PUPIL
    assert AuditEvent.objects.filter(action="studygroup.pupil_mobile").count() == 1
    assert client.post(url, {"how": f"guardian:{world.maria.pk}"}).status_code == 302
    member.refresh_from_db()
    assert (member.text_to, member.text_guardian_id) == (TextTo.GUARDIAN, world.maria.pk)
    group_page = client.get(f"/support/groups/{group.pk}/").content.decode()
    assert "By text to a parent" in group_page and "check-in texts at 16:00" in group_page


def test_a_group_gets_its_text_time_when_formed(world: World) -> None:
    client = world.client("teacher")
    data = {"name": "Late club", "text_at": "17:30", "once": str(uuid.uuid4())}
    assert client.post("/support/groups/new/", data).status_code == 302
    assert StudyGroup.objects.get(name="Late club").text_at == dt.time(17, 30)
    bad = {"name": "Odd club", "text_at": "25:99", "once": str(uuid.uuid4())}
    assert client.post("/support/groups/new/", bad).status_code == 400


def test_a_pupil_not_in_the_group_has_no_such_page(world: World) -> None:
    group = form_group(world)
    url = f"/support/groups/{group.pk}/members/{world.cara.pk}/text/"
    assert world.client("teacher").get(url).status_code == 404
