"""Consent from both sides: staff send a request (once, however often the form is posted),
parents answer per child under the request's rule, change their answer until the deadline
(audited), the office records an answer given on the phone, reminders are counted and capped,
and the parent's home lists what is waiting."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.panels import PARENT_HOME, PARENT_WAITING, ParentHomeSubject, WaitingItem
from schoolwindow.core.permissions import Actor
from schoolwindow.messaging.models import Message
from schoolwindow.people.actors import actor_for
from schoolwindow.portal.consent import selectors, services
from schoolwindow.portal.consent.models import ConsentAnswer, ConsentReminder, ConsentRequest
from tests.conftest import signed_in_client
from tests.pages.conftest import World
from tests.portal.conftest import client_for
from tests.portal.consent_helpers import answer_url, post_answer, second_parent, trip_for


def ada_status(consent: ConsentRequest) -> str:
    [row] = selectors.status_rows(
        consent, pupil_ids=[consent.pupils.get(pupil__legal_first_name="Adrianna").pupil_id]
    )
    return row.status


# --- Sending a request -------------------------------------------------------------------


def new_form(world: World, **overrides: str) -> dict[str, str]:
    today = timezone.localdate()
    data = {
        "school": str(world.oakfield.pk),
        "title": "Farm visit",
        "description": "A day on the farm. Wellies please.",
        "is_trip": "on",
        "deadline": (today + dt.timedelta(days=5)).isoformat(),
        "event_date": (today + dt.timedelta(days=9)).isoformat(),
        "rule": "one",
        "audience": "group",
        "group": str(world.class_7r.pk),
        "cost": "",
        "payment_link": "",
        "once": str(uuid.uuid4()),
    }
    return data | overrides


def test_a_request_sent_twice_is_one_request(world: World) -> None:
    client = client_for(world, "teacher")
    data = new_form(world)
    first = client.post(reverse("portal_consent:new"), data)
    assert first.status_code == 302
    again = client.post(reverse("portal_consent:new"), data, follow=True)
    assert "already sent" in again.content.decode()
    # A second tab with its own token but the same request: still one.
    client.post(reverse("portal_consent:new"), data | {"once": str(uuid.uuid4())})
    assert ConsentRequest.objects.count() == 1
    consent = ConsentRequest.objects.get()
    assert list(consent.pupils.values_list("pupil_id", flat=True)) == [world.ada.pk]
    assert AuditEvent.objects.filter(action="consent.requested").count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"deadline": "2020-01-01"}, "The deadline must be today or later."),
        ({"cost": "12.50"}, "Add the link to the school&#x27;s payment page"),
        ({"audience": "year", "group": ""}, "Choose a year group."),
        ({"audience": "list"}, "No pupils on roll are in that choice."),
        ({"title": ""}, "This field is required."),
    ],
)
def test_bad_input_is_named_and_nothing_typed_is_lost(
    world: World, overrides: dict[str, str], message: str
) -> None:
    response = client_for(world, "office").post(
        reverse("portal_consent:new"), new_form(world, **overrides)
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "A day on the farm. Wellies please." in page
    assert not ConsentRequest.objects.exists()


def test_chosen_pupils_are_found_by_name_without_javascript(world: World) -> None:
    client = client_for(world, "office")
    data = new_form(world, audience="list", find="Cara", find_pupils="1")
    found = client.post(reverse("portal_consent:new"), data)
    assert found.status_code == 200
    assert f'value="{world.cara.pk}"' in found.content.decode()
    assert "Farm visit" in found.content.decode()
    sent = client.post(
        reverse("portal_consent:new"), new_form(world, audience="list", pupils=str(world.cara.pk))
    )
    assert sent.status_code == 302
    assert list(ConsentRequest.objects.get().pupils.values_list("pupil_id", flat=True)) == [
        world.cara.pk
    ]


# --- Answering ---------------------------------------------------------------------------


def test_one_parent_is_enough_when_the_rule_says_so(world: World) -> None:
    second_parent(world)
    consent = trip_for(world, rule="one")
    assert ada_status(consent) == "waiting"
    assert (
        post_answer(
            client_for(world, "parent"), consent, world.ada.pk, note="Hay fever: tablet at lunch"
        )
        == 302
    )
    assert ada_status(consent) == "given"


def test_every_parent_must_agree_when_the_rule_says_so(world: World) -> None:
    tomasz = second_parent(world)
    consent = trip_for(world, rule="all")
    post_answer(client_for(world, "parent"), consent, world.ada.pk)
    assert ada_status(consent) == "waiting"
    assert tomasz.user is not None
    post_answer(signed_in_client(tomasz.user), consent, world.ada.pk)
    assert ada_status(consent) == "given"


def test_a_refusal_by_any_parent_means_refused(world: World) -> None:
    tomasz = second_parent(world)
    consent = trip_for(world, rule="one")
    post_answer(client_for(world, "parent"), consent, world.ada.pk)
    assert tomasz.user is not None
    post_answer(signed_in_client(tomasz.user), consent, world.ada.pk, "no")
    assert ada_status(consent) == "refused"


def test_the_restricted_father_is_never_counted(world: World) -> None:
    # Piotr (restricted) has parental responsibility, but "every parent" means every parent
    # the school may ask: Maria's yes is enough.
    consent = trip_for(world, rule="all")
    post_answer(client_for(world, "parent"), consent, world.ada.pk)
    assert ada_status(consent) == "given"


def test_posting_twice_and_two_tabs_make_one_answer(world: World) -> None:
    consent = trip_for(world)
    client = client_for(world, "parent")
    token = str(uuid.uuid4())
    assert post_answer(client, consent, world.ada.pk, once=token) == 302
    repeat = client.post(
        answer_url(consent, world.ada.pk),
        {"answer": "no", "version": "0", "once": token},
        follow=True,
    )
    assert "Your answer was already sent." in repeat.content.decode()
    # A second tab drawn before the first answer (version 0) with a fresh token:
    tab = client.post(
        answer_url(consent, world.ada.pk),
        {"answer": "no", "version": "0", "once": str(uuid.uuid4())},
        follow=True,
    )
    assert "You have already answered" in tab.content.decode()
    [answer] = ConsentAnswer.objects.all()
    assert answer.answer == "yes"
    assert AuditEvent.objects.filter(action="consent.answered").count() == 1


def test_an_answer_can_be_changed_until_the_deadline_and_is_audited(world: World) -> None:
    consent = trip_for(world)
    client = client_for(world, "parent")
    post_answer(client, consent, world.ada.pk)
    assert post_answer(client, consent, world.ada.pk, "no", version=1) == 302
    answer = ConsentAnswer.objects.get()
    assert (answer.answer, answer.version) == ("no", 2)
    event = AuditEvent.objects.get(action="consent.changed")
    assert event.detail == {"before": "yes", "after": "no"}
    assert event.pupil_id == world.ada.pk
    ConsentRequest.objects.filter(pk=consent.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    response = client.post(answer_url(consent, world.ada.pk), {"answer": "yes", "version": "2"})
    assert response.status_code == 400
    assert "The deadline has passed" in response.content.decode()
    assert ConsentAnswer.objects.get().answer == "no"


def test_a_bad_answer_is_named(world: World) -> None:
    consent = trip_for(world)
    response = client_for(world, "parent").post(
        answer_url(consent, world.ada.pk), {"answer": "maybe"}
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not ConsentAnswer.objects.exists()


# --- The office --------------------------------------------------------------------------


def test_the_office_records_consent_given_on_the_phone(world: World) -> None:
    consent = trip_for(world)
    url = reverse(
        "portal_consent:pupil", kwargs={"request_id": consent.pk, "pupil_id": world.ada.pk}
    )
    client = client_for(world, "office")
    page = client.get(url).content.decode()
    assert "Maria" in page and "Piotr" not in page  # the restricted father is never offered
    data = {
        "phone": "1",
        "guardian": str(world.maria.pk),
        "answer": "yes",
        "spoken_at": "2026-01-05T09:15",
        "note": "Bring her inhaler",
        "once": str(uuid.uuid4()),
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data, follow=True).status_code == 200  # the repeat: already done
    answer = ConsentAnswer.objects.get()
    assert answer.by_phone and answer.recorded_by == world.staff["office"].user
    assert answer.answered_at.date() == dt.date(2026, 1, 5)
    event = AuditEvent.objects.get(action="consent.phoned")
    assert event.detail["guardian_id"] == world.maria.pk
    assert event.actor_id == world.staff["office"].user_id
    assert ada_status(consent) == "given"
    # Piotr may not be recorded, even by hand.
    piotr = client.post(url, data | {"guardian": str(world.piotr.pk), "once": str(uuid.uuid4())})
    assert piotr.status_code == 400
    # A teacher may see the page but not record.
    assert (
        client_for(world, "teacher").post(url, data | {"once": str(uuid.uuid4())}).status_code
        == 403
    )


def test_the_trip_list_shows_notes_and_a_number_to_call(world: World) -> None:
    consent = trip_for(world)
    post_answer(client_for(world, "parent"), consent, world.ada.pk, note="Allergic to nuts")
    page = (
        client_for(world, "teacher")
        .get(reverse("portal_consent:day", kwargs={"request_id": consent.pk}))
        .content.decode()
    )
    assert "Allergic to nuts" in page
    assert world.maria.phone in page
    assert world.piotr.phone not in page  # never the restricted father's number
    assert "consent-print.css" in page


# --- Reminders ---------------------------------------------------------------------------


def test_reminders_are_counted_and_capped(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    consent = trip_for(world)
    office = actor_for(world.staff["office"].user)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.consent_remind(actor=office, request_id=consent.pk, today=today)
    # Maria (Ada) and Carol (Cara) have not answered; Piotr is never written to.
    assert (first.sent, first.today, first.capped) == (2, 0, 0)
    same_day = services.consent_remind(actor=office, request_id=consent.pk, today=today)
    assert (same_day.sent, same_day.today) == (0, 2)
    for later in (1, 2):
        with django_capture_on_commit_callbacks(execute=True):
            services.consent_remind(
                actor=office, request_id=consent.pk, today=today + dt.timedelta(days=later)
            )
    capped = services.consent_remind(
        actor=office, request_id=consent.pk, today=today + dt.timedelta(days=3)
    )
    assert (capped.sent, capped.capped) == (0, 2)
    assert ConsentReminder.objects.count() == 6
    assert Message.objects.filter(conversation__subject__startswith="Reminder").count() == 6
    assert not ConsentReminder.objects.filter(queued_at=None).exists()
    assert not ConsentReminder.objects.filter(guardian=world.piotr).exists()


def test_a_family_who_answered_is_not_reminded_and_the_page_says_how_many(
    world: World,
) -> None:
    consent = trip_for(world)
    post_answer(client_for(world, "parent"), consent, world.ada.pk)
    response = client_for(world, "office").post(
        reverse("portal_consent:remind", kwargs={"request_id": consent.pk}), follow=True
    )
    assert "Families who get a reminder now: 1." in response.content.decode()
    assert list(ConsentReminder.objects.values_list("guardian_id", flat=True)) == [
        world.cara_parent.pk
    ]


# --- The parent's home -------------------------------------------------------------------


def subject_for(world: World) -> ParentHomeSubject:
    return ParentHomeSubject(
        child=world.ada,
        children=[world.ada, world.ben],
        guardian_id=world.maria.pk,
        today=timezone.localdate(),
    )


def consent_waiting(actor: Actor, world: World) -> list[WaitingItem]:
    """This app's things waiting (other apps add theirs to the same list)."""
    items = PARENT_WAITING.items(actor=actor, subject=subject_for(world))
    return [item for item in items if "/portal/consent/" in item.url]


