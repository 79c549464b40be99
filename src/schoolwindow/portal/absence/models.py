"""An absence a family reports: which child, which days (whole or half), why, and what the
office made of it. The report never changes the register by itself; the office confirms it and
the marks are written through engagement (engagement/marks.py)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Reason(models.TextChoices):
    ILL = "ill", _("Ill")
    MEDICAL = "medical", _("Medical or dental appointment")
    EMERGENCY = "emergency", _("Family emergency")
    RELIGIOUS = "religious", _("Religious observance")
    OTHER = "other", _("Something else")


class DayPart(models.TextChoices):
    WHOLE = "whole", _("The whole day")
    AM = "AM", _("Morning only")
    PM = "PM", _("Afternoon only")


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("Received by the school")
    CONFIRMED = "confirmed", _("Recorded in the register")


class AbsenceReport(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="+")
    guardian = models.ForeignKey(
        "people.Guardian", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_day = models.DateField()
    last_day = models.DateField()
    part = models.CharField(max_length=5, choices=DayPart.choices, default=DayPart.WHOLE)
    reason = models.CharField(max_length=10, choices=Reason.choices)
    detail = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.RECEIVED
    )
    code = models.CharField(max_length=2, blank=True)  # the register code the office chose
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The member of staff who took the family's phone call and wrote it down; empty when the
    # family reported it themselves in the portal.
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["first_day", "id"]
        indexes = [
            models.Index(fields=["school", "last_day", "first_day"]),
            models.Index(fields=["pupil", "first_day"]),
        ]

    def __str__(self) -> str:
        return f"absence {self.pupil_id} {self.first_day} to {self.last_day} {self.part}"


class AbsenceSettings(models.Model):
    """A school's choices for absence reporting: when first-day calling starts."""

    school = models.OneToOneField("schools.School", on_delete=models.CASCADE, related_name="+")
    calling_time = models.TimeField(default=dt.time(9, 30))

    def __str__(self) -> str:
        return f"absence settings {self.school_id}"
