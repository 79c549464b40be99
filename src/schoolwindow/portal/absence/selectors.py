"""Reads for absence reporting: a parent's children, their reports, the office's list."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery

from schoolwindow.core.capabilities import CONFIRM_ABSENCES, SEE_ABSENCE_REPORTS
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.engagement.codes import ABSENCE, CODES
from schoolwindow.engagement.models import AttendanceMark, Session
from schoolwindow.people.contact import contactable_links
from schoolwindow.people.models import Pupil, PupilStatus
from schoolwindow.people.selectors import pupil_name_query
from schoolwindow.portal.absence.models import (
    AbsenceReport,
    AbsenceSettings,
    DayPart,
    Reason,
    ReportStatus,
)
from schoolwindow.schools.calendar import school_days
from schoolwindow.schools.models import Term

# The register code the office is offered first for each reason (DfE codes, engagement.codes).
# Only a suggestion: the office confirms or changes it, and families never see codes.
SUGGESTED_CODE: dict[str, str] = {
    Reason.ILL: "I",
    Reason.MEDICAL: "M",
    Reason.RELIGIOUS: "R",
    Reason.EMERGENCY: "C",
    Reason.OTHER: "O",
}
LONGEST = 31  # days one report may cover


def children_of(actor: Actor) -> list[Pupil]:
    """The children this parent may report for, across the trust's schools: linked to them and
    not under a contact restriction (people/contact.py decides)."""
    if not actor.is_guardian:
        return []
    links = (
        contactable_links(guardian_id=actor.guardian_id, pupil__status=PupilStatus.ACTIVE)
        .select_related("pupil__school")
        .order_by("pupil__legal_first_name", "pupil_id")
    )
    return [link.pupil for link in links]


def family_queryset(actor: Actor) -> QuerySet[AbsenceReport]:
    """The reports about this parent's own children (not those they see as staff)."""
    children = contactable_links(guardian_id=actor.guardian_id).values("pupil_id")
    return AbsenceReport.objects.filter(pupil_id__in=children)


def reports_of_family(*, actor: Actor) -> QuerySet[AbsenceReport]:
    return (
        policy_for(AbsenceReport)
        .visible(actor, family_queryset(actor))
        .select_related("pupil")
        .order_by("-first_day", "-id")
    )


def report_get(
    *, actor: Actor, report_id: int, action: str = "view", family: bool = False
) -> AbsenceReport:
    base = family_queryset(actor) if family else AbsenceReport.objects.all()
    queryset = base.select_related("pupil", "guardian", "school", "confirmed_by")
    return policy_for(AbsenceReport).get(actor, pk=report_id, action=action, queryset=queryset)


def office_reports(*, actor: Actor, today: dt.date) -> QuerySet[AbsenceReport]:
    """Today's and upcoming reports, and any older one still waiting: waiting first."""
    return (
        policy_for(AbsenceReport)
        .visible(actor)
        .filter(school_id__in=actor.schools_where(SEE_ABSENCE_REPORTS))
        .filter(Q(last_day__gte=today) | Q(status=ReportStatus.RECEIVED))
        .select_related("pupil__year_group", "guardian")
        .order_by("-status", "first_day", "id")
    )


def report_days(report: AbsenceReport) -> list[dt.date]:
    """The school days a report covers; a school that has not loaded its calendar, weekdays."""
    if Term.objects.filter(school_id=report.school_id).exists():
        return school_days(school_id=report.school_id, start=report.first_day, end=report.last_day)
    days = []
    day = report.first_day
    while day <= report.last_day:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def report_sessions(report: AbsenceReport) -> list[tuple[dt.date, str]]:
    parts = (
        [Session.AM.value, Session.PM.value] if report.part == DayPart.WHOLE else [str(report.part)]
    )
    return [(day, part) for day in report_days(report) for part in parts]


# --- First-day calling ---------------------------------------------------------------------

DEFAULT_CALLING_TIME = dt.time(9, 30)


def calling_time(*, school_id: int) -> dt.time:
    chosen = (
        AbsenceSettings.objects.filter(school_id=school_id)
        .values_list("calling_time", flat=True)
        .first()
    )
    return chosen or DEFAULT_CALLING_TIME


def calling_schools(actor: Actor) -> list[int]:
    return sorted(actor.schools_where(SEE_ABSENCE_REPORTS))


def first_day_calls(*, actor: Actor, school_id: int, today: dt.date) -> QuerySet[Pupil]:
    """Pupils to ring about today: on roll, no mark for this morning that says where they are
    (none, or N "not yet established"), and no report from the family covering this morning.
    Each with the guardians the school may contact (people/contact.py), first contact first;
    a guardian under a contact restriction is never offered."""
    marked = AttendanceMark.objects.filter(
        school_id=school_id, date=today, session=Session.AM
    ).exclude(code="N")
    reported = AbsenceReport.objects.filter(
        school_id=school_id, first_day__lte=today, last_day__gte=today
    ).exclude(part=DayPart.PM)
    # Most recently away first: a child away again days after the last time is the call to make
    # first; one never away comes after every one who has been.
    last_away = (
        AttendanceMark.objects.filter(
            pupil_id=OuterRef("pk"), date__lt=today, code__in=sorted(absence_codes())
        )
        .order_by("-date")
        .values("date")[:1]
    )
    links = (
        contactable_links(school_id=school_id)
        .select_related("guardian")
        .order_by("contact_priority", "guardian_id")
    )
    return (
        policy_for(Pupil)
        .visible(actor)
        .filter(school_id=school_id, status=PupilStatus.ACTIVE)
        .exclude(pk__in=marked.values("pupil_id"))
        .exclude(pk__in=reported.values("pupil_id"))
        .annotate(last_away=Subquery(last_away))
        .select_related("year_group")
        .prefetch_related(Prefetch("guardian_links", queryset=links, to_attr="callable_links"))
        .order_by(
            F("last_away").desc(nulls_last=True),
            "year_group__ordinal",
            "legal_last_name",
            "legal_first_name",
            "id",
        )
    )


def absence_codes() -> set[str]:
    """The register codes that mean away (engagement.codes), authorised or not."""
    return {code for code, (category, _meaning) in CODES.items() if category in ABSENCE}


# --- An absence a family phoned in -----------------------------------------------------------

PHONED_MATCHES = 20


def phoned_pupils(*, actor: Actor, query: str) -> list[Pupil]:
    """Pupils the office may write an absence down for, by name or UPN: at most 20."""
    if len(query.strip()) < 2:
        return []
    return list(
        policy_for(Pupil)
        .visible(actor)
        .filter(school_id__in=actor.schools_where(CONFIRM_ABSENCES), status=PupilStatus.ACTIVE)
        .filter(pupil_name_query(query))
        .select_related("year_group", "school")
        .order_by("legal_last_name", "legal_first_name", "id")[:PHONED_MATCHES]
    )


def phoned_pupil(*, actor: Actor, pupil_id: int) -> Pupil | None:
    return (
        policy_for(Pupil)
        .visible(actor)
        .filter(
            pk=pupil_id,
            school_id__in=actor.schools_where(CONFIRM_ABSENCES),
            status=PupilStatus.ACTIVE,
        )
        .select_related("year_group", "school")
        .first()
    )


def who_may_ring(pupil: Pupil) -> list[tuple[int, str]]:
    """The guardians the school may contact about the pupil, first contact first."""
    links = (
        contactable_links(school_id=pupil.school_id, pupil_id=pupil.pk)
        .select_related("guardian")
        .order_by("contact_priority", "guardian_id")
    )
    return [(link.guardian_id, link.guardian.display_name) for link in links]
