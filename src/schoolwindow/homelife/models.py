"""Home learning: what each family's home set-up is for learning, and the survey that asks.

A profile is never edited in place. Every answer — from the parent survey, a home visit, a
phone call or the pupil — is a new `ProfileAnswer` row that keeps its source, who recorded it
and when; the current value of each question is derived from the rows (`profile.py`), so the
history is the table itself. Household questions (devices, internet, printer, languages, how to
contact the family) are answered for the household; pupil questions (a quiet place, an adult
who helps, a study buddy) for one pupil. A pupil with no household has the household questions
answered for the pupil alone.

Households belong to the trust; each answer also carries the school that recorded it, so rows
stay co-located by school like every other school-owned table.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    PARENT_SURVEY = "survey", _("parent survey")
    HOME_VISIT = "visit", _("home visit")
    PHONE_CALL = "phone", _("phone call")
    PUPIL = "pupil", _("pupil")


# Answers given face to face outrank the others where they disagree (while they are not out of
# date): a visit sees the one laptop on the kitchen table that a survey tick called "a laptop".
FACE_TO_FACE = frozenset({Source.HOME_VISIT})

DEFAULT_STALE_AFTER_DAYS = 365


class HomelifeSettings(models.Model):
    school = models.OneToOneField(
        "schools.School", on_delete=models.CASCADE, related_name="homelife_settings"
    )
    stale_after_days = models.PositiveSmallIntegerField(
        _("a profile is out of date after (days)"), default=DEFAULT_STALE_AFTER_DAYS
    )

    def __str__(self) -> str:
        return f"Home-learning settings of school {self.school_id}"


class SurveyRound(models.Model):
    """One asking of the school's families; each guardian's link is signed for one round."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=120)
    opened_on = models.DateField()
    closes_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "title"], name="surveyround_school_title"),
        ]

    def __str__(self) -> str:
        return self.title


class SurveyResponse(models.Model):
    """A guardian's answers to one round, sent once (the unique key makes a double tap one)."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="responses")
    guardian = models.ForeignKey(
        "people.Guardian", on_delete=models.CASCADE, related_name="survey_responses"
    )
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "round", "guardian"], name="surveyresponse_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Survey answers of guardian {self.guardian_id} in round {self.round_id}"


class SurveyChase(models.Model):
    """A reminder sent to a guardian who had not answered; one a day at most."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="chases")
    guardian = models.ForeignKey("people.Guardian", on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "round", "guardian", "sent_on"], name="surveychase_daily"
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder to guardian {self.guardian_id} on {self.sent_on}"


class ProfileAnswer(models.Model):
    """One answer to one question, as given once. Never updated: a new answer is a new row."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey(
        "people.Household",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="home_answers",
    )
    pupil = models.ForeignKey(
        "people.Pupil", null=True, blank=True, on_delete=models.CASCADE, related_name="home_answers"
    )
    question = models.CharField(max_length=32)
    # A choice's code (several joined by commas), a number, or the family's words.
    value = models.CharField(max_length=300)
    # The words that go with it: who shares the laptop and when, the data limit, when an adult
    # can help, who the study buddy is.
    detail = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who gave or wrote it down, as shown: a member of staff, or the guardian who answered.
    recorded_by_label = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField()
    response = models.ForeignKey(
        SurveyResponse, null=True, blank=True, on_delete=models.CASCADE, related_name="answers"
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(household__isnull=False) | models.Q(pupil__isnull=False),
                name="profileanswer_about_someone",
            ),
        ]
        indexes = [
            models.Index(fields=["household", "question", "recorded_at"]),
            models.Index(fields=["pupil", "question", "recorded_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.question} = {self.value} ({self.source})"
