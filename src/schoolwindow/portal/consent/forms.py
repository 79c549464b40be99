"""Consent forms: the request staff send, a parent's answer, an answer taken on the phone."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from schoolwindow.portal.consent.models import Answer, Audience, Rule


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class RequestForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("For example, Trip to the Science Museum")
    )
    description = forms.CharField(
        label=_("What families are agreeing to"),
        help_text=_("Where, when, what to bring, how the children travel."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    is_trip = forms.BooleanField(
        label=_("This is a trip (print a list for the day)"), required=False, initial=True
    )
    event_date = _date(_("Day of the trip (optional)"), required=False)
    deadline = _date(_("Answer by"))
    rule = forms.ChoiceField(
        label=_("Whose agreement is needed?"),
        choices=Rule.choices,
        initial=Rule.ONE,
        widget=forms.RadioSelect,
    )
    cost = forms.DecimalField(
        label=_("Cost in pounds (optional)"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(10000),
        decimal_places=2,
        help_text=_("Families pay through the school's own payment page; no card details here."),
    )
    payment_link = forms.URLField(
        label=_("Link to the school's payment page"), required=False, assume_scheme="https"
    )
    audience = forms.ChoiceField(
        label=_("Who is it for?"), choices=Audience.choices, widget=forms.RadioSelect
    )
    year_group = forms.TypedChoiceField(
        label=_("Year group"), coerce=int, required=False, empty_value=None
    )
    group = forms.TypedChoiceField(
        label=_("Class or group"), coerce=int, required=False, empty_value=None
    )
    pupils = forms.TypedMultipleChoiceField(
        label=_("Chosen pupils"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    find = forms.CharField(label=_("Find pupils by name"), required=False, max_length=100)

    def __init__(
        self,
        *args: Any,
        years: list[tuple[int, str]],
        groups: list[tuple[int, str]],
        pupils: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, choices in (("year_group", years), ("group", groups)):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = [("", _("Choose…")), *choices]
        chosen = self.fields["pupils"]
        assert isinstance(chosen, forms.TypedMultipleChoiceField)
        chosen.choices = pupils


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"), choices=Answer.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Anything staff should know on the day (optional)"),
        help_text=_("For example, medicine, allergies or who collects your child."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class PhoneForm(forms.Form):
    guardian = forms.TypedChoiceField(label=_("Who called"), coerce=int, widget=forms.RadioSelect)
    answer = forms.ChoiceField(
        label=_("Their answer"), choices=Answer.choices, widget=forms.RadioSelect
    )
    spoken_at = forms.DateTimeField(
        label=_("When they called"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    note = forms.CharField(
        label=_("What they said for the day (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, guardians: list[tuple[int, str]], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field = self.fields["guardian"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = guardians
        if len(guardians) == 1:
            self.initial.setdefault("guardian", guardians[0][0])
