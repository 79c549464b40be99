"""Reads: a pupil's home-learning profile, the survey rounds and who has answered them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from schoolwindow.core.capabilities import (
    CHANGE_HOMELIFE_SETTINGS,
    RECORD_HOME_PROFILES,
    RUN_HOME_SURVEYS,
    SEE_HOME_PROFILES,
)
from schoolwindow.core.errors import Refused
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.homelife.links import Invite, survey_path
from schoolwindow.homelife.models import (
    DEFAULT_STALE_AFTER_DAYS,
    HomelifeSettings,
    ProfileAnswer,
    SurveyChase,
    SurveyResponse,
    SurveyRound,
)
from schoolwindow.homelife.profile import CurrentAnswer, current_answers
from schoolwindow.homelife.questions import (
    BY_KEY,
    HOUSEHOLD_QUESTIONS,
    PUPIL_QUESTIONS,
    Question,
)
from schoolwindow.people.contact import contactable_links
from schoolwindow.people.models import Pupil, PupilStatus
from schoolwindow.people.selectors import profile_mode, pupil_get
from schoolwindow.schools.models import YearGroup

HISTORY_LIMIT = 100
ROUND_PAGE_SIZE = 50
# The most families one confirmation reminds: a school asks again for the rest.
CHASE_BATCH = 300


def stale_after_days(school_id: int) -> int:
    found = (
        HomelifeSettings.objects.filter(school_id=school_id)
        .values_list("stale_after_days", flat=True)
        .first()
    )
    return found if found is not None else DEFAULT_STALE_AFTER_DAYS


def stale_before(school_id: int, now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=stale_after_days(school_id))


def pupil_answers(pupil: Pupil) -> QuerySet[ProfileAnswer]:
    """Every answer about the pupil: their own, and their household's; newest first."""
    about = Q(pupil_id=pupil.pk)
    if pupil.household_id is not None:
        about |= Q(household_id=pupil.household_id, pupil__isnull=True)
    return ProfileAnswer.objects.filter(about).order_by("-recorded_at", "-id")


@dataclass(frozen=True)
class HistoryRow:
    question: Question
    answer: ProfileAnswer
    shown: str


@dataclass
class HomeProfile:
    pupil: Pupil
    mode: str  # "staff" or "guardian"
    household: list[CurrentAnswer]
    own: list[CurrentAnswer]
    stale_after_days: int
    updated_at: dt.datetime | None
    stale: bool
    can_record: bool = False
    survey_link: str = ""
    history: list[HistoryRow] = field(default_factory=list)
    history_more: bool = False

    @property
    def answered(self) -> bool:
        return bool(self.household or self.own)

    @property
    def outranked(self) -> list[CurrentAnswer]:
        return [entry for entry in (*self.household, *self.own) if entry.outranked is not None]


def profile_access(actor: Actor, pupil: Pupil) -> str:
    """ "staff" or "guardian" for who may see this pupil's profile; Refused for anyone else
    (the pupil themself, the office, a trust officer). The pupil policy already decided that
    the actor may see the pupil at all."""
    mode = profile_mode(actor, pupil)
    if mode == "staff" and actor.can(SEE_HOME_PROFILES, pupil.school_id):
        return "staff"
    if mode == "guardian":
        return "guardian"
    raise Refused


def home_profile_get(*, actor: Actor, pupil_id: int, with_history: bool = True) -> HomeProfile:
    pupil = pupil_get(actor=actor, pupil_id=pupil_id)
    return home_profile_of(actor=actor, pupil=pupil, with_history=with_history)


def home_profile_of(*, actor: Actor, pupil: Pupil, with_history: bool) -> HomeProfile:
    mode = profile_access(actor, pupil)
    days = stale_after_days(pupil.school_id)
    cutoff = timezone.now() - dt.timedelta(days=days)
    limit = HISTORY_LIMIT if with_history else None
    # All the answers are needed to choose the current ones; a profile has a few dozen.
    rows = list(pupil_answers(pupil))
    household_rows = [row for row in rows if row.question in _HOUSEHOLD]
    own_rows = [row for row in rows if row.question in _PUPIL]
    household = current_answers(household_rows, stale_before=cutoff, questions=HOUSEHOLD_QUESTIONS)
    own = current_answers(own_rows, stale_before=cutoff, questions=PUPIL_QUESTIONS)
    dates = [entry.answer.recorded_at for entry in (*household, *own)]
    updated_at = max(dates) if dates else None
    profile = HomeProfile(
        pupil=pupil,
        mode=mode,
        household=household,
        own=own,
        stale_after_days=days,
        updated_at=updated_at,
        stale=updated_at is not None and updated_at < cutoff,
        can_record=mode == "staff" and actor.can(RECORD_HOME_PROFILES, pupil.school_id),
    )
    if limit is not None:
        profile.history = [
            HistoryRow(
                question=BY_KEY[row.question],
                answer=row,
                shown=BY_KEY[row.question].show(row.value),
            )
            for row in rows[:limit]
            if row.question in BY_KEY
        ]
        profile.history_more = len(rows) > limit
    if mode == "guardian" and actor.guardian_id is not None:
        open_round = open_round_of(pupil.school_id)
        if (
            open_round is not None
            and not SurveyResponse.objects.filter(
                round=open_round, guardian_id=actor.guardian_id
            ).exists()
        ):
            profile.survey_link = survey_path(guardian_id=actor.guardian_id, round_id=open_round.pk)
    return profile


_HOUSEHOLD = frozenset(q.key for q in HOUSEHOLD_QUESTIONS)
_PUPIL = frozenset(q.key for q in PUPIL_QUESTIONS)


