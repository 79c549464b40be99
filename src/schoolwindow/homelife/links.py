"""A guardian's personal survey link: signed, so it cannot be guessed or altered.

The token carries the guardian and the round, signed with the site's secret (Django's signing,
salted for this use). It is no account: whoever holds the link answers for that family, so it
opens only while the round is open, only for a guardian the school may contact about a child at
the round's school, and a signed-in parent of another household is turned away.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from schoolwindow.homelife.models import SurveyRound
from schoolwindow.people.contact import contactable_links
from schoolwindow.people.models import Guardian

SALT = "schoolwindow.homelife.survey"


class LinkBroken(Exception):
    """The link was altered, or names nobody we know: the page says so kindly."""


class LinkExpired(Exception):
    """The round has closed."""

    def __init__(self, survey_round: SurveyRound, language: str) -> None:
        super().__init__("closed")
        self.round = survey_round
        self.language = language


@dataclass(frozen=True)
class Invite:
    round: SurveyRound
    guardian: Guardian
    token: str


def survey_token(*, guardian_id: int, round_id: int) -> str:
    return signing.dumps({"g": guardian_id, "r": round_id}, salt=SALT, compress=False)


def survey_path(*, guardian_id: int, round_id: int) -> str:
    token = survey_token(guardian_id=guardian_id, round_id=round_id)
    return reverse("homelife:survey_start", args=[token])


def survey_url(*, guardian_id: int, round_id: int) -> str:
    return settings.SITE_URL + survey_path(guardian_id=guardian_id, round_id=round_id)


def invite_open(token: str) -> Invite:
    """The invitation a token stands for; LinkBroken or LinkExpired otherwise."""
    try:
        payload = signing.loads(token, salt=SALT)
        guardian_id, round_id = int(payload["g"]), int(payload["r"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise LinkBroken from None
    survey_round = SurveyRound.objects.select_related("school").filter(pk=round_id).first()
    guardian = Guardian.objects.select_related("household").filter(pk=guardian_id).first()
    if survey_round is None or guardian is None:
        raise LinkBroken
    # A guardian the school may not contact about any child there gets no survey.
    if not contactable_links(school_id=survey_round.school_id, guardian_id=guardian_id).exists():
        raise LinkBroken
    if timezone.localdate() > survey_round.closes_on:
        raise LinkExpired(survey_round, guardian.preferred_language)
    return Invite(round=survey_round, guardian=guardian, token=token)
