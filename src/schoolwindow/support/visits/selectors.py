"""Reads of home visits. Each takes the actor and returns only what it may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import PLAN_HOME_VISITS, SAFEGUARDING
from schoolwindow.core.errors import NotFound
from schoolwindow.core.panels import HOME_TOP
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import VIEW, policy_for
from schoolwindow.engagement.models import Flag, FlagStatus
from schoolwindow.people.models import Pupil, Staff
from schoolwindow.schools.models import YearGroup
from schoolwindow.support.visits.models import (
    PROFILE_KEYS,
    HomeVisit,
    VisitAction,
    VisitCalendar,
    VisitConcern,
    VisitStatus,
)

# How far back a staff feed reaches: calendars keep what they already have.
FEED_PAST_DAYS = 90
FEED_LIMIT = 500


def visit_profile_answers(visit: HomeVisit) -> dict[str, str]:
    """The home-learning profile as the family told it face to face, by question key
    (devices, internet, printer, quiet_place, adult_help, study_buddy, languages,
    preferred_contact); only the questions answered. homelife stores these under the source
    "home visit"."""
    answers = visit.profile_answers if isinstance(visit.profile_answers, dict) else {}
    return {key: str(answers[key]) for key in PROFILE_KEYS if answers.get(key)}


def _with_people(queryset: QuerySet[HomeVisit]) -> QuerySet[HomeVisit]:
    return queryset.select_related("pupil", "household", "lead", "second", "school")


def visit_get(*, actor: Actor, visit_id: int, action: str = VIEW) -> HomeVisit:
    return policy_for(HomeVisit).get(
        actor, pk=visit_id, action=action, queryset=_with_people(HomeVisit.objects.all())
    )


def visit_actions(visit: HomeVisit) -> list[VisitAction]:
    return list(visit.actions.select_related("owner").order_by("due", "pk"))


def visits_mine(*, actor: Actor, past: bool) -> QuerySet[HomeVisit]:
    """The visits the actor goes on, soonest first (or, for the past, latest first)."""
    staff_ids = list(actor.staff_ids.values())
    mine = HomeVisit.objects.filter(Q(lead_id__in=staff_ids) | Q(second_id__in=staff_ids))
    start_of_today = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    if past:
        return _with_people(mine.filter(starts_at__lt=start_of_today)).order_by("-starts_at")
    return _with_people(mine.filter(starts_at__gte=start_of_today)).order_by("starts_at")


def visits_of_schools(*, actor: Actor, past: bool) -> QuerySet[HomeVisit]:
    """Every visit of the schools where the actor plans visits."""
    schools = actor.schools_where(PLAN_HOME_VISITS)
    start_of_today = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    visits = HomeVisit.objects.filter(school_id__in=schools)
    if past:
        return _with_people(visits.filter(starts_at__lt=start_of_today)).order_by("-starts_at")
    return _with_people(visits.filter(starts_at__gte=start_of_today)).order_by("starts_at")


def staff_choices(*, school_id: int) -> QuerySet[Staff]:
    return Staff.objects.filter(school_id=school_id, active=True).order_by(
        "last_name", "first_name", "pk"
    )


# --- The new intake --------------------------------------------------------------------------


def intake_schools(*, actor: Actor) -> list[int]:
    return actor.schools_where(PLAN_HOME_VISITS)


def intake_pupils(*, actor: Actor, school_id: int) -> QuerySet[Pupil]:
    """Pupils in the school's first year group whose home has had no visit planned or made
    (a cancelled one does not count)."""
    if school_id not in actor.schools_where(PLAN_HOME_VISITS):
        raise NotFound
    lowest = (
        YearGroup.objects.filter(school_id=school_id, pupils__status="active")
        .aggregate(low=Min("ordinal"))
        .get("low")
    )
    if lowest is None:
        return Pupil.objects.none()
    visited = HomeVisit.objects.filter(school_id=school_id).exclude(status=VisitStatus.CANCELLED)
    return (
        policy_for(Pupil)
        .visible(actor)
        .filter(school_id=school_id, status="active", year_group__ordinal=lowest)
        .annotate(
            visited=Exists(visited.filter(pupil_id=OuterRef("pk")))
            | Exists(visited.filter(household_id=OuterRef("household_id"), household__isnull=False))
        )
        .filter(visited=False)
        .select_related("year_group", "household")
        .order_by("legal_last_name", "legal_first_name", "pk")
    )


# --- Panels and home blocks ------------------------------------------------------------------


@dataclass(frozen=True)
class PupilVisits:
    last: HomeVisit | None
    next: HomeVisit | None
    may_plan: bool
    # The pupil's open watchlist flag, so a visit planned from here answers it.
    flag_id: int | None = None


def pupil_visits(*, actor: Actor, pupil: Pupil) -> PupilVisits | None:
    """The pupil's last and next visit, for the pupil page; None when the actor sees none."""
    may_plan = actor.can(PLAN_HOME_VISITS, pupil.school_id)
    visible = policy_for(HomeVisit).visible(actor).filter(pupil_id=pupil.pk)
    now = timezone.now()
    last = _with_people(visible.filter(status=VisitStatus.DONE)).order_by("-starts_at").first()
    upcoming = (
        _with_people(visible.filter(status=VisitStatus.PLANNED, starts_at__gte=now))
        .order_by("starts_at")
        .first()
    )
    if last is None and upcoming is None and not may_plan:
        return None
    flag_id = None
    if may_plan:
        flag_id = (
            Flag.objects.filter(pupil_id=pupil.pk, status=FlagStatus.OPEN)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
    return PupilVisits(last=last, next=upcoming, may_plan=may_plan, flag_id=flag_id)


@dataclass(frozen=True)
class VisitsBlock:
    today: list[HomeVisit]
    week_count: int


def home_visits_block(*, actor: Actor, today: dt.date) -> VisitsBlock | None:
    staff_ids = list(actor.staff_ids.values())
    if not staff_ids:
        return None
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    week_end = start + dt.timedelta(days=7 - today.weekday())
    mine = HomeVisit.objects.filter(
        Q(lead_id__in=staff_ids) | Q(second_id__in=staff_ids), status=VisitStatus.PLANNED
    )
    week_count = mine.filter(starts_at__gte=start, starts_at__lt=week_end).count()
    if not week_count:
        return None
    today_rows = list(
        _with_people(
            mine.filter(starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))
        ).order_by("starts_at")[:HOME_TOP]
    )
    return VisitsBlock(today=today_rows, week_count=week_count)


