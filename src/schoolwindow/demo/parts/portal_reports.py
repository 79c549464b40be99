"""The demo's progress reports: at each school, a run published to families sixteen days ago and
the next run being written now.

The published run covers the year group of the demo parent's child at that school (Year 7 or
Year 5 otherwise): every report approved by the school's leader and published through the
portal's service, so each family is told through messaging as in real use. About two families
in three have opened it and half have acknowledged it; one parent replied (into the
conversation the report was announced in). The run being written has some drafts and some
reports waiting for review.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.logins import LOGIN_USERNAMES
from schoolwindow.demo.parts import DemoPart
from schoolwindow.messaging.models import PENDING_STATUSES, Delivery, DeliveryStatus
from schoolwindow.people.actors import actor_for
from schoolwindow.people.contact import contactable_links
from schoolwindow.people.models import Guardian, Pupil, PupilStatus, Staff
from schoolwindow.portal.reports import services
from schoolwindow.portal.reports.models import (
    PupilReport,
    ReportReading,
    ReportRun,
    ReportStatus,
    ReportTemplate,
)
from schoolwindow.schools.models import School, YearGroup

# Over messaging's two weeks of looking back for unread copies to follow with a text: the
# demo's families are not chased again the morning it starts.
PUBLISHED_DAYS_AGO = 16
SUBJECTS = {
    "secondary": ["English", "Maths", "Science", "History", "Geography", "Art", "PE"],
    "primary": ["Reading", "Writing", "Maths", "Science", "Topic", "PE"],
}
ATTAINMENT = ["Working towards the expected standard", "At the expected standard", "Beyond it"]
EFFORT = ["Could try harder", "Good", "Excellent"]
SUBJECT_COMMENTS = [
    "Settled well and asks good questions.",
    "Works carefully; keep practising at home.",
    "Takes part with enthusiasm.",
    "Has made steady progress this half-term.",
    "Is growing in confidence.",
]
GENERAL = [
    "{name} has had a positive start to the year and is kind to others.",
    "{name} works hard in lessons. Reading a little every evening will help even more.",
    "{name} is a thoughtful member of the class who has made good progress.",
    "{name} has grown in confidence this half-term. Well done!",
]


def leader_of(school: School) -> Staff | None:
    return (
        Staff.objects.filter(school=school, user__username=LOGIN_USERNAMES["leader"]).first()
        or Staff.objects.filter(
            school=school, roles__role="leader", active=True, user__isnull=False
        )
        .order_by("pk")
        .first()
    )


def year_for(school: School, parent: Guardian | None, fallback: str) -> YearGroup | None:
    """The year of the demo parent's child at this school, so their log-in shows a report."""
    if parent is not None:
        child = (
            Pupil.objects.filter(school=school, guardian_links__guardian=parent)
            .exclude(year_group=None)
            .order_by("pk")
            .first()
        )
        if child is not None:
            return child.year_group
    return YearGroup.objects.filter(school=school, code=fallback).first()


def lines(template: ReportTemplate, rng: random.Random) -> dict[str, dict[str, object]]:
    return {
        subject: {
            "attainment": rng.choice([1, 2, 2, 2, 3]),
            "effort": rng.choice([2, 2, 3, 3, 1]),
            "comment": rng.choice(SUBJECT_COMMENTS),
        }
        for subject in template.subjects
    }


