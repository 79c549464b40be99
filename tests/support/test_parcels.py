"""Care packages and food parcels: who sees which page, asking (safe to send twice, bad input
named), packing, planning a round (two planners, one round each parcel), the driver's link (one
tap, tampered or expired links refused), the contact restriction kept off the driver's sheet,
cancelling, the timeline's entries, and the lists in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.errors import Invalid, NotFound, Refused
from schoolwindow.core.permissions import Actor
from schoolwindow.people.models import GuardianLink, Household, Staff
from schoolwindow.support.parcels import links, selectors, services
from schoolwindow.support.parcels.models import (
    DeliveryRound,
    PackingList,
    ParcelItem,
    ParcelRequest,
    ParcelStatus,
)
from schoolwindow.support.timeline import EntryStatus, SupportKind, support_entries
from tests.factories import PupilFactory, guardian_of
from tests.pages.conftest import ALL_ROLES, World
from tests.support.conftest import actor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

FOOD_ITEMS = "2 x Pasta 500g\nTinned tomatoes\n3 Rice 1kg"


def packing_list(world: World) -> PackingList:
    existing = PackingList.objects.filter(name="Food parcel - family of 4").first()
    return existing or services.packing_list_create(
        actor=actor(world, "office"),
        school_id=world.oakfield.pk,
        name="Food parcel - family of 4",
        kind="food",
        items=FOOD_ITEMS,
    )


def ask(world: World, role: str = "flo", **overrides: object) -> ParcelRequest:
    fields: dict[str, object] = {
        "pupil_ids": [world.ada.pk],
        "kind": "food",
        "reason": "Mum lost her job; the cupboard is bare before payday.",
        "packing_list_id": packing_list(world).pk,
        "dietary_notes": "No pork",
        "delivery_notes": "Ring the side door",
    }
    fields.update(overrides)
    return services.parcel_request(actor=actor(world, role), **fields)  # type: ignore[arg-type]


def packed(world: World) -> ParcelRequest:
    req = ask(world)
    ids = list(req.items.values_list("pk", flat=True))
    return services.parcel_pack(
        actor=actor(world, "office"), request_id=req.pk, packed_item_ids=ids, finished=True
    )


def plan(world: World, *requests: ParcelRequest, day: dt.date | None = None) -> DeliveryRound:
    return services.round_plan(
        actor=actor(world, "office"),
        school_id=world.oakfield.pk,
        day=day or timezone.localdate(),
        driver_name="Sam Driver",
        driver_phone="07700 900222",
        staff_contact_id=world.staff["flo"].pk,
        request_ids=[req.pk for req in requests],
    )


# Who sees which page.

MANAGERS = {"leader", "pastoral", "flo", "office"}


def expected(role: str) -> int | str:
    if role in MANAGERS:
        return 200
    if role in {"teacher", "advocate", "dsl"}:
        return 403
    if role == "anonymous":
        return 302
    return 404  # parents, pupils, trust officers: nothing of theirs here


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_sees_the_pages(world: World, role: str) -> None:
    req = packed(world)
    delivery_round = plan(world, req)
    client = world.client(role)
    for url in (
        "/support/parcels/",
        "/support/parcels/new/",
        "/support/parcels/lists/",
        f"/support/parcels/{req.pk}/",
        f"/support/parcels/{req.pk}/pack/",
        "/support/parcels/rounds/",
        "/support/parcels/rounds/new/",
        f"/support/parcels/rounds/{delivery_round.pk}/",
        f"/support/parcels/rounds/{delivery_round.pk}/sheet/",
    ):
        assert client.get(url).status_code == expected(role), url


def test_the_parent_of_the_child_cannot_confirm_or_cancel(world: World) -> None:
    req = packed(world)
    plan(world, req)
    parent = world.client("parent")
    assert parent.post(f"/support/parcels/{req.pk}/cancel/", {}).status_code == 404
    assert (
        parent.post(f"/support/parcels/{req.pk}/confirm/", {"outcome": "delivered"}).status_code
        == 404
    )
    assert world.client("teacher").post(f"/support/parcels/{req.pk}/cancel/", {}).status_code == 403
    req.refresh_from_db()
    assert req.status == ParcelStatus.OUT


def test_another_schools_staff_do_not_find_the_parcel(world: World) -> None:
    from tests.factories import staff_member

    other = staff_member(world.brookside, "office")
    from tests.conftest import signed_in_client

    req = ask(world)
    assert signed_in_client(other.user).get(f"/support/parcels/{req.pk}/").status_code == 404
    with pytest.raises(NotFound):
        services.parcel_cancel(actor=actor_for_staff(other), request_id=req.pk)


def actor_for_staff(staff: Staff) -> Actor:
    from schoolwindow.people.actors import actor_for

    return actor_for(staff.user)


# Asking for a parcel.


def test_asking_copies_the_packing_list_and_audits(world: World) -> None:
    req = ask(world)
    assert [(i.name, i.quantity) for i in req.items.all()] == [
        ("Pasta 500g", 2),
        ("Tinned tomatoes", 1),
        ("Rice 1kg", 3),
    ]
    assert req.status == ParcelStatus.REQUESTED
    assert req.household_id == world.ada.household_id
    assert req.contact_id == world.maria.pk  # never Piotr, who is under a restriction
    # Changing the list later leaves the parcel as it was asked for.
    assert req.packing_list is not None
    PackingList.objects.filter(pk=req.packing_list.pk).update(items=[])
    assert req.items.count() == 3
    assert AuditEvent.objects.filter(action="parcel.request", pupil_id=world.ada.pk).count() == 1


def test_asking_twice_with_one_form_makes_one_parcel(world: World) -> None:
    packing = packing_list(world)
    client = world.client("flo")
    token = str(uuid.uuid4())
    data = {
        "pupil": world.ada.pk,
        "kind": "food",
        "packing_list": packing.pk,
        "reason": "Struggling this month",
        "once": token,
    }
    first = client.post("/support/parcels/new/", data)
    assert first.status_code == 302
    second = client.post("/support/parcels/new/", data, follow=True)
    assert b"already asked for" in second.content
    assert ParcelRequest.objects.count() == 1
    # A second tab, its own form: a second parcel is a real second request (not a repeat).
    client.post("/support/parcels/new/", {**data, "once": str(uuid.uuid4())})
    assert ParcelRequest.objects.count() == 2


def test_bad_input_is_named_and_loses_nothing(world: World) -> None:
    client = world.client("flo")
    page = client.post(
        "/support/parcels/new/",
        {
            "pupil": world.ada.pk,
            "kind": "food",
            "extra_items": "Milk\n0 x Bread",
            "reason": "Needs help",
            "dietary_notes": "Vegetarian",
            "once": str(uuid.uuid4()),
        },
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert "Line 2: the quantity must be between 1 and 99." in text
    assert "Vegetarian" in text  # what was typed is still there
    assert ParcelRequest.objects.count() == 0
    empty = client.post(
        "/support/parcels/new/",
        {"pupil": world.ada.pk, "kind": "food", "reason": "Help", "once": str(uuid.uuid4())},
    )
    assert empty.status_code == 400
    assert b"Choose a packing list or write what goes in the parcel." in empty.content
    with pytest.raises(Invalid, match="why"):
        ask(world, reason="  ")
    with pytest.raises(Invalid):
        ask(world, kind="hamper")


def test_a_family_nobody_may_contact_gets_no_parcel(world: World) -> None:
    GuardianLink.objects.filter(pupil=world.ada, guardian=world.maria).update(
        contact_restricted=True
    )
    with pytest.raises(Invalid, match="designated safeguarding lead"):
        ask(world)


def test_pupils_of_two_homes_are_refused(world: World) -> None:
    with pytest.raises(Invalid, match="same home"):
        ask(world, pupil_ids=[world.ada.pk, world.cara.pk])


def test_staff_who_do_not_handle_parcels_are_refused(world: World) -> None:
    with pytest.raises(Refused):
        services.parcel_request(
            actor=actor(world, "teacher"),
            pupil_ids=[world.ada.pk],
            kind="food",
            reason="x",
            extra_items="Milk",
        )


def test_packing_list_names_are_unique_and_bad_lines_named(world: World) -> None:
    packing_list(world)
    with pytest.raises(Invalid, match="already a list"):
        services.packing_list_create(
            actor=actor(world, "office"),
            school_id=world.oakfield.pk,
            name="food parcel - FAMILY of 4",
            kind="food",
            items="Milk",
        )
    with pytest.raises(Invalid, match="Line 1"):
        services.packing_list_create(
            actor=actor(world, "office"),
            school_id=world.oakfield.pk,
            name="B",
            kind="care",
            items="12",
        )
    page = world.client("office").post(
        "/support/parcels/lists/",
        {
            "name": "Care package - study kit",
            "kind": "care",
            "items": "Pens\n2 x Exercise book",
            "once": str(uuid.uuid4()),
        },
    )
    assert page.status_code == 302
    assert PackingList.objects.filter(name="Care package - study kit").exists()


# Packing.


def test_packing_needs_every_item_ticked(world: World) -> None:
    req = ask(world)
    items = list(req.items.all())
    with pytest.raises(Invalid, match="still to pack"):
        services.parcel_pack(
            actor=actor(world, "office"),
            request_id=req.pk,
            packed_item_ids=[items[0].pk],
            finished=True,
        )
    # The refusal rolled back the ticks too: nothing half-saved.
    assert not ParcelItem.objects.filter(request=req, packed=True).exists()
    client = world.client("office")
    refused = client.post(
        f"/support/parcels/{req.pk}/pack/", {"item": [items[0].pk], "finished": "1"}
    )
    assert refused.status_code == 400
    assert f'value="{items[0].pk}" checked' in refused.content.decode()  # the tick is kept
    saved = client.post(
        f"/support/parcels/{req.pk}/pack/", {"item": [items[0].pk], "finished": "0"}
    )
    assert saved.status_code == 302
    assert ParcelItem.objects.filter(request=req, packed=True).count() == 1
    done = client.post(
        f"/support/parcels/{req.pk}/pack/", {"item": [i.pk for i in items], "finished": "1"}
    )
    assert done.status_code == 302
    req.refresh_from_db()
    assert req.status == ParcelStatus.PACKED
    assert req.packed_by_id == world.staff["office"].pk


# Rounds.


def test_a_round_orders_stops_by_postcode(world: World) -> None:
    first = packed(world)
    household = Household.objects.create(trust=world.trust, name="Jones", postcode="AB1 1AA")
    world.cara.household = household
    world.cara.save(update_fields=["household"])
    world.cara_parent.household = household
    world.cara_parent.save(update_fields=["household"])
    second = ask(world, pupil_ids=[world.cara.pk])
    services.parcel_pack(
        actor=actor(world, "office"),
        request_id=second.pk,
        packed_item_ids=list(second.items.values_list("pk", flat=True)),
        finished=True,
    )
    delivery_round = plan(world, first, second)
    stops = selectors.round_stops(delivery_round)
    assert [stop.request.pk for stop in stops] == [second.pk, first.pk]  # AB1 before RV1
    assert [stop.request.stop_number for stop in stops] == [1, 2]
    assert all(stop.request.status == ParcelStatus.OUT for stop in stops)


def test_a_parcel_is_on_one_round_only(world: World) -> None:
    req = packed(world)
    plan(world, req)
    with pytest.raises(Invalid, match="no longer waiting"):
        plan(world, req)
    assert DeliveryRound.objects.count() == 1


def test_two_tabs_planning_the_same_parcels_make_one_round(world: World) -> None:
    req = packed(world)
    client = world.client("office")
    data = {
        "day": timezone.localdate().isoformat(),
        "driver_name": "Sam",
        "staff": world.staff["flo"].pk,
        "parcel": [req.pk],
    }
    token = str(uuid.uuid4())
    assert client.post("/support/parcels/rounds/new/", {**data, "once": token}).status_code == 302
    again = client.post("/support/parcels/rounds/new/", {**data, "once": token}, follow=True)
    assert b"already planned" in again.content
    other_tab = client.post("/support/parcels/rounds/new/", {**data, "once": str(uuid.uuid4())})
    assert other_tab.status_code == 400
    assert DeliveryRound.objects.count() == 1


def test_a_round_in_the_past_or_without_stops_is_refused(world: World) -> None:
    req = packed(world)
    with pytest.raises(Invalid, match="today"):
        plan(world, req, day=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(Invalid, match="at least one"):
        plan(world)


# The driver's sheet and the contact restriction.


def test_the_sheet_shows_only_what_a_driver_needs(world: World) -> None:
    req = packed(world)
    delivery_round = plan(world, req)
    sheet = world.client("office").get(f"/support/parcels/rounds/{delivery_round.pk}/sheet/")
    text = sheet.content.decode()
    assert "Maria Kowalska" in text
    assert "RV1 2AB" in text
    assert "Ring the side door" in text
    assert "Ada" in text
    assert "Kowalska" not in text.replace("Maria Kowalska", "")  # no pupil surname
    assert "cupboard" not in text  # never the reason
    assert "Piotr" not in text and "Hidden Lane" not in text
    assert "@page" not in text  # the print CSS is a file (strict CSP)


def test_a_restriction_added_later_keeps_the_guardian_off_the_sheet(world: World) -> None:
    req = packed(world)
    delivery_round = plan(world, req)
    GuardianLink.objects.filter(pupil=world.ada, guardian=world.maria).update(
        contact_restricted=True
    )
    text = (
        world.client("office")
        .get(f"/support/parcels/rounds/{delivery_round.pk}/sheet/")
        .content.decode()
    )
    assert "Maria" not in text and "Piotr" not in text
    assert "ring the school first" in text


def test_the_next_contactable_guardian_is_used(world: World) -> None:
    aunt = guardian_of(
        world.ada,
        with_login=False,
        first_name="Zofia",
        last_name="Nowak",
        address="5 Elm Road",
        postcode="RV9 9ZZ",
    )
    GuardianLink.objects.filter(guardian=aunt).update(contact_priority=2)
    req = packed(world)
    GuardianLink.objects.filter(pupil=world.ada, guardian=world.maria).update(
        contact_restricted=True
    )
    door = selectors.doors([selectors.request_get(actor=actor(world, "office"), request_id=req.pk)])
    found = door[req.pk]
    assert found is not None and found.name.endswith("Zofia Nowak") and found.postcode == "RV9 9ZZ"
    assert aunt.pk != world.piotr.pk


# The driver's link.


def test_the_driver_confirms_with_one_tap_from_the_link(world: World) -> None:
    req = packed(world)
    delivery_round = plan(world, req)
    driver = Client()
    path = links.driver_path(delivery_round)
    page = driver.get(path)
    assert page.status_code == 200
    assert "cupboard" not in page.content.decode()
    token = str(uuid.uuid4())
    url = f"{path}stops/{req.pk}/"
    first = driver.post(url, {"outcome": "delivered", "note": "Left with mum", "once": token})
    assert first.status_code == 302
    again = driver.post(url, {"outcome": "delivered", "note": "Left with mum", "once": token})
    assert again.status_code == 302
    req.refresh_from_db()
    assert req.status == ParcelStatus.DELIVERED
    assert req.confirmation_note == "Left with mum"
    assert req.confirmed_by_name == "Sam Driver (driver)"
    assert AuditEvent.objects.filter(action="parcel.delivered").count() == 1
    # A mistaken tap can be put right by the driver…
    driver.post(url, {"outcome": "nobody_in", "once": str(uuid.uuid4())})
    req.refresh_from_db()
    assert req.status == ParcelStatus.NOT_DELIVERED
    # …until staff have confirmed it.
    services.parcel_confirm(actor=actor(world, "flo"), request_id=req.pk, delivered=True)
    refused = driver.post(url, {"outcome": "nobody_in", "once": str(uuid.uuid4())})
    assert refused.status_code == 400
    req.refresh_from_db()
    assert req.status == ParcelStatus.DELIVERED


def test_a_tampered_renewed_or_expired_link_does_not_open(world: World) -> None:
    req = packed(world)
    delivery_round = plan(world, req)
    path = links.driver_path(delivery_round)
    driver = Client()
    assert driver.get(path[:-3] + "xx/").status_code == 404
    # Another round's stop through this round's link is not found.
    assert driver.post(f"{path}stops/{req.pk + 999}/", {"outcome": "delivered"}).status_code == 404
    with pytest.raises(links.LinkExpired):
        links.round_of_token(
            links.driver_token(delivery_round),
            today=delivery_round.day + dt.timedelta(days=2),
        )
    services.round_new_link(actor=actor(world, "office"), round_id=delivery_round.pk)
    assert driver.get(path).status_code == 404
    posted = driver.post(f"{path}stops/{req.pk}/", {"outcome": "delivered"})
    assert posted.status_code == 404
    req.refresh_from_db()
    assert req.status == ParcelStatus.OUT


def test_a_bad_tap_is_refused_plainly(world: World) -> None:
    req = packed(world)
    path = links.driver_path(plan(world, req))
    page = Client().post(f"{path}stops/{req.pk}/", {"outcome": "maybe"})
    assert page.status_code == 400
    assert b"Nobody in" in page.content


# Staff confirmation and cancelling.


def test_staff_confirm_after_the_round(world: World) -> None:
    req = packed(world)
    plan(world, req)
    page = world.client("flo").post(
        f"/support/parcels/{req.pk}/confirm/", {"outcome": "not_delivered", "note": "Nobody in"}
    )
    assert page.status_code == 302
    req.refresh_from_db()
    assert req.status == ParcelStatus.NOT_DELIVERED
    assert req.confirmed_by_id == world.staff["flo"].pk
    bad = world.client("flo").post(f"/support/parcels/{req.pk}/confirm/", {"outcome": "lost"})
    assert bad.status_code == 400


def test_confirming_a_parcel_not_sent_is_refused(world: World) -> None:
    req = ask(world)
    with pytest.raises(Invalid):
        services.parcel_confirm(actor=actor(world, "flo"), request_id=req.pk, delivered=True)


def test_cancelling_takes_it_off_its_round(world: World) -> None:
    req = packed(world)
    delivery_round = plan(world, req)
    page = world.client("flo").post(f"/support/parcels/{req.pk}/cancel/", {"reason": "Moved"})
    assert page.status_code == 302
    req.refresh_from_db()
    assert req.status == ParcelStatus.CANCELLED and req.round_id is None
    assert selectors.round_stops(delivery_round) == []
    with pytest.raises(Invalid):
        services.parcel_cancel(actor=actor(world, "flo"), request_id=req.pk)


# The support timeline.


def test_the_timeline_has_one_entry_per_pupil_in_one_query(world: World) -> None:
    req = packed(world)
    plan(world, req)
    services.parcel_confirm(
        actor=actor(world, "flo"), request_id=req.pk, delivered=True, note="Thanked us"
    )
    with CaptureQueriesContext(connection) as queries:
        entries = selectors.timeline_entries(school_id=world.oakfield.pk, pupil_ids=[world.ada.pk])
    assert len(queries.captured_queries) == 1
    [entry] = entries
    assert entry.kind == SupportKind.PARCEL
    assert entry.ref == f"parcel:{req.pk}"
    assert entry.status == EntryStatus.DONE
    assert entry.outcome == "Delivered: Thanked us"
    assert entry.owner == world.staff["flo"].display_name
    assert entry.url == f"/support/parcels/{req.pk}/"
    assert any(e.ref == entry.ref for e in support_entries(school_id=world.oakfield.pk))


# Lists in a fixed number of queries.


def many_parcels(world: World, count: int) -> None:
    for n in range(count):
        pupil = PupilFactory(
            school=world.oakfield,
            legal_first_name=f"P{n}",
            legal_last_name="Test",
            household=Household.objects.create(trust=world.trust, name=f"H{n}", postcode=f"ZZ{n}"),
        )
        guardian_of(pupil, with_login=False, first_name=f"G{n}", last_name="Test")
        req = ask(world, pupil_ids=[pupil.pk])
        services.parcel_pack(
            actor=actor(world, "office"),
            request_id=req.pk,
            packed_item_ids=list(req.items.values_list("pk", flat=True)),
            finished=True,
        )


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_lists_take_a_fixed_number_of_queries(world: World) -> None:
    client = world.client("office")
    many_parcels(world, 3)
    plan(world, *ParcelRequest.objects.filter(status=ParcelStatus.PACKED)[:1])
    few = {
        url: count_queries(client, url)
        for url in ("/support/parcels/", "/support/parcels/rounds/", "/support/parcels/rounds/new/")
    }
    many_parcels(world, 8)
    waiting = list(ParcelRequest.objects.filter(status=ParcelStatus.PACKED)[:6])
    delivery_round = plan(world, *waiting)
    plan(world, *ParcelRequest.objects.filter(status=ParcelStatus.PACKED)[:2])
    for url, before in few.items():
        assert count_queries(client, url) == before, url
    assert count_queries(client, f"/support/parcels/rounds/{delivery_round.pk}/sheet/") <= 12


def test_the_menu_and_the_audit_log_name_parcels(world: World) -> None:
    assert "Parcels" in world.client("office").get("/").content.decode()
    assert "Parcels" not in world.client("teacher").get("/").content.decode()
    assert "Parcels" not in world.client("parent").get("/").content.decode()
    req = packed(world)
    delivery_round = plan(world, req)
    Client().post(f"{links.driver_path(delivery_round)}stops/{req.pk}/", {"outcome": "nobody_in"})
    log = world.client("dsl").get("/audit/").content.decode()
    assert "asked for a parcel for the family of Ada Kowalska" in log
    assert "packed a parcel" in log
    assert "planned a delivery round" in log
    event = AuditEvent.objects.get(action="parcel.not_delivered")
    assert event.actor_label == "system (volunteer driver Sam Driver)"
    assert "Sam Driver (volunteer driver) said a parcel was not delivered" in log


def test_a_parcel_for_two_children_of_one_home(world: World) -> None:
    sister = PupilFactory(
        school=world.oakfield,
        legal_first_name="Zosia",
        legal_last_name="Kowalska",
        year_group=world.year7,
        household_id=world.ada.household_id,
    )
    packing = packing_list(world)
    client = world.client("flo")
    form = client.get(f"/support/parcels/new/?pupil={world.ada.pk}").content.decode()
    assert "Zosia Kowalska" in form and "Cara" not in form
    posted = client.post(
        "/support/parcels/new/",
        {
            "pupil": world.ada.pk,
            "also": [sister.pk, world.cara.pk],  # Cara is not of this home: ignored
            "kind": "food",
            "packing_list": packing.pk,
            "reason": "Both children",
            "once": str(uuid.uuid4()),
        },
    )
    assert posted.status_code == 302
    req = ParcelRequest.objects.get()
    assert sorted(req.pupils.values_list("pupil_id", flat=True)) == sorted(
        [world.ada.pk, sister.pk]
    )
    entries = selectors.timeline_entries(school_id=world.oakfield.pk)
    assert {e.pupil_id for e in entries} == {world.ada.pk, sister.pk}


def test_the_drivers_page_after_the_round_says_the_link_has_closed(world: World) -> None:
    req = packed(world)
    delivery_round = plan(world, req)
    path = links.driver_path(delivery_round)
    DeliveryRound.objects.filter(pk=delivery_round.pk).update(
        day=timezone.localdate() - dt.timedelta(days=3)
    )
    page = Client().get(path)
    assert page.status_code == 410
    assert "day has passed" in page.content.decode()
    assert b"Maria" not in page.content


def test_a_parcel_asked_for_from_a_flag_answers_it(world: World) -> None:
    from schoolwindow.engagement.models import Flag

    today = timezone.localdate()
    flag = Flag.objects.create(
        school=world.oakfield, pupil=world.ada, opened_on=today, last_evaluated_on=today
    )
    other = Flag.objects.create(
        school=world.oakfield, pupil=world.cara, opened_on=today, last_evaluated_on=today
    )
    with pytest.raises(Invalid, match="flag"):
        ask(world, flag_id=other.pk)
    packing = packing_list(world)
    form = world.client("flo").get(f"/support/parcels/new/?pupil={world.ada.pk}&flag={flag.pk}")
    assert f'name="flag" value="{flag.pk}"' in form.content.decode()
    world.client("flo").post(
        "/support/parcels/new/",
        {
            "pupil": world.ada.pk,
            "flag": flag.pk,
            "kind": "food",
            "packing_list": packing.pk,
            "reason": "Going quiet; the family are struggling",
            "once": str(uuid.uuid4()),
        },
    )
    [entry] = selectors.timeline_entries(school_id=world.oakfield.pk, pupil_ids=[world.ada.pk])
    assert entry.flag_id == flag.pk
