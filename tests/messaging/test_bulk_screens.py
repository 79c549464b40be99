"""The bulk messaging screens at a real secondary's size (1,100 pupils): weekly summaries approved
by exception, positive notes as paged cards, and an announcement's audience counted by the send's
own code. Pages stay small and their queries do not grow with the school."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolwindow.core.once import AlreadyDone
from schoolwindow.engagement.models import (
    Flag,
    FlagStatus,
    Homework,
    HomeworkStatus,
    HomeworkSubmission,
)
from schoolwindow.messaging.broadcasts.selectors import audience_reach
from schoolwindow.messaging.broadcasts.services import broadcast_send
from schoolwindow.messaging.delivery.services import channel_for
from schoolwindow.messaging.models import (
    AudienceKind,
    Conversation,
    ConversationKind,
    Delivery,
    DeliveryStatus,
    MessagingSettings,
    Nudge,
)
from schoolwindow.messaging.positive.services import praise_phrases, praise_send
from schoolwindow.messaging.summaries import services
from schoolwindow.messaging.summaries.selectors import batch_counts, longest_ids
from schoolwindow.messaging.summaries.services import nudge_decide, nudges_approve, nudges_prepare
from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import Channel, Guardian, GuardianLink, Pupil
from schoolwindow.schools.models import YearGroup
from tests.conftest import signed_in_client
from tests.factories import PupilFactory
from tests.messaging.scale_support import MONDAY, grow_school
from tests.world import World, build_world

pytestmark = pytest.mark.django_db

SCHOOL_SIZE = 1_100
PAGE_LIMIT = 150 * 1024


@pytest.fixture
def world() -> World:
    w = build_world()
    MessagingSettings.objects.create(
        school=w.secondary, quiet_from=dt.time(23, 59), quiet_until=dt.time(0, 0)
    )
    return w


def get(client: Client, url: str) -> tuple[str, int]:
    """The page's HTML and its number of queries (after one warm-up request)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(queries)


# --- Weekly summaries --------------------------------------------------------------------------


def test_the_approval_page_stays_small_and_its_queries_fixed_as_the_school_grows(
    world: World,
) -> None:
    grow_school(world.secondary, world.year7, 40)
    batch = nudges_prepare(world.secondary.pk, MONDAY)
    approver = signed_in_client(world.staff["leader"].user)
    url = reverse("families:nudge_batch", kwargs={"batch_id": batch.pk})
    _small, small_queries = get(approver, url)
    grow_school(world.secondary, world.year7, SCHOOL_SIZE - 40, start=40)
    nudges_prepare(world.secondary.pk, MONDAY)  # the draft takes in the new children
    assert Nudge.objects.filter(batch=batch).count() >= SCHOOL_SIZE
    html, queries = get(approver, url)
    assert queries == small_queries
    assert len(html.encode()) < PAGE_LIMIT
    assert "summaries prepared" in html
    assert "Approve and send the rest" in html
    searched, _n = get(approver, url + "?q=Child0777&show=all")
    assert "Child0777" in searched and "Child0778" not in searched


def test_the_count_by_channel_is_each_familys_own_channel(world: World) -> None:
    grow_school(world.secondary, world.year7, 12)
    guardians = list(
        Guardian.objects.filter(links__pupil__school=world.secondary).distinct().order_by("pk")
    )
    # A spread of ways to reach families, some of which fall back to another channel.
    for i, guardian in enumerate(guardians):
        guardian.preferred_channel = (Channel.APP, Channel.SMS, Channel.EMAIL, Channel.LETTER)[
            i % 4
        ]
        guardian.phone = "07700 900123" if i % 3 else ""
        guardian.email = f"family{i}@example.org" if i % 2 else ""
        guardian.save(update_fields=["preferred_channel", "phone", "email"])
    batch = nudges_prepare(world.secondary.pk, MONDAY)
    expected: dict[str, int] = {}
    ids = Nudge.objects.filter(batch=batch).values("guardian_id")
    for guardian in Guardian.objects.filter(pk__in=ids):
        label = str(dict(Channel.choices)[channel_for(guardian)[0]])
        expected[label] = expected.get(label, 0) + 1
    counts = batch_counts(batch, longest_ids(batch))
    assert dict(counts.by_channel) == expected
    assert len(expected) > 1


