"""Lending, agreements, returns, charges and reminders: each service checks, locks and audits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.errors import Invalid, NotFound, Refused
from schoolwindow.core.once import AlreadyDone
from schoolwindow.messaging.models import Conversation, Message
from schoolwindow.support.loans import jobs, services
from schoolwindow.support.loans.models import ItemEvent, ItemStatus, Loan
from tests.pages.conftest import World
from tests.support.conftest import item_add, lend, parent_actor, staff_actor


def test_an_item_is_never_on_two_open_loans_in_the_database(world: World) -> None:
    item = item_add(world)
    now = timezone.now()
    fields = dict(
        school=world.oakfield, item=item, lent_at=now, due_on=now.date(), condition_out="good"
    )
    Loan.objects.create(pupil=world.ada, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.create(pupil=world.cara, **fields)
    # Returned loans do not count: the item can be lent again after it came back.
    Loan.objects.filter(item=item).update(returned_at=now)
    Loan.objects.create(pupil=world.cara, **fields)
    assert Loan.objects.filter(item=item).count() == 2


def test_lending_writes_the_loan_the_history_the_audit_and_asks_the_family(world: World) -> None:
    item = item_add(world)
    loan = lend(world, item)
    item.refresh_from_db()
    assert item.status == ItemStatus.ON_LOAN
    assert "safe" in loan.agreement_text.lower()  # the default carries safe-internet guidance
    assert AuditEvent.objects.filter(action="loans.lent", object_id=str(loan.pk)).count() == 1
    assert ItemEvent.objects.filter(item=item, kind="lent", pupil=world.ada).exists()
    message = Message.objects.get(conversation__pupil=world.ada)
    assert f"/loans/mine/{loan.pk}/" in message.body
    assert loan.agreement_reminded_at is not None


def test_a_second_lender_is_told_who_has_it(world: World) -> None:
    item = item_add(world)
    lend(world, item)
    with pytest.raises(services.AlreadyLent) as refused:
        lend(world, item, pupil=world.cara, role="leader")
    assert str(refused.value) == "This laptop was lent to Ada Kowalska a moment ago."
    assert Loan.objects.filter(item=item).count() == 1


def test_the_database_refuses_what_slips_past_the_status_check(world: World) -> None:
    """The IntegrityError path: an open loan the item's status does not know about."""
    item = item_add(world)
    Loan.objects.create(
        school=world.oakfield,
        item=item,
        pupil=world.cara,
        lent_at=timezone.now(),
        due_on=timezone.localdate(),
        condition_out="good",
    )
    with pytest.raises(services.AlreadyLent) as refused:
        lend(world, item)
    assert "Cara Jones" in str(refused.value)
    assert Loan.objects.filter(item=item).count() == 1
    assert not AuditEvent.objects.filter(action="loans.lent").exists()


def test_only_lending_staff_may_lend_and_only_pupils_they_see(world: World) -> None:
    item = item_add(world)
    with pytest.raises(NotFound):
        lend(world, item, role="teacher")
    with pytest.raises(NotFound):
        lend(world, item, pupil=world.outsider)


def test_a_parent_accepts_with_a_typed_name_recorded_exactly(world: World) -> None:
    loan = lend(world, item_add(world))
    parent = parent_actor(world)
    with pytest.raises(Invalid) as empty:
        services.loan_agreement_accept(actor=parent, loan_id=loan.pk, typed_name=" ", agreed=True)
    assert empty.value.field == "typed_name"
    with pytest.raises(Invalid) as other:
        services.loan_agreement_accept(
            actor=parent, loan_id=loan.pk, typed_name="Mickey Mouse", agreed=True
        )
    assert "Maria Kowalska" in str(other.value)
    with pytest.raises(Invalid):
        services.loan_agreement_accept(
            actor=parent, loan_id=loan.pk, typed_name="Maria Kowalska", agreed=False
        )
    services.loan_agreement_accept(
        actor=parent, loan_id=loan.pk, typed_name="maria KOWALSKA", agreed=True
    )
    loan.refresh_from_db()
    assert loan.accepted_name == "maria KOWALSKA"
    assert loan.accepted_by == world.maria
    event = AuditEvent.objects.get(action="loans.agreement_accepted")
    assert event.detail["typed_name"] == "maria KOWALSKA"
    assert event.detail["version"] == 0 and len(event.detail["text_sha256"]) == 64
    with pytest.raises(AlreadyDone):
        services.loan_agreement_accept(
            actor=parent, loan_id=loan.pk, typed_name="Maria", agreed=True
        )


def test_another_parent_cannot_see_or_accept(world: World) -> None:
    from schoolwindow.people.actors import actor_for

    loan = lend(world, item_add(world))
    with pytest.raises(NotFound):
        services.loan_agreement_accept(
            actor=actor_for(world.cara_parent.user),
            loan_id=loan.pk,
            typed_name="Carol Jones",
            agreed=True,
        )


