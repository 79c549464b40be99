"""Study groups: a member of staff gathers a few pupils (often ones with nowhere quiet to work
or no one at home to help) and each pupil checks in once a day with one tap.

A check-in is one row per pupil, group and day (the database says so); tapping another answer
the same day changes that row, so the lead always sees the pupil's latest word for today.
"""

from __future__ import annotations

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


class StudyGroupMember(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="members")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "pupil", "day"], name="checkin_daily"),
        ]
        indexes = [models.Index(fields=["school", "day", "answer"])]

    def __str__(self) -> str:
        return f"check-in {self.day} {self.answer}"