def test_approve_the_rest_sends_exactly_the_ones_not_held_back_once(world: World) -> None:
    grow_school(world.secondary, world.year7, 60)
    batch = nudges_prepare(world.secondary.pk, MONDAY)
    nudges = list(Nudge.objects.filter(batch=batch).order_by("pk"))
    held, skipped = nudges[:3], nudges[3:5]
    leader = actor_for(world.staff["leader"].user)
    services.nudge_edit(
        actor=leader,
        batch=batch,
        edits={n.pk: (n.body, n in skipped) for n in held + skipped},
        holds={n.pk: n in held for n in held + skipped},
    )
    token = uuid.uuid4()
    result = nudges_approve(actor=leader, batch=batch, once=token)
    assert (result.sent, result.held, result.skipped) == (len(nudges) - 5, 3, 2)
    sent = set(
        Nudge.objects.filter(batch=batch, message__isnull=False).values_list("pk", flat=True)
    )
    assert sent == {n.pk for n in nudges[5:]}
    conversations = Conversation.objects.filter(kind=ConversationKind.NUDGE).count()
    assert conversations == len(nudges) - 5
    # The same form again, and another tab's approval, send nothing more.
    for once in (token, uuid.uuid4()):
        with pytest.raises(AlreadyDone):
            nudges_approve(actor=leader, batch=batch, once=once)
    assert Conversation.objects.filter(kind=ConversationKind.NUDGE).count() == conversations
    # A held one is then sent on its own, once.
    assert nudge_decide(actor=leader, batch=batch, nudge_id=held[0].pk, send=True)
    with pytest.raises(AlreadyDone):
        nudge_decide(actor=leader, batch=batch, nudge_id=held[0].pk, send=True)
    assert not nudge_decide(actor=leader, batch=batch, nudge_id=held[1].pk, send=False)
    assert Conversation.objects.filter(kind=ConversationKind.NUDGE).count() == conversations + 1
    held[1].refresh_from_db()
    assert held[1].skipped and held[1].message_id is None


def test_the_page_holds_back_and_approves_the_rest(world: World) -> None:
    grow_school(world.secondary, world.year7, 30)
    batch = nudges_prepare(world.secondary.pk, MONDAY)
    one = Nudge.objects.filter(batch=batch).order_by("pk").first()
    assert one is not None
    url = reverse("families:nudge_batch", kwargs={"batch_id": batch.pk})
    approver = signed_in_client(world.staff["leader"].user)
    form = {
        "nudge": [str(one.pk)],
        f"body-{one.pk}": one.body,
        f"hold-{one.pk}": "on",
        "action": "approve",
        "once": str(uuid.uuid4()),
    }
    assert approver.post(url, form).status_code == 302
    assert approver.post(url, form).status_code == 302  # a double tap
    total = Nudge.objects.filter(batch=batch).count()
    assert Conversation.objects.filter(kind=ConversationKind.NUDGE).count() == total - 1
    one.refresh_from_db()
    assert one.held and one.message_id is None
    page = approver.get(url + "?show=held").content.decode()
    assert "Send this one" in page


def test_children_with_nothing_new_get_no_summary_and_the_batch_says_why(world: World) -> None:
    grow_school(world.secondary, world.year7, 30)
    quiet = PupilFactory(school=world.secondary, legal_first_name="Quiet", year_group=world.year7)
    guardian = Guardian.objects.create(trust=world.trust, first_name="Q", last_name="Carer")
    GuardianLink.objects.create(school=world.secondary, pupil=quiet, guardian=guardian)
    batch = nudges_prepare(world.secondary.pk, MONDAY)
    assert not Nudge.objects.filter(pupil=quiet).exists()
    assert not Nudge.objects.filter(pupil=world.stranger).exists()
    no_news = Pupil.objects.filter(school=world.secondary, status="active").count() - len(
        set(Nudge.objects.filter(batch=batch).values_list("pupil_id", flat=True))
    )
    batch.refresh_from_db()
    assert batch.not_prepared[services.NO_NEWS] == no_news >= 2
    html = signed_in_client(world.staff["leader"].user).get(
        reverse("families:nudge_batch", kwargs={"batch_id": batch.pk})
    )
    assert "had nothing new this week" in html.content.decode()


