"""Who may see each portfolio page and file (tests/pages style): the child's parent, a parent
of another child, a guardian under a contact restriction, the pupil, every staff role, a trust
officer, and nobody signed in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolwindow.core.panels import PARENT_HOME, ParentHomeSubject
from schoolwindow.people.actors import actor_for
from schoolwindow.portal.portfolio.models import PortfolioFile
from tests.pages.conftest import World
from tests.portal.conftest import client_for
from tests.portal.portfolio.helpers import drained, pupil_post, teacher_post

STAFF = ["leader", "pastoral", "teacher", "advocate", "flo", "dsl", "office"]
OUTSIDERS = {"other_parent": 404, "restricted": 404, "trust_officer": 404, "anonymous": 302}

# Ada's portfolio, a shared post about her, and its files: her parent, herself, and the staff
# who teach her (and the leaders of teaching); other staff see Ada but not her photos.
TEACHING = ["teacher", "leader", "pastoral"]
NOT_TEACHING = ["advocate", "flo", "dsl", "office"]
SEES_ADA = {"parent": 200, "pupil": 200, **dict.fromkeys(TEACHING, 200), **OUTSIDERS}
CHILD_PAGE = {**SEES_ADA, **dict.fromkeys(NOT_TEACHING, 403)}
POST_AND_FILES = {**SEES_ADA, **dict.fromkeys(NOT_TEACHING, 404)}


@pytest.mark.parametrize(("role", "expected"), CHILD_PAGE.items())
def test_the_childs_portfolio(world: World, role: str, expected: int) -> None:
    teacher_post(world)
    url = reverse("portal_portfolio:child", args=[world.ada.pk])
    assert client_for(world, role).get(url).status_code == expected


@pytest.mark.parametrize(("role", "expected"), POST_AND_FILES.items())
def test_a_post(world: World, role: str, expected: int) -> None:
    post = teacher_post(world)
    url = reverse("portal_portfolio:post", args=[post.pk])
    assert client_for(world, role).get(url).status_code == expected


@pytest.mark.parametrize(("role", "expected"), POST_AND_FILES.items())
def test_every_file_url(world: World, role: str, expected: int) -> None:
    post = teacher_post(world, with_photo=True)
    file = PortfolioFile.objects.get(post=post)
    client = client_for(world, role)
    for url in (
        reverse("portal_portfolio:file", args=[file.pk]),
        reverse("portal_portfolio:file_small", args=[file.pk]),
        reverse("portal_portfolio:post_small", args=[post.pk]),
    ):
        response = client.get(url)
        assert response.status_code == expected, url
        if expected == 200:
            assert response["Cache-Control"] == "private, max-age=300"
            assert response["Content-Type"] == "image/jpeg"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert drained(response)[:3] == b"\xff\xd8\xff"


def test_a_file_id_that_does_not_exist_is_not_found(world: World) -> None:
    assert (
        client_for(world, "parent").get(reverse("portal_portfolio:file", args=[999999])).status_code
        == 404
    )


NEW_POST = {
    "parent": 200,
    "pupil": 200,
    "teacher": 200,
    "leader": 200,
    "pastoral": 200,
    "advocate": 403,
    "flo": 403,
    "dsl": 403,
    "office": 403,
    **OUTSIDERS,
}


@pytest.mark.parametrize(("role", "expected"), NEW_POST.items())
def test_the_new_post_page(world: World, role: str, expected: int) -> None:
    url = reverse("portal_portfolio:new", args=[world.ada.pk])
    assert client_for(world, role).get(url).status_code == expected


CONSENT = {
    "parent": 200,
    "office": 200,
    "leader": 200,
    "pupil": 404,
    **dict.fromkeys(["teacher", "pastoral", "advocate", "flo", "dsl"], 403),
    **OUTSIDERS,
}


@pytest.mark.parametrize(("role", "expected"), CONSENT.items())
def test_the_consent_page(world: World, role: str, expected: int) -> None:
    url = reverse("portal_portfolio:consent", args=[world.ada.pk])
    assert client_for(world, role).get(url).status_code == expected


WAITING_POST = {
    "parent": 404,
    "pupil": 200,
    **dict.fromkeys(TEACHING, 200),
    **dict.fromkeys(NOT_TEACHING, 404),
    **OUTSIDERS,
}


@pytest.mark.parametrize(("role", "expected"), WAITING_POST.items())
def test_a_pupils_post_waiting_for_approval(world: World, role: str, expected: int) -> None:
    post = pupil_post(world)
    url = reverse("portal_portfolio:post", args=[post.pk])
    assert client_for(world, role).get(url).status_code == expected


FAMILY_AND_PUPIL_404 = {"parent": 404, "pupil": 404, **OUTSIDERS}
FEED = {**dict.fromkeys(TEACHING, 200), **dict.fromkeys(NOT_TEACHING, 403), **FAMILY_AND_PUPIL_404}
QUEUE = {
    **dict.fromkeys(["teacher", "leader", "pastoral"], 200),
    **dict.fromkeys(["advocate", "flo", "dsl", "office"], 403),
    **FAMILY_AND_PUPIL_404,
}
SETTINGS = {
    **dict.fromkeys(["office", "leader"], 200),
    **dict.fromkeys(["teacher", "pastoral", "advocate", "flo", "dsl"], 403),
    **FAMILY_AND_PUPIL_404,
}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (name, (role, status))
        for name, table in (
            ("portal_portfolio:feed", FEED),
            ("portal_portfolio:queue", QUEUE),
            ("portal_portfolio:settings", SETTINGS),
        )
        for role, status in table.items()
    ],
)
def test_staff_pages(world: World, name: str, expected: tuple[str, int]) -> None:
    role, status = expected
    assert client_for(world, role).get(reverse(name)).status_code == status


INDEX = {
    "parent": 200,
    "other_parent": 200,
    "pupil": 302,
    **dict.fromkeys(TEACHING, 302),
    **dict.fromkeys(NOT_TEACHING, 404),
}


@pytest.mark.parametrize(
    ("role", "expected"), {**INDEX, "restricted": 404, "trust_officer": 404}.items()
)
def test_the_index_sends_each_to_their_page(world: World, role: str, expected: int) -> None:
    assert client_for(world, role).get(reverse("portal_portfolio:index")).status_code == expected


def test_the_parent_sees_only_their_own_childs_posts_listed(world: World) -> None:
    teacher_post(world, title="Ada's volcano")
    page = client_for(world, "parent").get(reverse("portal_portfolio:index")).content.decode()
    assert "Ada" in page and "Cara" not in page


# --- Query counts --------------------------------------------------------------------------


def _queries(world: World, role: str, url: str) -> int:
    client = client_for(world, role)
    client.get(url)  # sessions and caches warm
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("role", "name"),
    [("parent", "child"), ("pupil", "child"), ("teacher", "child"), ("teacher", "feed")],
)
def test_lists_cost_the_same_whatever_the_number_of_posts(
    world: World, role: str, name: str
) -> None:
    url = (
        reverse("portal_portfolio:child", args=[world.ada.pk])
        if name == "child"
        else reverse("portal_portfolio:feed")
    )
    teacher_post(world, with_photo=True)
    few = _queries(world, role, url)
    for index in range(12):
        teacher_post(world, title=f"Work {index}", with_photo=index % 2 == 0)
    assert _queries(world, role, url) == few


def test_the_parent_home_section_is_one_query_and_three_rows(world: World) -> None:
    for index in range(6):
        teacher_post(world, title=f"Work {index}", with_photo=index == 5)
    actor = actor_for(world.maria.user)
    subject = ParentHomeSubject(
        child=world.ada,
        children=[world.ada, world.ben],
        guardian_id=world.maria.pk,
        today=dt.date.today(),
    )
    # Other apps have their own sections on the home: count this one's alone.
    panel = PARENT_HOME._panels["portfolio"]
    with CaptureQueriesContext(connection) as queries:
        context = panel.context(actor, subject)
    assert context is not None
    assert len(queries) == 1
    assert [post.title for post in context["posts"]] == ["Work 5", "Work 4", "Work 3"]
    assert context["picture"].title == "Work 5"


def test_the_parent_home_section_is_empty_without_posts(world: World) -> None:
    import datetime as dt

    subject = ParentHomeSubject(
        child=world.ben,
        children=[world.ada, world.ben],
        guardian_id=world.maria.pk,
        today=dt.date.today(),
    )
    shown = PARENT_HOME.shown(actor=actor_for(world.maria.user), subject=subject, mode="guardian")
    assert "portfolio" not in [panel.name for panel in shown]
