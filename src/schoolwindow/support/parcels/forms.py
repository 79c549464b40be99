"""The parcels' forms: what staff type, checked before a service is called."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from schoolwindow.support.parcels.models import ParcelKind


class PackingListForm(forms.Form):
    name = forms.CharField(label=_("Name of the list"), max_length=120)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ParcelKind.choices, widget=forms.RadioSelect, initial="food"
    )
    items = forms.CharField(
        label=_("Items"),
        help_text=_('One item a line, the quantity first if more than one: "2 x Rice 1kg".'),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=4000,
    )


class PackingListEditForm(forms.Form):
    name = forms.CharField(label=_("Name of the list"), max_length=120)
    items = forms.CharField(
        label=_("Items"),
        help_text=_('One item a line, the quantity first if more than one: "2 x Rice 1kg".'),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=4000,
    )
    active = forms.BooleanField(
        label=_("Offer this list for new requests (untick to retire it)"),
        required=False,
    )


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What does the family need?"),
        choices=ParcelKind.choices,
        widget=forms.RadioSelect,
        initial="food",
    )
    packing_list = forms.TypedChoiceField(
        label=_("Packing list"), coerce=int, required=False, empty_value=None
    )
    extra_items = forms.CharField(
        label=_("Anything else to pack (optional)"),
        help_text=_('One item a line, the quantity first if more than one: "2 x Rice 1kg".'),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    reason = forms.CharField(
        label=_("Why the family needs it"),
        help_text=_("In plain words. Staff see this; the driver never does."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    dietary_notes = forms.CharField(
        label=_("Dietary needs (optional)"),
        help_text=_("Allergies, halal, vegetarian…"),
        max_length=300,
        required=False,
    )
    delivery_notes = forms.CharField(
        label=_("Notes for the driver (optional)"),
        help_text=_('Only what helps at the door: "ring the side door".'),
        max_length=300,
        required=False,
    )


class RoundForm(forms.Form):
    day = forms.DateField(
        label=_("Day of the round"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    driver_name = forms.CharField(label=_("Driver's name"), max_length=120)
    driver_phone = forms.CharField(
        label=_("Driver's phone (optional)"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    staff = forms.TypedChoiceField(
        label=_("Who the driver rings if something is wrong"), coerce=int
    )


class ConfirmForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Was it delivered?"),
        choices=[("delivered", _("Delivered")), ("not_delivered", _("Not delivered"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("What happened (optional)"), max_length=300, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled? (optional)"), max_length=300, required=False
    )
