"""Did it work? Recovery measured from real PupilDay rows: recovered, not recovered, too early,
the comparison group, the small-group caution, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from schoolwindow.engagement.facts import DayFacts
from schoolwindow.engagement.models import Flag, PupilDay
from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import Pupil
from schoolwindow.schools.calendar import school_days
from schoolwindow.schools.models import AcademicYear, Term
from schoolwindow.support.loans.models import Condition, Item, Kind, Loan
from schoolwindow.support.outcomes import recovery, selectors
from schoolwindow.support.outcomes.models import OutcomeSettings
from schoolwindow.support.outcomes.recovery import Result, counts, measure
from schoolwindow.support.timeline import SupportKind
from tests.factories import PupilFactory
from tests.pages.conftest import World, build_pages_world
from tests.support.test_outcome_sources import at

TERM_START = dt.date(2026, 9, 2)
TERM_END = dt.date(2026, 12, 18)
TODAY = dt.date(2026, 11, 30)
FLAGGED = dt.date(2026, 9, 28)
HELP_DAY = dt.date(2026, 10, 5)  # a Monday


@pytest.fixture
def world(db: None) -> World:
    built = build_pages_world()
    year = AcademicYear.objects.create(
        school=built.oakfield, name="2026/27", start=dt.date(2026, 9, 1), end=dt.date(2027, 7, 31)
    )
    Term.objects.create(
        school=built.oakfield, academic_year=year, name="Autumn", start=TERM_START, end=TERM_END
    )
    return built


def days_of(world: World) -> list[dt.date]:
    return school_days(school_id=world.oakfield.pk, start=TERM_START, end=TODAY)


def attend(world: World, pupil: Pupil, *, before: bool, after: bool, turn: dt.date) -> None:
    """Daily facts for every school day: in school (or not) before `turn`, and after it."""
    rows = []
    for day in days_of(world):
        present = before if day <= turn else after
        rows.append(
            PupilDay(
                school_id=world.oakfield.pk,
                pupil_id=pupil.pk,
                date=day,
                sessions_possible=2,
                sessions_present=2 if present else 0,
                sessions_unauthorised=0 if present else 2,
                logins=1 if present else 0,
            )
        )
    PupilDay.objects.bulk_create(rows)


def flag(world: World, pupil: Pupil, opened: dt.date = FLAGGED) -> Flag:
    return Flag.objects.create(
        school=world.oakfield, pupil=pupil, opened_on=opened, last_evaluated_on=TODAY
    )


def lend(world: World, pupil: Pupil, day: dt.date) -> Loan:
    item = Item.objects.create(
        school=world.oakfield, asset_tag=f"L-{pupil.pk}-{day:%m%d}", kind=Kind.LAPTOP
    )
    return Loan.objects.create(
        school=world.oakfield,
        item=item,
        pupil=pupil,
        lent_at=at(day),
        due_on=day + dt.timedelta(days=60),
        condition_out=Condition.GOOD,
        agreement_text="Look after it.",
    )


def report(world: World) -> selectors.Report:
    return selectors.outcomes_report(
        actor=actor_for(world.staff["leader"].user),
        school_id=world.oakfield.pk,
        period="term",
        today=TODAY,
    )


def pupil(world: World) -> Pupil:
    return PupilFactory(school=world.oakfield, year_group=world.year7)


# --- The pure rule ----------------------------------------------------------------------------


def test_a_day_away_with_permission_or_with_nothing_known_does_not_count() -> None:
    day = dt.date(2026, 10, 6)
    assert counts(DayFacts(day, sessions_possible=2, sessions_present=1))
    assert counts(DayFacts(day, sessions_possible=2, sessions_unauthorised=2))
    assert not counts(DayFacts(day, sessions_possible=2, sessions_authorised=2))
    assert not counts(DayFacts(day))


def school_week_days(start: dt.date, n: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = start
    while len(days) < n:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


def test_recovery_is_ninety_percent_attendance_and_online_four_days_in_five() -> None:
    start = dt.date(2026, 10, 5)
    days = school_week_days(start, 20)
    today = days[-1]

    def series(*, present: int, online_days: int) -> list[DayFacts]:
        """Ten days: present at `present` of them (2 sessions each), online on the first few."""
        return [
            DayFacts(
                d,
                sessions_possible=2,
                sessions_present=2 if n < present else 0,
                sessions_unauthorised=0 if n < present else 2,
                logins=1 if n < online_days else 0,
            )
            for n, d in enumerate(days)
        ]

    def result(facts: list[DayFacts], online_expected: bool = True) -> str:
        return measure(
            facts, start=start, days=10, today=today, online_expected=online_expected
        ).result

    assert result(series(present=10, online_days=10)) == Result.RECOVERED
    assert result(series(present=9, online_days=8)) == Result.RECOVERED  # 90%, 4 in 5
    assert result(series(present=8, online_days=10)) == Result.NOT_YET  # 80% attendance
    assert result(series(present=10, online_days=7)) == Result.NOT_YET  # online 7 in 10
    # A school that records no online learning: attendance alone.
    assert result(series(present=10, online_days=0), online_expected=False) == Result.RECOVERED
    # Only five school days before today: too early.
    early = measure(
        series(present=10, online_days=10),
        start=start,
        days=10,
        today=days[5],
        online_expected=True,
    )
    assert early.result == Result.TOO_EARLY
    measured = measure(
        series(present=9, online_days=8), start=start, days=10, today=today, online_expected=True
    )
    assert measured.attendance_pct == 90.0 and measured.online_days == 8
    assert measured.counted_days == 10


# --- From the database ------------------------------------------------------------------------


def test_recovered_not_recovered_and_too_early_from_pupil_days(world: World) -> None:
    back, still_away, late = pupil(world), pupil(world), pupil(world)
    attend(world, back, before=False, after=True, turn=HELP_DAY)
    attend(world, still_away, before=False, after=False, turn=HELP_DAY)
    attend(world, late, before=False, after=True, turn=HELP_DAY)
    for p in (back, still_away, late):
        flag(world, p)
    lend(world, back, HELP_DAY)
    lend(world, still_away, HELP_DAY)
    lend(world, late, TODAY - dt.timedelta(days=3))
    loans = report(world).kind(SupportKind.LOAN)
    assert loans is not None
    results = {c.pupil_id: c.measure.result for c in loans.helped}
    assert results == {
        back.pk: Result.RECOVERED,
        still_away.pk: Result.NOT_YET,
        late.pk: Result.TOO_EARLY,
    }
    assert loans.helped_n == 2 and loans.helped_recovered == 1 and loans.helped_too_early == 1
    assert loans.helped_pct == 50.0


def test_n_is_the_schools_choice(world: World) -> None:
    p = pupil(world)
    attend(world, p, before=False, after=True, turn=HELP_DAY)
    flag(world, p)
    lend(world, p, TODAY - dt.timedelta(days=14))  # ten school days ago
    loans = report(world).kind(SupportKind.LOAN)
    assert loans is not None and loans.helped[0].measure.result == Result.TOO_EARLY
    OutcomeSettings.objects.create(school=world.oakfield, recovery_days=5)
    loans = report(world).kind(SupportKind.LOAN)
    assert loans is not None and loans.helped[0].measure.result == Result.RECOVERED


def test_the_comparison_is_flagged_pupils_without_that_help_from_the_same_monday(
    world: World,
) -> None:
    helped, alike, recovered_alone = pupil(world), pupil(world), pupil(world)
    later_flag, never_flagged, helped_while_flagged_later = pupil(world), pupil(world), pupil(world)
    for p in (helped, alike, later_flag, never_flagged, helped_while_flagged_later):
        attend(world, p, before=False, after=False, turn=HELP_DAY)
    attend(world, recovered_alone, before=False, after=True, turn=HELP_DAY)
    for p in (helped, alike, recovered_alone, helped_while_flagged_later):
        flag(world, p)
    flag(world, later_flag, opened=dt.date(2026, 11, 23))  # not flagged in a week of help
    lend(world, helped, HELP_DAY + dt.timedelta(days=2))
    lend(world, helped_while_flagged_later, dt.date(2026, 11, 20))  # too early, but helped
    loans = report(world).kind(SupportKind.LOAN)
    assert loans is not None
    comparison = {c.pupil_id: c for c in loans.comparison}
    assert set(comparison) == {alike.pk, recovered_alone.pk}
    assert all(c.start == HELP_DAY for c in comparison.values())  # the week's Monday
    assert comparison[recovered_alone.pk].measure.result == Result.RECOVERED
    assert comparison[alike.pk].measure.result == Result.NOT_YET
    assert loans.comparison_n == 2 and loans.comparison_pct == 50.0
    # Another kind nobody got has neither group.
    visits = report(world).kind(SupportKind.VISIT)
    assert visits is not None and visits.helped == [] and visits.comparison == []


def test_help_given_when_not_flagged_is_not_counted(world: World) -> None:
    p = pupil(world)
    attend(world, p, before=True, after=True, turn=HELP_DAY)
    flag(world, p, opened=dt.date(2026, 11, 2))
    lend(world, p, HELP_DAY)
    loans = report(world).kind(SupportKind.LOAN)
    assert loans is not None and loans.helped == []


def test_small_groups_carry_the_caution_and_large_ones_do_not() -> None:
    def counted(n: int) -> list[recovery.Counted]:
        return [
            recovery.Counted(
                pupil_id=i,
                start=HELP_DAY,
                measure=recovery.Measure(Result.RECOVERED, counted_days=1),
            )
            for i in range(n)
        ]

    small = recovery.KindOutcome(kind=SupportKind.LOAN, helped=counted(5), comparison=counted(40))
    assert small.small
    large = recovery.KindOutcome(kind=SupportKind.LOAN, helped=counted(20), comparison=counted(20))
    assert not large.small


def test_the_report_costs_the_same_for_more_pupils_and_entries(world: World) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            p = pupil(world)
            attend(world, p, before=False, after=True, turn=HELP_DAY)
            flag(world, p)
            lend(world, p, HELP_DAY)
            q = pupil(world)
            attend(world, q, before=False, after=False, turn=HELP_DAY)
            flag(world, q)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            report(world)
        return len(captured)

    add(2)
    few = queries()
    add(8)
    assert queries() == few
    loans = report(world).kind(SupportKind.LOAN)
    assert loans is not None and loans.helped_n == 10 and loans.comparison_n == 10
    assert loans.small  # ten is fewer than twenty


def test_a_pupils_help_is_measured_in_the_same_queries_however_much_there_is(
    world: World,
) -> None:
    p = pupil(world)
    attend(world, p, before=False, after=True, turn=HELP_DAY)
    flag(world, p)
    lend(world, p, HELP_DAY)
    leader = actor_for(world.staff["leader"].user)

    def queries() -> tuple[int, int]:
        # A page loads its pupil afresh; the help is read once per loaded pupil.
        page_pupil = Pupil.objects.get(pk=p.pk)
        with CaptureQueriesContext(connection) as captured:
            _days, helps = selectors.pupil_help(actor=leader, pupil=page_pupil, today=TODAY)
        return len(captured), len(helps)

    few, one = queries()
    for n in range(1, 6):
        lend(world, p, HELP_DAY + dt.timedelta(days=n))
    many, six = queries()
    assert (one, six) == (1, 6)
    assert many == few
    _days, helps = selectors.pupil_help(actor=leader, pupil=p, today=TODAY)
    assert all(h.result == Result.RECOVERED for h in helps)
