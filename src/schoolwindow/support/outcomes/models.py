"""A school's choice for "did it work?": how many school days to wait before saying."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from schoolwindow.support.outcomes.recovery import DEFAULT_RECOVERY_DAYS


class OutcomeSettings(models.Model):
    school = models.OneToOneField("schools.School", on_delete=models.CASCADE, related_name="+")
    recovery_days = models.PositiveSmallIntegerField(
        _("school days to look at after the help began"),
        default=DEFAULT_RECOVERY_DAYS,
        validators=[MinValueValidator(5), MaxValueValidator(60)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"outcome settings of {self.school_id}"
