"""The life of a flag: opened, worse, snoozed and woken, cleared, resolved, reopened — with its
history — and the learned score beside the rules."""

from __future__ import annotations

import datetime as dt
import sys
import types
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from schoolwindow.audit.models import AuditEvent
from schoolwindow.engagement import services
from schoolwindow.engagement.flags import flags_evaluate
from schoolwindow.engagement.models import Flag, FlagEvent, FlagStatus
from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import AdvocateAssignment, Pupil, Role, Staff
from schoolwindow.schools.models import School
from tests.engagement.helpers_flags import (
    MONDAY,
    calendar_school,
    days_of,
    facts,
    good_term,
    missing,
)
from tests.factories import PupilFactory, SchoolFactory, staff_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


D = dt.date
TUESDAY, WEDNESDAY, THURSDAY, FRIDAY = (MONDAY + dt.timedelta(days=n) for n in range(1, 5))


@pytest.fixture
def school() -> School:
    return calendar_school()


@pytest.fixture
def pupil(school: School) -> Pupil:
    """Ada logs in every day until Friday 13 November, then stops."""
    pupil = PupilFactory(school=school, legal_first_name="Ada")
    busy = PupilFactory(school=school, legal_first_name="Busy")
    good_term([pupil, busy], until=D(2026, 11, 27))
    facts(pupil, days_of(school, D(2026, 11, 16), D(2026, 11, 27)), logins=0)
    return pupil


def kinds(flag: Flag) -> list[str]:
    return list(flag.events.order_by("at", "pk").values_list("kind", flat=True))


def the_flag(pupil: Pupil) -> Flag:
    return Flag.objects.get(pupil=pupil, status__in=["open", "snoozed"])


def lead(school: School) -> Staff:
    return staff_member(school, Role.PASTORAL, first_name="Pat", last_name="Lead")


def test_a_flag_opens_once_with_its_reasons(pupil: Pupil) -> None:
    summary = flags_evaluate(school_id=pupil.school_id, on_date=MONDAY)
    assert (summary.pupils, summary.opened, summary.live) == (2, 1, 1)
    flag = the_flag(pupil)
    assert flag.status == FlagStatus.OPEN
    assert flag.opened_on == MONDAY
    assert [r["key"] for r in flag.reasons] == ["no_online"]
    assert flag.reasons[0]["text"].startswith("No log-in or online work since Fri 13 Nov")
    assert flag.severity == 2
    assert flag.trend["weeks"][-1] == "2026-11-16"
    assert flag.trend["online"][-1] == 0
    assert kinds(flag) == ["opened"]
    # Running it again the same day changes nothing.
    again = flags_evaluate(school_id=pupil.school_id, on_date=MONDAY)
    assert (again.opened, again.worsened) == (0, 0)
    assert kinds(the_flag(pupil)) == ["opened"]
    assert Flag.objects.count() == 1


def test_a_new_reason_worsens_the_flag(pupil: Pupil) -> None:
    flags_evaluate(school_id=pupil.school_id, on_date=MONDAY)
    for n, day in enumerate((D(2026, 11, 18), D(2026, 11, 19), D(2026, 11, 20))):
        missing(pupil, f"Piece {n}", day)
    summary = flags_evaluate(school_id=pupil.school_id, on_date=TUESDAY)
    assert summary.worsened == 1
    flag = the_flag(pupil)
    assert flag.worsened_on == TUESDAY
    assert {r["key"] for r in flag.reasons} == {"no_online", "homework_missing"}
    assert kinds(flag) == ["opened", "worsened"]
    event = flag.events.get(kind="worsened")
    assert event.detail["keys"] == ["homework_missing"]
    assert event.detail["reasons"][0].startswith("3 pieces of homework missing")


