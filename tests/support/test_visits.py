"""Home visits' services and the iCalendar feed: two people always, the family's agreement,
changes raising SEQUENCE, cancelled visits kept as cancelled, and a concern only the DSL reads."""

from __future__ import annotations

import datetime as dt
import uuid

import icalendar
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.errors import Invalid, NotFound, Refused
from schoolwindow.core.once import AlreadyDone
from schoolwindow.support.visits import ics, selectors, services
from schoolwindow.support.visits.models import (
    Agreement,
    HomeVisit,
    VisitAction,
    VisitCalendar,
    VisitConcern,
    VisitStatus,
)
from tests.conftest import signed_in_client
from tests.pages.conftest import World
from tests.support.conftest import actor, plan_visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


# --- Planning -----------------------------------------------------------------------------------


def test_a_visit_needs_two_people(world: World) -> None:
    with pytest.raises(Invalid) as refused:
        plan_visit(world, second_id=None)
    assert refused.value.field == "second"
    assert "two people" in refused.value.message
    assert not HomeVisit.objects.exists()


def test_the_same_person_twice_is_not_two_people(world: World) -> None:
    with pytest.raises(Invalid, match="two different people"):
        plan_visit(world, second_id=world.staff["flo"].pk)


def test_an_outside_interpreter_counts_as_the_second_person_with_a_language(
    world: World,
) -> None:
    with pytest.raises(Invalid) as no_language:
        plan_visit(world, second_id=None, interpreter_name="Ewa Nowak")
    assert no_language.value.field == "interpreter_language"
    visit = plan_visit(
        world, second_id=None, interpreter_name="Ewa Nowak", interpreter_language="Polish"
    )
    assert visit.interpreter_name == "Ewa Nowak"
    assert visit.household_id == world.ada.household_id


def test_staff_of_another_school_cannot_go(world: World) -> None:
    from tests.factories import staff_member

    stranger = staff_member(world.elsewhere, "flo")
    with pytest.raises(Invalid, match="staff of this school"):
        plan_visit(world, second_id=stranger.pk)


@pytest.mark.parametrize("role", ["teacher", "office", "advocate"])
def test_only_planners_plan(world: World, role: str) -> None:
    with pytest.raises((Refused, NotFound)):
        services.visit_plan(
            actor=actor(world, role),
            pupil_id=world.ada.pk,
            starts_at=timezone.now() + dt.timedelta(days=2),
            duration_minutes=45,
            lead_id=world.staff["flo"].pk,
            second_id=world.staff["pastoral"].pk,
        )


def test_planning_twice_with_one_form_makes_one_visit(world: World) -> None:
    token = uuid.uuid4()
    plan_visit(world, once=token)
    with pytest.raises(AlreadyDone):
        plan_visit(world, once=token)
    assert HomeVisit.objects.count() == 1
    assert AuditEvent.objects.filter(action="visit.planned").count() == 1


# --- The family's agreement ------------------------------------------------------------------


def test_staff_record_the_familys_answer_and_a_decline_is_not_a_failure(world: World) -> None:
    visit = plan_visit(world)
    assert visit.agreement == Agreement.NOT_YET
    services.visit_agreement_record(
        actor=actor(world, "flo"),
        visit_id=visit.pk,
        agreement=Agreement.DECLINED,
        how="Phone call, Monday",
    )
    visit.refresh_from_db()
    assert visit.agreement == Agreement.DECLINED
    assert visit.status == VisitStatus.PLANNED
    assert visit.get_agreement_display() == "The family said no, thank you"


def test_a_parent_agrees_online_and_a_parent_of_another_family_cannot(world: World) -> None:
    visit = plan_visit(world)
    services.visit_family_answer(
        actor=actor(world, "parent"), visit_id=visit.pk, agreement=Agreement.AGREED
    )
    visit.refresh_from_db()
    assert visit.agreement == Agreement.AGREED
    assert visit.agreement_how == "Answered online"
    with pytest.raises(NotFound):
        services.visit_family_answer(
            actor=actor(world, "other_parent"), visit_id=visit.pk, agreement=Agreement.DECLINED
        )


# --- Changes and SEQUENCE ----------------------------------------------------------------------


