"""The details forms: the parent's contact details and one child's notes together (what the
page shows is what the school holds, or the change already waiting), the office's decision, and
a school's settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from schoolwindow.people.models import Channel
from schoolwindow.portal.details.models import Field

# The languages families are written to in (each in its own words, as families read them).
LANGUAGES = [
    ("en", "English"),
    ("pl", "Polski"),
    ("ur", "اردو"),
    ("ro", "Română"),
    ("pa", "ਪੰਜਾਬੀ"),
    ("ar", "العربية"),
    ("bn", "বাংলা"),
]


class DetailsForm(forms.Form):
    email = forms.CharField(
        label=Field.EMAIL.label,
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=Field.PHONE.label,
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(
        label=Field.ADDRESS.label,
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    postcode = forms.CharField(
        label=Field.POSTCODE.label,
        required=False,
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "narrow"}),
    )
    preferred_language = forms.ChoiceField(label=Field.LANGUAGE.label, choices=LANGUAGES)
    preferred_channel = forms.ChoiceField(
        label=Field.CHANNEL.label, choices=Channel.choices, widget=forms.RadioSelect
    )
    dietary_notes = forms.CharField(
        label=_("Food your child cannot or does not eat (optional)"),
        help_text=_("For example: no pork, vegetarian, allergic to nuts."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    medical_notes = forms.CharField(
        label=_("Health needs the school should know (optional)"),
        help_text=_("For example: asthma, uses an inhaler. Only staff who need to know see this."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["preferred_language"]
        assert isinstance(field, forms.ChoiceField)
        known = [code for code, _name in LANGUAGES]
        if language and language not in known:
            # Keep a language the school recorded that the list does not offer.
            field.choices = [*LANGUAGES, (language, language)]


class DecideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why not (optional, the family sees this)"),
        required=False,
        max_length=500,
    )


class SettingsForm(forms.Form):
    check_every_days = forms.IntegerField(
        label=_("Ask families to check their details every (days)"),
        min_value=30,
        max_value=730,
        widget=forms.NumberInput(attrs={"class": "narrow"}),
    )
    staff = forms.TypedMultipleChoiceField(
        label=_("Staff told of a new or changed medical note"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, staff: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["staff"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = staff
