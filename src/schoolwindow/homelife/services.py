"""Writes: recording what a family said, the survey's rounds, answers and reminders.

`profile_answers_record` is the one way to add to a profile from outside the survey: the staff's
phone-call form uses it, and so will the home-visit record (source `Source.HOME_VISIT`) and any
other app that hears a family's answer. It never changes an answer; it adds new ones.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import (
    CHANGE_HOMELIFE_SETTINGS,
    RECORD_HOME_PROFILES,
    RUN_HOME_SURVEYS,
)
from schoolwindow.core.errors import Invalid
from schoolwindow.core.once import AlreadyDone, once_claim, once_done
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.homelife.links import Invite, survey_url
from schoolwindow.homelife.models import (
    HomelifeSettings,
    ProfileAnswer,
    Source,
    SurveyChase,
    SurveyResponse,
    SurveyRound,
)
from schoolwindow.homelife.questions import HOUSEHOLD, question
from schoolwindow.homelife.selectors import CHASE_BATCH, chase_guardian_ids
from schoolwindow.messaging import api as messaging
from schoolwindow.people.models import Pupil

STAFF_SOURCES = frozenset({Source.PHONE_CALL, Source.HOME_VISIT, Source.PUPIL})


@dataclass(frozen=True)
class Given:
    """One answer as given: the question's key, its value, and the words that go with it."""

    question: str
    value: str
    detail: str = ""
    pupil_id: int | None = None  # which child a pupil question is about (survey only)


def clean_given(answers: Sequence[Given]) -> list[Given]:
    """Every answer checked against its question; the first problem is an Invalid naming it."""
    cleaned = []
    for given in answers:
        asked = question(given.question)
        value, detail = asked.clean(given.value, given.detail)
        cleaned.append(
            Given(question=asked.key, value=value, detail=detail, pupil_id=given.pupil_id)
        )
    if not cleaned:
        raise Invalid(_("There were no answers to save."))
    return cleaned


def answer_rows(
    *,
    school_id: int,
    pupil: Pupil,
    answers: Sequence[Given],
    source: str,
    recorded_by_id: int | None,
    recorded_by_label: str,
    recorded_at: dt.datetime,
    response: SurveyResponse | None = None,
) -> list[ProfileAnswer]:
    """Unsaved rows: household questions for the pupil's household (or the pupil, without
    one), pupil questions for the pupil."""
    rows = []
    for given in answers:
        household_level = question(given.question).about == HOUSEHOLD
        on_household = household_level and pupil.household_id is not None
        rows.append(
            ProfileAnswer(
                school_id=school_id,
                household_id=pupil.household_id if on_household else None,
                pupil=None if on_household else pupil,
                question=given.question,
                value=given.value,
                detail=given.detail,
                source=source,
                recorded_by_id=recorded_by_id,
                recorded_by_label=recorded_by_label[:200],
                recorded_at=recorded_at,
                response=response,
            )
        )
    return rows


def profile_answers_record(
    *,
    actor: Actor,
    pupil: Pupil,
    source: str,
    answers: Sequence[Given],
    recorded_at: dt.datetime | None = None,
    once: uuid.UUID | None = None,
) -> list[ProfileAnswer]:
    """Add what a family said (on the phone, at a visit, or what the pupil said) to the pupil's
    profile, and their household's, as new versions. Staff who may record profiles only."""
    if source not in STAFF_SOURCES:
        raise Invalid(_("Answers from the survey come through the family's own link."))
    cleaned = clean_given(answers)
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("These answers were already saved."))
        # Lock the pupil: two people saving the same call write one after the other.
        locked = policy_for(Pupil).get(
            actor, pk=pupil.pk, queryset=Pupil.objects.select_for_update()
        )
        actor.require(RECORD_HOME_PROFILES, locked.school_id)
        user = actor.user
        rows = ProfileAnswer.objects.bulk_create(
            answer_rows(
                school_id=locked.school_id,
                pupil=locked,
                answers=cleaned,
                source=source,
                recorded_by_id=user.pk if user is not None else None,
                recorded_by_label=(user.get_full_name() or user.username) if user else "",
                recorded_at=recorded_at or timezone.now(),
            )
        )
        audit_record(
            actor=actor,
            action="homelife.answers_recorded",
            target=locked,
            detail={"source": source, "questions": [given.question for given in cleaned]},
        )
        once_done(claim, reverse("homelife:profile", args=[locked.pk]))
    return rows


# --- The survey -------------------------------------------------------------------------------


def survey_round_open(
    *,
    actor: Actor,
    school_id: int,
    title: str,
    closes_on: dt.date,
    once: uuid.UUID | None = None,
) -> SurveyRound:
    actor.require(RUN_HOME_SURVEYS, school_id)
    title = " ".join(title.split())[:120]
    if not title:
        raise Invalid(_("Give the round a name."), field="title")
    today = timezone.localdate()
    if closes_on < today:
        raise Invalid(_("The closing date must be today or later."), field="closes_on")
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("This round was already opened."))
        if SurveyRound.objects.filter(school_id=school_id, title=title).exists():
            raise Invalid(_("There is already a round with this name."), field="title")
        survey_round = SurveyRound.objects.create(
            school_id=school_id,
            title=title,
            opened_on=today,
            closes_on=closes_on,
            created_by=actor.user,
        )
        audit_record(actor=actor, action="homelife.round_opened", target=survey_round)
        once_done(claim, reverse("homelife:round", args=[survey_round.pk]))
    return survey_round


