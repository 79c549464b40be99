"""The parent's home: who sees it, what it shows for each child, and its fixed cost; the head's
message: who posts it, who reads it."""

from __future__ import annotations

import datetime as dt
import gzip
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolwindow.messaging.models import Broadcast
from schoolwindow.people.models import GuardianLink
from schoolwindow.support.loans.models import Loan
from tests.factories import PupilFactory
from tests.messaging.test_broadcast_reading import announce
from tests.pages.conftest import World
from tests.portal.conftest import client_for
from tests.support.conftest import item_add, lend

STAFF = ["leader", "pastoral", "teacher", "advocate", "flo", "dsl", "office"]

HOME = {
    "parent": 200,
    "other_parent": 200,
    "restricted": 200,  # signed in, but no child to see: the page says so
    "pupil": 404,
    "trust_officer": 404,
    "anonymous": 302,
    **dict.fromkeys(STAFF, 404),
}


@pytest.mark.parametrize(("role", "expected"), HOME.items())
def test_who_has_a_parent_home(world: World, role: str, expected: int) -> None:
    assert client_for(world, role).get(reverse("parent_home")).status_code == expected


def test_the_parent_home_shows_one_child_and_switches_across_schools(world: World) -> None:
    client = client_for(world, "parent")
    html = client.get(reverse("parent_home")).content.decode()
    assert "<h1>Ada Kowalska</h1>" in html
    assert "Oakfield Academy" in html and "Brookside Primary" in html  # the switch names schools
    assert f"?child={world.ben.pk}" in html
    ben = client.get(reverse("parent_home") + f"?child={world.ben.pk}").content.decode()
    assert "<h1>Ben Kowalski</h1>" in ben
    assert 'aria-current="page">Ben' in ben


@pytest.mark.parametrize("role", ["other_parent", "restricted"])
def test_another_familys_child_is_not_found(world: World, role: str) -> None:
    url = reverse("parent_home") + f"?child={world.ada.pk}"
    assert client_for(world, role).get(url).status_code == 404


def test_a_restricted_guardian_sees_nothing_of_the_child(world: World) -> None:
    html = client_for(world, "restricted").get(reverse("parent_home")).content.decode()
    assert "Ada" not in html
    assert "can't find any children" in html


def test_a_made_up_child_is_not_found(world: World) -> None:
    client = client_for(world, "parent")
    assert client.get(reverse("parent_home") + "?child=abc").status_code == 404
    assert client.get(reverse("parent_home") + "?child=999999").status_code == 404


def test_the_parent_home_is_never_cached(world: World) -> None:
    response = client_for(world, "parent").get(reverse("parent_home"))
    assert "no-store" in response["Cache-Control"]


def test_signing_in_as_a_parent_lands_on_the_parent_home(world: World) -> None:
    response = client_for(world, "parent").get(reverse("home"))
    assert response["Location"] == reverse("parent_home")


def head_video(world: World, subject: str = "The head's video: week 12") -> Broadcast:
    return announce(world, subject=subject, video_link="https://video.example.org/week-12")


def test_the_heads_latest_video_shows_for_the_childs_school_only(world: World) -> None:
    head_video(world)
    client = client_for(world, "parent")
    ada = client.get(reverse("parent_home")).content.decode()
    assert "The head&#x27;s video: week 12" in ada
    assert "https://video.example.org/week-12" in ada
    ben = client.get(reverse("parent_home") + f"?child={world.ben.pk}").content.decode()
    assert "week 12" not in ben


def test_an_announcement_without_a_video_is_not_the_heads_video(world: World) -> None:
    announce(world, subject="Museum trip")
    html = client_for(world, "parent").get(reverse("parent_home")).content.decode()
    assert 'id="head-video-heading"' not in html


def home_queries(world: World) -> int:
    client = client_for(world, "parent")
    client.get(reverse("parent_home"))  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("parent_home")).status_code == 200
    return len(queries)