def open_round_of(school_id: int, today: dt.date | None = None) -> SurveyRound | None:
    today = today or timezone.localdate()
    return (
        SurveyRound.objects.filter(school_id=school_id, opened_on__lte=today, closes_on__gte=today)
        .order_by("-opened_on", "-id")
        .first()
    )


# --- The survey, from the family's side -------------------------------------------------------


def survey_children(invite: Invite) -> list[Pupil]:
    """The children the guardian may be asked about: on roll at the round's school, through a
    link the school may use."""
    return list(
        Pupil.objects.filter(
            pk__in=contactable_links(
                school_id=invite.round.school_id, guardian_id=invite.guardian.pk
            ).values("pupil_id"),
            status=PupilStatus.ACTIVE,
        ).order_by("date_of_birth", "pk")
    )


def survey_prefill(invite: Invite, children: list[Pupil]) -> dict[str, tuple[str, str]]:
    """What the school knows already, by survey step (`devices`, `quiet_place-12`)."""
    found: dict[str, tuple[str, str]] = {}
    if not children:
        return found
    cutoff = stale_before(invite.round.school_id)
    first = children[0]
    household_rows = [row for row in pupil_answers(first) if row.question in _HOUSEHOLD]
    for entry in current_answers(
        household_rows, stale_before=cutoff, questions=HOUSEHOLD_QUESTIONS
    ):
        found[entry.question.key] = (entry.answer.value, entry.answer.detail)
    own_rows = ProfileAnswer.objects.filter(pupil__in=children, question__in=_PUPIL).order_by(
        "-recorded_at", "-id"
    )
    by_pupil: dict[int, list[ProfileAnswer]] = {}
    for row in own_rows:
        assert row.pupil_id is not None
        by_pupil.setdefault(row.pupil_id, []).append(row)
    for pupil_id, rows in by_pupil.items():
        for entry in current_answers(rows, stale_before=cutoff, questions=PUPIL_QUESTIONS):
            found[f"{entry.question.key}-{pupil_id}"] = (entry.answer.value, entry.answer.detail)
    return found


# --- The survey, from the school's side -------------------------------------------------------


def rounds_visible(actor: Actor) -> QuerySet[SurveyRound]:
    return policy_for(SurveyRound).visible(actor)


def rounds_list(*, actor: Actor) -> list[SurveyRound]:
    return list(
        rounds_visible(actor)
        .select_related("school")
        .annotate(answered=Count("responses"))
        .order_by("-opened_on", "-id")[:50]
    )


def survey_schools(actor: Actor) -> list[int]:
    return actor.schools_where(RUN_HOME_SURVEYS)


def settings_schools(actor: Actor) -> list[int]:
    return actor.schools_where(CHANGE_HOMELIFE_SETTINGS)


def round_get(*, actor: Actor, round_id: int) -> SurveyRound:
    return policy_for(SurveyRound).get(
        actor, pk=round_id, queryset=SurveyRound.objects.select_related("school")
    )


ANSWERED = "answered"
NOT_ANSWERED = "not"


@dataclass(frozen=True)
class RoundPage:
    page: Page[Any]
    total: int
    answered: int
    years: list[YearGroup]

    @property
    def not_answered(self) -> int:
        return self.total - self.answered


def round_pupils(
    *, actor: Actor, survey_round: SurveyRound, year_id: int | None, answered: str, page: int
) -> RoundPage:
    """The round's school's pupils, each with when their family answered; a fixed number of
    queries whatever the school's size."""
    first_answer = (
        SurveyResponse.objects.filter(round=survey_round, guardian__links__pupil=OuterRef("pk"))
        .order_by("submitted_at")
        .values("submitted_at")[:1]
    )
    pupils = (
        policy_for(Pupil)
        .visible(actor)
        .filter(school_id=survey_round.school_id, status=PupilStatus.ACTIVE)
        .annotate(answered_at=Subquery(first_answer))
    )
    if year_id is not None:
        pupils = pupils.filter(year_group_id=year_id)
    counts = pupils.aggregate(
        total=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False))
    )
    if answered == ANSWERED:
        pupils = pupils.filter(answered_at__isnull=False)
    elif answered == NOT_ANSWERED:
        pupils = pupils.filter(answered_at__isnull=True)
    pupils = pupils.select_related("year_group").order_by(
        "year_group__ordinal", "legal_last_name", "legal_first_name", "pk"
    )
    years = list(
        YearGroup.objects.filter(school_id=survey_round.school_id).order_by("ordinal", "pk")
    )
    return RoundPage(
        page=Paginator(pupils, ROUND_PAGE_SIZE).get_page(page),
        total=counts["total"] or 0,
        answered=counts["answered"] or 0,
        years=years,
    )


def chase_guardian_ids(survey_round: SurveyRound, today: dt.date) -> QuerySet[Any, int]:
    """The guardians to remind: contactable about a child on roll at the school, who have not
    answered this round and were not reminded today."""
    return (
        contactable_links(school_id=survey_round.school_id, pupil__status=PupilStatus.ACTIVE)
        .exclude(
            guardian_id__in=SurveyResponse.objects.filter(round=survey_round).values("guardian_id")
        )
        .exclude(
            guardian_id__in=SurveyChase.objects.filter(round=survey_round, sent_on=today).values(
                "guardian_id"
            )
        )
        .order_by("guardian_id")
        .values_list("guardian_id", flat=True)
        .distinct()
    )


def chase_count(survey_round: SurveyRound, today: dt.date) -> int:
    return min(chase_guardian_ids(survey_round, today).count(), CHASE_BATCH)
