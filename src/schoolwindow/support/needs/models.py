"""Needs: which rules a school uses, and needs staff closed outside the system."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NeedRule(models.Model):
    """A school's choice for one rule; a rule without a row is on (the default)."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    need = models.CharField(max_length=16)
    enabled = models.BooleanField(_("on"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "need"], name="needrule_school_need"),
        ]

    def __str__(self) -> str:
        return f"{self.need} {'on' if self.enabled else 'off'}"


class NeedMet(models.Model):
    """A need met outside the system (a family bought a laptop, a room at the library): one per
    pupil and need, so a second tap finds the first."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="needs_met")
    need = models.CharField(max_length=16)
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    met_at = models.DateTimeField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pupil", "need"], name="needmet_pupil_need"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.need} met"
