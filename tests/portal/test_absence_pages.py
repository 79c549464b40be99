"""Who may see each absence page, and what each says.

Family pages: a parent with a child to report for. Office pages: staff who see reports (office,
leaders, pastoral); other staff 403; families and pupils 404."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolwindow.portal.absence.models import AbsenceReport
from tests.pages.conftest import World
from tests.portal.conftest import client_for, report_for

STAFF = ["leader", "pastoral", "teacher", "advocate", "flo", "dsl", "office"]

FAMILY_PAGES = {
    # parent of the child, parent of another child, restricted guardian, pupil, staff
    "parent": 200,
    "other_parent": 200,
    "restricted": 404,
    "pupil": 404,
    "trust_officer": 404,
    **dict.fromkeys(STAFF, 404),
}


@pytest.mark.parametrize(("role", "expected"), FAMILY_PAGES.items())
@pytest.mark.parametrize("name", ["portal_absence:family", "portal_absence:new"])
def test_family_pages(world: World, role: str, expected: int, name: str) -> None:
    assert client_for(world, role).get(reverse(name)).status_code == expected


def test_family_pages_ask_for_a_log_in(world: World) -> None:
    response = client_for(world, "anonymous").get(reverse("portal_absence:new"))
    assert response.status_code == 302


REPORT_PAGE = {
    "parent": 200,
    "other_parent": 404,
    "restricted": 404,
    "pupil": 404,
    "trust_officer": 404,
    "anonymous": 302,
    **dict.fromkeys(STAFF, 404),
}


@pytest.mark.parametrize(("role", "expected"), REPORT_PAGE.items())
def test_report_page(world: World, role: str, expected: int) -> None:
    report = report_for(world)
    url = reverse("portal_absence:report", kwargs={"report_id": report.pk})
    assert client_for(world, role).get(url).status_code == expected


OFFICE_PAGES = {
    "office": 200,
    "leader": 200,
    "pastoral": 200,
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
    report = report_for(world)
    for url in (
        reverse("portal_absence:office"),
        reverse("portal_absence:confirm", kwargs={"report_id": report.pk}),
    ):
        assert client_for(world, role).get(url).status_code == expected, url


def test_the_office_list_suggests_the_register_code(world: World, english: None) -> None:
    report_for(world, reason="medical")
    page = client_for(world, "office").get(reverse("portal_absence:office")).content.decode()
    assert "Ada" in page
    assert "M <span" in page
    assert "medical or dental appointment" in page


def test_pastoral_staff_see_a_report_but_may_not_confirm_it(world: World) -> None:
    report = report_for(world)
    url = reverse("portal_absence:confirm", kwargs={"report_id": report.pk})
    client = client_for(world, "pastoral")
    assert "Record in the register" not in client.get(url).content.decode()
    assert client.post(url, {"code": "I"}).status_code == 403
    report.refresh_from_db()
    assert report.status == "received"


def test_a_report_at_another_school_is_not_found(world: World) -> None:
    report = report_for(world)
    AbsenceReport.objects.filter(pk=report.pk).update(school=world.elsewhere)
    url = reverse("portal_absence:confirm", kwargs={"report_id": report.pk})
    assert client_for(world, "office").get(url).status_code == 404


def _office_list_queries(world: World) -> int:
    client = client_for(world, "office")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("portal_absence:office")).status_code == 200
    return len(queries)


def test_the_office_list_costs_the_same_whatever_the_number_of_reports(world: World) -> None:
    report_for(world)
    few = _office_list_queries(world)
    for _index in range(15):
        report_for(world, reason="religious")
        report_for(world, part="AM", reason="other")
    assert _office_list_queries(world) == few


@pytest.mark.parametrize(
    ("role", "link", "shown"),
    [
        ("office", "portal_absence:office", True),
        ("pastoral", "portal_absence:office", True),
        ("teacher", "portal_absence:office", False),
        ("parent", "portal_absence:family", True),
    ],
)
def test_the_menu_leads_there(world: World, role: str, link: str, shown: bool) -> None:
    page = client_for(world, role).get(reverse("account")).content.decode()
    assert (f'href="{reverse(link)}"' in page) is shown


def test_a_member_of_staff_who_is_also_a_parent_sees_both_sides(world: World) -> None:
    from schoolwindow.people.models import GuardianLink

    report = report_for(world)  # Ada's
    office = world.staff["office"]
    world.cara_parent.user = office.user
    world.cara_parent.save(update_fields=["user"])
    assert GuardianLink.objects.filter(guardian=world.cara_parent).exists()
    client = client_for(world, "office")
    assert "Ada" in client.get(reverse("portal_absence:office")).content.decode()
    # On the family side only their own child's reports: Ada's is not theirs.
    family = client.get(reverse("portal_absence:family")).content.decode()
    assert reverse("portal_absence:report", kwargs={"report_id": report.pk}) not in family
    url = reverse("portal_absence:report", kwargs={"report_id": report.pk})
    assert client.get(url).status_code == 404
