"""Reads for progress reports: staff's runs and the pupils of a run with their report's
state, the facts a writer sees beside the form, and a family's published reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from schoolwindow.core.capabilities import REPORTS_MANAGE, REPORTS_WRITE
from schoolwindow.core.errors import NotFound
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.engagement.facts import pupil_day_series
from schoolwindow.engagement.rules import excused, online
from schoolwindow.messaging import api as messaging
from schoolwindow.people.contact import contactable_links
from schoolwindow.people.models import Enrolment, Pupil, PupilStatus
from schoolwindow.portal.reports.models import (
    PupilReport,
    Reach,
    ReportReading,
    ReportRun,
    ReportStatus,
    ReportTemplate,
)
from schoolwindow.schools.models import Group, GroupKind, YearGroup

FACT_DAYS = 42  # the writer sees the last six weeks
NO_REPORT = "none"


def writing_schools(actor: Actor) -> list[int]:
    return sorted(actor.schools_where(REPORTS_WRITE))


def managing_schools(actor: Actor) -> list[int]:
    return sorted(actor.schools_where(REPORTS_MANAGE))


def templates_of(actor: Actor) -> QuerySet[ReportTemplate]:
    return policy_for(ReportTemplate).visible(actor).select_related("school").order_by("name")


def runs_for_staff(actor: Actor) -> QuerySet[ReportRun]:
    """The runs of the actor's schools, newest publishing date first, with how far each got."""
    return (
        policy_for(ReportRun)
        .visible(actor)
        .select_related("template", "school")
        .annotate(
            written=Count("reports", filter=~Q(reports__status=ReportStatus.DRAFT)),
            approved=Count("reports", filter=Q(reports__status=ReportStatus.APPROVED)),
        )
        .order_by("-publish_on", "-id")
    )


def run_get(*, actor: Actor, run_id: int, action: str = "view") -> ReportRun:
    queryset = ReportRun.objects.select_related("template", "school")
    return policy_for(ReportRun).get(actor, pk=run_id, action=action, queryset=queryset)


def run_pupils(run: ReportRun) -> QuerySet[Pupil]:
    """Every pupil the run is for: on roll, in one of its year groups."""
    return Pupil.objects.filter(
        school_id=run.school_id,
        status=PupilStatus.ACTIVE,
        year_group_id__in=run.year_groups.values("pk"),
    )


@dataclass(frozen=True)
class RunFilters:
    status: str = ""  # a ReportStatus value, or NO_REPORT
    reach: str = ""  # "not_received", "not_opened", "not_acknowledged", "replied"
    group_id: int | None = None
    search: str = ""


REACH_FILTERS = ("not_received", "not_opened", "not_acknowledged", "replied")


def _undelivered(run: ReportRun) -> set[int]:
    ids = PupilReport.objects.filter(run=run, message_id__isnull=False).values_list(
        "message_id", flat=True
    )
    return messaging.messages_undelivered(message_ids=[pk for pk in ids if pk is not None])


def run_rows(*, actor: Actor, run: ReportRun, filters: RunFilters) -> QuerySet[Pupil]:
    """The run's pupils this actor may see (a teacher: their classes; a leader: all), each with
    their report's id, state and what the family did with it. One query (two once published)."""
    report = PupilReport.objects.filter(run=run, pupil_id=OuterRef("pk"))
    readings = ReportReading.objects.filter(report__run=run, report__pupil_id=OuterRef("pk"))
    rows = (
        policy_for(Pupil)
        .visible(actor, run_pupils(run))
        .select_related("year_group")
        .annotate(
            report_id=Subquery(report.values("pk")[:1]),
            report_status=Subquery(report.values("status")[:1]),
            report_reach=Subquery(report.values("reach")[:1]),
            report_message=Subquery(report.values("message_id")[:1]),
            report_resends=Subquery(report.values("resends")[:1]),
            opened=Exists(readings),
            acknowledged=Exists(readings.filter(acknowledged_at__isnull=False)),
            replied=Exists(readings.filter(replied_at__isnull=False)),
        )
    )
    if filters.status == NO_REPORT:
        rows = rows.filter(report_id__isnull=True)
    elif filters.status in ReportStatus.values:
        rows = rows.filter(report_status=filters.status)
    if filters.group_id is not None:
        rows = rows.filter(
            pk__in=Enrolment.objects.filter(group_id=filters.group_id, active=True).values(
                "pupil_id"
            )
        )
    if filters.search:
        words = filters.search.strip()[:60]
        rows = rows.filter(
            Q(legal_first_name__icontains=words)
            | Q(legal_last_name__icontains=words)
            | Q(preferred_first_name__icontains=words)
        )
    if run.is_published and filters.reach:
        if filters.reach == "not_received":
            rows = rows.filter(
                Q(report_reach=Reach.NO_CONTACT) | Q(report_message__in=_undelivered(run))
            )
        elif filters.reach == "not_opened":
            rows = rows.filter(report_id__isnull=False, opened=False)
        elif filters.reach == "not_acknowledged":
            rows = rows.filter(report_id__isnull=False, acknowledged=False)
        elif filters.reach == "replied":
            rows = rows.filter(replied=True)
    return rows.order_by("year_group__ordinal", "legal_last_name", "legal_first_name", "id")


