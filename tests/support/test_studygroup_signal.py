"""Missed check-ins as an early-warning reason: engagement's registry of signal sources (a
source registered from above is run with the rules, settable, and worded for each reader),
study groups' "missed check-ins" (school days only, "can't today" is an answer), and the
reason on the watchlist, in English and in Polish."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from schoolwindow.engagement import rules
from schoolwindow.engagement.flags import flags_evaluate
from schoolwindow.engagement.models import Flag, FlagEvent, RuleSetting
from schoolwindow.engagement.rules import (
    Param,
    RuleDef,
    SignalContext,
    Signals,
    SignalSource,
    reason_text,
    register_signal_source,
)
from schoolwindow.support.studygroups.models import Answer, CheckIn, StudyGroup, StudyGroupMember
from schoolwindow.support.studygroups.signal import KEY
from tests.engagement.helpers_flags import close, school_calendar
from tests.factories import PupilFactory
from tests.pages.conftest import World
from tests.support.test_studygroups import form_group

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

D = dt.date
MONDAY = D(2026, 11, 23)
# The five school days before that Monday's morning evaluation.
WEEK = [D(2026, 11, 16), D(2026, 11, 17), D(2026, 11, 18), D(2026, 11, 19), D(2026, 11, 20)]


def joined(group: StudyGroup, on: dt.date) -> None:
    StudyGroupMember.objects.filter(group=group).update(
        added_at=dt.datetime.combine(on, dt.time(9), tzinfo=dt.UTC)
    )


def answer(world: World, group: StudyGroup, day: dt.date, said: str = Answer.ON_IT) -> None:
    CheckIn.objects.create(
        school=world.oakfield, group=group, pupil=world.ada, day=day, answer=said
    )


def reasons_of(world: World) -> list[dict[str, Any]]:
    flag = Flag.objects.filter(pupil=world.ada).first()
    return [r for r in (flag.reasons if flag else []) if r["rule"] == KEY]


@pytest.fixture
def group(world: World) -> StudyGroup:
    school_calendar(world.oakfield)
    found = form_group(world)
    joined(found, D(2026, 11, 2))
    return found


def test_missing_three_of_five_group_days_is_a_reason(world: World, group: StudyGroup) -> None:
    answer(world, group, WEEK[0])
    # "Can't today" is an answer, not silence.
    answer(world, group, WEEK[1], Answer.CANT_TODAY)
    flags_evaluate(school_id=world.oakfield.pk, on_date=MONDAY)
    [reason] = reasons_of(world)
    assert reason["args"]["missed"] == 3 and reason["args"]["days"] == 5
    assert reason["text"] == "Missed 3 of the last 5 study-group check-ins"
    assert reason["args"]["dates"] == [d.isoformat() for d in WEEK[2:]]
    # The same morning again: nothing new, nothing written.
    events = FlagEvent.objects.count()
    again = flags_evaluate(school_id=world.oakfield.pk, on_date=MONDAY)
    assert FlagEvent.objects.count() == events and again.opened == 0


def test_two_missed_days_are_not_yet_a_reason(world: World, group: StudyGroup) -> None:
    for day in WEEK[:3]:
        answer(world, group, day)
    flags_evaluate(school_id=world.oakfield.pk, on_date=MONDAY)
    assert reasons_of(world) == []


def test_weekends_closures_and_days_before_joining_are_not_group_days(
    world: World, group: StudyGroup
) -> None:
    # An INSET day on Friday: the window reaches back to the Thursday before.
    close(world.oakfield, WEEK[4])
    joined(group, WEEK[1])  # joined on Tuesday: Monday is no missed day
    flags_evaluate(school_id=world.oakfield.pk, on_date=MONDAY)
    [reason] = reasons_of(world)
    assert reason["args"]["days"] == 3 and reason["args"]["missed"] == 3
    assert reason["args"]["dates"] == [d.isoformat() for d in WEEK[1:4]]


def test_the_rule_is_settable_like_the_others(world: World, group: StudyGroup) -> None:
    client = world.client("pastoral")
    html = client.get(reverse("rule_settings")).content.decode()
    assert "Missed study-group check-ins" in html
    RuleSetting.objects.create(
        school=world.oakfield, rule=KEY, enabled=True, params={"missed": 5, "days": 5}
    )
    flags_evaluate(school_id=world.oakfield.pk, on_date=MONDAY)
    [reason] = reasons_of(world)
    assert reason["level"] == 2  # every group day of a school week missed
    Flag.objects.all().delete()
    RuleSetting.objects.filter(rule=KEY).update(enabled=False)
    flags_evaluate(school_id=world.oakfield.pk, on_date=MONDAY)
    assert reasons_of(world) == []


def test_the_watchlist_shows_the_reason_in_the_readers_language(
    world: World, group: StudyGroup
) -> None:
    flags_evaluate(school_id=world.oakfield.pk, on_date=MONDAY)
    client = world.client("pastoral")
    html = client.get(reverse("watchlist")).content.decode()
    assert "Missed 5 of the last 5 study-group check-ins" in html
    flag = Flag.objects.get(pupil=world.ada)
    page = client.get(reverse("flag_detail", kwargs={"flag_id": flag.pk})).content.decode()
    assert "No check-in on" in page
    polish = client.get(reverse("watchlist"), HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    with translation.override("pl"):
        words = reason_text(reasons_of(world)[0])
    assert words != "Missed 5 of the last 5 study-group check-ins"
    assert words in polish


def test_the_signal_costs_the_same_queries_whatever_the_groups_size(
    world: World, group: StudyGroup
) -> None:
    def grow(n: int) -> None:
        for _ in range(n):
            pupil = PupilFactory(school=world.oakfield, year_group=world.year7)
            StudyGroupMember.objects.create(school=world.oakfield, group=group, pupil=pupil)
        joined(group, D(2026, 11, 2))

    counts = []
    for n in (2, 12):
        grow(n)
        Flag.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            flags_evaluate(school_id=world.oakfield.pk, on_date=MONDAY)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert Flag.objects.count() == 15


@pytest.fixture
def made_up_cleared() -> Any:
    yield
    for registry in (rules.SOURCES, rules.SEVERITY, rules.TEXT, rules.RULES_BY_KEY):
        registry.pop("made_up", None)


def test_a_registered_source_is_run_worded_and_listed(world: World, made_up_cleared: None) -> None:
    """The registry itself, with a source made up for the test."""
    school_calendar(world.oakfield)
    seen: list[SignalContext] = []

    def load(context: SignalContext) -> Signals:
        seen.append(context)
        return {world.ada.pk: (1, {"n": context.params["n"]}), world.outsider.pk: (1, {"n": 0})}

    def text(a: Mapping[str, Any]) -> str:
        return f"Made-up signal {a['n']}"

    register_signal_source(
        SignalSource(
            rule=RuleDef("made_up", "Made-up", "Only in a test", (Param("n", "N", 4, 1, 9),)),
            severity=(1, 2),
            load=load,
            text=text,
            evidence=lambda a: [f"evidence {a['n']}"],
        )
    )
    with pytest.raises(ValueError):
        register_signal_source(
            SignalSource(
                rule=RuleDef("family", "Clash", "", ()), severity=(1, 1), load=load, text=text
            )
        )
    assert "made_up" in [rule.key for rule in rules.rules_all()]
    flags_evaluate(school_id=world.oakfield.pk, on_date=MONDAY)
    [context] = seen
    assert context.school_days[-1] == WEEK[-1] and context.params == {"n": 4}
    assert world.ada.pk in context.pupil_ids
    flag = Flag.objects.get(pupil=world.ada)
    assert [r["text"] for r in flag.reasons] == ["Made-up signal 4"]
    # Another school's pupil is never flagged here.
    assert not Flag.objects.filter(pupil=world.outsider).exists()
    assert rules.reason_evidence(flag.reasons[0]) == ["evidence 4"]