def survey_submit(
    *,
    actor: Actor,
    invite: Invite,
    children: Sequence[Pupil],
    answers: Sequence[Given],
    once: uuid.UUID | None = None,
) -> SurveyResponse:
    """A family's answers from their link: one response per guardian and round. A second send
    (a double tap, the back button, a second tab) is AlreadyDone and writes nothing."""
    if not children:
        raise Invalid(_("We could not find your children at this school."))
    cleaned = clean_given(answers)
    by_id = {child.pk: child for child in children}
    repeated = _("Your answers were already sent. Thank you.")
    guardian = invite.guardian
    now = timezone.now()
    try:
        with transaction.atomic():
            claim = once_claim(once, actor=actor, repeated=repeated)
            response = SurveyResponse.objects.create(
                school_id=invite.round.school_id,
                round=invite.round,
                guardian=guardian,
                household_id=guardian.household_id,
                submitted_at=now,
            )
            rows: list[ProfileAnswer] = []
            household_answers = [g for g in cleaned if question(g.question).about == HOUSEHOLD]
            # Household answers once for the household; without one, for each child.
            for_household = children[:1] if guardian.household_id is not None else children
            for child in for_household:
                rows += answer_rows(
                    school_id=invite.round.school_id,
                    pupil=child,
                    answers=household_answers,
                    source=Source.PARENT_SURVEY,
                    recorded_by_id=None,
                    recorded_by_label=guardian.display_name,
                    recorded_at=now,
                    response=response,
                )
            for given in cleaned:
                if question(given.question).about == HOUSEHOLD:
                    continue
                about = by_id.get(given.pupil_id or 0)
                if about is None:
                    raise Invalid(_("One of the answers is about a child we could not find."))
                rows += answer_rows(
                    school_id=invite.round.school_id,
                    pupil=about,
                    answers=[given],
                    source=Source.PARENT_SURVEY,
                    recorded_by_id=None,
                    recorded_by_label=guardian.display_name,
                    recorded_at=now,
                    response=response,
                )
            ProfileAnswer.objects.bulk_create(rows)
            audit_record(
                actor=actor,
                action="homelife.survey_answered",
                target=response,
                detail={"guardian_id": guardian.pk, "answers": len(rows)},
            )
            once_done(claim, reverse("homelife:survey_done", args=[invite.token]))
    except IntegrityError:
        # The same guardian sent the round's answers from another tab first.
        raise AlreadyDone(repeated) from None
    return response


def survey_chase(*, actor: Actor, survey_round: SurveyRound, once: uuid.UUID | None = None) -> int:
    """Remind the families who have not answered, each with their own link, through messaging
    (their channel, their language, its fallback). At most CHASE_BATCH a time, and a family at
    most once a day: a second confirmation the same day reminds nobody twice."""
    today = timezone.localdate()
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("These reminders were already sent."))
        locked = policy_for(SurveyRound).get(
            actor,
            pk=survey_round.pk,
            action="chase",
            queryset=SurveyRound.objects.select_for_update(),
        )
        if today > locked.closes_on:
            raise Invalid(_("This round has closed."))
        guardian_ids = list(chase_guardian_ids(locked, today)[:CHASE_BATCH])
        SurveyChase.objects.bulk_create(
            [
                SurveyChase(
                    school_id=locked.school_id,
                    round=locked,
                    guardian_id=guardian_id,
                    sent_on=today,
                    sent_by=actor.user,
                )
                for guardian_id in guardian_ids
            ]
        )
        for guardian_id in guardian_ids:
            link = survey_url(guardian_id=guardian_id, round_id=locked.pk)
            messaging.family_message_queue(
                actor=actor,
                school_id=locked.school_id,
                guardian_ids=[guardian_id],
                subject="Learning at home: a few questions",
                body=(
                    "We would like to know how learning at home works for your family, so we "
                    "can help where it is needed. It takes about two minutes, on your phone, "
                    f"in your language: {link}\n\nThe link works until "
                    f"{locked.closes_on:%d/%m/%Y}."
                ),
            )
        audit_record(
            actor=actor,
            action="homelife.survey_chased",
            target=locked,
            detail={"families": len(guardian_ids)},
        )
        once_done(claim, reverse("homelife:round", args=[locked.pk]))
    return len(guardian_ids)


def homelife_settings_change(*, actor: Actor, school_id: int, stale_after_days: int) -> None:
    actor.require(CHANGE_HOMELIFE_SETTINGS, school_id)
    if not 30 <= stale_after_days <= 3650:
        raise Invalid(_("Enter a number of days from 30 to 3650."), field="stale_after_days")
    with transaction.atomic():
        found, _created = HomelifeSettings.objects.select_for_update().get_or_create(
            school_id=school_id
        )
        before = found.stale_after_days
        found.stale_after_days = stale_after_days
        found.save(update_fields=["stale_after_days"])
        audit_record(
            actor=actor,
            action="homelife.settings_changed",
            target=found,
            detail={"stale_after_days": [before, stale_after_days]},
        )
