"""Who may see each details page, and what each shows.

Family pages: a parent with a child they may see (a guardian under a contact restriction for
their only child sees nothing). Office pages: staff who review details (office, leaders); other
staff 403; families and pupils 404. Settings: leaders. Alerts: staff who may see medical notes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolwindow.portal.details.models import DetailsCheck, MedicalAlert
from tests.pages.conftest import World
from tests.portal.conftest import client_for
from tests.portal.details_helpers import change_for, name_alert_staff

STAFF = ["leader", "pastoral", "teacher", "advocate", "flo", "dsl", "office"]

FAMILY_PAGE = {
    "parent": 200,
    "other_parent": 200,
    "restricted": 404,
    "pupil": 404,
    "trust_officer": 404,
    "anonymous": 302,
    **dict.fromkeys(STAFF, 404),
}


@pytest.mark.parametrize(("role", "expected"), FAMILY_PAGE.items())
def test_family_page(world: World, role: str, expected: int) -> None:
    assert client_for(world, role).get(reverse("portal_details:family")).status_code == expected


CHANGE_PAGE = {**FAMILY_PAGE, "other_parent": 404}


@pytest.mark.parametrize(("role", "expected"), CHANGE_PAGE.items())
def test_change_page_for_ada(world: World, role: str, expected: int) -> None:
    url = reverse("portal_details:change", kwargs={"pupil_id": world.ada.pk})
    assert client_for(world, role).get(url).status_code == expected


@pytest.mark.parametrize(("role", "expected"), CHANGE_PAGE.items())
def test_family_page_for_ada(world: World, role: str, expected: int) -> None:
    url = f"{reverse('portal_details:family')}?child={world.ada.pk}"
    assert client_for(world, role).get(url).status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    {**CHANGE_PAGE, "parent": 302, "anonymous": 302}.items(),
)
def test_confirm_for_ada(world: World, role: str, expected: int) -> None:
    url = reverse("portal_details:confirm", kwargs={"pupil_id": world.ada.pk})
    assert client_for(world, role).post(url).status_code == expected
    assert DetailsCheck.objects.exists() is (role == "parent")


OFFICE_PAGES = {
    "office": 200,
    "leader": 200,
    "pastoral": 403,
    "teacher": 403,
    "advocate": 403,
    "flo": 403,
    "dsl": 403,
    "parent": 404,
    "other_parent": 404,
    "restricted": 404,
    "pupil": 404,
    "trust_officer": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize(("role", "expected"), OFFICE_PAGES.items())
def test_office_pages(world: World, role: str, expected: int) -> None:
    change = change_for(world)
    for url in (
        reverse("portal_details:office"),
        reverse("portal_details:decide", kwargs={"change_id": change.pk}),
        reverse("portal_details:checked"),
    ):
        assert client_for(world, role).get(url).status_code == expected, url


@pytest.mark.parametrize(
    ("role", "expected"), {**OFFICE_PAGES, "office": 403, "leader": 200}.items()
)
def test_settings_page(world: World, role: str, expected: int) -> None:
    response = client_for(world, role).get(reverse("portal_details:settings"))
    assert response.status_code == expected


ALERT_PAGES = {**OFFICE_PAGES, "pastoral": 200, "dsl": 200}


@pytest.mark.parametrize(("role", "expected"), ALERT_PAGES.items())
def test_alerts_page(world: World, role: str, expected: int) -> None:
    assert client_for(world, role).get(reverse("portal_details:alerts")).status_code == expected


def test_an_alert_is_read_only_by_the_staff_named(world: World) -> None:
    change = change_for(world, field="medical_notes", new="Asthma", child=True)
    alert = MedicalAlert.objects.create(
        school=world.oakfield, change=change, staff=world.staff["dsl"], pupil=world.ada
    )
    url = reverse("portal_details:alert_read", kwargs={"alert_id": alert.pk})
    assert client_for(world, "pastoral").post(url).status_code == 404
    assert client_for(world, "teacher").post(url).status_code == 403
    assert client_for(world, "dsl").post(url).status_code == 302
    alert.refresh_from_db()
    assert alert.read_at is not None


def test_a_change_at_another_school_is_not_found(world: World) -> None:
    change = change_for(world)
    type(change).objects.filter(pk=change.pk).update(school=world.elsewhere)
    url = reverse("portal_details:decide", kwargs={"change_id": change.pk})
    assert client_for(world, "office").get(url).status_code == 404


def test_the_office_sees_old_and_new_side_by_side(world: World) -> None:
    change_for(world, field="phone", new="07700 900222")
    change_for(world, field="dietary_notes", new="Vegetarian", child=True)
    page = client_for(world, "office").get(reverse("portal_details:office")).content.decode()
    assert page.index("07700 900111") < page.index("07700 900222")
    assert "Vegetarian" in page
    assert "Maria Kowalska" in page


def _queue_queries(world: World) -> int:
    client = client_for(world, "office")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("portal_details:office")).status_code == 200
    return len(queries)


def test_the_queue_costs_the_same_whatever_the_number_of_changes(world: World) -> None:
    change_for(world)
    few = _queue_queries(world)
    for field, new, child in (
        ("email", "m@example.org", False),
        ("postcode", "AB1 2CD", False),
        ("dietary_notes", "Halal", True),
        ("medical_notes", "Asthma", True),
    ):
        change_for(world, field=field, new=new, child=child)
    assert _queue_queries(world) == few


def test_the_queue_is_oldest_first(world: World) -> None:
    change_for(world, field="email", new="first@example.org")
    change_for(world, field="phone", new="07700 900333")
    page = client_for(world, "office").get(reverse("portal_details:office")).content.decode()
    assert page.index("first@example.org") < page.index("07700 900333")


def test_the_restricted_father_cannot_post_for_ada(world: World) -> None:
    url = reverse("portal_details:change", kwargs={"pupil_id": world.ada.pk})
    response = client_for(world, "restricted").post(url, {"phone": "1"})
    assert response.status_code == 404


def test_medical_alert_home_block_for_named_staff_only(world: World) -> None:
    name_alert_staff(world, "dsl")
    change = change_for(world, field="medical_notes", new="Asthma", child=True)
    MedicalAlert.objects.create(
        school=world.oakfield, change=change, staff=world.staff["dsl"], pupil=world.ada
    )
    assert "New medical notes" in client_for(world, "dsl").get("/").content.decode()
    assert "New medical notes" not in client_for(world, "pastoral").get("/").content.decode()


@pytest.mark.parametrize(("role", "shown"), [("office", True), ("leader", True), ("dsl", False)])
def test_the_office_home_block_counts_what_waits(world: World, role: str, shown: bool) -> None:
    change_for(world)
    page = client_for(world, role).get("/").content.decode()
    assert ("Details families sent" in page) is shown
