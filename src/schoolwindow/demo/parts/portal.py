"""The demo's absences reported by families this week, at both schools.

Six families a school tell the school their child is away on a day of this week: ill, a
dentist's afternoon, a religious festival, a family emergency, a morning appointment, and one in
their own words. The first four, when their day is past, are confirmed by the office (through
the portal's service, so the marks go into engagement's register as in real use, and a mark the
register already has is kept, never overwritten); the rest wait on the office's list. Only
guardians the school may contact report, as in the portal.
"""

from __future__ import annotations

import datetime as dt
import random

from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.logins import LOGIN_USERNAMES
from schoolwindow.demo.parts import DemoPart
from schoolwindow.engagement.marks import marks_taken
from schoolwindow.people.actors import actor_for
from schoolwindow.people.contact import contactable_links
from schoolwindow.people.models import PupilStatus, Staff
from schoolwindow.portal.absence import services
from schoolwindow.portal.absence.models import AbsenceReport
from schoolwindow.portal.absence.selectors import SUGGESTED_CODE, report_sessions
from schoolwindow.schools.calendar import school_days

# (reason, part, words from the family)
STORIES = [
    ("ill", "whole", "Temperature and a sore throat since last night."),
    ("medical", "PM", "Dentist at 1.30, back tomorrow morning."),
    ("religious", "whole", "Eid with the family."),
    ("emergency", "whole", "Grandma was taken to hospital, we are travelling to see her."),
    ("medical", "AM", "Hospital check-up, in school by lunchtime."),
    ("other", "whole", "Our car broke down on the way, we cannot get there today."),
]


def office_of(school_id: int) -> Staff | None:
    return (
        Staff.objects.filter(school_id=school_id, user__username=LOGIN_USERNAMES["office"]).first()
        or Staff.objects.filter(school_id=school_id, roles__role="office", active=True)
        .order_by("pk")
        .first()
    )


def week_days(ctx: DemoContext, school_id: int) -> list[dt.date]:
    """This week's school days (the school's own calendar, closures out); in a holiday week,
    the first school days after it."""
    monday = ctx.today - dt.timedelta(days=ctx.today.weekday())
    days = school_days(school_id=school_id, start=monday, end=monday + dt.timedelta(days=4))
    return (
        days
        or school_days(school_id=school_id, start=ctx.today, end=ctx.today + dt.timedelta(days=30))[
            :5
        ]
    )


def portal_demo_build(ctx: DemoContext) -> None:
    ctx.say("Portal: absences families reported this week…")
    rng = random.Random(1212)
    reported = confirmed = 0
    for school in (ctx.secondary, ctx.primary):
        links = list(
            contactable_links(school_id=school.pk, pupil__status=PupilStatus.ACTIVE)
            .order_by("pupil_id", "contact_priority", "guardian_id")
            .values_list("pupil_id", "guardian_id")
        )
        first_contact = dict(reversed(links))
        pupil_ids = sorted(first_contact)
        chosen = rng.sample(pupil_ids, min(len(STORIES), len(pupil_ids)))
        office = office_of(school.pk)
        days = week_days(ctx, school.pk)
        if not days:
            continue
        for index, (pupil_id, (reason, part, words)) in enumerate(
            zip(chosen, STORIES, strict=False)
        ):
            day = rng.choice(days)
            report = AbsenceReport.objects.create(
                school=school,
                pupil_id=pupil_id,
                guardian_id=first_contact[pupil_id],
                first_day=day,
                last_day=day,
                part=part,
                reason=reason,
                detail=words if reason == "other" or rng.random() < 0.5 else "",
            )
            reported += 1
            # The register's history ends on the last school day before today (the demo's
            # clock): only a report for a day up to then may be confirmed, and the last two
            # stories stay on the office's list still to do.
            if index >= 4 or day > ctx.calendar.data_end or office is None or office.user is None:
                continue
            keep = [
                (mark.date, mark.session)
                for mark in marks_taken(
                    school_id=school.pk, pupil_id=pupil_id, sessions=report_sessions(report)
                )
            ]
            services.absence_confirm(
                actor=actor_for(office.user),
                report_id=report.pk,
                code=SUGGESTED_CODE[reason],
                keep=keep,
                # The demo's messages are dated by its clock; a "recorded" note sent now would
                # make two builds differ.
                tell_family=False,
            )
            confirmed += 1
    ctx.counts["absences_reported"] = reported
    ctx.counts["absences_confirmed"] = confirmed


PART = DemoPart(name="portal", build=portal_demo_build, history=True)
