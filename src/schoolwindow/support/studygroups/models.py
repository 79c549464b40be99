"""Study groups: a member of staff gathers a few pupils (often ones with nowhere quiet to work
or no one at home to help) and each pupil checks in once a day with one tap.

A check-in is one row per pupil, group and day (the database says so); tapping another answer
the same day changes that row, so the lead always sees the pupil's latest word for today.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StudyGroup(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=80)
    lead = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="+")
    # The year the group is drawn from (it steers the suggestions); the words are free.
    year_group = models.ForeignKey(
        "schools.YearGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subjects = models.CharField(_("subjects"), max_length=120, blank=True)
    # When members who check in by text get the day's text (school days only).
    text_at = models.TimeField(_("time of the daily check-in text"), default=dt.time(16, 0))
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["school", "lead", "active"])]

    def __str__(self) -> str:
        return self.name


class TextTo(models.TextChoices):
    """How a member checks in: in the app (no text), or by a daily text to this phone."""

    APP = "", _("With a tap in School Window")
    PUPIL = "pupil", _("By text to the pupil's own mobile")
    GUARDIAN = "guardian", _("By text to a parent's or carer's phone")


class StudyGroupMember(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="members")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    # A pupil with no data checks in by replying 1, 2 or 3 to a daily text.
    text_to = models.CharField(max_length=8, choices=TextTo.choices, blank=True, default="")
    # With GUARDIAN: whose phone (asked of people/contact.py each day before a text goes).
    text_guardian = models.ForeignKey(
        "people.Guardian", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "pupil"], name="studygroupmember_once"),
        ]
        indexes = [models.Index(fields=["pupil"])]

    def __str__(self) -> str:
        return f"pupil {self.pupil_id} in group {self.group_id}"


class Answer(models.TextChoices):
    ON_IT = "on_it", _("On it")
    NEED_HELP = "need_help", _("Need help")
    CANT_TODAY = "cant_today", _("Can't today")


class CheckIn(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="checkins")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    answer = models.CharField(max_length=12, choices=Answer.choices)
    # Answered by replying to the day's text rather than with a tap.
    by_text = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "pupil", "day"], name="checkin_daily"),
        ]
        indexes = [models.Index(fields=["school", "day", "answer"])]

    def __str__(self) -> str:
        return f"check-in {self.day} {self.answer}"


class CheckInText(models.Model):
    """The day's check-in text to one member: one per member and day (the database says so),
    written in the same transaction as its outbox copy, so the job run twice texts once. An
    answer is matched to it by the number it went to and the day."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(StudyGroupMember, on_delete=models.CASCADE, related_name="texts")
    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    address = models.CharField(max_length=32)  # E.164, as the inbound handler sees it
    delivery_id = models.BigIntegerField(null=True, blank=True)  # messaging's outbox copy
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "day"], name="checkintext_daily"),
        ]
        indexes = [models.Index(fields=["address", "day"])]

    def __str__(self) -> str:
        return f"check-in text {self.day} to member {self.member_id}"