def test_a_reason_getting_markedly_worse_also_counts(pupil: Pupil) -> None:
    flags_evaluate(school_id=pupil.school_id, on_date=D(2026, 11, 20))  # 4 days: nothing
    assert not Flag.objects.exists()
    flags_evaluate(school_id=pupil.school_id, on_date=D(2026, 11, 23))  # 5 days: level 1
    flags_evaluate(school_id=pupil.school_id, on_date=D(2026, 11, 27))  # 9 days: still level 1
    assert kinds(the_flag(pupil)) == ["opened"]
    flags_evaluate(school_id=pupil.school_id, on_date=D(2026, 11, 30))  # 10 days: level 2
    assert kinds(the_flag(pupil)) == ["opened", "worsened"]


def test_snooze_until_a_date_then_wake(pupil: Pupil) -> None:
    flags_evaluate(school_id=pupil.school_id, on_date=MONDAY)
    flag = the_flag(pupil)
    actor = actor_for(lead(pupil.school).user)
    services.flag_snooze(actor=actor, flag=flag, until=THURSDAY, today=MONDAY, note="Call booked")
    flags_evaluate(school_id=pupil.school_id, on_date=TUESDAY)
    assert the_flag(pupil).status == FlagStatus.SNOOZED
    flags_evaluate(school_id=pupil.school_id, on_date=THURSDAY)
    flag = the_flag(pupil)
    assert (flag.status, flag.snoozed_until, flag.woken_on) == ("open", None, THURSDAY)
    assert kinds(flag) == ["opened", "snoozed", "woken"]
    assert flag.events.get(kind="woken").detail["because"] == "date"
    assert flag.events.get(kind="snoozed").note == "Call booked"


def test_a_new_reason_wakes_a_snoozed_flag_at_once(pupil: Pupil) -> None:
    flags_evaluate(school_id=pupil.school_id, on_date=MONDAY)
    actor = actor_for(lead(pupil.school).user)
    services.flag_snooze(
        actor=actor, flag=the_flag(pupil), until=MONDAY + dt.timedelta(days=14), today=MONDAY
    )
    for n, day in enumerate((D(2026, 11, 18), D(2026, 11, 19), D(2026, 11, 20))):
        missing(pupil, f"Piece {n}", day)
    flags_evaluate(school_id=pupil.school_id, on_date=TUESDAY)
    flag = the_flag(pupil)
    assert flag.status == FlagStatus.OPEN
    assert kinds(flag) == ["opened", "snoozed", "worsened", "woken"]
    assert flag.events.get(kind="woken").detail["because"] == "worse"


def test_snooze_dates_are_checked(pupil: Pupil) -> None:
    flags_evaluate(school_id=pupil.school_id, on_date=MONDAY)
    actor = actor_for(lead(pupil.school).user)
    for until in (MONDAY, MONDAY - dt.timedelta(days=1), MONDAY + dt.timedelta(days=91)):
        with pytest.raises(ValueError):
            services.flag_snooze(actor=actor, flag=the_flag(pupil), until=until, today=MONDAY)


def test_cleared_flags_stay_and_suggest_closing_after_ten_school_days(pupil: Pupil) -> None:
    flags_evaluate(school_id=pupil.school_id, on_date=MONDAY)
    # Ada is back online from Monday 23rd.
    facts(pupil, days_of(pupil.school, D(2026, 11, 23), D(2026, 12, 18)))
    flags_evaluate(school_id=pupil.school_id, on_date=TUESDAY)
    flag = the_flag(pupil)
    assert (flag.reasons, flag.clear_since, flag.status) == ([], TUESDAY, "open")
    assert kinds(flag) == ["opened", "cleared"]
    flags_evaluate(school_id=pupil.school_id, on_date=D(2026, 12, 7))  # 9 school days later
    assert kinds(the_flag(pupil)) == ["opened", "cleared"]
    flags_evaluate(school_id=pupil.school_id, on_date=D(2026, 12, 8))  # 10
    flags_evaluate(school_id=pupil.school_id, on_date=D(2026, 12, 9))
    flag = the_flag(pupil)
    assert kinds(flag) == ["opened", "cleared", "suggestion"]
    assert flag.close_suggested
    assert flag.status == FlagStatus.OPEN  # people close flags, not the system


