"""The loans pages' forms: they parse; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from schoolwindow.schools.models import School
from schoolwindow.support.loans.models import Condition, ItemStatus, Kind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SchoolChoice(forms.Form):
    """A school field, shown only to staff who lend at more than one school."""

    def __init__(self, *args: Any, schools: list[School], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.schools = schools
        if len(schools) > 1:
            self.fields["school"] = forms.TypedChoiceField(
                label=_("School"), choices=[(s.pk, s.name) for s in schools], coerce=int
            )

    def school_id(self) -> int:
        if "school" in self.cleaned_data:
            return int(self.cleaned_data["school"])
        return self.schools[0].pk


class ItemForm(SchoolChoice):
    asset_tag = forms.CharField(
        label=_("Asset tag"), max_length=40, help_text=_("As written on the item's label.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    model_name = forms.CharField(label=_("Model"), max_length=120, required=False)
    serial = forms.CharField(label=_("Serial number"), max_length=80, required=False)
    condition = forms.ChoiceField(
        label=_("Condition"), choices=Condition.choices, initial=Condition.GOOD
    )
    data_plan = forms.CharField(
        label=_("Data plan (dongles and SIM cards)"), max_length=120, required=False
    )
    expires_on = forms.DateField(label=_("Expiry date"), required=False, widget=DATE)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ItemEditForm(forms.Form):
    model_name = forms.CharField(label=_("Model"), max_length=120, required=False)
    serial = forms.CharField(label=_("Serial number"), max_length=80, required=False)
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices)
    data_plan = forms.CharField(
        label=_("Data plan (dongles and SIM cards)"), max_length=120, required=False
    )
    expires_on = forms.DateField(label=_("Expiry date"), required=False, widget=DATE)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class LendForm(forms.Form):
    pupil = forms.IntegerField(widget=forms.HiddenInput)
    due_on = forms.DateField(label=_("Due back on"), widget=DATE)
    condition = forms.ChoiceField(
        label=_("Condition at hand-over"),
        choices=Condition.choices,
        initial=Condition.GOOD,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Notes (what was handed over: charger, case…)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    photo = forms.FileField(label=_("A photo at hand-over (optional)"), required=False)


class ReturnForm(forms.Form):
    condition = forms.ChoiceField(
        label=_("Condition it came back in"), choices=Condition.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("What you found"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photo = forms.FileField(label=_("A photo (optional)"), required=False)
    photo_2 = forms.FileField(label=_("Another photo (optional)"), required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(v, label) for v, label in ItemStatus.choices if v != ItemStatus.ON_LOAN],
    )
    note = forms.CharField(label=_("Why (optional)"), required=False, max_length=500)


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"))


class AcceptForm(forms.Form):
    # Not stripped: the signature is recorded exactly as it was typed.
    typed_name = forms.CharField(
        label=_("Type your full name to sign"), max_length=200, required=False, strip=False
    )
    agreed = forms.BooleanField(label=_("I have read the agreement and accept it"), required=False)


class PaperForm(forms.Form):
    signed_on = forms.DateField(label=_("Date signed on paper"), widget=DATE)


class ChargeForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (£)"), min_value=Decimal("0.01"), max_digits=7, decimal_places=2
    )
    override_reason = forms.CharField(
        label=_("Reason (needed to charge a disadvantaged family)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InventoryImportForm(SchoolChoice):
    file = forms.FileField(label=_("CSV file"))
    dry_run = forms.BooleanField(required=False, label=_("Only check the file (nothing is saved)"))


class AgreementForm(forms.Form):
    text = forms.CharField(label=_("Agreement"), widget=forms.Textarea(attrs={"rows": 12}))
