"""The demo's home visits: the family liaison officer's visits to new Year 7 families.

Some done (one with a Polish interpreter, one where a concern was passed to the DSL), one today
(the next weekday at a weekend), some planned this week (agreed, not asked yet, and one the
family declined), and one cancelled.
Each goes with a second member of staff, the pastoral lead, or an interpreter. The rows are
written directly with the demo's times (the visits' services refuse times long past).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from schoolwindow.core.capabilities import Role
from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.parts import DemoPart
from schoolwindow.homelife.models import ProfileAnswer, Source
from schoolwindow.homelife.services import Given, answer_rows, clean_given
from schoolwindow.people.models import Pupil, Staff
from schoolwindow.support.visits.models import (
    Agreement,
    HomeVisit,
    VisitAction,
    VisitConcern,
    VisitStatus,
)

# What the families said at the done visits, as homelife's questions: they go on each pupil's
# home-learning profile as answers from a home visit, as the record form would put them.
DONE_ANSWERS: list[list[Given]] = [
    [
        Given("devices", "laptop,smartphone"),
        Given("device_count", "1"),
        Given("device_sharing", "adults", "One laptop, used by mum for work 9 to 5"),
        Given("internet", "broadband"),
        Given("printer", "no"),
        Given("quiet_place", "sometimes", ""),
        Given("adult_help", "yes", "Dad, weekday evenings"),
        Given("languages", "English"),
        Given("contact", "sms"),
    ],
    [
        Given("devices", "smartphone"),
        Given("device_count", "0"),
        Given("internet", "mobile", "Runs out mid-month"),
        Given("quiet_place", "no"),
        Given("adult_help", "sometimes", "Grandma after school, not with maths"),
        Given("study_buddy", "friend", "A cousin in Year 10"),
        Given("languages", "Polish, some English"),
        Given("contact", "phone"),
    ],
    [
        Given("devices", "tablet"),
        Given("device_count", "1"),
        Given("device_sharing", "children", "Shared with a sister"),
        Given("internet", "none"),
        Given("printer", "no"),
        Given("quiet_place", "no"),
        Given("languages", "English"),
        Given("contact", "email"),
    ],
]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _staff_with(school_id: int, role: str) -> Staff | None:
    return (
        Staff.objects.filter(school_id=school_id, roles__role=role, active=True)
        .order_by("pk")
        .first()
    )


def visits_demo_build(ctx: DemoContext) -> None:
    school = ctx.secondary
    flo = _staff_with(school.pk, Role.FLO)
    second = _staff_with(school.pk, Role.PASTORAL)
    if flo is None or second is None:
        return
    lowest = ctx.year_groups.get(7)
    pupils = list(
        Pupil.objects.filter(school=school, year_group=lowest, household__isnull=False)
        .order_by("pk")
        .distinct()[:40]
    )
    polish = (
        Pupil.objects.filter(school=school, year_group=lowest, household__isnull=False)
        .filter(Q(home_language__iexact="pl") | Q(home_language__iexact="polish"))
        .order_by("pk")
        .first()
    )
    if len(pupils) < 8:
        return
    if polish is not None and polish in pupils:
        pupils.remove(polish)
    today = ctx.today

    def day(n: int) -> dt.date:
        """n weekdays from today (today itself when a weekday): staff visit on working days."""
        found = today
        while found.weekday() >= 5:
            found += dt.timedelta(days=1)
        step = 1 if n >= 0 else -1
        for _ in range(abs(n)):
            found += dt.timedelta(days=step)
            while found.weekday() >= 5:
                found += dt.timedelta(days=step)
        return found

    done, planned, cancelled = VisitStatus.DONE, VisitStatus.PLANNED, VisitStatus.CANCELLED
    yes, not_yet, no = Agreement.AGREED, Agreement.NOT_YET, Agreement.DECLINED
    plan: list[tuple[Pupil, dt.datetime, str, str, list[Given]]] = [
        # pupil, start, status, agreement, answers
        (pupils[0], _at(day(-9), 16), done, yes, DONE_ANSWERS[0]),
        (polish or pupils[1], _at(day(-6), 17), done, yes, DONE_ANSWERS[1]),
        (pupils[2], _at(day(-3), 15), done, yes, DONE_ANSWERS[2]),
        (pupils[3], _at(day(0), 16), planned, yes, []),
        (pupils[4], _at(day(2), 10), planned, yes, []),
        (pupils[5], _at(day(3), 17), planned, not_yet, []),
        (pupils[6], _at(day(4), 11), planned, no, []),
        (pupils[7], _at(day(1), 15), cancelled, yes, []),
    ]
    visits = []
    profile_rows: list[ProfileAnswer] = []
    for index, (pupil, starts_at, status, agreement, answers) in enumerate(plan):
        given = clean_given(answers) if answers else []
        profile_rows += answer_rows(
            school_id=school.pk,
            pupil=pupil,
            answers=given,
            source=Source.HOME_VISIT,
            recorded_by_id=flo.user_id,
            recorded_by_label=flo.display_name,
            recorded_at=starts_at,
        )
        interpreted = index == 1 and polish is not None
        visits.append(
            HomeVisit(
                school=school,
                pupil=pupil,
                household_id=pupil.household_id,
                starts_at=starts_at,
                duration_minutes=45,
                lead=flo,
                second=None if interpreted else second,
                interpreter_name="Ewa Zielińska" if interpreted else "",
                interpreter_language="Polish" if interpreted else "",
                status=status,
                agreement=agreement,
                agreement_how="Declined by text message"
                if agreement == Agreement.DECLINED
                else ("Phone call" if agreement == Agreement.AGREED else ""),
                cancel_reason="The family is moving house that week; we will offer another date."
                if status == VisitStatus.CANCELLED
                else "",
                sequence=1 if status == VisitStatus.CANCELLED else 0,
                profile_answers={g.question: {"value": g.value, "detail": g.detail} for g in given},
                family_wellbeing="A warm welcome; everyone is busy but well."
                if status == VisitStatus.DONE
                else "",
                reflection="Worth a call in two weeks." if status == VisitStatus.DONE else "",
                recorded_at=starts_at + dt.timedelta(hours=1)
                if status == VisitStatus.DONE
                else None,
                recorded_by=flo if status == VisitStatus.DONE else None,
                concern_passed=index == 2,
            )
        )
    HomeVisit.objects.bulk_create(visits)
    ProfileAnswer.objects.bulk_create(profile_rows)
    VisitAction.objects.bulk_create(
        [
            VisitAction(
                school=school,
                visit=visits[1],
                text="Lend a laptop and a data SIM",
                owner=flo,
                due=today + dt.timedelta(days=3),
            ),
            VisitAction(
                school=school,
                visit=visits[2],
                text="Offer a place in the homework club",
                owner=second,
                due=today + dt.timedelta(days=5),
            ),
        ]
    )
    VisitConcern.objects.create(
        school=school,
        visit=visits[2],
        text="(Demo) A younger sibling seemed often left alone after school; talk to the family.",
        raised_by=flo,
    )
    ctx.counts["home visits"] = len(visits)
    ctx.say(f"  home visits: {len(visits)} (3 done, 4 planned, 1 cancelled)")


PART = DemoPart(name="visits", build=visits_demo_build, history=True)