@dataclass(frozen=True)
class RunSummary:
    pupils: int
    by_status: dict[str, int]
    no_report: int
    published: int = 0
    not_received: int = 0
    opened: int = 0
    acknowledged: int = 0
    replied: int = 0


def run_summary(*, actor: Actor, run: ReportRun) -> RunSummary:
    """How far the run got, for the pupils this actor may see: a fixed number of queries."""
    pupils = policy_for(Pupil).visible(actor, run_pupils(run)).values("pk")
    reports = PupilReport.objects.filter(run=run, pupil_id__in=pupils)
    counted = reports.aggregate(
        total=Count("id"),
        **{status: Count("id", filter=Q(status=status)) for status in ReportStatus.values},
        published=Count("id", filter=Q(published_at__isnull=False)),
        no_contact=Count("id", filter=Q(reach=Reach.NO_CONTACT)),
    )
    total_pupils = policy_for(Pupil).visible(actor, run_pupils(run)).count()
    summary: dict[str, Any] = {
        "pupils": total_pupils,
        "by_status": {status: counted[status] or 0 for status in ReportStatus.values},
        "no_report": total_pupils - (counted["total"] or 0),
    }
    if run.is_published:
        readings = ReportReading.objects.filter(report__in=reports).aggregate(
            opened=Count("report", distinct=True),
            acknowledged=Count("report", distinct=True, filter=Q(acknowledged_at__isnull=False)),
            replied=Count("report", distinct=True, filter=Q(replied_at__isnull=False)),
        )
        undelivered = _undelivered(run)
        summary |= {
            "published": counted["published"] or 0,
            "not_received": (counted["no_contact"] or 0)
            + reports.filter(message_id__in=undelivered).count(),
            **{key: value or 0 for key, value in readings.items()},
        }
    return RunSummary(**summary)


def run_groups(run: ReportRun) -> list[Group]:
    return list(
        Group.objects.filter(
            school_id=run.school_id,
            kind=GroupKind.REGISTRATION,
            active=True,
            year_group_id__in=run.year_groups.values("pk"),
        ).order_by("name")
    )


def year_groups_of(school_id: int) -> list[YearGroup]:
    return list(YearGroup.objects.filter(school_id=school_id).order_by("ordinal", "code"))


def report_for_writing(
    *, actor: Actor, run: ReportRun, pupil_id: int
) -> tuple[Pupil, PupilReport | None]:
    """The pupil (one this actor may see, in the run) and their report, if begun."""
    pupil = (
        policy_for(Pupil)
        .visible(actor, run_pupils(run))
        .select_related("year_group", "school")
        .filter(pk=pupil_id)
        .first()
    )
    if pupil is None:
        raise NotFound
    report = (
        PupilReport.objects.filter(run=run, pupil=pupil)
        .select_related("written_by", "approved_by")
        .first()
    )
    return pupil, report


@dataclass(frozen=True)
class RecentFacts:
    """What the writer sees beside the form: the last six weeks, in plain numbers."""

    start: dt.date
    end: dt.date
    school_days: int
    possible: int
    present: int
    expected_days: int
    online_days: int
    homework_due: int
    handed_in: int
    late: int
    missing: int

    @property
    def attendance_pct(self) -> int | None:
        return round(100 * self.present / self.possible) if self.possible else None