def test_a_loan_agreement_waits_for_the_parent_whichever_child_is_shown(world: World) -> None:
    lend(world, item_add(world))
    client = client_for(world, "parent")
    ben = client.get(reverse("parent_home") + f"?child={world.ben.pk}").content.decode()
    loan = Loan.objects.get()
    waiting = ben.split('id="waiting-heading"')[1].split("</section>")[0]
    assert reverse("loans:my_loan", kwargs={"loan_id": loan.pk}) in waiting
    assert "Ada" in waiting  # the page is in the parent's language; the child's name in both
    other = client_for(world, "other_parent").get(reverse("parent_home")).content.decode()
    assert reverse("loans:my_loan", kwargs={"loan_id": loan.pk}) not in other


def more_of_everything(world: World, n: int) -> None:
    """Another child, a loan (its agreement waiting and its message) and a head's message."""
    head_video(world, subject=f"Video {n}")
    child = PupilFactory(school=world.oakfield, legal_first_name=f"Kid{n}")
    GuardianLink.objects.create(school=world.oakfield, pupil=child, guardian=world.maria)
    lend(world, item_add(world, tag=f"SW-{n:04}"), pupil=child)
    lend(world, item_add(world, tag=f"SW-A{n:03}"))


def test_the_parent_home_costs_the_same_however_much_there_is(world: World) -> None:
    # Some of everything first: a section with nothing to show may skip its second query.
    more_of_everything(world, 0)
    before = home_queries(world)
    for n in range(1, 5):
        more_of_everything(world, n)
    assert home_queries(world) == before


def test_the_first_load_is_one_small_request(world: World) -> None:
    """The stylesheet is inside the page (with the answer's CSP nonce, nothing else inline is
    allowed), no script is loaded, and the page is compressed."""
    response = client_for(world, "parent").get(reverse("parent_home"), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    html = gzip.decompress(response.content).decode()
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce is not None and f'<style nonce="{nonce.group(1)}">' in html
    assert "<script" not in html and 'rel="stylesheet"' not in html
    assert len(response.content) < 100_000


def test_other_pages_keep_the_stylesheet_apart_and_no_nonce(world: World) -> None:
    response = client_for(world, "parent").get(reverse("account"))
    assert "nonce-" not in response["Content-Security-Policy"]
    assert 'rel="stylesheet"' in response.content.decode()


def test_the_home_is_briefly_kept_but_the_parents_own_changes_show_at_once(
    world: World, settings: object
) -> None:
    """With the short cache on: what the school adds shows once it runs out; what the parent
    sends (any form that went through) shows straight away."""
    settings.PARENT_HOME_CACHE_SECONDS = 30  # type: ignore[attr-defined]
    client = client_for(world, "parent")
    home = reverse("parent_home")
    client.get(home)
    head_video(world, subject="Fresh from the head")
    assert "Fresh from the head" not in client.get(home).content.decode()
    # The parent changes their language (any form of theirs that goes through will do).
    client.post(reverse("language_set"), {"language": "en-gb", "next": home})
    assert "Fresh from the head" in client.get(home).content.decode()


def test_the_kept_home_costs_a_handful_of_queries(world: World, settings: object) -> None:
    more_of_everything(world, 0)
    full = home_queries(world)
    settings.PARENT_HOME_CACHE_SECONDS = 30  # type: ignore[attr-defined]
    client = client_for(world, "parent")
    client.get(reverse("parent_home"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("parent_home"))
    assert len(queries) < full


def test_one_thing_to_do_about_two_children_is_listed_once(world: World) -> None:
    from schoolwindow.core.panels import PARENT_WAITING, ParentHomeSubject, WaitingItem
    from schoolwindow.people.actors import actor_for

    def twice(actor: object, subject: ParentHomeSubject) -> list[WaitingItem]:
        return [
            WaitingItem(text=f"Reply for {c.first_name}", url="/same/") for c in subject.children
        ]

    PARENT_WAITING.register("zz-test-twice", twice)
    try:
        subject = ParentHomeSubject(
            child=world.ada,
            children=[world.ada, world.ben],
            guardian_id=world.maria.pk,
            today=dt.date.today(),
        )
        items = PARENT_WAITING.items(actor=actor_for(world.maria.user), subject=subject)
        assert [item.url for item in items].count("/same/") == 1
    finally:
        PARENT_WAITING._sources.pop("zz-test-twice")
