"""Reads for study groups: the lead's list and week, the suggestions when forming a group, a
pupil's own check-in page and the lead's "asked for help today" block. Each in a fixed number
of queries, whatever the size of the school."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from schoolwindow.core.capabilities import LEAD_STUDY_GROUPS, SEE_HOME_PROFILES
from schoolwindow.core.errors import NotFound
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.homelife.models import ProfileAnswer
from schoolwindow.homelife.profile import chosen
from schoolwindow.homelife.selectors import stale_before
from schoolwindow.people.models import Pupil, PupilStatus
from schoolwindow.people.selectors import pupils_visible
from schoolwindow.schools.calendar import school_days
from schoolwindow.schools.models import YearGroup
from schoolwindow.support.studygroups.models import (
    Answer,
    CheckIn,
    StudyGroup,
    StudyGroupMember,
    TextTo,
)

WEEK_DAYS = 7
WEEK_SCHOOL_DAYS = 5
SUGGESTION_LIMIT = 30
# The home-learning answers that say a pupil would gain from a group: no quiet place to work,
# no adult at home who can help.
NEEDS = {"quiet_place": "no", "adult_help": "no"}


def groups_visible(actor: Actor) -> QuerySet[StudyGroup]:
    return policy_for(StudyGroup).visible(actor)


def may_form(actor: Actor) -> list[int]:
    """The schools where the actor may form a group (and has a staff record to lead it)."""
    return [sid for sid in actor.schools_where(LEAD_STUDY_GROUPS) if sid in actor.staff_ids]


def groups_list(*, actor: Actor, today: dt.date) -> list[StudyGroup]:
    """The groups a member of staff leads or oversees, with their size and today's calls for
    help; one query."""
    if not actor.is_staff_member:
        return []
    return list(
        groups_visible(actor)
        .filter(active=True)
        .select_related("lead", "year_group")
        .annotate(
            member_count=Count("members", distinct=True),
            help_today=Count(
                "checkins",
                filter=Q(checkins__day=today, checkins__answer=Answer.NEED_HELP),
                distinct=True,
            ),
        )
        .order_by("name", "id")[:200]
    )


def group_for_staff(*, actor: Actor, group_id: int, action: str = "view") -> StudyGroup:
    """The group's own page is for staff: a pupil has their check-in page instead."""
    if not actor.is_staff_member:
        raise NotFound
    return policy_for(StudyGroup).get(
        actor, pk=group_id, action=action, queryset=StudyGroup.objects.select_related("lead")
    )


def member_of(group: StudyGroup, pupil_id: int) -> StudyGroupMember:
    """One member of a group the actor may already see, with the pupil; not found otherwise."""
    member = (
        StudyGroupMember.objects.filter(group=group, pupil_id=pupil_id)
        .select_related("pupil")
        .first()
    )
    if member is None:
        raise NotFound
    return member


@dataclass
class WeekRow:
    pupil: Pupil
    # (day, answer code, answer in words); empty when the pupil did not check in that day.
    cells: list[tuple[dt.date, str, str]] = field(default_factory=list)
    # How the pupil checks in (TextTo), for the link to change it.
    text_to: str = ""

    @property
    def text_label(self) -> str:
        return str(dict(TextTo.choices).get(self.text_to, ""))


@dataclass
class Week:
    days: list[dt.date]
    rows: list[WeekRow]


def week_days(school_id: int, today: dt.date) -> list[dt.date]:
    """The school's last five school days up to today: a weekend or holiday is not a day a
    pupil was expected to check in. A school with no calendar yet gets the weekdays."""
    days = school_days(school_id=school_id, start=today - dt.timedelta(days=21), end=today)
    if days:
        return days[-WEEK_SCHOOL_DAYS:]
    recent = [today - dt.timedelta(days=n) for n in range(WEEK_DAYS - 1, -1, -1)]
    return [day for day in recent if day.weekday() < 5]


def group_week(group: StudyGroup, today: dt.date) -> Week:
    """Each member's answer on each of the last five school days (and on any other day someone
    checked in anyway); four queries."""
    days = week_days(group.school_id, today) or [today]
    members = list(
        StudyGroupMember.objects.filter(group=group)
        .select_related("pupil")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pupil_id")
    )
    found = {
        (c.pupil_id, c.day): (c.answer, c.by_text)
        for c in CheckIn.objects.filter(group=group, day__gte=days[0], day__lte=today).only(
            "pupil_id", "day", "answer", "by_text"
        )
    }
    days = sorted(set(days) | {day for _pupil, day in found})
    labels = dict(Answer.choices)
    rows = []
    for member in members:
        cells = []
        for day in days:
            code, by_text = found.get((member.pupil_id, day), ("", False))
            label = str(labels.get(code, "")) if code else ""
            if by_text:
                label = _("%(answer)s (by text)") % {"answer": label}
            cells.append((day, code, label))
        rows.append(WeekRow(member.pupil, cells, member.text_to))
    return Week(days=days, rows=rows)


