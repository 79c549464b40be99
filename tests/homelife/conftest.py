"""Home learning's tests use the pages' trust (every role), plus helpers to give answers."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from schoolwindow.core.permissions import Actor
from schoolwindow.homelife.models import ProfileAnswer, Source, SurveyRound
from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import Pupil
from tests.pages.conftest import World, world

__all__ = ["World", "answer", "open_round", "staff_actor", "world"]


def staff_actor(w: World, role: str) -> Actor:
    user = w.user(role)
    assert user is not None
    return actor_for(user)


def answer(
    pupil: Pupil,
    question: str,
    value: str,
    *,
    source: str = Source.PARENT_SURVEY,
    days_ago: float = 0,
    detail: str = "",
    household: bool = True,
) -> ProfileAnswer:
    on_household = household and pupil.household_id is not None
    return ProfileAnswer.objects.create(
        school_id=pupil.school_id,
        household_id=pupil.household_id if on_household else None,
        pupil=None if on_household else pupil,
        question=question,
        value=value,
        detail=detail,
        source=source,
        recorded_by_label="someone",
        recorded_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def open_round(w: World, *, closes_in: int = 14, title: str = "Spring") -> SurveyRound:
    today = timezone.localdate()
    return SurveyRound.objects.create(
        school=w.oakfield,
        title=title,
        opened_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=closes_in),
    )
