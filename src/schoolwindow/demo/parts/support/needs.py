"""The demo's needs: the board works from the demo's home-learning profiles and loans as they
are; here a few needs of the secondary school were met outside the system (a room at the
library, a neighbour who helps), so "marked as met" shows on the board too."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.parts import DemoPart
from schoolwindow.people.models import Pupil, PupilStatus
from schoolwindow.support.needs.models import NeedMet
from schoolwindow.support.needs.rules import HELP, QUIET
from schoolwindow.support.needs.selectors import needs_of

NOTES = {
    QUIET: "Uses the public library's study room after school.",
    HELP: "A neighbour who is a retired teacher helps twice a week.",
}
# How many of each need were met outside the system.
MET_EACH = 3


def needs_demo_build(ctx: DemoContext) -> None:
    ctx.say("Needs: a few met outside the system…")
    school = ctx.secondary
    today = ctx.today
    pupils = Pupil.objects.filter(school=school, status=PupilStatus.ACTIVE).order_by("pk")
    rows = needs_of(school_id=school.pk, pupils=pupils, today=today)
    met: list[NeedMet] = []
    taken = {key: 0 for key in NOTES}
    for row in rows:
        for item in row.waiting:
            key = item.need.key
            if key in taken and taken[key] < MET_EACH:
                taken[key] += 1
                met.append(
                    NeedMet(
                        school=school,
                        pupil=row.pupil,
                        need=key,
                        met_at=timezone.make_aware(
                            dt.datetime.combine(
                                today - dt.timedelta(days=2 + len(met)), dt.time(15)
                            )
                        ),
                        note=NOTES[key],
                    )
                )
    NeedMet.objects.bulk_create(met)
    ctx.counts["needs marked as met"] = len(met)


PART = DemoPart(name="support.needs", build=needs_demo_build, history=True)