@dataclass(frozen=True)
class Suggestion:
    pupil: Pupil
    reasons: list[str]


def suggestions(*, actor: Actor, group: StudyGroup) -> list[Suggestion]:
    """Pupils of the group's year whose current home-learning profile says they have no quiet
    place to work or no adult to help, and who are not in the group yet; three queries.

    The current answer follows homelife's own rule (`homelife.profile.chosen`): a visit
    outranks a later survey tick."""
    if group.year_group_id is None or not actor.can(SEE_HOME_PROFILES, group.school_id):
        return []
    answers = ProfileAnswer.objects.filter(
        school_id=group.school_id,
        pupil__year_group_id=group.year_group_id,
        pupil__status=PupilStatus.ACTIVE,
        question__in=list(NEEDS),
    ).order_by("pupil_id", "question", "-recorded_at", "-id")
    by_pupil: dict[int, dict[str, list[ProfileAnswer]]] = {}
    for answer in answers.only("pupil_id", "question", "value", "detail", "source", "recorded_at"):
        assert answer.pupil_id is not None
        by_pupil.setdefault(answer.pupil_id, {}).setdefault(answer.question, []).append(answer)
    cutoff = stale_before(group.school_id)
    reasons: dict[int, list[str]] = {}
    for pupil_id, questions in by_pupil.items():
        for key, rows in questions.items():
            current, _outranked = chosen(rows, stale_before=cutoff)
            if current.value == NEEDS[key]:
                reasons.setdefault(pupil_id, []).append(key)
    if not reasons:
        return []
    members = StudyGroupMember.objects.filter(group=group).values("pupil_id")
    pupils = (
        pupils_visible(actor=actor)
        .filter(pk__in=list(reasons), school_id=group.school_id)
        .exclude(pk__in=members)
        .order_by("legal_last_name", "legal_first_name", "id")[:SUGGESTION_LIMIT]
    )
    return [Suggestion(p, reasons[p.pk]) for p in pupils]


def year_choices(school_ids: list[int]) -> list[YearGroup]:
    return list(YearGroup.objects.filter(school_id__in=school_ids).order_by("school_id", "ordinal"))


@dataclass
class PupilGroup:
    group: StudyGroup
    mine: str
    # (first name, answer) of every member who checked in today, the pupil among them.
    today: list[tuple[str, str, str]]

    @property
    def mine_label(self) -> str:
        return str(dict(Answer.choices).get(self.mine, ""))


def pupil_today(*, actor: Actor, today: dt.date) -> list[PupilGroup]:
    """A pupil's groups, their own answer for today and their group's answers for today (first
    names only); three queries. Nothing of any other day or any other group."""
    if actor.pupil_id is None:
        return []
    groups = list(groups_visible(actor).filter(active=True).order_by("name", "id")[:20])
    if not groups:
        return []
    names = {
        (m.group_id, m.pupil_id): m.pupil.first_name
        for m in StudyGroupMember.objects.filter(group__in=groups).select_related("pupil")
    }
    checkins = list(
        CheckIn.objects.filter(group__in=groups, day=today).order_by("updated_at", "id")
    )
    shown = []
    for group in groups:
        mine = next(
            (c.answer for c in checkins if c.group_id == group.pk and c.pupil_id == actor.pupil_id),
            "",
        )
        today_rows = [
            (names.get((c.group_id, c.pupil_id), ""), c.answer, str(c.get_answer_display()))
            for c in checkins
            if c.group_id == group.pk and (c.group_id, c.pupil_id) in names
        ]
        shown.append(PupilGroup(group, mine, today_rows))
    return shown


def help_today(*, actor: Actor, today: dt.date) -> QuerySet[CheckIn]:
    """Today's "need help" in the groups the actor leads, oldest first (first asked, first
    answered)."""
    return (
        CheckIn.objects.filter(
            group__lead_id__in=list(actor.staff_ids.values()),
            group__active=True,
            day=today,
            answer=Answer.NEED_HELP,
        )
        .select_related("pupil", "group")
        .order_by("updated_at", "id")
    )
