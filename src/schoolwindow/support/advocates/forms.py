from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolwindow.support.advocates.models import AdvocateContactKind

CONTACT_KINDS = [
    (AdvocateContactKind.MET.value, AdvocateContactKind.MET.label),
    (AdvocateContactKind.CHECK_IN.value, AdvocateContactKind.CHECK_IN.label),
    (AdvocateContactKind.ONLINE.value, AdvocateContactKind.ONLINE.label),
    ("call", _("Spoke with the family on the phone")),
    ("meeting", _("Met the family")),
    ("visit", _("Visited the family at home")),
]


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("What kind of contact"), choices=CONTACT_KINDS)
    happened_at = forms.DateTimeField(
        label=_("When"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        required=False,
    )
    notes = forms.CharField(label=_("Notes"), max_length=4000, required=False)

    def clean_happened_at(self) -> dt.datetime:
        value: dt.datetime | None = self.cleaned_data.get("happened_at")
        return value or timezone.now()


class AssignForm(forms.Form):
    staff = forms.IntegerField(label=_("Advocate"))
    override = forms.BooleanField(label=_("Go over their caseload limit"), required=False)


class DesignateForm(forms.Form):
    reason = forms.CharField(label=_("Why this pupil needs an advocate"), max_length=2000)
    starts = forms.DateField(label=_("From"))
    ends = forms.DateField(label=_("Until"), required=False)


class CadenceForm(forms.Form):
    pupil_days = forms.IntegerField(label=_("Days between contacts with the pupil"), required=False)
    family_days = forms.IntegerField(
        label=_("Days between contacts with the family"), required=False
    )


class SettingsForm(forms.Form):
    counts_looked_after = forms.BooleanField(label=_("Looked after"), required=False)
    counts_safeguarding = forms.BooleanField(
        label=_("Known to the safeguarding lead (child in need or protection plan)"), required=False
    )
    counts_ehcp = forms.BooleanField(label=_("Education, health and care plan"), required=False)
    counts_send_support = forms.BooleanField(label=_("SEN support"), required=False)
    counts_young_carer = forms.BooleanField(label=_("Young carer"), required=False)
    counts_disadvantaged = forms.BooleanField(label=_("Disadvantaged"), required=False)
    caseload_limit = forms.IntegerField(label=_("Pupils an advocate may have"))
    pupil_every_days = forms.IntegerField(label=_("Days between contacts with the pupil"))
    family_every_days = forms.IntegerField(label=_("Days between contacts with the family"))

    COUNTS = (
        "counts_looked_after",
        "counts_safeguarding",
        "counts_ehcp",
        "counts_send_support",
        "counts_young_carer",
        "counts_disadvantaged",
    )