def test_summaries_carry_no_codes_and_say_why_they_need_a_look(world: World) -> None:
    [child] = grow_school(world.secondary, world.year7, 1)
    form = child.enrolments.get().group
    missing = Homework.objects.create(
        school=world.secondary,
        group=form,
        title=f"Volcano poster ({form.name})",
        subject="Geography",
        set_on=MONDAY - dt.timedelta(days=7),
        due_on=MONDAY + dt.timedelta(days=1),
        source_id="hw-missing",
    )
    HomeworkSubmission.objects.create(
        school=world.secondary, homework=missing, pupil=child, status=HomeworkStatus.MISSING
    )
    Flag.objects.create(
        school=world.secondary,
        pupil=child,
        status=FlagStatus.OPEN,
        opened_on=MONDAY,
        last_evaluated_on=MONDAY,
    )
    carer = Guardian.objects.get(links__pupil=child)
    carer.preferred_language = "pl"
    carer.save()
    # The carer is under a contact restriction for another child: a sensitive family.
    other = PupilFactory(school=world.secondary, legal_first_name="Other", year_group=world.year7)
    GuardianLink.objects.create(
        school=world.secondary, pupil=other, guardian=carer, contact_restricted=True
    )
    batch = nudges_prepare(world.secondary.pk, MONDAY)
    nudge = Nudge.objects.get(batch=batch, pupil=child)
    assert form.name not in nudge.body
    assert "Geography: Volcano poster" in nudge.body
    assert "unauthorised" not in nudge.body.lower() and " N " not in nudge.body
    assert set(nudge.look) == {services.PUPIL_FLAG, services.LANGUAGE, services.SENSITIVE}
    html = signed_in_client(world.staff["leader"].user).get(
        reverse("families:nudge_batch", kwargs={"batch_id": batch.pk})
    )
    text = html.content.decode()
    assert "On the watchlist" in text and "Not in English" in text and "Sensitive family" in text
    assert "pupil_flag" not in text


# --- Positive notes ----------------------------------------------------------------------------


def test_the_positive_page_pages_and_filters_a_whole_secondary(world: World) -> None:
    pupils = grow_school(world.secondary, world.year7, 40)
    client = signed_in_client(world.staff["pastoral"].user)
    url = reverse("families:positive") + f"?school={world.secondary.pk}"
    _html, small_queries = get(client, url)
    pupils += grow_school(world.secondary, world.year7, SCHOOL_SIZE - 40, start=40)
    html, queries = get(client, url)
    assert queries == small_queries
    assert len(html.encode()) < PAGE_LIMIT
    assert "<table" not in html  # cards, no table to scroll sideways on a phone
    assert html.count('name="pupil"') == 20
    praised = pupils[500]
    praise_send(
        actor=actor_for(world.staff["pastoral"].user),
        pupil_id=praised.pk,
        phrase_key=praise_phrases()[0].key,
    )
    searched, _n = get(client, url + f"&q={praised.legal_first_name}")
    assert "Last good news" in searched and praised.legal_first_name in searched
    quiet, _n = get(client, url + f"&q={praised.legal_first_name}&days=14")
    assert "No pupils match." in quiet
    never, _n = get(client, url + "&days=never")
    assert f"{SCHOOL_SIZE + 1} pupils" in never or f"{SCHOOL_SIZE} pupils" in never
    form = pupils[0].enrolments.get().group
    in_form, _n = get(client, url + f"&group={form.pk}")
    assert "30 pupils" in in_form


# --- An announcement's audience ----------------------------------------------------------------


