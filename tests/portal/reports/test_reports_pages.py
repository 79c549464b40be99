"""Who may see each progress-report page.

Staff pages: writers (teachers, for the pupils they teach; leaders, for all) and leaders alone
for setting up and status; other staff 403; families and pupils 404. Family pages: the parent of
the child; a parent of another child, the restricted guardian, pupils and staff 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.pages.conftest import World
from tests.portal.conftest import client_for
from tests.portal.reports.conftest import Reports, published

OTHER_STAFF = ["pastoral", "advocate", "flo", "dsl", "office"]
FAMILIES_AND_PUPILS = {
    "parent": 404,
    "other_parent": 404,
    "restricted": 404,
    "pupil": 404,
    "trust_officer": 404,
    "anonymous": 302,
}

WRITER_PAGES = {"teacher": 200, "leader": 200, **dict.fromkeys(OTHER_STAFF, 403)}
LEADER_PAGES = {"teacher": 403, "leader": 200, **dict.fromkeys(OTHER_STAFF, 403)}


@pytest.mark.parametrize(("role", "expected"), {**WRITER_PAGES, **FAMILIES_AND_PUPILS}.items())
def test_staff_run_pages(reports: Reports, role: str, expected: int) -> None:
    world = reports.world
    client = client_for(world, role)
    for url in (
        reverse("portal_reports:staff"),
        reverse("portal_reports:run", kwargs={"run_id": reports.run.pk}),
        reverse(
            "portal_reports:write", kwargs={"run_id": reports.run.pk, "pupil_id": world.ada.pk}
        ),
    ):
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize(("role", "expected"), {**LEADER_PAGES, **FAMILIES_AND_PUPILS}.items())
def test_leader_pages(reports: Reports, role: str, expected: int) -> None:
    client = client_for(reports.world, role)
    for url in (reverse("portal_reports:template_new"), reverse("portal_reports:schedule")):
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize(
    ("role", "expected"), {"teacher": 404, "leader": 200, **dict.fromkeys(OTHER_STAFF, 403)}.items()
)
def test_a_teacher_writes_only_for_the_classes_they_teach(
    reports: Reports, role: str, expected: int
) -> None:
    world = reports.world
    url = reverse(
        "portal_reports:write", kwargs={"run_id": reports.run.pk, "pupil_id": world.cara.pk}
    )
    assert client_for(world, role).get(url).status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    {**LEADER_PAGES, **FAMILIES_AND_PUPILS}.items(),
)
def test_leader_actions_refuse_everyone_else(reports: Reports, role: str, expected: int) -> None:
    client = client_for(reports.world, role)
    for name in ("portal_reports:publish", "portal_reports:resend"):
        response = client.post(reverse(name, kwargs={"run_id": reports.run.pk}))
        if expected == 200:
            assert response.status_code == 302  # back to the run page with what happened
        else:
            assert response.status_code == expected, name


FAMILY_REPORT = {
    "parent": 200,
    "other_parent": 404,
    "restricted": 404,
    "pupil": 404,
    "trust_officer": 404,
    "anonymous": 302,
    "teacher": 404,
    "leader": 404,
    **dict.fromkeys(OTHER_STAFF, 404),
}


@pytest.mark.parametrize(("role", "expected"), FAMILY_REPORT.items())
def test_family_report_pages(reports: Reports, role: str, expected: int) -> None:
    report = published(reports)
    client = client_for(reports.world, role)
    for name in ("portal_reports:family_report", "portal_reports:family_pdf"):
        url = reverse(name, kwargs={"report_id": report.pk})
        assert client.get(url).status_code == expected, name


@pytest.mark.parametrize(
    ("role", "expected"),
    {
        **{k: v for k, v in FAMILY_REPORT.items() if k not in ("parent",)},
        "parent": 302,
    }.items(),
)
def test_family_actions(reports: Reports, role: str, expected: int) -> None:
    report = published(reports)
    client = client_for(reports.world, role)
    url = reverse("portal_reports:acknowledge", kwargs={"report_id": report.pk})
    status = client.post(url).status_code
    assert status == (302 if role == "anonymous" else expected)


@pytest.mark.parametrize(
    ("role", "expected"),
    {
        "parent": 200,
        "other_parent": 200,
        "restricted": 200,
        "pupil": 404,
        "trust_officer": 404,
        "anonymous": 302,
        "teacher": 404,
        "leader": 404,
        **dict.fromkeys(OTHER_STAFF, 404),
    }.items(),
)
def test_family_list(reports: Reports, role: str, expected: int) -> None:
    published(reports)
    response = client_for(reports.world, role).get(reverse("portal_reports:family"))
    assert response.status_code == expected
    if role in ("other_parent", "restricted"):
        assert "Ada" not in response.content.decode()
    if role == "parent":
        assert "Ada" in response.content.decode()


def test_a_report_not_yet_published_is_not_found_by_its_parent(reports: Reports) -> None:
    from tests.portal.reports.conftest import approved

    report = approved(reports, reports.world.ada)
    url = reverse("portal_reports:family_report", kwargs={"report_id": report.pk})
    assert client_for(reports.world, "parent").get(url).status_code == 404


def test_world_is_as_described(reports: Reports) -> None:
    world: World = reports.world
    assert world.piotr.user is not None


@pytest.mark.parametrize(
    ("role", "expected"), {**LEADER_PAGES, "leader": 302, **FAMILIES_AND_PUPILS}.items()
)
def test_review_is_for_leaders(reports: Reports, role: str, expected: int) -> None:
    from schoolwindow.portal.reports import services
    from tests.portal.reports.conftest import full_lines

    services.report_save(
        actor=reports.actor("teacher"),
        run_id=reports.run.pk,
        pupil_id=reports.world.ada.pk,
        lines=full_lines(reports.template),
        general_comment="Ready.",
        submit=True,
    )
    url = reverse(
        "portal_reports:review",
        kwargs={"run_id": reports.run.pk, "pupil_id": reports.world.ada.pk},
    )
    response = client_for(reports.world, role).post(url, {"action": "approve"})
    assert response.status_code == expected
