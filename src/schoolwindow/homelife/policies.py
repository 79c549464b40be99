"""Who may see which home-learning records (`core/policy.py`)."""

from __future__ import annotations

from django.db.models import Q

from schoolwindow.core.capabilities import RUN_HOME_SURVEYS, SEE_HOME_PROFILES
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import VIEW, Policy, policy_for
from schoolwindow.homelife.models import ProfileAnswer, SurveyRound
from schoolwindow.people.models import Pupil


class SurveyRoundPolicy(Policy[SurveyRound]):
    """Staff who run the survey see their schools' rounds; whoever sees one may remind."""

    model = SurveyRound

    def scope(self, actor: Actor) -> Q:
        return Q(school_id__in=actor.schools_where(RUN_HOME_SURVEYS))

    def may(self, actor: Actor, action: str, record: SurveyRound) -> bool:
        if action in (VIEW, "chase"):
            return actor.can(RUN_HOME_SURVEYS, record.school_id)
        return False


class ProfileAnswerPolicy(Policy[ProfileAnswer]):
    """Answers about the pupils the actor may see (the pupil policy decides which), for staff
    who may see home-learning profiles at the pupil's school, and for the pupil's parents."""

    model = ProfileAnswer

    def scope(self, actor: Actor) -> Q:
        pupils = policy_for(Pupil).visible(actor)
        if not actor.is_guardian:
            pupils = pupils.filter(school_id__in=actor.schools_where(SEE_HOME_PROFILES))
        ids = pupils.values("pk")
        households = Pupil.objects.filter(pk__in=ids, household__isnull=False).values(
            "household_id"
        )
        return Q(pupil_id__in=ids) | Q(pupil__isnull=True, household_id__in=households)