def portal_reports_demo_build(ctx: DemoContext) -> None:
    ctx.say("Portal: progress reports, one run published, the next being written…")
    rng = random.Random(1205)
    parent = Guardian.objects.filter(user__username=LOGIN_USERNAMES["parent"]).first()
    published = opened = acknowledged = replies = drafts = 0
    for school, phase, fallback in (
        (ctx.secondary, "secondary", "7"),
        (ctx.primary, "primary", "5"),
    ):
        leader = leader_of(school)
        year = year_for(school, parent, fallback)
        if leader is None or leader.user is None or year is None:
            continue
        actor = actor_for(leader.user)
        template = ReportTemplate.objects.create(
            school=school,
            name="Half-term report",
            subjects=SUBJECTS[phase],
            attainment_scale=ATTAINMENT,
            effort_scale=EFFORT,
        )
        today = ctx.today
        done_run = ReportRun.objects.create(
            school=school,
            template=template,
            name="Autumn 1",
            writing_opens=today - dt.timedelta(days=36),
            writing_closes=today - dt.timedelta(days=20),
            publish_on=today - dt.timedelta(days=PUBLISHED_DAYS_AGO),
        )
        next_run = ReportRun.objects.create(
            school=school,
            template=template,
            name="Autumn 2",
            writing_opens=today - dt.timedelta(days=3),
            writing_closes=today + dt.timedelta(days=11),
            publish_on=today + dt.timedelta(days=14),
        )
        for run in (done_run, next_run):
            run.year_groups.set([year])
        pupils = list(
            Pupil.objects.filter(school=school, status=PupilStatus.ACTIVE, year_group=year)
            .order_by("pk")
            .only("pk", "legal_first_name", "preferred_first_name")
        )
        staff_id = leader.pk
        PupilReport.objects.bulk_create(
            [
                PupilReport(
                    school=school,
                    run=done_run,
                    pupil=pupil,
                    lines=lines(template, rng),
                    general_comment=rng.choice(GENERAL).format(name=pupil.first_name),
                    status=ReportStatus.APPROVED,
                    written_by_id=staff_id,
                    approved_by_id=staff_id,
                    approved_at=timezone.now(),
                )
                for pupil in pupils
            ]
        )
        result = services.run_publish(actor=actor, run_id=done_run.pk)
        services.reports_tell(run_id=done_run.pk)  # the worker's part, done here at once
        published += result.reports
        # Families read it over the days since.
        reports = list(
            PupilReport.objects.filter(run=done_run, reach="sent").order_by("pk").only("pk")
        )
        first_contact: dict[int, int] = {}
        for pupil_id, guardian_id in (
            contactable_links(school=school, pupil_id__in=[p.pk for p in pupils])
            .order_by("-contact_priority", "-guardian_id")
            .values_list("pupil_id", "guardian_id")
        ):
            first_contact[pupil_id] = guardian_id
        readings = []
        for report in PupilReport.objects.filter(pk__in=[r.pk for r in reports]).order_by("pk"):
            reader_id = first_contact.get(report.pupil_id)
            if reader_id is None or (parent is not None and reader_id == parent.pk):
                continue  # the demo parent finds theirs waiting to be read
            if rng.random() < 0.65:
                ago = dt.timedelta(days=rng.randint(1, 9), hours=rng.randint(0, 8))
                when = timezone.now() - ago
                later = when + dt.timedelta(minutes=rng.randint(2, 90))
                ack = later if rng.random() < 0.75 else None
                readings.append(
                    ReportReading(
                        school=school,
                        report=report,
                        guardian_id=reader_id,
                        opened_at=when,
                        acknowledged_at=ack,
                    )
                )
                opened += 1
                acknowledged += ack is not None
        ReportReading.objects.bulk_create(readings)
        published_at = timezone.now() - dt.timedelta(days=PUBLISHED_DAYS_AGO)
        PupilReport.objects.filter(run=done_run).update(published_at=published_at)
        ReportRun.objects.filter(pk=done_run.pk).update(published_at=published_at)
        # One parent with an account replied.
        if replies == 0:
            reader = (
                Guardian.objects.filter(
                    pk__in=[reading.guardian_id for reading in readings], user__isnull=False
                )
                .order_by("pk")
                .first()
            )
            report_id = next(
                (r.report_id for r in readings if reader and r.guardian_id == reader.pk), None
            )
            if reader is not None and reader.user is not None and report_id is not None:
                services.report_reply(
                    actor=actor_for(reader.user),
                    report_id=report_id,
                    body="Thank you for the report. Could we talk about how to help with "
                    "reading at home?",
                )
                replies += 1
        # The news went out over two weeks ago, the reply since: the outbox holds nothing for a
        # worker to send now.
        told = PupilReport.objects.filter(run=done_run)
        copies = Delivery.objects.filter(
            message__conversation_id__in=told.exclude(conversation_id=None).values(
                "conversation_id"
            )
        )
        copies.filter(status=DeliveryStatus.LETTER).update(
            status=DeliveryStatus.PRINTED, sent_at=published_at
        )
        copies.filter(status__in=PENDING_STATUSES).update(
            status=DeliveryStatus.SENT, sent_at=published_at, attempts=1
        )
        # The next run: some written, some waiting for review.
        writing = []
        for pupil in pupils[: max(1, len(pupils) // 2)]:
            status = ReportStatus.SUBMITTED if rng.random() < 0.4 else ReportStatus.DRAFT
            writing.append(
                PupilReport(
                    school=school,
                    run=next_run,
                    pupil=pupil,
                    lines=lines(template, rng),
                    general_comment=rng.choice(GENERAL).format(name=pupil.first_name)
                    if status == ReportStatus.SUBMITTED
                    else "",
                    status=status,
                    written_by_id=staff_id,
                )
            )
        PupilReport.objects.bulk_create(writing)
        drafts += len(writing)
    ctx.counts["reports_published"] = published
    ctx.counts["reports_opened"] = opened
    ctx.counts["reports_acknowledged"] = acknowledged
    ctx.counts["reports_replied"] = replies
    ctx.counts["reports_being_written"] = drafts


PART = DemoPart(name="portal.reports", build=portal_reports_demo_build, history=True)
