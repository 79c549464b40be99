"""Weekly summaries: prepared as a draft batch, previewed, edited and approved by a named person
before anything is sent; worded without blame; families can opt out."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.scheduler import JOBS
from schoolwindow.engagement.models import (
    AttendanceMark,
    Homework,
    HomeworkStatus,
    HomeworkSubmission,
)
from schoolwindow.messaging.models import (
    Conversation,
    ConversationKind,
    Delivery,
    Message,
    MessagingSettings,
    Nudge,
    NudgeBatch,
    NudgeBatchStatus,
)
from schoolwindow.messaging.summaries.services import (
    nudge_edit,
    nudges_approve,
    nudges_prepare,
    nudges_prepare_task,
)
from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import Enrolment, Guardian, Pupil
from tests.conftest import signed_in_client
from tests.factories import PupilFactory, guardian_of
from tests.world import World, build_world

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 16)
BLAME_WORDS = ("fail", "poor", "must", "unacceptable", "truan", "lazy", "fault", "disappoint")


@pytest.fixture
def world() -> World:
    w = build_world()
    MessagingSettings.objects.create(
        school=w.secondary, quiet_from=dt.time(23, 59), quiet_until=dt.time(0, 0)
    )
    return w


def mark_week(pupil, absent: int = 0) -> None:
    """Ten sessions Monday to Friday, the last `absent` of them authorised absences."""
    marks = []
    n = 0
    for day in range(5):
        for session in ("AM", "PM"):
            n += 1
            away = n > 10 - absent
            marks.append(
                AttendanceMark(
                    school_id=pupil.school_id,
                    pupil=pupil,
                    date=MONDAY + dt.timedelta(days=day),
                    session=session,
                    code="I" if away else "/",
                    category="authorised" if away else "present",
                )
            )
    AttendanceMark.objects.bulk_create(marks)


@pytest.fixture
def week(world: World) -> list[Pupil]:
    """Kacper missed two sessions and a piece of homework; his classmates were all in."""
    mates = []
    for n in range(3):
        mate = PupilFactory(
            school=world.secondary, legal_first_name=f"Mate{n}", year_group=world.year7
        )
        Enrolment.objects.create(school=world.secondary, group=world.tutor_group, pupil=mate)
        guardian_of(mate, first_name=f"Carer{n}", with_login=False)
        mark_week(mate)
        mates.append(mate)
    mark_week(world.pupil, absent=2)
    essay = Homework.objects.create(
        school=world.secondary,
        group=world.tutor_group,
        title="Volcano poster",
        subject="Geography",
        set_on=MONDAY - dt.timedelta(days=7),
        due_on=MONDAY + dt.timedelta(days=2),
        source_id="hw-1",
    )
    HomeworkSubmission.objects.create(
        school=world.secondary, homework=essay, pupil=world.pupil, status=HomeworkStatus.MISSING
    )
    for mate in mates:
        HomeworkSubmission.objects.create(
            school=world.secondary, homework=essay, pupil=mate, status=HomeworkStatus.ON_TIME
        )
    Homework.objects.create(
        school=world.secondary,
        group=world.tutor_group,
        title="Fractions worksheet",
        subject="Maths",
        set_on=MONDAY,
        due_on=MONDAY + dt.timedelta(days=8),
        source_id="hw-2",
    )
    return mates


def test_prepare_writes_a_factual_kind_summary_and_sends_nothing(world: World, week) -> None:
    batch = nudges_prepare(world.secondary.pk, MONDAY + dt.timedelta(days=4))
    assert batch.week_starting == MONDAY
    assert batch.status == NudgeBatchStatus.DRAFT
    nudge = Nudge.objects.get(batch=batch, pupil=world.pupil)
    assert nudge.guardian_id == world.parent.pk
    body = nudge.body
    assert "This week Kacper was in school for 8 of 10 sessions." in body
    assert "Most of Kacper's class were in for all 10." in body
    assert "One piece of homework has not been handed in yet: Geography: Volcano poster." in body
    assert "Coming up next week: Maths: Fractions worksheet (due Tuesday 24 November)." in body
    assert "just reply — we are here to help" in body
    for nudge_body in Nudge.objects.values_list("body", flat=True):
        lowered = nudge_body.lower()
        for word in BLAME_WORDS:
            assert word not in lowered, (word, nudge_body)
    assert nudge.facts["sessions_present"] == 8
    # Nothing is sent before approval.
    assert not Message.objects.exists()
    assert not Delivery.objects.exists()


def test_restricted_opted_out_and_nothing_to_report_are_skipped(world: World, week) -> None:
    opted_out = Guardian.objects.get(first_name="Carer0")
    opted_out.nudges_opt_out = True
    opted_out.save()
    batch = nudges_prepare(world.secondary.pk, MONDAY)
    guardians = set(Nudge.objects.filter(batch=batch).values_list("guardian_id", flat=True))
    assert world.parent.pk in guardians
    assert world.restricted.pk not in guardians  # under a contact restriction
    assert opted_out.pk not in guardians
    # Ava had nothing this week (no marks, no homework): her family gets nothing.
    assert not Nudge.objects.filter(pupil=world.stranger).exists()
    # Classmates with full attendance still hear about next week's homework.
    assert Nudge.objects.filter(pupil=week[1]).exists()
    mate_body = Nudge.objects.get(pupil=week[1]).body
    assert "was in school for all 10 sessions" in mate_body


def test_prepare_is_idempotent_for_the_week_and_keeps_edits(world: World, week) -> None:
    batch = nudges_prepare(world.secondary.pk, MONDAY)
    count = Nudge.objects.filter(batch=batch).count()
    nudge = Nudge.objects.get(batch=batch, pupil=world.pupil)
    nudge_edit(
        actor=actor_for(world.staff["leader"].user),
        batch=batch,
        edits={nudge.pk: ("Kacper had a good week overall. Do get in touch.", False)},
    )
    again = nudges_prepare(world.secondary.pk, MONDAY + dt.timedelta(days=3))
    assert again.pk == batch.pk
    assert NudgeBatch.objects.count() == 1
    assert Nudge.objects.filter(batch=batch).count() == count
    nudge.refresh_from_db()
    assert nudge.edited and nudge.body.startswith("Kacper had a good week")


def test_the_approver_previews_edits_skips_and_approves_and_it_is_audited(
    world: World,
    week,
) -> None:
    MessagingSettings.objects.filter(school=world.secondary).update(
        nudge_approver=world.staff["pastoral"]
    )
    batch = nudges_prepare(world.secondary.pk, MONDAY)
    nudges = {n.pupil_id: n for n in Nudge.objects.filter(batch=batch)}
    url = reverse("families:nudge_batch", kwargs={"batch_id": batch.pk})
    approver = signed_in_client(world.staff["pastoral"].user)
    page = approver.get(url)
    assert page.status_code == 200
    assert "8 of 10 sessions" in page.content.decode()
    # A leader who is not the named approver may look, but not approve.
    leader = signed_in_client(world.staff["leader"].user)
    assert leader.get(url).status_code == 200
    assert leader.post(url, {"action": "approve"}).status_code == 403
    with pytest.raises(PermissionDenied):
        nudges_approve(actor=actor_for(world.staff["leader"].user), batch=batch)
    assert not Message.objects.exists()

    kacper = nudges[world.pupil.pk]
    skipped = nudges[week[0].pk]
    form = {"nudge": [str(n.pk) for n in nudges.values()], "action": "approve"}
    for nudge in nudges.values():
        form[f"body-{nudge.pk}"] = nudge.body
    form[f"body-{kacper.pk}"] = (
        "Kacper was in for 8 of 10 sessions this week. Just reply if we can help."
    )
    form[f"skip-{skipped.pk}"] = "on"
    response = approver.post(url, form)
    assert response.status_code == 302

    batch.refresh_from_db()
    assert batch.status == NudgeBatchStatus.APPROVED
    assert batch.approved_by_id == world.staff["pastoral"].pk
    sent = Conversation.objects.filter(kind=ConversationKind.NUDGE)
    assert sent.count() == len(nudges) - 1
    assert not Conversation.objects.filter(pupil=week[0]).exists()
    message = Message.objects.get(conversation__pupil=world.pupil)
    assert message.body.startswith("Kacper was in for 8 of 10")
    copy = Delivery.objects.get(message=message)
    assert copy.guardian_id == world.parent.pk
    # Each copy carries its own opt-out link, in the family's language where we have it.
    assert reverse("families:nudges_stop", kwargs={"token": copy.reply_token}) in copy.body
    event = AuditEvent.objects.get(action="messaging.nudges_approved")
    assert event.detail == {"sent": len(nudges) - 1, "skipped": 1, "not_sent": 0, "held": 0}
    assert event.object_id == str(batch.pk)
    # Approving twice sends nothing more.
    approver.post(url, {"action": "approve"})
    assert Conversation.objects.filter(kind=ConversationKind.NUDGE).count() == len(nudges) - 1


def test_a_family_that_opts_out_after_preparation_gets_nothing(world: World, week) -> None:
    batch = nudges_prepare(world.secondary.pk, MONDAY)
    Guardian.objects.filter(pk=world.parent.pk).update(nudges_opt_out=True)
    result = nudges_approve(actor=actor_for(world.staff["leader"].user), batch=batch)
    assert result.not_sent == 1
    assert not Delivery.objects.filter(guardian=world.parent).exists()


def test_the_opt_out_link_works_without_signing_in(world: World, week) -> None:
    batch = nudges_prepare(world.secondary.pk, MONDAY)
    nudges_approve(actor=actor_for(world.staff["leader"].user), batch=batch)
    copy = Delivery.objects.get(guardian=world.parent)
    link = re.search(r"/families/nudges/stop/[^/\s]+/", copy.body)
    assert link is not None
    from django.test import Client

    anonymous = Client()
    page = anonymous.get(link.group(0))
    assert page.status_code == 200
    world.parent.refresh_from_db()
    assert not world.parent.nudges_opt_out  # opening the link changes nothing
    anonymous.post(link.group(0))
    world.parent.refresh_from_db()
    assert world.parent.nudges_opt_out
    assert anonymous.get("/families/nudges/stop/not-a-token/").status_code == 404
    # The token of an ordinary message's copy is not an opt-out key.
    from schoolwindow.messaging.conversations.services import conversation_start

    conversation_start(
        actor=actor_for(world.staff["leader"].user),
        school_id=world.secondary.pk,
        pupil_id=world.stranger.pk,
        guardian_ids=list(world.stranger.guardian_links.values_list("guardian_id", flat=True))
        or [guardian_of(world.stranger, with_login=False).pk],
        subject="Hello",
        body="A note.",
    )
    ordinary = Delivery.objects.exclude(message__conversation__kind=ConversationKind.NUDGE).get()
    assert anonymous.get(f"/families/nudges/stop/{ordinary.reply_token}/").status_code == 404


def test_a_signed_in_parent_turns_summaries_off_and_on(world: World) -> None:
    client = signed_in_client(world.parent.user)
    url = reverse("families:nudges_opt_out")
    assert client.get(url).status_code == 200
    client.post(url, {"summaries": "off"})
    world.parent.refresh_from_db()
    assert world.parent.nudges_opt_out
    client.post(url, {"summaries": "on"})
    world.parent.refresh_from_db()
    assert not world.parent.nudges_opt_out


def test_the_friday_job_prepares_batches(world: World, week) -> None:
    job = next(job for job in JOBS if job.name == "messaging-nudges-prepare")
    assert job.weekday == 4 and job.at == dt.time(12, 0)
    assert nudges_prepare_task.call("2026-11-20") >= 1
    assert NudgeBatch.objects.get(school=world.secondary).week_starting == MONDAY
    assert not Message.objects.exists()


def test_a_parent_finds_the_weekly_summary_choice_in_their_account(world: World) -> None:
    parent = signed_in_client(world.parent.user)
    account = parent.get(reverse("account")).content.decode()
    opt_out = reverse("families:nudges_opt_out")
    assert f'href="{opt_out}"' in account
    parent.post(opt_out, {"summaries": "off"})
    world.parent.refresh_from_db()
    assert world.parent.nudges_opt_out
    # Staff have no weekly-summary choice on their account page.
    staff = signed_in_client(world.staff["teacher"].user).get(reverse("account"))
    assert opt_out not in staff.content.decode()