def test_paper_agreement_is_recorded_once(world: World) -> None:
    loan = lend(world, item_add(world))
    services.loan_agreement_paper(
        actor=staff_actor(world), loan_id=loan.pk, signed_on=timezone.localdate()
    )
    loan.refresh_from_db()
    assert loan.paper_signed_on == timezone.localdate()
    with pytest.raises(AlreadyDone):
        services.loan_agreement_paper(
            actor=staff_actor(world), loan_id=loan.pk, signed_on=timezone.localdate()
        )


def test_reminders_are_counted_and_capped(world: World) -> None:
    loan = lend(world, item_add(world))
    # The hand-over message was just sent: a reminder now is too soon.
    with pytest.raises(Invalid):
        services.loan_agreement_remind(actor=staff_actor(world), loan_id=loan.pk)
    Loan.objects.filter(pk=loan.pk).update(
        agreement_reminded_at=timezone.now() - dt.timedelta(days=services.REMINDER_GAP_DAYS)
    )
    services.loan_agreement_remind(actor=staff_actor(world), loan_id=loan.pk)
    loan.refresh_from_db()
    assert loan.agreement_reminders == 1
    with pytest.raises(Invalid):
        services.loan_agreement_remind(actor=staff_actor(world), loan_id=loan.pk)
    assert AuditEvent.objects.filter(action="loans.agreement_reminded").count() == 1


def test_damage_is_told_to_the_family_as_a_conversation(world: World) -> None:
    item = item_add(world)
    loan = lend(world, item)
    services.loan_return(
        actor=staff_actor(world), loan_id=loan.pk, condition="damaged", notes="Cracked screen."
    )
    loan.refresh_from_db()
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_REPAIR and item.condition == "damaged"
    assert loan.damage_conversation_id is not None
    conversation = Conversation.objects.get(pk=loan.damage_conversation_id)
    assert conversation.pupil_id == world.ada.pk
    assert "Cracked screen." in conversation.messages.get().body
    with pytest.raises(AlreadyDone):
        services.loan_return(actor=staff_actor(world), loan_id=loan.pk, condition="good")


def test_a_disadvantaged_family_is_not_charged_unless_a_leader_overrides(world: World) -> None:
    loan = lend(world, item_add(world))
    services.loan_return(actor=staff_actor(world), loan_id=loan.pk, condition="broken")
    with pytest.raises(Refused):
        services.loan_charge_set(actor=staff_actor(world), loan_id=loan.pk, pence=5000)
    leader = staff_actor(world, "leader")
    with pytest.raises(Invalid):
        services.loan_charge_set(actor=leader, loan_id=loan.pk, pence=5000)
    services.loan_charge_set(
        actor=leader, loan_id=loan.pk, pence=5000, override_reason="Deliberate, agreed with mum"
    )
    event = AuditEvent.objects.get(action="loans.charge_override")
    assert event.detail == {"pence": 5000, "reason": "Deliberate, agreed with mum"}


def test_another_family_may_be_charged_without_override(world: World) -> None:
    loan = lend(world, item_add(world), pupil=world.cara)
    services.loan_return(actor=staff_actor(world), loan_id=loan.pk, condition="damaged")
    services.loan_charge_set(actor=staff_actor(world), loan_id=loan.pk, pence=1500)
    assert AuditEvent.objects.filter(action="loans.charge").count() == 1


def test_the_daily_job_reminds_overdue_loans_as_the_system(world: World) -> None:
    loan = lend(world, item_add(world))
    Loan.objects.filter(pk=loan.pk).update(
        due_on=timezone.localdate() - dt.timedelta(days=2),
        accepted_at=timezone.now(),
    )
    result = jobs.loans_daily()
    assert result.overdue_sent == 1
    event = AuditEvent.objects.get(action="loans.overdue_reminded")
    assert event.actor_label == "system (daily loans job)"
    # The next day: capped.
    assert jobs.loans_daily(today=timezone.localdate() + dt.timedelta(days=1)).overdue_sent == 0
    later = timezone.localdate() + dt.timedelta(days=services.REMINDER_GAP_DAYS)
    assert jobs.loans_daily(today=later).overdue_sent == 1


def test_the_daily_job_reminds_unsigned_agreements_capped_and_skips_leavers(world: World) -> None:
    loan = lend(world, item_add(world))
    gap = dt.timedelta(days=services.REMINDER_GAP_DAYS)
    assert jobs.loans_daily().agreement_sent == 0  # the hand-over message went today
    for n in range(1, jobs.MAX_AUTOMATIC + 2):
        Loan.objects.filter(pk=loan.pk).update(agreement_reminded_at=timezone.now() - gap)
        jobs.loans_daily()
        loan.refresh_from_db()
        assert loan.agreement_reminders == min(n, jobs.MAX_AUTOMATIC)
    assert (
        AuditEvent.objects.filter(
            action="loans.agreement_reminded", actor_label="system (daily loans job)"
        ).count()
        == jobs.MAX_AUTOMATIC
    )
    # The lender has left: the family is not written to in their name.
    other = lend(world, item_add(world, "SW-0009"), pupil=world.cara)
    Loan.objects.filter(pk=other.pk).update(agreement_reminded_at=timezone.now() - gap)
    world.staff["office"].active = False
    world.staff["office"].save(update_fields=["active"])
    assert jobs.loans_daily().skipped >= 1
