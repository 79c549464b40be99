"""Validation of triage actions and rule settings. The templates write their own HTML (the
watchlist repeats these forms on every row, so they stay small and fast to render)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from schoolwindow.engagement.models import FlagOutcome
from schoolwindow.engagement.rules import rules_all


class AssignForm(forms.Form):
    staff = forms.IntegerField(required=False, min_value=1)


class NoteForm(forms.Form):
    note = forms.CharField(max_length=4000, strip=True)
    kind = forms.ChoiceField(
        choices=[("note", _("Note")), ("contact", _("Contact with the family"))],
        required=False,
    )


class SnoozeForm(forms.Form):
    until = forms.DateField(error_messages={"invalid": _("Enter a date, for example 2026-12-01.")})
    note = forms.CharField(max_length=4000, required=False, strip=True)


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(choices=FlagOutcome.choices)
    note = forms.CharField(max_length=4000, required=False, strip=True)


class ReopenForm(forms.Form):
    note = forms.CharField(max_length=4000, required=False, strip=True)


def field_name(rule: str, param: str) -> str:
    return f"{rule}__{param}"


class RuleSettingsForm(forms.Form):
    """One checkbox per rule and one number per threshold, named "<rule>__<param>"."""

    def __init__(self, *args: Any, initial_config: dict[str, Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        initial_config = initial_config or {}
        for rule in rules_all():
            config = initial_config.get(rule.key)
            self.fields[field_name(rule.key, "enabled")] = forms.BooleanField(
                required=False,
                label=str(rule.label),
                initial=config.enabled if config else True,
            )
            for param in rule.params:
                self.fields[field_name(rule.key, param.name)] = forms.IntegerField(
                    label=str(param.label),
                    min_value=param.minimum,
                    max_value=param.maximum,
                    initial=config.params[param.name] if config else param.default,
                )

    def values(self) -> dict[str, tuple[bool, dict[str, int]]]:
        data = self.cleaned_data
        return {
            rule.key: (
                bool(data.get(field_name(rule.key, "enabled"))),
                {param.name: data[field_name(rule.key, param.name)] for param in rule.params},
            )
            for rule in rules_all()
        }