def test_resolve_then_same_reasons_stay_quiet_but_a_new_one_opens_a_new_flag(
    pupil: Pupil,
) -> None:
    flags_evaluate(school_id=pupil.school_id, on_date=MONDAY)
    flag = the_flag(pupil)
    actor = actor_for(lead(pupil.school).user)
    services.flag_resolve(actor=actor, flag=flag, outcome="family_contacted", note="Spoke to mum")
    flag.refresh_from_db()
    assert (flag.status, flag.outcome) == ("resolved", "family_contacted")
    assert flag.resolved_at is not None
    flags_evaluate(school_id=pupil.school_id, on_date=TUESDAY)
    assert not Flag.objects.filter(status="open").exists()
    for n, day in enumerate((D(2026, 11, 18), D(2026, 11, 19), D(2026, 11, 20))):
        missing(pupil, f"Piece {n}", day)
    flags_evaluate(school_id=pupil.school_id, on_date=WEDNESDAY)
    new = the_flag(pupil)
    assert new.pk != flag.pk
    assert new.opened_on == WEDNESDAY
    assert {r["key"] for r in new.reasons} == {"no_online", "homework_missing"}


def test_reopen_and_the_full_history(pupil: Pupil) -> None:
    flags_evaluate(school_id=pupil.school_id, on_date=MONDAY)
    flag = the_flag(pupil)
    staff = lead(pupil.school)
    actor = actor_for(staff.user)
    services.flag_assign(actor=actor, flag=flag, staff_id=staff.pk)
    services.flag_note_add(actor=actor, flag=flag, note="Phoned home", contact=True)
    services.flag_note_add(actor=actor, flag=flag, note="Laptop is broken")
    services.flag_resolve(actor=actor, flag=flag, outcome="support_in_place")
    with pytest.raises(ValueError):
        services.flag_resolve(actor=actor, flag=flag, outcome="no_concern")
    services.flag_reopen(actor=actor, flag=flag, note="Still not online")
    flag.refresh_from_db()
    assert (flag.status, flag.outcome, flag.resolved_at) == ("open", "", None)
    assert flag.assigned_to == staff
    assert kinds(flag) == ["opened", "assigned", "contact", "note", "resolved", "reopened"]
    assert list(
        AuditEvent.objects.filter(object_id=str(flag.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "flag.assigned",
        "flag.contact_logged",
        "flag.note_added",
        "flag.resolved",
        "flag.reopened",
    ]
    assert FlagEvent.objects.filter(flag=flag, actor=staff.user).count() == 5


def test_reopening_when_a_newer_flag_is_live_is_refused(pupil: Pupil) -> None:
    flags_evaluate(school_id=pupil.school_id, on_date=MONDAY)
    old = the_flag(pupil)
    actor = actor_for(lead(pupil.school).user)
    services.flag_resolve(actor=actor, flag=old, outcome="no_concern")
    Flag.objects.create(
        school=pupil.school, pupil=pupil, opened_on=TUESDAY, last_evaluated_on=TUESDAY
    )
    with pytest.raises(ValueError, match="already has an open flag"):
        services.flag_reopen(actor=actor, flag=old)
    old.refresh_from_db()
    assert old.status == "resolved"


def test_who_may_act(pupil: Pupil) -> None:
    flags_evaluate(school_id=pupil.school_id, on_date=MONDAY)
    flag = the_flag(pupil)
    school = pupil.school
    teacher = staff_member(school, Role.TEACHER)
    advocate = staff_member(school, Role.ADVOCATE)
    other_advocate = staff_member(school, Role.ADVOCATE)
    AdvocateAssignment.objects.create(
        school=school, staff=advocate, pupil=pupil, started=D(2026, 9, 1)
    )
    with pytest.raises(PermissionDenied):
        services.flag_snooze(actor=actor_for(teacher.user), flag=flag, until=FRIDAY, today=MONDAY)
    with pytest.raises(PermissionDenied):
        services.flag_assign(actor=actor_for(other_advocate.user), flag=flag, staff_id=None)
    # The pupil's advocate may act and may be assigned; a teacher may not be assigned.
    services.flag_assign(actor=actor_for(advocate.user), flag=flag, staff_id=advocate.pk)
    with pytest.raises(ValueError):
        services.flag_assign(actor=actor_for(advocate.user), flag=flag, staff_id=teacher.pk)
    # Staff of another school never.
    stranger = staff_member(SchoolFactory(), Role.PASTORAL)
    with pytest.raises(ValueError):
        services.flag_assign(actor=actor_for(advocate.user), flag=flag, staff_id=stranger.pk)


@dataclass
class FakeScore:
    probability: float
    top_reasons: list[str]


def fake_risk(monkeypatch: pytest.MonkeyPatch, scores: object) -> None:
    module = types.ModuleType("schoolwindow.engagement.risk")

    def risk_scores(*, school_id: int, on_date: dt.date, pupil_ids: object = None) -> object:
        if isinstance(scores, Exception):
            raise scores
        return scores

    vars(module)["risk_scores"] = risk_scores
    monkeypatch.setitem(sys.modules, "schoolwindow.engagement.risk", module)


def test_the_learned_score_sits_beside_the_rules(
    pupil: Pupil, monkeypatch: pytest.MonkeyPatch
) -> None:
    calm = Pupil.objects.get(legal_first_name="Busy")
    fake_risk(
        monkeypatch,
        {
            pupil.pk: FakeScore(0.42, ["fewer log-ins than usual"]),
            calm.pk: FakeScore(0.81, ["late homework", "absence last week"]),
        },
    )
    flags_evaluate(school_id=pupil.school_id, on_date=MONDAY)
    ada = the_flag(pupil)
    assert (ada.risk, ada.risk_reasons) == (0.42, ["fewer log-ins than usual"])
    assert [r["key"] for r in ada.reasons] == ["no_online"]  # 42% is below the 60% threshold
    busy = the_flag(calm)  # the score alone raised it, with its reasons in words
    assert [r["key"] for r in busy.reasons] == ["risk"]
    assert busy.reasons[0]["text"] == (
        "The school's early-warning model puts the chance of falling away at 81% — mainly: "
        "late homework; absence last week"
    )


def test_rules_still_run_when_the_score_fails(
    pupil: Pupil, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_risk(monkeypatch, RuntimeError("no model"))
    flags_evaluate(school_id=pupil.school_id, on_date=MONDAY)
    assert the_flag(pupil).risk is None


def test_evaluation_queries_do_not_grow_with_the_school(school: School) -> None:
    def grow(n: int) -> None:
        for _ in range(n):
            quiet = PupilFactory(school=school)
            good_term([quiet], until=D(2026, 11, 13))
            facts(quiet, days_of(school, D(2026, 11, 16), D(2026, 11, 20)), logins=0)

    grow(3)
    flags_evaluate(school_id=school.pk, on_date=MONDAY)
    counts = []
    for day in (TUESDAY, WEDNESDAY):
        grow(12)
        with CaptureQueriesContext(connection) as queries:
            flags_evaluate(school_id=school.pk, on_date=day)
        counts.append(len(queries))
    assert Flag.objects.count() == 27
    assert counts[0] == counts[1]
    assert counts[0] <= 20


def test_the_command_line(pupil: Pupil, capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    from schoolwindow.engagement.commands import digest_from_cli, flags_evaluate_from_cli

    args = argparse.Namespace(school=pupil.school.urn, date=MONDAY.isoformat())
    assert flags_evaluate_from_cli(args) == 0
    out = capsys.readouterr().out
    assert "Oakfield Academy" in out and "flags: 1 opened" in out
    assert flags_evaluate_from_cli(argparse.Namespace(school="000", date=None)) == 2
    assert flags_evaluate_from_cli(argparse.Namespace(school=None, date="23/11/2026")) == 2
    assert digest_from_cli(argparse.Namespace(date=MONDAY.isoformat())) == 0
    assert "0 digest email(s) sent for 2026-11-23" in capsys.readouterr().out
