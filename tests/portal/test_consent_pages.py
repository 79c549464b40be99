"""Who may see each consent page. Family pages: a parent the school may contact (the request
page only for a holder of parental responsibility asked about that child). Staff pages: staff
who manage consent (leaders, office, teachers, pastoral); other staff 403; families and pupils
404; recording on the phone and payments: office and leaders only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolwindow.people.models import GuardianLink
from schoolwindow.portal.consent.models import ConsentAnswer, ConsentPupil
from tests.factories import PupilFactory, guardian_of
from tests.pages.conftest import World
from tests.portal.conftest import client_for
from tests.portal.consent_helpers import answer_url, trip_for

STAFF = ["leader", "pastoral", "teacher", "advocate", "flo", "dsl", "office"]

FAMILY_LIST = {
    "parent": 200,
    "other_parent": 200,
    "restricted": 404,
    "pupil": 404,
    "trust_officer": 404,
    "anonymous": 302,
    **dict.fromkeys(STAFF, 404),
}


@pytest.mark.parametrize(("role", "expected"), FAMILY_LIST.items())
def test_family_list(world: World, role: str, expected: int) -> None:
    trip_for(world)
    assert client_for(world, role).get(reverse("portal_consent:family")).status_code == expected


ANSWER_PAGE = {  # Ada's page on the trip
    "parent": 200,
    "other_parent": 404,  # Cara's mother: not her child
    "restricted": 404,  # Piotr: under a contact restriction for Ada, never asked
    "pupil": 404,
    "trust_officer": 404,
    "anonymous": 302,
    **dict.fromkeys(STAFF, 404),
}


@pytest.mark.parametrize(("role", "expected"), ANSWER_PAGE.items())
def test_answer_page(world: World, role: str, expected: int) -> None:
    consent = trip_for(world)
    assert client_for(world, role).get(answer_url(consent, world.ada.pk)).status_code == expected


def test_the_restricted_guardian_sees_nothing_of_the_trip(world: World) -> None:
    consent = trip_for(world)
    client = client_for(world, "restricted")
    assert client.post(answer_url(consent, world.ada.pk), {"answer": "yes"}).status_code == 404
    assert not ConsentAnswer.objects.exists()


STAFF_PAGES = {
    "leader": 200,
    "office": 200,
    "teacher": 200,
    "pastoral": 200,
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


@pytest.mark.parametrize(("role", "expected"), STAFF_PAGES.items())
def test_staff_pages(world: World, role: str, expected: int) -> None:
    consent = trip_for(world)
    client = client_for(world, role)
    for url in (
        reverse("portal_consent:staff"),
        reverse("portal_consent:new"),
        reverse("portal_consent:status", kwargs={"request_id": consent.pk}),
        reverse(
            "portal_consent:pupil", kwargs={"request_id": consent.pk, "pupil_id": world.ada.pk}
        ),
        reverse("portal_consent:day", kwargs={"request_id": consent.pk}),
    ):
        assert client.get(url).status_code == expected, url


RECORD = {"office": 302, "leader": 302, "teacher": 403, "pastoral": 403}


@pytest.mark.parametrize(("role", "expected"), RECORD.items())
def test_only_the_office_and_leaders_record_payments(
    world: World, role: str, expected: int
) -> None:
    consent = trip_for(world)
    url = reverse(
        "portal_consent:pupil", kwargs={"request_id": consent.pk, "pupil_id": world.ada.pk}
    )
    assert client_for(world, role).post(url, {"paid": "yes"}).status_code == expected
    paid = ConsentPupil.objects.get(request=consent, pupil=world.ada).paid_at is not None
    assert paid is (expected == 302)


def test_a_request_at_another_school_is_not_found(world: World) -> None:
    consent = trip_for(world)
    consent.school = world.elsewhere
    consent.save(update_fields=["school"])
    url = reverse("portal_consent:status", kwargs={"request_id": consent.pk})
    assert client_for(world, "office").get(url).status_code == 404


def test_the_status_page_shows_a_restricted_only_pupil_as_not_asked(world: World) -> None:
    # Cara's only parent is placed under a restriction: Cara is "not asked", never "waiting".
    GuardianLink.objects.filter(pupil=world.cara).update(contact_restricted=True)
    consent = trip_for(world)
    page = (
        client_for(world, "office")
        .get(
            reverse("portal_consent:status", kwargs={"request_id": consent.pk})
            + "?status=not_asked"
        )
        .content.decode()
    )
    assert "Cara" in page and "Ada" not in page


def _status_queries(world: World, consent_id: int) -> int:
    client = client_for(world, "office")
    url = reverse("portal_consent:status", kwargs={"request_id": consent_id})
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url + "?paid=no").status_code == 200
    return len(queries)


def test_the_status_page_costs_the_same_at_300_pupils(world: World) -> None:
    consent = trip_for(world)
    few = _status_queries(world, consent.pk)
    day_url = reverse("portal_consent:day", kwargs={"request_id": consent.pk})
    with CaptureQueriesContext(connection) as day_few:
        client_for(world, "office").get(day_url)
    for index in range(300):
        pupil = PupilFactory(
            school=world.oakfield, year_group=world.year7, legal_last_name=f"P{index:03}"
        )
        parent = guardian_of(pupil, with_login=False, phone=f"07700 9{index:05}")
        ConsentPupil.objects.create(school=world.oakfield, request=consent, pupil=pupil)
        if index % 3 == 0:
            ConsentAnswer.objects.create(
                school=world.oakfield,
                request=consent,
                pupil=pupil,
                guardian=parent,
                answer="yes",
                note="Inhaler in bag",
                answered_at=consent.created_at,
            )
    assert _status_queries(world, consent.pk) == few
    with CaptureQueriesContext(connection) as day_many:
        response = client_for(world, "office").get(day_url)
    assert len(day_many) == len(day_few)
    assert response.content.decode().count("Inhaler in bag") == 100


@pytest.mark.parametrize(
    ("role", "shown"),
    [("teacher", True), ("office", True), ("leader", True), ("advocate", False), ("dsl", False)],
)
def test_the_staff_home_leads_to_the_requests(world: World, role: str, shown: bool) -> None:
    consent = trip_for(world)
    page = client_for(world, role).get(reverse("home")).content.decode()
    status = reverse("portal_consent:status", kwargs={"request_id": consent.pk})
    assert (status in page) is shown
    assert (f'href="{reverse("portal_consent:staff")}"' in page) is shown