def recent_facts(*, pupil: Pupil, today: dt.date | None = None) -> RecentFacts:
    """Attendance, online activity and homework from engagement's daily facts (one query)."""
    today = today or timezone.localdate()
    start, end = today - dt.timedelta(days=FACT_DAYS), today - dt.timedelta(days=1)
    days = pupil_day_series(school_id=pupil.school_id, pupil_ids=[pupil.pk], start=start, end=end)[
        pupil.pk
    ]
    expected = [day for day in days if not excused(day)]
    return RecentFacts(
        start=start,
        end=end,
        school_days=len(days),
        possible=sum(day.sessions_possible for day in days),
        present=sum(day.sessions_present for day in days),
        expected_days=len(expected),
        online_days=sum(1 for day in expected if online(day)),
        homework_due=sum(day.homework_due for day in days),
        handed_in=sum(day.homework_on_time + day.homework_late for day in days),
        late=sum(day.homework_late for day in days),
        missing=sum(day.homework_missing for day in days),
    )


# --- Families -------------------------------------------------------------------------------


def family_queryset(actor: Actor) -> QuerySet[PupilReport]:
    """The published reports of this parent's own children (not those they see as staff);
    nothing of a child they are under a contact restriction for."""
    if actor.guardian_id is None:
        return PupilReport.objects.none()
    children = contactable_links(guardian_id=actor.guardian_id).values("pupil_id")
    return PupilReport.objects.filter(pupil_id__in=children, published_at__isnull=False)


def family_reports(*, actor: Actor) -> QuerySet[PupilReport]:
    mine = ReportReading.objects.filter(report=OuterRef("pk"), guardian_id=actor.guardian_id or 0)
    return (
        policy_for(PupilReport)
        .visible(actor, family_queryset(actor))
        .select_related("pupil__school", "run")
        .annotate(acknowledged=Exists(mine.filter(acknowledged_at__isnull=False)))
        .order_by("-published_at", "-id")
    )


def family_report_get(*, actor: Actor, report_id: int) -> PupilReport:
    queryset = family_queryset(actor).select_related(
        "pupil__school", "pupil__year_group", "run__template", "written_by"
    )
    return policy_for(PupilReport).get(actor, pk=report_id, queryset=queryset)


def reading_of(*, report: PupilReport, guardian_id: int) -> ReportReading | None:
    return ReportReading.objects.filter(report=report, guardian_id=guardian_id).first()


@dataclass(frozen=True)
class ReportLine:
    subject: str
    attainment: str
    effort: str
    comment: str


def report_lines(report: PupilReport) -> list[ReportLine]:
    """The report's subjects in the template's order, each mark as its plain words."""
    template = report.run.template
    out = []
    for subject in template.subjects:
        line = report.lines.get(subject) or {}
        out.append(
            ReportLine(
                subject=subject,
                attainment=scale_label(template.attainment_scale, line.get("attainment")),
                effort=scale_label(template.effort_scale, line.get("effort")),
                comment=str(line.get("comment") or ""),
            )
        )
    return out


def scale_label(scale: list[str], value: object) -> str:
    if isinstance(value, int) and 1 <= value <= len(scale):
        return scale[value - 1]
    return ""


WAITING_DAYS = 120  # a report older than this is no longer asked about on the home page


def reports_to_acknowledge(
    *, guardian_id: int, pupil_ids: list[int], today: dt.date
) -> list[PupilReport]:
    """Published reports of these children this parent has not acknowledged: one query."""
    since = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=WAITING_DAYS), dt.time.min)
    )
    acknowledged = ReportReading.objects.filter(
        report=OuterRef("pk"), guardian_id=guardian_id, acknowledged_at__isnull=False
    )
    return list(
        PupilReport.objects.filter(pupil_id__in=pupil_ids, published_at__gte=since)
        .exclude(Exists(acknowledged))
        .select_related("pupil", "run")
        .order_by("published_at", "id")
    )


def latest_report(*, guardian_id: int, pupil_id: int) -> PupilReport | None:
    """The child's latest published report, with whether this parent acknowledged it."""
    mine = ReportReading.objects.filter(report=OuterRef("pk"), guardian_id=guardian_id)
    return (
        PupilReport.objects.filter(pupil_id=pupil_id, published_at__isnull=False)
        .select_related("run")
        .annotate(acknowledged=Exists(mine.filter(acknowledged_at__isnull=False)))
        .order_by("-published_at", "-id")
        .first()
    )
