"""Needs: the rules over a pupil's current profile, help derived from real records, marking a
need as met once, the school's rules, and a fixed number of queries however many pupils."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.errors import Invalid
from schoolwindow.core.once import AlreadyDone
from schoolwindow.homelife.models import ProfileAnswer, Source
from schoolwindow.people.models import AdvocateAssignment, Guardian, Household, Pupil
from schoolwindow.support.loans.models import Kind
from schoolwindow.support.needs import selectors, services
from schoolwindow.support.needs.models import NeedMet
from schoolwindow.support.needs.rules import (
    CONNECTION,
    DEVICE,
    HELP,
    KEYS,
    LANGUAGE,
    QUIET,
    needs_from,
    other_language,
)
from schoolwindow.support.studygroups.models import StudyGroup, StudyGroupMember
from tests.factories import PupilFactory
from tests.pages.conftest import World
from tests.support.conftest import actor, item_add, lend

ALL = frozenset(KEYS)


def answer(
    world: World,
    question: str,
    value: str,
    *,
    pupil: Pupil | None = None,
    household: Household | None = None,
    source: str = Source.PARENT_SURVEY,
    detail: str = "",
    days_ago: float = 1,
) -> ProfileAnswer:
    about_pupil = pupil if household is None else None
    if about_pupil is None and household is None:
        household = world.ada.household
    return ProfileAnswer.objects.create(
        school=world.oakfield,
        household=household,
        pupil=about_pupil,
        question=question,
        value=value,
        detail=detail,
        source=source,
        recorded_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def ada_needs(world: World) -> dict[str, str]:
    found = selectors.pupil_needs(
        actor=actor(world, "pastoral"), pupil=world.ada, today=timezone.localdate()
    )
    assert found is not None
    return {item.need.key: item.helped_by for item in found.needs}


# --- The rules, pure ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"devices": ("none", "")}, [DEVICE]),
        ({"devices": ("smartphone", "")}, [DEVICE]),
        ({"devices": ("laptop", ""), "device_sharing": ("adults", "mum, 9 to 5")}, [DEVICE]),
        ({"devices": ("laptop", ""), "device_sharing": ("own", "")}, []),
        ({"device_count": ("0", "")}, [DEVICE]),
        ({"internet": ("none", "")}, [CONNECTION]),
        ({"internet": ("mobile", "10 GB a month")}, [CONNECTION]),
        ({"internet": ("mobile", "")}, []),
        ({"internet": ("broadband", "")}, []),
        ({"quiet_place": ("no", "")}, [QUIET]),
        ({"quiet_place": ("sometimes", "")}, []),
        ({"adult_help": ("no", "")}, [HELP]),
        ({"adult_help": ("no", ""), "study_buddy": ("sibling", "")}, []),
        ({"languages": ("Polish and English", "")}, [LANGUAGE]),
        ({"languages": ("English", "")}, []),
        ({}, []),
    ],
)
def test_rules(answers: dict[str, tuple[str, str]], expected: list[str]) -> None:
    assert needs_from(answers, ALL) == expected


def test_a_rule_switched_off_suggests_nothing() -> None:
    answers = {"devices": ("none", ""), "internet": ("none", "")}
    assert needs_from(answers, ALL - {DEVICE}) == [CONNECTION]


def test_other_language() -> None:
    assert other_language("Urdu")
    assert not other_language("english only")
    assert not other_language("")


# --- From the profile -----------------------------------------------------------------------


def test_needs_come_from_the_current_profile(world: World) -> None:
    Guardian.objects.filter(pk=world.maria.pk).update(preferred_language="en")
    answer(world, "devices", "none")
    answer(world, "internet", "none")
    answer(world, "quiet_place", "no", pupil=world.ada)
    answer(world, "adult_help", "no", pupil=world.ada)
    answer(world, "languages", "Polish, English")
    # Ada has an advocate in this world: that need is helped.
    assert ada_needs(world) == {
        DEVICE: "",
        CONNECTION: "",
        QUIET: "",
        HELP: selectors.BY_ADVOCATE,
        LANGUAGE: "",
    }


def test_a_newer_answer_replaces_an_older_one(world: World) -> None:
    answer(world, "devices", "none", days_ago=10)
    answer(world, "devices", "laptop", days_ago=1)
    assert DEVICE not in ada_needs(world)


def test_a_visit_outranks_a_later_survey_tick(world: World) -> None:
    # The visit saw no device; a later survey tick says "laptop": the visit counts.
    answer(world, "devices", "none", source=Source.HOME_VISIT, days_ago=10)
    answer(world, "devices", "laptop", source=Source.PARENT_SURVEY, days_ago=1)
    assert ada_needs(world) == {DEVICE: ""}


# --- Helped, from real records ----------------------------------------------------------------


def test_an_open_laptop_loan_meets_the_device_need(world: World) -> None:
    answer(world, "devices", "none")
    loan = lend(world, item_add(world, "SW-1", Kind.LAPTOP))
    assert ada_needs(world) == {DEVICE: selectors.BY_LOAN}
    loan.returned_at = timezone.now()
    loan.save(update_fields=["returned_at"])
    assert ada_needs(world) == {DEVICE: ""}


def test_a_dongle_meets_the_connection_need_not_the_device_need(world: World) -> None:
    answer(world, "devices", "none")
    answer(world, "internet", "none")
    lend(world, item_add(world, "SW-2", Kind.DONGLE))
    assert ada_needs(world) == {DEVICE: "", CONNECTION: selectors.BY_LOAN}


def test_a_current_advocate_meets_the_help_need(world: World) -> None:
    answer(world, "adult_help", "no", pupil=world.ada)
    AdvocateAssignment.objects.filter(pupil=world.ada).delete()
    assert ada_needs(world) == {HELP: ""}
    AdvocateAssignment.objects.create(
        school=world.oakfield,
        staff=world.staff["advocate"],
        pupil=world.ada,
        started=timezone.localdate() - dt.timedelta(days=3),
    )
    assert ada_needs(world) == {HELP: selectors.BY_ADVOCATE}


def test_the_familys_language_meets_the_language_need(world: World) -> None:
    answer(world, "languages", "Polish")
    Guardian.objects.filter(pk=world.maria.pk).update(preferred_language="en")
    assert ada_needs(world) == {LANGUAGE: ""}
    Guardian.objects.filter(pk=world.maria.pk).update(preferred_language="pl")
    assert ada_needs(world) == {LANGUAGE: selectors.BY_LANGUAGE}
    # Messages in another language than the one at home do not meet it.
    Guardian.objects.filter(pk=world.maria.pk).update(preferred_language="ur")
    assert ada_needs(world) == {LANGUAGE: ""}


def test_mark_met_twice_is_one_record(world: World) -> None:
    answer(world, "quiet_place", "no", pupil=world.ada)
    token = uuid.uuid4()
    pastoral = actor(world, "pastoral")
    services.need_mark_met(actor=pastoral, pupil_id=world.ada.pk, need=QUIET, once=token)
    with pytest.raises(AlreadyDone):
        services.need_mark_met(actor=pastoral, pupil_id=world.ada.pk, need=QUIET, once=token)
    # A second tab (another token) finds the first record too.
    services.need_mark_met(actor=pastoral, pupil_id=world.ada.pk, need=QUIET, once=uuid.uuid4())
    assert NeedMet.objects.filter(pupil=world.ada, need=QUIET).count() == 1
    assert AuditEvent.objects.filter(action="need.met").count() == 1
    assert ada_needs(world) == {QUIET: selectors.BY_MARK}


def test_mark_met_posted_twice_is_one_record(world: World) -> None:
    answer(world, "quiet_place", "no", pupil=world.ada)
    client = world.client("pastoral")
    url = reverse("needs:mark_met", kwargs={"pupil_id": world.ada.pk})
    data = {"need": QUIET, "once": str(uuid.uuid4())}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert NeedMet.objects.filter(pupil=world.ada, need=QUIET).count() == 1


def test_a_teacher_may_not_mark_a_need_met(world: World) -> None:
    url = reverse("needs:mark_met", kwargs={"pupil_id": world.ada.pk})
    response = world.client("teacher").post(url, {"need": QUIET})
    assert response.status_code == 403
    assert not NeedMet.objects.exists()


def test_rules_settings_switch_a_rule_off(world: World) -> None:
    answer(world, "devices", "none")
    answer(world, "quiet_place", "no", pupil=world.ada)
    client = world.client("leader")
    url = reverse("needs:rules") + f"?school={world.oakfield.pk}"
    enabled = [key for key in KEYS if key != DEVICE]
    assert client.post(url, {"enabled": enabled}).status_code == 302
    assert ada_needs(world) == {QUIET: ""}
    assert AuditEvent.objects.filter(action="need.rules_changed").count() == 1


# --- The board ------------------------------------------------------------------------------


def add_pupils(world: World, count: int) -> None:
    for _n in range(count):
        household = Household.objects.create(trust=world.trust, name="H")
        pupil = PupilFactory(school=world.oakfield, year_group=world.year7, household=household)
        answer(world, "devices", "none", household=household)
        answer(world, "quiet_place", "no", pupil=pupil)
        lend(world, item_add(world, f"SW-{pupil.pk}", Kind.LAPTOP), pupil=pupil)
        answer(world, "adult_help", "no", pupil=pupil)


def board_queries(world: World) -> int:
    client = world.client("pastoral")
    url = reverse("needs:board") + f"?school={world.oakfield.pk}&state=all"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_board_counts_and_lists(world: World, english: None) -> None:
    add_pupils(world, 3)
    answer(world, "devices", "none")
    board = selectors.board_get(
        actor=actor(world, "pastoral"), school_id=world.oakfield.pk, today=timezone.localdate()
    )
    totals = {need.key: count for need, count in zip(board.needs, board.totals, strict=True)}
    assert (totals[DEVICE].pupils, totals[DEVICE].helped, totals[DEVICE].waiting) == (4, 3, 1)
    assert totals[QUIET].waiting == 3
    waiting = selectors.board_rows(
        board, need=DEVICE, year_id=None, group="", state=selectors.WAITING
    )
    assert [row.pupil.pk for row in waiting] == [world.ada.pk]
    disadvantaged = selectors.board_rows(
        board, need="", year_id=None, group=selectors.DISADVANTAGED, state="all"
    )
    assert [row.pupil.pk for row in disadvantaged] == [world.ada.pk]
    page = world.client("pastoral").get(
        reverse("needs:board") + f"?school={world.oakfield.pk}&need=device"
    )
    body = page.content.decode()
    assert "Lend a laptop" in body
    assert f"for={world.ada.pk}" in body


def test_the_board_takes_a_fixed_number_of_queries(world: World) -> None:
    add_pupils(world, 2)
    few = board_queries(world)
    add_pupils(world, 8)
    assert board_queries(world) == few


def test_the_board_reads_the_profiles_once_until_they_change(world: World, english: None) -> None:
    add_pupils(world, 3)
    first = board_queries(world)
    again = board_queries(world)
    assert again < first  # the school's answers were read once, then kept
    url = reverse("needs:board") + f"?school={world.oakfield.pk}&need=device"
    before = world.client("pastoral").get(url).content.decode()
    assert world.ada.legal_last_name not in before
    answer(world, "devices", "none")  # a new answer is seen at once
    after = world.client("pastoral").get(url).content.decode()
    assert world.ada.legal_last_name in after


def test_a_study_group_place_meets_the_quiet_place_need(world: World, english: None) -> None:
    answer(world, "quiet_place", "no", pupil=world.ada)
    assert ada_needs(world)[QUIET] == ""
    lead = world.staff["teacher"]
    group = StudyGroup.objects.create(school=world.oakfield, name="Homework club", lead=lead)
    StudyGroupMember.objects.create(school=world.oakfield, group=group, pupil=world.ada)
    assert ada_needs(world)[QUIET] == selectors.BY_GROUP
    group.active = False
    group.save(update_fields=["active"])
    assert ada_needs(world)[QUIET] == ""


def test_the_pupil_panel_shows_needs(world: World, english: None) -> None:
    answer(world, "devices", "none")
    page = world.client("pastoral").get(reverse("pupil_detail", kwargs={"pupil_id": world.ada.pk}))
    assert "A device of their own" in page.content.decode()
    teacher_page = world.client("teacher").get(
        reverse("pupil_detail", kwargs={"pupil_id": world.ada.pk})
    )
    assert "A device of their own" not in teacher_page.content.decode()


def test_the_help_need_links_to_assigning_an_advocate(world: World, english: None) -> None:
    AdvocateAssignment.objects.filter(pupil=world.ada).delete()
    answer(world, "adult_help", "no", pupil=world.ada)
    page = world.client("pastoral").get(
        reverse("needs:board") + f"?school={world.oakfield.pk}&need=help"
    )
    assign = reverse("advocates:advocacy_pupil", kwargs={"pupil_id": world.ada.pk}) + "#assign"
    assert assign in page.content.decode()


def test_a_parent_sees_no_needs_on_their_childs_page(world: World, english: None) -> None:
    answer(world, "devices", "none")
    page = world.client("parent").get(reverse("pupil_detail", kwargs={"pupil_id": world.ada.pk}))
    assert page.status_code == 200
    assert "A device of their own" not in page.content.decode()


def test_an_unknown_need_is_refused_kindly(world: World) -> None:
    with pytest.raises(Invalid):
        services.need_mark_met(actor=actor(world, "pastoral"), pupil_id=world.ada.pk, need="x")
    assert not NeedMet.objects.exists()


def test_the_panel_marks_a_need_met_with_a_note(world: World, english: None) -> None:
    answer(world, "quiet_place", "no", pupil=world.ada)
    client = world.client("flo")
    page = client.get(reverse("pupil_detail", kwargs={"pupil_id": world.ada.pk}))
    assert "How it was met (optional)" in page.content.decode()
    url = reverse("needs:mark_met", kwargs={"pupil_id": world.ada.pk})
    client.post(url, {"need": QUIET, "note": "  Library  study room  ", "once": str(uuid.uuid4())})
    met = NeedMet.objects.get(pupil=world.ada, need=QUIET)
    assert met.note == "Library study room"
    assert met.met_by == world.staff["flo"].user
