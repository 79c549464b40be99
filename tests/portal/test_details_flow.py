"""Details families keep up to date, end to end: nothing a parent sends changes a record until
the office accepts it; "nothing has changed" is a confirmation the office sees; a second send
replaces the change still waiting; a double tap or a second tab makes one; a new medical note
alerts the named staff; the reminder shows when a check is due and is quiet otherwise."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.errors import Invalid, NotFound
from schoolwindow.core.panels import PARENT_WAITING, ParentHomeSubject
from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import Guardian, Pupil
from schoolwindow.portal.details import services
from schoolwindow.portal.details.models import (
    ChangeStatus,
    CheckKind,
    DetailsChange,
    DetailsCheck,
    MedicalAlert,
)
from tests.pages.conftest import World
from tests.portal.conftest import client_for
from tests.portal.details_helpers import change_for, form_values, name_alert_staff


def change_url(world: World) -> str:
    return reverse("portal_details:change", kwargs={"pupil_id": world.ada.pk})


def test_nothing_a_parent_sends_changes_a_record_before_the_office_accepts(
    world: World, english: None
) -> None:
    client = client_for(world, "parent")
    sent = form_values(
        world,
        email="new.maria@example.org",
        phone="07700 900222",
        address="2 New Street\nRiverside",
        postcode="rv1 2ab",
        preferred_channel="sms",
        dietary_notes="Vegetarian",
        medical_notes="Asthma: blue inhaler in her bag",
    )
    response = client.post(change_url(world), sent)
    assert response.status_code == 302
    maria = Guardian.objects.get(pk=world.maria.pk)
    ada = Pupil.objects.get(pk=world.ada.pk)
    assert (maria.email, maria.phone, maria.address, maria.postcode) == (
        world.maria.email,
        world.maria.phone,
        world.maria.address,
        world.maria.postcode,
    )
    assert maria.preferred_channel == world.maria.preferred_channel
    assert (ada.dietary_notes, ada.medical_notes) == ("", "")
    waiting = DetailsChange.objects.filter(status=ChangeStatus.WAITING)
    assert waiting.count() == 7
    postcode = waiting.get(field="postcode")
    assert (postcode.old_value, postcode.new_value) == ("", "RV1 2AB")
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for the school" in page
    assert "new.maria@example.org" in page

    office = client_for(world, "office")
    for change in waiting.order_by("id"):
        decided = office.post(
            reverse("portal_details:decide", kwargs={"change_id": change.pk}),
            {"decision": "accept"},
        )
        assert decided.status_code == 302
    maria.refresh_from_db()
    ada.refresh_from_db()
    assert maria.email == "new.maria@example.org"
    assert maria.address == "2 New Street\nRiverside"
    assert maria.preferred_channel == "sms"
    assert ada.medical_notes == "Asthma: blue inhaler in her bag"
    assert AuditEvent.objects.filter(action="details.accepted").count() == 7
    assert AuditEvent.objects.filter(action="guardian.contact_changed").count() == 5
    assert AuditEvent.objects.filter(action="pupil.health_notes_changed").count() == 2
    # The audit log names the fields, never the medical note itself.
    assert not AuditEvent.objects.filter(detail__icontains="inhaler").exists()
    page = client.get(reverse("portal_details:family")).content.decode()
    assert "Updated by the school" in page


def test_a_rejected_change_leaves_the_record_and_tells_the_family_why(
    world: World, english: None
) -> None:
    change = change_for(world, field="email", new="wrong@example.org")
    response = client_for(world, "office").post(
        reverse("portal_details:decide", kwargs={"change_id": change.pk}),
        {"decision": "reject", "reason": "Please ring the office to change your email."},
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeStatus.REJECTED
    assert Guardian.objects.get(pk=world.maria.pk).email == world.maria.email
    page = client_for(world, "parent").get(reverse("portal_details:family")).content.decode()
    assert "Not changed by the school" in page
    assert "Please ring the office to change your email." in page


def test_accepting_twice_is_done_once(world: World, english: None) -> None:
    change = change_for(world)
    url = reverse("portal_details:decide", kwargs={"change_id": change.pk})
    office = client_for(world, "office")
    assert office.post(url, {"decision": "accept"}).status_code == 302
    again = office.post(url, {"decision": "accept"}, follow=True)
    assert "This change was already dealt with." in again.content.decode()
    assert AuditEvent.objects.filter(action="details.accepted").count() == 1


def test_nothing_has_changed_is_a_confirmation_the_office_sees(world: World, english: None) -> None:
    client = client_for(world, "parent")
    url = reverse("portal_details:confirm", kwargs={"pupil_id": world.ada.pk})
    assert client.post(url, {"once": "5b0f9a52-1d1b-4c59-9a43-0d6f4f0d3a11"}).status_code == 302
    # A double tap, and a second tab with its own token: one confirmation today.
    again = client.post(url, {"once": "5b0f9a52-1d1b-4c59-9a43-0d6f4f0d3a11"}, follow=True)
    assert "already have that" in again.content.decode()
    other_tab = client.post(url, {"once": "6c0f9a52-1d1b-4c59-9a43-0d6f4f0d3a11"}, follow=True)
    assert "already have that" in other_tab.content.decode()
    assert DetailsCheck.objects.filter(kind=CheckKind.UNCHANGED).count() == 1
    page = client_for(world, "office").get(reverse("portal_details:checked")).content.decode()
    today = timezone.localdate()
    assert f"confirmed nothing has changed for Ada Kowalska on {today:%-d %B %Y}" in page


def test_the_same_form_unchanged_is_a_confirmation_too(world: World) -> None:
    response = client_for(world, "parent").post(change_url(world), form_values(world))
    assert response.status_code == 302
    assert not DetailsChange.objects.exists()
    assert DetailsCheck.objects.get().kind == CheckKind.UNCHANGED


def test_a_double_tap_sends_one_proposal(world: World, english: None) -> None:
    client = client_for(world, "parent")
    sent = {
        **form_values(world, phone="07700 900444"),
        "once": "7d0f9a52-1d1b-4c59-9a43-0d6f4f0d3a11",
    }
    assert client.post(change_url(world), sent).status_code == 302
    again = client.post(change_url(world), sent, follow=True)
    assert "already sent" in again.content.decode()
    assert DetailsChange.objects.count() == 1


def test_two_tabs_sending_the_same_change_make_one(world: World, english: None) -> None:
    client = client_for(world, "parent")
    for token in ("8e0f9a52-1d1b-4c59-9a43-0d6f4f0d3a11", "9f0f9a52-1d1b-4c59-9a43-0d6f4f0d3a11"):
        sent = {**form_values(world, phone="07700 900444"), "once": token}
        last = client.post(change_url(world), sent, follow=True)
    assert "already sent" in last.content.decode()
    assert DetailsChange.objects.count() == 1


def test_a_second_change_to_the_same_field_replaces_the_waiting_one(
    world: World, english: None
) -> None:
    client = client_for(world, "parent")
    client.post(change_url(world), form_values(world, phone="07700 900444"))
    response = client.post(change_url(world), form_values(world, phone="07700 900555"), follow=True)
    assert "replaces a change you sent earlier" in response.content.decode()
    assert DetailsChange.objects.get(status=ChangeStatus.WAITING).new_value == "07700 900555"
    assert DetailsChange.objects.get(status=ChangeStatus.REPLACED).new_value == "07700 900444"
    # The office, deciding on the replaced one from an old page, is told.
    old = DetailsChange.objects.get(status=ChangeStatus.REPLACED)
    page = client_for(world, "office").post(
        reverse("portal_details:decide", kwargs={"change_id": old.pk}),
        {"decision": "accept"},
        follow=True,
    )
    assert "newer change" in page.content.decode()
    assert Guardian.objects.get(pk=world.maria.pk).phone == world.maria.phone


def test_bad_input_is_named_and_nothing_is_lost(world: World, english: None) -> None:
    response = client_for(world, "parent").post(
        change_url(world), form_values(world, email="not an email", dietary_notes="Halal")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter an email address like name@example.com." in page
    assert "Halal" in page
    assert not DetailsChange.objects.exists()


def test_a_new_medical_note_alerts_the_named_staff(world: World, english: None) -> None:
    name_alert_staff(world, "dsl", "office")
    client_for(world, "parent").post(
        change_url(world), form_values(world, medical_notes="Nut allergy: EpiPen in the office")
    )
    alerts = MedicalAlert.objects.all()
    assert {alert.staff_id for alert in alerts} == {
        world.staff["dsl"].pk,
        world.staff["office"].pk,
    }
    event = AuditEvent.objects.get(action="details.medical_alerted")
    assert event.detail["staff"] == 2
    page = client_for(world, "dsl").get(reverse("portal_details:alerts")).content.decode()
    assert "Nut allergy" in page
    assert (
        "Nut allergy"
        not in client_for(world, "pastoral").get(reverse("portal_details:alerts")).content.decode()
    )
    # A dietary change alone alerts no one.
    client_for(world, "parent").post(change_url(world), form_values(world, dietary_notes="Halal"))
    assert MedicalAlert.objects.count() == 2


def test_only_staff_who_may_see_medical_notes_can_be_named(world: World) -> None:
    leader = actor_for(world.staff["leader"].user)
    with pytest.raises(Invalid, match="medical notes"):
        services.details_settings_update(
            actor=leader,
            school_id=world.oakfield.pk,
            check_every_days=365,
            staff_ids=[world.staff["teacher"].pk],
        )
    chosen = services.details_settings_update(
        actor=leader,
        school_id=world.oakfield.pk,
        check_every_days=180,
        staff_ids=[world.staff["dsl"].pk],
    )
    assert list(chosen.alert_staff.all()) == [world.staff["dsl"]]


def test_medical_notes_on_the_pupil_page_only_for_staff_who_may(world: World) -> None:
    Pupil.objects.filter(pk=world.ada.pk).update(
        dietary_notes="Vegetarian", medical_notes="Asthma inhaler"
    )
    url = reverse("pupil_detail", kwargs={"pupil_id": world.ada.pk})
    assert "Asthma inhaler" in client_for(world, "pastoral").get(url).content.decode()
    teacher_page = client_for(world, "teacher").get(url).content.decode()
    assert "Vegetarian" in teacher_page
    assert "Asthma inhaler" not in teacher_page


def _subject(world: World, today: dt.date) -> ParentHomeSubject:
    children = [world.ada, world.ben]
    return ParentHomeSubject(
        child=world.ada, children=children, guardian_id=world.maria.pk, today=today
    )


def test_check_your_details_shows_when_due_and_is_quiet_otherwise(
    world: World, english: None
) -> None:
    maria = actor_for(world.maria.user)
    today = timezone.localdate()
    items = PARENT_WAITING.items(actor=maria, subject=_subject(world, today))
    assert sorted(str(item.text) for item in items) == [
        "Check your details for Ada Kowalska",
        "Check your details for Ben Kowalski",
    ]
    services.details_confirm(actor=maria, pupil_id=world.ada.pk)
    items = PARENT_WAITING.items(actor=maria, subject=_subject(world, today))
    assert [str(item.text) for item in items] == ["Check your details for Ben Kowalski"]
    # A year later it is due again.
    later = today + dt.timedelta(days=366)
    items = PARENT_WAITING.items(actor=maria, subject=_subject(world, later))
    assert len(items) == 2


def test_the_restricted_guardian_sees_nothing_and_cannot_send(world: World) -> None:
    piotr = actor_for(world.piotr.user)
    with pytest.raises(NotFound):
        services.details_propose(actor=piotr, pupil_id=world.ada.pk, values={"phone": "1"})
    with pytest.raises(NotFound):
        services.details_confirm(actor=piotr, pupil_id=world.ada.pk)
    assert not DetailsCheck.objects.exists()
