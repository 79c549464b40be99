"""The parent's home: who sees it, what it shows for each child, and its fixed cost; the head's
message: who posts it, who reads it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schoolwindow.core.once import new_token
from schoolwindow.people.models import GuardianLink
from schoolwindow.portal.home.models import HeadMessage
from schoolwindow.support.loans.models import Loan
from tests.factories import PupilFactory
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


def post_head_message(world: World, title: str) -> None:
    HeadMessage.objects.create(
        school=world.oakfield,
        title=title,
        body="We are proud of every one of you.",
        video_url="https://video.example.org/head",
        posted_at=timezone.now(),
    )


def test_the_heads_message_shows_for_the_childs_school_only(world: World) -> None:
    post_head_message(world, "Welcome back")
    client = client_for(world, "parent")
    assert "Welcome back" in client.get(reverse("parent_home")).content.decode()
    ben = client.get(reverse("parent_home") + f"?child={world.ben.pk}").content.decode()
    assert "Welcome back" not in ben


def test_an_old_or_withdrawn_message_is_not_news(world: World) -> None:
    HeadMessage.objects.create(
        school=world.oakfield,
        title="Last spring",
        body="Old news.",
        posted_at=timezone.now() - dt.timedelta(days=90),
    )
    HeadMessage.objects.create(
        school=world.oakfield,
        title="Taken down",
        body="Oops.",
        posted_at=timezone.now(),
        withdrawn_at=timezone.now(),
    )
    html = client_for(world, "parent").get(reverse("parent_home")).content.decode()
    assert "Last spring" not in html and "Taken down" not in html


READ = {
    "parent": 200,
    "other_parent": 200,  # Cara is at Oakfield too
    "restricted": 404,
    "pupil": 404,
    "trust_officer": 404,
    "anonymous": 302,
    **dict.fromkeys(STAFF, 200),
}


@pytest.mark.parametrize(("role", "expected"), READ.items())
def test_who_reads_the_heads_message(world: World, role: str, expected: int) -> None:
    post_head_message(world, "Welcome back")
    message = HeadMessage.objects.get()
    url = reverse("head_message", kwargs={"message_id": message.pk})
    assert client_for(world, role).get(url).status_code == expected


POST = {
    "leader": 200,
    **dict.fromkeys([r for r in STAFF if r != "leader"], 403),
    "parent": 403,
    "other_parent": 403,
    "pupil": 403,
    "trust_officer": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize(("role", "expected"), POST.items())
def test_who_posts_the_heads_message(world: World, role: str, expected: int) -> None:
    assert client_for(world, role).get(reverse("head_messages")).status_code == expected


def test_posting_twice_or_from_two_tabs_is_one_message(world: World) -> None:
    client = client_for(world, "leader")
    form = {
        "school": world.oakfield.pk,
        "title": "Sports day",
        "body": "Thank you for coming.",
        "video_url": "https://video.example.org/sports",
    }
    first = client.post(reverse("head_messages"), {**form, "once": str(new_token())})
    assert first.status_code == 302
    token = str(new_token())
    client.post(reverse("head_messages"), {**form, "once": token})
    again = client.post(reverse("head_messages"), {**form, "once": token}, follow=True)
    assert HeadMessage.objects.count() == 1
    assert "already posted" in again.content.decode()


def test_a_message_needs_words_for_those_who_cannot_watch(world: World) -> None:
    response = client_for(world, "leader").post(
        reverse("head_messages"),
        {"school": world.oakfield.pk, "title": "Hi", "body": "", "once": str(new_token())},
    )
    assert response.status_code == 400
    assert HeadMessage.objects.count() == 0


def test_taking_a_message_down(world: World) -> None:
    post_head_message(world, "Welcome back")
    message = HeadMessage.objects.get()
    url = reverse("head_message_withdraw", kwargs={"message_id": message.pk})
    assert client_for(world, "teacher").post(url).status_code == 403
    client_for(world, "leader").post(url)
    message.refresh_from_db()
    assert message.withdrawn_at is not None
    assert (
        "Welcome back"
        not in client_for(world, "parent").get(reverse("parent_home")).content.decode()
    )


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
    post_head_message(world, f"Message {n}")
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