def test_every_change_raises_the_sequence_and_is_audited(world: World) -> None:
    visit = plan_visit(world)
    assert visit.sequence == 0
    later = visit.starts_at + dt.timedelta(days=1)
    services.visit_reschedule(
        actor=actor(world, "flo"),
        visit_id=visit.pk,
        starts_at=later,
        duration_minutes=60,
        reason="The family asked",
    )
    visit.refresh_from_db()
    assert (visit.sequence, visit.starts_at, visit.duration_minutes) == (1, later, 60)
    services.visit_agreement_record(
        actor=actor(world, "pastoral"), visit_id=visit.pk, agreement=Agreement.AGREED
    )
    visit.refresh_from_db()
    assert visit.sequence == 2
    with pytest.raises(Invalid):
        services.visit_cancel(actor=actor(world, "flo"), visit_id=visit.pk, reason=" ")
    services.visit_cancel(actor=actor(world, "flo"), visit_id=visit.pk, reason="Family moved")
    visit.refresh_from_db()
    assert (visit.status, visit.sequence, visit.cancel_reason) == ("cancelled", 3, "Family moved")
    actions = list(
        AuditEvent.objects.filter(object_id=str(visit.pk), action__startswith="visit.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["visit.planned", "visit.rescheduled", "visit.agreement", "visit.cancelled"]
    with pytest.raises(Invalid):
        services.visit_reschedule(
            actor=actor(world, "flo"), visit_id=visit.pk, starts_at=later, duration_minutes=60
        )


def test_a_teacher_on_no_visit_cannot_change_one(world: World) -> None:
    visit = plan_visit(world)
    with pytest.raises(NotFound):
        services.visit_cancel(actor=actor(world, "teacher"), visit_id=visit.pk, reason="No")


# --- The iCalendar feed ------------------------------------------------------------------------


def feed_of(world: World, role: str) -> icalendar.Calendar:
    calendar = services.visit_calendar_renew(actor=actor(world, role), school_id=world.oakfield.pk)
    url = reverse("visits:feed", kwargs={"school_id": world.oakfield.pk, "token": calendar.token})
    # The feed needs no log-in: its address is the key.
    answer = Client().get(url)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/calendar")
    raw = answer.content
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75, line
    assert b"\n" not in raw.replace(b"\r\n", b"")
    return icalendar.Calendar.from_ical(raw)


def events(calendar: icalendar.Calendar) -> dict[str, icalendar.cal.Component]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_parses_with_stable_uids_rising_sequence_and_cancelled_events(
    world: World,
) -> None:
    visit = plan_visit(world)
    other = plan_visit(
        world, days=5, second_id=None, interpreter_name="Ewa", interpreter_language="Polish"
    )
    first = events(feed_of(world, "flo"))
    uid = f"visit-{visit.pk}@127.0.0.1"
    assert set(first) == {uid, f"visit-{other.pk}@127.0.0.1"}
    event = first[uid]
    assert int(str(event["SEQUENCE"])) == 0
    assert str(event["STATUS"]) == "TENTATIVE"
    assert event.decoded("DTSTART") == visit.starts_at.replace(microsecond=0)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(minutes=45)
    # The text is escaped and comes back whole; nothing from the record is in it.
    assert str(event["LOCATION"]) == "12 Mill Lane, Flat 3; Riverside, RV1 2AB"
    assert str(event["SUMMARY"]) == "Home visit (K.)"
    assert "DTSTAMP" in event

    services.visit_reschedule(
        actor=actor(world, "flo"),
        visit_id=visit.pk,
        starts_at=visit.starts_at + dt.timedelta(hours=2),
        duration_minutes=45,
    )
    services.visit_cancel(actor=actor(world, "flo"), visit_id=other.pk, reason="Unwell")
    second = events(feed_of(world, "flo"))
    assert set(second) == set(first)
    assert int(str(second[uid]["SEQUENCE"])) == 1
    assert int(str(second[f"visit-{other.pk}@127.0.0.1"]["SEQUENCE"])) == 1
    assert str(second[f"visit-{other.pk}@127.0.0.1"]["STATUS"]) == "CANCELLED"
    # The pastoral lead goes on the first visit only.
    assert set(events(feed_of(world, "pastoral"))) == {uid}


def test_a_renewed_address_replaces_the_old_one(world: World) -> None:
    old = services.visit_calendar_renew(actor=actor(world, "flo"), school_id=world.oakfield.pk)
    old_token = old.token
    services.visit_calendar_renew(actor=actor(world, "flo"), school_id=world.oakfield.pk)
    assert VisitCalendar.objects.count() == 1
    url = reverse("visits:feed", kwargs={"school_id": world.oakfield.pk, "token": old_token})
    assert Client().get(url).status_code == 404
    wrong_school = reverse(
        "visits:feed",
        kwargs={"school_id": world.brookside.pk, "token": VisitCalendar.objects.get().token},
    )
    assert Client().get(wrong_school).status_code == 404


def test_folding_and_escaping() -> None:
    assert ics.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    long = "DESCRIPTION:" + "ż" * 80
    folded = ics.fold(long)
    pieces = folded.split("\r\n")
    assert all(len(piece.encode()) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert "".join(piece[1:] if i else piece for i, piece in enumerate(pieces)) == long


# --- Recording, and the concern only the DSL reads --------------------------------------------


def record(
    world: World, visit: HomeVisit, *, concern: str = "", once: uuid.UUID | None = None
) -> None:
    services.visit_record(
        actor=actor(world, "flo"),
        visit_id=visit.pk,
        answers={
            "devices": "One laptop, used by mum for work 9 to 5",
            "internet": "Mobile data only",
        },
        wellbeing="Warm welcome; mum is tired, works shifts.",
        actions=[
            services.ActionLine(
                text="Lend a laptop", owner_id=world.staff["flo"].pk, due=dt.date(2026, 12, 20)
            )
        ],
        reflection="Ask about a dongle too.",
        concern=concern,
        once=once,
    )


def test_recording_keeps_the_profile_answers_for_homelife(world: World) -> None:
    visit = plan_visit(world, days=-0.1)
    record(world, visit)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE
    assert selectors.visit_profile_answers(visit) == {
        "devices": "One laptop, used by mum for work 9 to 5",
        "internet": "Mobile data only",
    }
    assert VisitAction.objects.get().text == "Lend a laptop"
    assert not visit.concern_passed
    # It counts as contact with the family.
    from schoolwindow.messaging.models import ContactLog

    assert ContactLog.objects.filter(pupil=world.ada, kind="visit").count() == 1


def test_recording_twice_with_one_form_records_once(world: World) -> None:
    visit = plan_visit(world, days=-0.1)
    token = uuid.uuid4()
    record(world, visit, once=token)
    with pytest.raises(AlreadyDone):
        record(world, visit, once=token)
    assert VisitAction.objects.count() == 1
    with pytest.raises(Invalid, match="already recorded"):
        record(world, visit)


def test_a_declined_visit_is_not_recorded(world: World) -> None:
    visit = plan_visit(world, days=-0.1, agreement=Agreement.DECLINED)
    with pytest.raises(Invalid, match="The family said no to this visit"):
        record(world, visit)


def test_a_future_visit_cannot_be_recorded(world: World) -> None:
    visit = plan_visit(world, days=3)
    with pytest.raises(Invalid, match="not happened yet"):
        record(world, visit)


CONCERN = "Bruising on the younger child's arm; said he fell."


def test_a_concern_goes_to_the_dsl_only(world: World) -> None:
    visit = plan_visit(world, days=-0.1)
    record(world, visit, concern=CONCERN)
    visit.refresh_from_db()
    assert visit.concern_passed
    assert VisitConcern.objects.get().text == CONCERN
    passed = AuditEvent.objects.get(action="visit.concern_passed")
    assert CONCERN not in str(passed.detail)
    for role in ["leader", "pastoral", "flo", "teacher", "advocate", "office"]:
        with pytest.raises(NotFound):
            selectors.visit_concern_get(actor=actor(world, role), visit_id=visit.pk)
    assert selectors.concerns_unread(actor=actor(world, "dsl")).count() == 1
    concern = selectors.visit_concern_get(actor=actor(world, "dsl"), visit_id=visit.pk)
    assert concern.text == CONCERN
    assert AuditEvent.objects.filter(action="visit.concern_viewed").count() == 1
    assert selectors.concerns_unread(actor=actor(world, "dsl")).count() == 0


# --- The new intake ----------------------------------------------------------------------------


def test_the_intake_lists_first_year_families_without_a_visit(world: World) -> None:
    flo = actor(world, "flo")
    listed = set(selectors.intake_pupils(actor=flo, school_id=world.oakfield.pk))
    assert listed == {world.ada, world.cara}
    visit = plan_visit(world)
    assert set(selectors.intake_pupils(actor=flo, school_id=world.oakfield.pk)) == {world.cara}
    services.visit_cancel(actor=flo, visit_id=visit.pk, reason="Wrong week")
    assert world.ada in set(selectors.intake_pupils(actor=flo, school_id=world.oakfield.pk))
    with pytest.raises(NotFound):
        selectors.intake_pupils(actor=actor(world, "teacher"), school_id=world.oakfield.pk)


def test_the_intake_page_costs_the_same_however_many_pupils(world: World) -> None:
    from tests.factories import PupilFactory

    client = signed_in_client(world.user("flo"))
    url = reverse("visits:intake")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(30):
        PupilFactory(school=world.oakfield, year_group=world.year7, legal_last_name=f"New{n}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_my_visits_costs_the_same_however_many_visits(world: World) -> None:
    client = signed_in_client(world.user("flo"))
    url = reverse("visits:visits")
    plan_visit(world)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(12):
        plan_visit(
            world, days=4 + n, second_id=None, interpreter_name="Ewa", interpreter_language="Polish"
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