def concerns_unread(*, actor: Actor) -> QuerySet[VisitConcern]:
    """Concerns from visits no DSL has read yet (the DSL's home block: no content shown)."""
    return (
        VisitConcern.objects.filter(
            school_id__in=actor.schools_where(SAFEGUARDING), read_at__isnull=True
        )
        .select_related("visit", "visit__pupil")
        .order_by("raised_at")
    )


def visit_concern_get(*, actor: Actor, visit_id: int) -> VisitConcern:
    """A concern raised in a visit. DSL only (anyone else: not found); every read audited."""
    concern = (
        VisitConcern.objects.select_related("visit", "visit__pupil", "raised_by")
        .filter(visit_id=visit_id, school_id__in=actor.schools_where(SAFEGUARDING))
        .first()
    )
    if concern is None:
        raise NotFound
    audit_record(actor=actor, action="visit.concern_viewed", target=concern.visit)
    if concern.read_at is None:
        VisitConcern.objects.filter(pk=concern.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    return concern


# --- The calendar feed -----------------------------------------------------------------------


def visit_calendar_of(*, actor: Actor, school_id: int) -> VisitCalendar | None:
    staff_id = actor.staff_ids.get(school_id)
    if staff_id is None:
        return None
    return VisitCalendar.objects.filter(school_id=school_id, staff_id=staff_id).first()


def feed_calendar(*, school_id: int, token: str) -> VisitCalendar:
    """The feed a private address opens; NotFound for an unknown or replaced token."""
    calendar = (
        VisitCalendar.objects.select_related("staff")
        .filter(school_id=school_id, token=token, staff__active=True)
        .first()
    )
    if calendar is None or not token:
        raise NotFound
    return calendar


def feed_visits(calendar: VisitCalendar) -> list[HomeVisit]:
    since = timezone.now() - dt.timedelta(days=FEED_PAST_DAYS)
    return list(
        _with_people(
            HomeVisit.objects.filter(
                Q(lead_id=calendar.staff_id) | Q(second_id=calendar.staff_id),
                school_id=calendar.school_id,
                starts_at__gte=since,
            )
        ).order_by("starts_at")[:FEED_LIMIT]
    )