def test_the_live_count_is_what_the_send_queues(world: World) -> None:
    year8 = YearGroup.objects.create(school=world.secondary, code="8", name="Year 8")
    pupils = grow_school(world.secondary, year8, 90)
    # Some families get a letter: no email, or they prefer post.
    Guardian.objects.filter(links__pupil__in=pupils[:7]).update(email="")
    Guardian.objects.filter(links__pupil__in=pupils[7:10]).update(preferred_channel="letter")
    leader = world.staff["leader"].user
    client = signed_in_client(leader)
    count_url = reverse("families:broadcast_audience") + f"?school={world.secondary.pk}"
    chosen = [pupils[1].pk, pupils[8].pk, pupils[20].pk]
    cases: list[tuple[dict[str, Any], dict[str, Any]]] = [
        ({"audience": AudienceKind.YEAR, "year_group": str(year8.pk)}, {"year_group": year8}),
        (
            {"audience": AudienceKind.LIST, "pupils": [str(pk) for pk in chosen]},
            {"pupils": list(Pupil.objects.filter(pk__in=chosen))},
        ),
    ]
    for query, data in cases:
        reach = audience_reach(
            school_id=world.secondary.pk,
            audience=query["audience"],
            year_group_id=year8.pk if "year_group" in query else None,
            pupil_ids=chosen if "pupils" in query else (),
        )
        shown = client.get(count_url, query).content.decode()
        assert f"Reaches {reach.families} famil" in shown
        broadcast, copies = broadcast_send(
            actor=actor_for(leader),
            school=world.secondary,
            data={
                "audience": query["audience"],
                "subject": "Trip",
                "body": "The trip is on Monday.",
                **data,
            },
        )
        letters = Delivery.objects.filter(
            message__broadcast=broadcast, status=DeliveryStatus.LETTER
        ).count()
        assert (copies, letters) == (reach.families, reach.letters)
        if reach.letters:
            assert f"{reach.letters} of them get" in shown or "of them gets" in shown
    assert audience_reach(
        school_id=world.secondary.pk, audience=AudienceKind.YEAR, year_group_id=year8.pk
    ) == audience_reach(
        school_id=world.secondary.pk, audience=AudienceKind.YEAR, year_group_id=year8.pk
    )


def test_pupils_are_found_by_name_with_year_and_class_twenty_at_most(world: World) -> None:
    grow_school(world.secondary, world.year7, 200)
    client = signed_in_client(world.staff["leader"].user)
    url = reverse("families:broadcast_pupils") + f"?school={world.secondary.pk}"
    first = Pupil.objects.get(legal_first_name="Child0003")
    html = client.get(url, {"pupil_q": "Child00", "pupils": [str(first.pk)]}).content.decode()
    assert html.count('type="checkbox"') == 21  # the one chosen, and twenty matches
    assert "Year 7 · Form 000" in html
    assert html.index("Child0003") < html.index("pupils found")
    # Teachers write to their own classes only: no search across the school.
    teacher = signed_in_client(world.staff["teacher"].user)
    assert teacher.get(url, {"pupil_q": "Child"}).status_code == 403


def test_the_compose_page_works_without_javascript(world: World) -> None:
    grow_school(world.secondary, world.year7, SCHOOL_SIZE)
    client = signed_in_client(world.staff["leader"].user)
    url = reverse("families:broadcast_new") + f"?school={world.secondary.pk}"
    html, _queries = get(client, url)
    assert len(html.encode()) < PAGE_LIMIT
    assert "Child0001" not in html  # no list of every pupil
    found = client.post(
        url, {"audience": AudienceKind.LIST, "pupil_q": "Child0001", "action": "find"}
    ).content.decode()
    assert "Child0001" in found and "Send announcement" in found
    assert "This field is required" not in found
    pupil = Pupil.objects.get(legal_first_name="Child0001")
    counted = client.post(
        url, {"audience": AudienceKind.LIST, "pupils": [str(pupil.pk)], "action": "count"}
    ).content.decode()
    assert "Reaches 1 family" in counted
    assert not Delivery.objects.exists()
