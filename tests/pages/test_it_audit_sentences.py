"""The audit log reads in plain words, filters by pupil and kind, and is in the DSL's menu."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse_lazy

from schoolwindow.audit.models import AuditEvent
from schoolwindow.audit.services import audit_record
from schoolwindow.engagement.models import Flag
from schoolwindow.people.actors import actor_for
from tests.factories import PASSWORD
from tests.pages.conftest import STAFF_ROLES, World

URL = reverse_lazy("audit_log")
MENU_LINK = f'<li><a href="{URL}">Audit log</a></li>'


def named(world: World, role: str, title: str, last_name: str) -> None:
    staff = world.staff[role]
    staff.title, staff.last_name = title, last_name
    staff.save(update_fields=["title", "last_name"])


def sentences(client: Client, **params: str) -> list[str]:
    return [row.sentence for row in client.get(URL, params).context["rows"]]


def test_events_read_as_sentences(world: World) -> None:
    named(world, "pastoral", "Ms", "Sharma")
    named(world, "advocate", "Mr", "Campbell")
    flag = Flag.objects.create(
        school=world.oakfield,
        pupil=world.ada,
        opened_on=dt.date(2025, 10, 1),
        last_evaluated_on=dt.date(2025, 10, 1),
    )
    audit_record(
        actor=actor_for(world.staff["pastoral"].user),
        action="flag.assigned",
        target=flag,
        detail={"staff_id": world.staff["advocate"].pk},
    )
    advocate = world.staff["advocate"].user
    assert advocate is not None
    Client().post("/login/", {"username": advocate.username, "password": "wrong one"})
    audit_record(actor=actor_for(advocate), action="account.signed_in", target=advocate)
    text = sentences(world.client("dsl"))
    assert "Ms Sharma assigned Ada Kowalska's flag to Mr Campbell" in text
    assert "Mr Campbell signed in" in text
    assert f"Sign-in failed for username {advocate.username}" in text
    assert PASSWORD not in str(text)


def test_failed_tries_are_counted_in_words(world: World, settings) -> None:
    settings.AXES_ENABLED = True
    teacher = world.staff["teacher"].user
    assert teacher is not None
    for _ in range(2):
        Client().post("/login/", {"username": teacher.username, "password": "wrong one"})
    text = sentences(world.client("dsl"), action="account.sign_in_failed")
    assert text == [
        f"Sign-in failed for username {teacher.username} (2nd try)",
        f"Sign-in failed for username {teacher.username} (1st try)",
    ]


def test_sentences_are_in_polish(world: World) -> None:
    named(world, "advocate", "Mr", "Campbell")
    advocate = world.staff["advocate"].user
    assert advocate is not None
    audit_record(actor=actor_for(advocate), action="account.signed_in", target=advocate)
    client = world.client("dsl")
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Mr Campbell loguje się" in html


def test_a_page_of_sentences_costs_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries
) -> None:
    flag = Flag.objects.create(
        school=world.oakfield,
        pupil=world.ada,
        opened_on=dt.date(2025, 10, 1),
        last_evaluated_on=dt.date(2025, 10, 1),
    )
    pastoral = actor_for(world.staff["pastoral"].user)
    for _ in range(40):
        audit_record(
            actor=pastoral,
            action="flag.assigned",
            target=flag,
            detail={"staff_id": world.staff["advocate"].pk},
        )
        audit_record(actor=pastoral, action="pupil.viewed", target=world.cara)
    client = world.client("dsl")
    client.get(URL)
    with django_assert_max_num_queries(16):
        client.get(URL)


def test_filter_by_pupil_and_by_kind(world: World) -> None:
    office = actor_for(world.staff["office"].user)
    audit_record(actor=office, action="pupil.viewed", target=world.ada)
    audit_record(actor=office, action="pupil.viewed", target=world.cara)
    audit_record(actor=office, action="safeguarding.viewed", target=world.ada)
    client = world.client("dsl")
    about_ada = sentences(client, pupil="Ada")
    assert len(about_ada) == 2 and all("Ada Kowalska" in s for s in about_ada)
    assert len(sentences(client, pupil="Ada", action="safeguarding.viewed")) == 1
    assert sentences(client, pupil="Olly") == []  # a pupil of another school finds nothing
    kinds = dict(client.get(URL).context["kinds"])
    assert kinds["account.sign_in_failed"] == "Sign-in failed"


def test_staff_sign_ins_of_other_schools_stay_out_of_sight(world: World) -> None:
    from tests.factories import staff_member

    stranger = staff_member(world.elsewhere, "teacher").user
    audit_record(actor=actor_for(stranger), action="account.signed_in", target=stranger)
    assert sentences(world.client("dsl")) == []


@pytest.mark.parametrize("role", [*STAFF_ROLES, "trust_officer", "parent", "pupil"])
def test_only_the_dsl_has_the_audit_log_in_their_menu(world: World, role: str) -> None:
    html = world.client(role).get("/account/").content.decode()
    assert (MENU_LINK in html) == (role == "dsl")


def test_an_event_kind_nobody_describes_still_reads(world: World) -> None:
    AuditEvent.objects.create(
        school=world.oakfield, actor_label="Sam Office", action="something.new", object_label="X"
    )
    assert sentences(world.client("dsl")) == ["Sam Office — something: new — X"]