def test_the_parent_home_lists_the_consent_waiting(world: World) -> None:
    consent = trip_for(world)
    maria = actor_for(world.maria.user)
    [item] = consent_waiting(maria, world)
    assert "Trip to the Science Museum" in str(item.text)
    assert item.url == answer_url(consent, world.ada.pk)
    assert item.due == consent.deadline
    [section] = [
        p
        for p in PARENT_HOME.shown(actor=maria, subject=subject_for(world), mode="guardian")
        if p.name == "consent"
    ]
    assert section.context["consent_items"][0].request == consent
    post_answer(client_for(world, "parent"), consent, world.ada.pk)
    assert consent_waiting(maria, world) == []


def test_a_family_who_answers_before_the_task_runs_gets_nothing(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    consent = trip_for(world)
    office = actor_for(world.staff["office"].user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.consent_remind(actor=office, request_id=consent.pk)
    post_answer(client_for(world, "parent"), consent, world.ada.pk)
    for callback in callbacks:
        callback()
    assert Message.objects.filter(conversation__subject__startswith="Reminder").count() == 1
    # Run again (a retried task): nothing more is queued.
    assert services.consent_reminders_send(request_id=consent.pk, sent_on=timezone.localdate()) == 0


def test_the_audit_log_tells_the_story_in_sentences(world: World, english: None) -> None:
    consent = trip_for(world)
    client = client_for(world, "parent")
    post_answer(client, consent, world.ada.pk)
    post_answer(client, consent, world.ada.pk, "no", version=1)
    office = actor_for(world.staff["office"].user)
    services.consent_paid_set(actor=office, request_id=consent.pk, pupil_id=world.ada.pk, paid=True)
    services.consent_remind(actor=office, request_id=consent.pk)
    log = client_for(world, "dsl").get("/audit/").content.decode()
    assert "asked families about “Trip to the Science Museum” (pupils: 2)" in log
    assert "answered yes for Ada Kowalska" in log
    assert "changed their answer for Ada Kowalska to no" in log
    assert "recorded that Ada Kowalska&#x27;s place is paid" in log
    assert "reminded families about consent (messages sent: 1)" in log
