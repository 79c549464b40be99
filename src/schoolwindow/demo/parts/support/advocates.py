"""The demo's advocates: each school's choices, a few pupils designated by staff, and the last
weeks of advocates' contacts with their pupils and families.

The roster part gave every vulnerable learner an advocate. Here most advocates are on track
(they met their pupil this week and spoke with the family in the last fortnight), some are
behind with the pupil or the family, and a few designated pupils still wait for an advocate, so
the home pages, caseloads and the coverage page all have something true to show. The first
pupil on the demo advocate's list (Jack Bennett, going quiet) is behind with both.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.parts import DemoPart
from schoolwindow.messaging.models import ContactKind, ContactLog, ContactOutcome
from schoolwindow.people.models import AdvocateAssignment, Pupil, PupilStatus, SendStatus
from schoolwindow.support.models import (
    AdvocacySettings,
    AdvocateContact,
    AdvocateContactKind,
    PupilCadence,
    VulnerableDesignation,
)

REASONS = (
    "Moved house twice since September and is finding it hard to settle.",
    "A parent has been seriously ill this term.",
    "New to the country this year; the family is still finding its feet.",
    "Lost a grandparent who lived with the family.",
)
NOTES = (
    "Caught up at break; going well with the new timetable.",
    "Talked about the coming week and what is worrying her.",
    "Quick check-in after registration.",
    "Went through the homework plan together.",
)


def at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 15)))


def weekday(day: dt.date) -> dt.date:
    """A contact that would fall at a weekend happened on the Friday before."""
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def advocates_demo_build(ctx: DemoContext) -> None:
    ctx.say("Advocates: settings, designations and contacts…")
    rng = random.Random(1107)
    today = ctx.today
    primary, secondary = ctx.primary, ctx.secondary
    # The primary school sees its pupils daily: it keeps a fortnightly cadence with the pupil.
    AdvocacySettings.objects.create(school=primary, pupil_every_days=14, family_every_days=21)
    AdvocacySettings.objects.create(school=secondary)
    designations = []
    for school in (primary, secondary):
        candidates = list(
            Pupil.objects.filter(
                school=school,
                status=PupilStatus.ACTIVE,
                looked_after=False,
                young_carer=False,
                send_status=SendStatus.NONE,
                advocacies__isnull=True,
            ).order_by("pk")[:60]
        )
        for index, pupil in enumerate(rng.sample(candidates, min(3, len(candidates)))):
            designations.append(
                VulnerableDesignation(
                    school=school,
                    pupil=pupil,
                    reason=REASONS[index % len(REASONS)],
                    starts=today - dt.timedelta(days=10 + 7 * index),
                )
            )
    VulnerableDesignation.objects.bulk_create(designations)

    assignments = list(
        AdvocateAssignment.objects.filter(
            school__in=(primary, secondary), ended__isnull=True
        ).order_by("school_id", "staff_id", "started", "pk")
    )
    # Jack Bennett (the demo parent's second child) leads the demo advocate's list.
    family = ctx.special.get("parent")
    jack = family.children[1].pupil if family and len(family.children) > 1 else None
    jack_id = jack.pk if jack is not None else None
    met, logged, cadences = [], [], []
    behind = {"pupil": 0, "family": 0}
    for index, a in enumerate(assignments):
        since = max(a.started, today - dt.timedelta(days=42))
        roll = rng.random()
        late_pupil = a.pupil_id == jack_id or roll < 0.2
        late_family = a.pupil_id == jack_id or 0.15 < roll < 0.3
        behind["pupil"] += late_pupil
        behind["family"] += late_family
        # Time with the pupil: roughly weekly from the start, stopping three weeks ago if late.
        day = since + dt.timedelta(days=rng.randrange(1, 5))
        stop = today - dt.timedelta(days=21 if late_pupil else 0)
        while day < stop:
            met.append(
                AdvocateContact(
                    school_id=a.school_id,
                    pupil_id=a.pupil_id,
                    staff_id=a.staff_id,
                    kind=rng.choice(AdvocateContactKind.values),
                    happened_at=at(weekday(day), 10 + rng.randrange(5)),
                    notes=rng.choice(NOTES),
                )
            )
            day += dt.timedelta(days=rng.randrange(3, 6))
        # The family: a call or meeting every ten days or so; a late one stopped a month ago,
        # with an unanswered call since.
        day = since + dt.timedelta(days=rng.randrange(2, 8))
        stop = today - dt.timedelta(days=30 if late_family else 0)
        while day < stop:
            logged.append(
                ContactLog(
                    school_id=a.school_id,
                    pupil_id=a.pupil_id,
                    staff_id=a.staff_id,
                    kind=rng.choice((ContactKind.CALL, ContactKind.CALL, ContactKind.MEETING)),
                    outcome=ContactOutcome.SPOKE,
                    happened_at=at(weekday(day), 15 + rng.randrange(3)),
                    notes="Advocate's catch-up with the family.",
                )
            )
            day += dt.timedelta(days=rng.randrange(7, 11))
        if late_family and today - dt.timedelta(days=3) > since:
            logged.append(
                ContactLog(
                    school_id=a.school_id,
                    pupil_id=a.pupil_id,
                    staff_id=a.staff_id,
                    kind=ContactKind.CALL,
                    outcome=ContactOutcome.NO_ANSWER,
                    happened_at=at(today - dt.timedelta(days=3), 16),
                )
            )
        if index % 11 == 5:
            cadences.append(
                PupilCadence(school_id=a.school_id, pupil_id=a.pupil_id, pupil_every_days=3)
            )
    AdvocateContact.objects.bulk_create(met, batch_size=500)
    ContactLog.objects.bulk_create(logged, batch_size=500)
    PupilCadence.objects.bulk_create(cadences)
    ctx.counts["advocate contacts"] = len(met)
    ctx.counts["advocates behind with the pupil"] = behind["pupil"]
    ctx.counts["advocates behind with the family"] = behind["family"]
    ctx.counts["pupils designated vulnerable"] = len(designations)


PART = DemoPart(name="support.advocates", build=advocates_demo_build, history=True)
