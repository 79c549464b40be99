from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from schoolwindow.support.outcomes.services import MAX_DAYS, MIN_DAYS


class SettingsForm(forms.Form):
    recovery_days = forms.IntegerField(
        label=_("School days to look at after the help began"),
        min_value=MIN_DAYS,
        max_value=MAX_DAYS,
    )
