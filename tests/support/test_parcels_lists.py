"""Changing and retiring a packing list: who may, a bad line named by its number with nothing
written, a retired list not offered for new requests, parcels already asked for unchanged, and
each change audited."""

from __future__ import annotations

import pytest

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.errors import Invalid, NotFound, Refused
from schoolwindow.support.parcels import selectors, services
from schoolwindow.support.parcels.models import PackingList
from tests.pages.conftest import ALL_ROLES, World
from tests.support.conftest import actor
from tests.support.test_parcels import ask, expected, packing_list

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def edit_url(packing: PackingList) -> str:
    return f"/support/parcels/lists/{packing.pk}/"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_may_open_the_edit_page(world: World, role: str) -> None:
    packing = packing_list(world)
    assert world.client(role).get(edit_url(packing)).status_code == expected(role)


@pytest.mark.parametrize("role", ["teacher", "advocate", "dsl", "parent", "pupil"])
def test_who_may_not_change_a_list(world: World, role: str) -> None:
    packing = packing_list(world)
    page = world.client(role).post(
        edit_url(packing), {"name": "Taken over", "items": "Sweets", "active": "on"}
    )
    assert page.status_code in (403, 404)
    packing.refresh_from_db()
    assert packing.name == "Food parcel - family of 4"


def test_another_schools_staff_do_not_find_the_list(world: World) -> None:
    from tests.conftest import signed_in_client
    from tests.factories import staff_member

    other = staff_member(world.brookside, "office")
    client = signed_in_client(other.user)
    assert client.get(edit_url(packing_list(world))).status_code == 404


def test_the_form_shows_the_list_and_saves_changes(world: World) -> None:
    packing = packing_list(world)
    client = world.client("office")
    page = client.get(edit_url(packing)).content.decode()
    assert "2 x Pasta 500g\nTinned tomatoes\n3 x Rice 1kg" in page
    saved = client.post(
        edit_url(packing),
        {"name": "Food parcel - family of 5", "items": "3 x Pasta 500g\nMilk", "active": "on"},
    )
    assert saved.status_code == 302
    packing.refresh_from_db()
    assert packing.name == "Food parcel - family of 5"
    assert packing.items == [{"name": "Pasta 500g", "quantity": 3}, {"name": "Milk", "quantity": 1}]
    assert packing.active
    event = AuditEvent.objects.get(action="parcel.list_update")
    assert event.detail["changed"]["name"] == [
        "Food parcel - family of 4",
        "Food parcel - family of 5",
    ]
    log = world.client("dsl").get("/audit/").content.decode()
    assert "changed the packing list Food parcel - family of 5" in log


def test_a_bad_line_is_named_and_nothing_is_written(world: World) -> None:
    packing = packing_list(world)
    page = world.client("office").post(
        edit_url(packing), {"name": "Renamed", "items": "Milk\n2 x Bread\n250", "active": "on"}
    )
    assert page.status_code == 400
    body = page.content.decode()
    assert "Line 3" in body
    assert "Milk\n2 x Bread\n250" in body  # what was typed is kept
    packing.refresh_from_db()
    assert packing.name == "Food parcel - family of 4"
    assert len(packing.items) == 3
    assert not AuditEvent.objects.filter(action="parcel.list_update").exists()


def test_a_name_already_taken_is_refused(world: World) -> None:
    packing = packing_list(world)
    services.packing_list_create(
        actor=actor(world, "office"),
        school_id=world.oakfield.pk,
        name="Care package",
        kind="care",
        items="Pens",
    )
    with pytest.raises(Invalid, match="already a list"):
        services.packing_list_update(
            actor=actor(world, "flo"),
            list_id=packing.pk,
            name="care PACKAGE",
            items="Milk",
            active=True,
        )


def test_a_retired_list_is_not_offered_and_parcels_keep_their_items(world: World) -> None:
    packing = packing_list(world)
    req = ask(world)
    services.packing_list_update(
        actor=actor(world, "office"),
        list_id=packing.pk,
        name=packing.name,
        items="Only bread",
        active=False,
    )
    assert AuditEvent.objects.filter(action="parcel.list_retire").count() == 1
    assert packing not in selectors.packing_lists(actor=actor(world, "flo"))
    new_page = world.client("flo").get(f"/support/parcels/new/?pupil={world.ada.pk}")
    assert packing.name not in new_page.content.decode()
    lists_page = world.client("flo").get("/support/parcels/lists/").content.decode()
    assert "retired: not offered for new requests" in lists_page
    with pytest.raises(Invalid):
        ask(world)
    assert sorted(req.items.values_list("name", "quantity")) == [
        ("Pasta 500g", 2),
        ("Rice 1kg", 3),
        ("Tinned tomatoes", 1),
    ]
    # Brought back, it is offered again.
    services.packing_list_update(
        actor=actor(world, "office"),
        list_id=packing.pk,
        name=packing.name,
        items="Only bread",
        active=True,
    )
    assert AuditEvent.objects.filter(action="parcel.list_restore").count() == 1
    assert packing in selectors.packing_lists(actor=actor(world, "flo"))


def test_the_service_refuses_staff_who_do_not_handle_parcels(world: World) -> None:
    packing = packing_list(world)
    with pytest.raises((Refused, NotFound)):
        services.packing_list_update(
            actor=actor(world, "teacher"),
            list_id=packing.pk,
            name="X",
            items="Milk",
            active=True,
        )


def test_saving_without_a_change_audits_nothing(world: World) -> None:
    packing = packing_list(world)
    services.packing_list_update(
        actor=actor(world, "office"),
        list_id=packing.pk,
        name=packing.name,
        items=services.items_text(packing.items),
        active=True,
    )
    assert (
        not AuditEvent.objects.filter(action__startswith="parcel.list_")
        .exclude(action="parcel.list_create")
        .exists()
    )
