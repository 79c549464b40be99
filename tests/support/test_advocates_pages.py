"""Who may open the advocates' pages: every role, for a pupil on the advocate's caseload (Ada)
and one who is not (Cara)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.pages.conftest import World, build_pages_world, status_for, statuses

MANAGERS = {"leader": 200, "pastoral": 200, "dsl": 200}
CASELOAD = statuses(**MANAGERS, advocate=200)
COVERAGE = statuses(**MANAGERS)
# Ada: her advocate may act for her; staff who see her but neither manage nor advocate may not.
ADA = statuses(**MANAGERS, advocate=200)
# Cara: not on the caseload, so the advocate (and the teacher, who doesn't teach her) can't see her.
CARA = statuses(**MANAGERS, advocate=404, teacher=404)
DESIGNATE_ADA = statuses(**MANAGERS)
DESIGNATE_CARA = statuses(**MANAGERS, advocate=404, teacher=404)


@pytest.fixture
def world(db: None) -> World:
    return build_pages_world()


@pytest.mark.parametrize(("role", "expected"), CASELOAD.items())
def test_caseload(world: World, role: str, expected: int | str) -> None:
    assert status_for(world.client(role).get(reverse("advocates:caseload"))) == expected


@pytest.mark.parametrize(("role", "expected"), COVERAGE.items())
def test_coverage(world: World, role: str, expected: int | str) -> None:
    assert status_for(world.client(role).get(reverse("advocates:coverage"))) == expected


@pytest.mark.parametrize(("role", "expected"), COVERAGE.items())
def test_settings(world: World, role: str, expected: int | str) -> None:
    assert status_for(world.client(role).get(reverse("advocates:advocacy_settings"))) == expected


@pytest.mark.parametrize(("role", "expected"), ADA.items())
def test_advocacy_for_ada(world: World, role: str, expected: int | str) -> None:
    url = reverse("advocates:advocacy_pupil", kwargs={"pupil_id": world.ada.pk})
    assert status_for(world.client(role).get(url)) == expected


@pytest.mark.parametrize(("role", "expected"), CARA.items())
def test_advocacy_for_cara(world: World, role: str, expected: int | str) -> None:
    url = reverse("advocates:advocacy_pupil", kwargs={"pupil_id": world.cara.pk})
    assert status_for(world.client(role).get(url)) == expected


@pytest.mark.parametrize(("role", "expected"), ADA.items())
def test_log_a_contact_for_ada(world: World, role: str, expected: int | str) -> None:
    url = reverse("advocates:advocate_contact", kwargs={"pupil_id": world.ada.pk})
    assert status_for(world.client(role).get(url)) == expected


@pytest.mark.parametrize(("role", "expected"), CARA.items())
def test_log_a_contact_for_cara(world: World, role: str, expected: int | str) -> None:
    url = reverse("advocates:advocate_contact", kwargs={"pupil_id": world.cara.pk})
    assert status_for(world.client(role).get(url)) == expected


@pytest.mark.parametrize(("role", "expected"), DESIGNATE_ADA.items())
def test_designate_ada(world: World, role: str, expected: int | str) -> None:
    url = reverse("advocates:designate", kwargs={"pupil_id": world.ada.pk})
    assert status_for(world.client(role).get(url)) == expected


@pytest.mark.parametrize(("role", "expected"), DESIGNATE_CARA.items())
def test_designate_cara(world: World, role: str, expected: int | str) -> None:
    url = reverse("advocates:designate", kwargs={"pupil_id": world.cara.pk})
    assert status_for(world.client(role).get(url)) == expected


@pytest.mark.parametrize("role", ["advocate", "teacher", "flo", "office", "parent", "pupil"])
def test_only_managers_assign_or_end(world: World, role: str) -> None:
    client = world.client(role)
    assign = reverse("advocates:advocate_assign", kwargs={"pupil_id": world.ada.pk})
    response = client.post(assign, {"staff": world.staff["advocate"].pk})
    assert response.status_code in (403, 404)
    from schoolwindow.people.models import AdvocateAssignment

    assignment = AdvocateAssignment.objects.get(pupil=world.ada)
    end = reverse("advocates:advocate_end", kwargs={"assignment_id": assignment.pk})
    assert client.post(end).status_code in (403, 404)
    assignment.refresh_from_db()
    assert assignment.ended is None


@pytest.mark.parametrize("role", ["leader", "advocate", "pastoral"])
def test_a_pupil_of_another_trust_does_not_exist(world: World, role: str) -> None:
    url = reverse("advocates:advocacy_pupil", kwargs={"pupil_id": world.outsider.pk})
    assert world.client(role).get(url).status_code == 404


def test_the_advocate_sees_only_their_own_caseload(world: World) -> None:
    from schoolwindow.people.models import AdvocateAssignment
    from tests.factories import staff_member

    other = staff_member(world.oakfield, "advocate")
    AdvocateAssignment.objects.create(
        school=world.oakfield,
        staff=other,
        pupil=world.cara,
        started=world.ada.advocacies.get().started,
    )
    html = world.client("advocate").get(reverse("advocates:caseload")).content.decode()
    assert "Ada" in html and "Cara" not in html
    html = world.client("pastoral").get(reverse("advocates:caseload")).content.decode()
    assert "Ada" in html and "Cara" in html


@pytest.mark.parametrize(
    ("role", "page", "words"),
    [
        ("advocate", "advocates:caseload", "Twoi podopieczni"),
        ("leader", "advocates:coverage", "Opiekunowie: pokrycie"),
        ("leader", "advocates:advocacy_settings", "Kto jest uczniem szczególnej troski"),
        ("advocate", "home", "Twoi uczniowie, z którymi czas na kontakt"),
    ],
)
def test_the_pages_are_in_polish(world: World, role: str, page: str, words: str) -> None:
    response = world.client(role).get(reverse(page), HTTP_ACCEPT_LANGUAGE="pl")
    assert response.status_code == 200
    assert words in response.content.decode()
