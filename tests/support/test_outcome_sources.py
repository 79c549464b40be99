"""The timeline sources for visits, loans, study groups and advocates' contacts: real records
in, entries out, a fixed number of queries whatever the number of pupils."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from schoolwindow.messaging.models import ContactKind, ContactLog, ContactOutcome
from schoolwindow.people.models import AdvocateAssignment
from schoolwindow.support.advocates.models import AdvocateContact, AdvocateContactKind
from schoolwindow.support.loans.models import Condition, Item, Kind, Loan
from schoolwindow.support.outcomes import sources
from schoolwindow.support.studygroups.models import StudyGroup, StudyGroupMember
from schoolwindow.support.timeline import EntryStatus, SupportKind, support_entries
from schoolwindow.support.visits.models import HomeVisit, VisitStatus
from tests.factories import PupilFactory
from tests.pages.conftest import World, build_pages_world

DAY = dt.date(2026, 10, 5)


@pytest.fixture
def world(db: None) -> World:
    return build_pages_world()


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def visit(world: World, pupil_id: int, day: dt.date, status: str = VisitStatus.DONE) -> HomeVisit:
    return HomeVisit.objects.create(
        school=world.oakfield,
        pupil_id=pupil_id,
        starts_at=at(day),
        lead=world.staff["flo"],
        second=world.staff["pastoral"],
        status=status,
    )


def loan(world: World, pupil_id: int, day: dt.date, tag: str, returned: bool = False) -> Loan:
    item = Item.objects.create(school=world.oakfield, asset_tag=tag, kind=Kind.LAPTOP)
    return Loan.objects.create(
        school=world.oakfield,
        item=item,
        pupil_id=pupil_id,
        lent_by=world.staff["office"],
        lent_at=at(day),
        due_on=day + dt.timedelta(days=30),
        condition_out=Condition.GOOD,
        agreement_text="Look after it.",
        returned_at=at(day + dt.timedelta(days=7)) if returned else None,
    )


def member(world: World, group: StudyGroup, pupil_id: int, day: dt.date) -> StudyGroupMember:
    joined = StudyGroupMember.objects.create(school=world.oakfield, group=group, pupil_id=pupil_id)
    StudyGroupMember.objects.filter(pk=joined.pk).update(added_at=at(day))
    joined.refresh_from_db()
    return joined


def test_a_visit_that_happened_is_an_entry_and_a_planned_one_is_not(world: World) -> None:
    done = visit(world, world.ada.pk, DAY)
    visit(world, world.ada.pk, DAY + dt.timedelta(days=9), status=VisitStatus.PLANNED)
    visit(world, world.ada.pk, DAY + dt.timedelta(days=9), status=VisitStatus.CANCELLED)
    [entry] = sources.visit_entries(school_id=world.oakfield.pk, pupil_ids=[world.ada.pk])
    assert entry.kind == SupportKind.VISIT and entry.ref == f"visit:{done.pk}"
    assert entry.on == DAY and entry.pupil_id == world.ada.pk and entry.status == EntryStatus.DONE
    assert entry.owner == f"{world.staff['flo'].first_name} {world.staff['flo'].last_name}"
    assert entry.url.endswith(f"/{done.pk}/")
    assert (
        sources.visit_entries(school_id=world.oakfield.pk, since=DAY + dt.timedelta(days=1)) == []
    )


def test_a_loan_is_under_way_until_returned(world: World) -> None:
    out = loan(world, world.ada.pk, DAY, "SW-1")
    back = loan(world, world.cara.pk, DAY - dt.timedelta(days=20), "SW-2", returned=True)
    entries = {e.ref: e for e in sources.loan_entries(school_id=world.oakfield.pk)}
    assert set(entries) == {f"loan:{out.pk}", f"loan:{back.pk}"}
    assert entries[f"loan:{out.pk}"].status == EntryStatus.IN_PROGRESS
    assert entries[f"loan:{out.pk}"].due == DAY + dt.timedelta(days=30)
    assert entries[f"loan:{out.pk}"].on == DAY
    assert entries[f"loan:{back.pk}"].status == EntryStatus.DONE
    assert entries[f"loan:{back.pk}"].outcome
    assert [e.ref for e in sources.loan_entries(school_id=world.oakfield.pk, since=DAY)] == [
        f"loan:{out.pk}"
    ]
    assert sources.loan_entries(school_id=world.brookside.pk) == []


def test_joining_a_group_is_under_way_while_the_group_runs(world: World) -> None:
    group = StudyGroup.objects.create(
        school=world.oakfield, name="Quiet room", lead=world.staff["teacher"]
    )
    joined = member(world, group, world.ada.pk, DAY)
    [entry] = sources.study_group_entries(school_id=world.oakfield.pk, pupil_ids=[world.ada.pk])
    assert entry.ref == f"study_group:{joined.pk}" and entry.on == DAY
    assert entry.status == EntryStatus.IN_PROGRESS and "Quiet room" in entry.title
    StudyGroup.objects.filter(pk=group.pk).update(active=False)
    [entry] = sources.study_group_entries(school_id=world.oakfield.pk)
    assert entry.status == EntryStatus.DONE
    assert sources.study_group_entries(school_id=world.oakfield.pk, pupil_ids=[world.cara.pk]) == []


def test_advocate_contacts_are_time_with_the_pupil_and_the_advocate_speaking_with_the_family(
    world: World,
) -> None:
    advocate = world.staff["advocate"]
    met = AdvocateContact.objects.create(
        school=world.oakfield,
        pupil=world.ada,
        staff=advocate,
        kind=AdvocateContactKind.MET,
        happened_at=at(DAY),
    )

    def log(staff_id: int, outcome: str, day: dt.date) -> ContactLog:
        return ContactLog.objects.create(
            school=world.oakfield,
            pupil=world.ada,
            staff_id=staff_id,
            kind=ContactKind.CALL,
            outcome=outcome,
            happened_at=at(day),
        )

    spoke = log(advocate.pk, ContactOutcome.SPOKE, DAY + dt.timedelta(days=2))
    log(advocate.pk, ContactOutcome.NO_ANSWER, DAY + dt.timedelta(days=3))  # not contact
    log(world.staff["office"].pk, ContactOutcome.SPOKE, DAY + dt.timedelta(days=3))  # not theirs
    refs = {e.ref: e for e in sources.advocate_entries(school_id=world.oakfield.pk)}
    assert set(refs) == {f"advocate:{met.pk}", f"advocate-family:{spoke.pk}"}
    assert refs[f"advocate-family:{spoke.pk}"].on == DAY + dt.timedelta(days=2)
    # A call before the advocate started is not advocacy.
    AdvocateAssignment.objects.filter(pupil=world.ada).update(started=DAY + dt.timedelta(days=5))
    later = {e.ref for e in sources.advocate_entries(school_id=world.oakfield.pk)}
    assert later == {f"advocate:{met.pk}"}


def test_a_call_logged_with_the_family_is_a_call_unless_the_advocate_made_it(
    world: World,
) -> None:
    def log(staff_id: int, kind: str, outcome: str = ContactOutcome.SPOKE) -> ContactLog:
        return ContactLog.objects.create(
            school=world.oakfield,
            pupil=world.ada,
            staff_id=staff_id,
            kind=kind,
            outcome=outcome,
            happened_at=at(DAY),
        )

    office = world.staff["office"]
    call = log(office.pk, ContactKind.CALL)
    meeting = log(world.staff["pastoral"].pk, ContactKind.MEETING)
    log(office.pk, ContactKind.CALL, ContactOutcome.NO_ANSWER)  # nobody was reached
    log(office.pk, ContactKind.VISIT)  # a home visit is the visit's own record
    log(world.staff["advocate"].pk, ContactKind.CALL)  # the advocate's: an advocate contact
    entries = {e.ref: e for e in sources.family_call_entries(school_id=world.oakfield.pk)}
    assert set(entries) == {f"contact:{call.pk}", f"contact:{meeting.pk}"}
    assert entries[f"contact:{call.pk}"].kind == SupportKind.CALL
    assert entries[f"contact:{call.pk}"].owner == f"{office.first_name} {office.last_name}"
    assert entries[f"contact:{call.pk}"].title == "Phone call: spoke with the family"


def test_every_source_is_registered_and_costs_the_same_for_many_pupils(world: World) -> None:
    group = StudyGroup.objects.create(
        school=world.oakfield, name="Maths", lead=world.staff["teacher"]
    )

    def add(n: int) -> None:
        for i in range(n):
            pupil = PupilFactory(school=world.oakfield, year_group=world.year7)
            visit(world, pupil.pk, DAY)
            loan(world, pupil.pk, DAY, f"T-{pupil.pk}")
            member(world, group, pupil.pk, DAY)
            AdvocateAssignment.objects.create(
                school=world.oakfield, staff=world.staff["advocate"], pupil=pupil, started=DAY
            )
            AdvocateContact.objects.create(
                school=world.oakfield,
                pupil=pupil,
                staff=world.staff["advocate"],
                kind=AdvocateContactKind.CHECK_IN,
                happened_at=at(DAY),
            )
            ContactLog.objects.create(
                school=world.oakfield,
                pupil=pupil,
                staff=world.staff["advocate"],
                kind=ContactKind.MEETING,
                outcome=ContactOutcome.SPOKE,
                happened_at=at(DAY),
            )
            del i

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            entries = support_entries(school_id=world.oakfield.pk, since=DAY)
        return len(queries), len(entries)

    add(2)
    few_queries, few = count()
    add(6)
    many_queries, many = count()
    assert many > few
    assert many_queries == few_queries
    kinds = {e.kind for e in support_entries(school_id=world.oakfield.pk)}
    assert {
        SupportKind.VISIT,
        SupportKind.LOAN,
        SupportKind.STUDY_GROUP,
        SupportKind.ADVOCATE,
    } <= kinds
