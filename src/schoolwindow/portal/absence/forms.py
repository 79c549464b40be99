"""The absence form: which child, the dates in three boxes each (the GOV.UK date input pattern,
with an error naming the box that is wrong), whole or half day, and why."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from schoolwindow.engagement.codes import ABSENCE, CODES
from schoolwindow.portal.absence.models import DayPart, Reason

if TYPE_CHECKING:  # the stubs are a development tool only
    from django_stubs_ext import StrOrPromise

DATE_BOXES = ("day", "month", "year")


def _box(label: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "date-box"}),
    )


class ReportForm(forms.Form):
    child = forms.TypedChoiceField(label=_("Which child"), coerce=int, widget=forms.RadioSelect)
    first_day = _box(pgettext_lazy("date input", "Day"))
    first_month = _box(pgettext_lazy("date input", "Month"))
    first_year = _box(pgettext_lazy("date input", "Year"))
    last_day = _box(pgettext_lazy("date input", "Day"))
    last_month = _box(pgettext_lazy("date input", "Month"))
    last_year = _box(pgettext_lazy("date input", "Year"))
    part = forms.ChoiceField(
        label=_("Is it the whole day?"),
        choices=DayPart.choices,
        initial=DayPart.WHOLE,
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label=_("Why is your child away?"), choices=Reason.choices, widget=forms.RadioSelect
    )
    detail = forms.CharField(
        label=_("Anything the school should know (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, children: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["child"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = children
        if len(children) == 1:
            self.initial.setdefault("child", children[0][0])

    def _date(self, prefix: str, *, required: bool) -> dt.date | None:
        raw = {
            box: str(self.cleaned_data.get(f"{prefix}_{box}") or "").strip() for box in DATE_BOXES
        }
        if not any(raw.values()):
            if required:
                self.add_error(f"{prefix}_day", _("Enter the date"))
            return None
        names = {"day": _("a day"), "month": _("a month"), "year": _("a year")}
        missing = [box for box in DATE_BOXES if not raw[box]]
        for box in missing:
            self.add_error(
                f"{prefix}_{box}", _("The date must include %(part)s") % {"part": names[box]}
            )
        if missing:
            return None
        bad = [box for box in DATE_BOXES if not raw[box].isdigit()]
        for box in bad:
            self.add_error(f"{prefix}_{box}", _("Enter numbers only"))
        if bad:
            return None
        day, month, year = (int(raw[box]) for box in DATE_BOXES)
        if not 1 <= month <= 12:
            self.add_error(f"{prefix}_month", _("The month must be between 1 and 12"))
            return None
        if year < 2000 or year > 2100:
            self.add_error(f"{prefix}_year", _("The year must have four numbers, like 2026"))
            return None
        try:
            return dt.date(year, month, day)
        except ValueError:
            self.add_error(f"{prefix}_day", _("That day does not exist in that month"))
            return None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first = self._date("first", required=True)
        last = self._date("last", required=False)
        data["first"] = first
        data["last"] = last or first
        return data


class PhonedForm(ReportForm):
    """The same form, for the office, about one pupil already chosen, with who rang."""

    guardian = forms.TypedChoiceField(
        label=_("Who rang"), coerce=int, empty_value=None, required=False, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, callers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, children=[], **kwargs)
        del self.fields["child"]
        field = self.fields["guardian"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [*callers, ("", _("Someone else"))]
        if callers:
            self.initial.setdefault("guardian", callers[0][0])


def code_choices() -> list[tuple[str, str]]:
    """The DfE absence codes (engagement.codes), for the office to confirm or change."""
    return [
        (code, f"{code} — {meaning}")
        for code, (category, meaning) in CODES.items()
        if category in ABSENCE
    ]


class ConfirmForm(forms.Form):
    code = forms.ChoiceField(label=_("Register code"), choices=code_choices)


class CallingTimeForm(forms.Form):
    calling_time = forms.TimeField(
        label=_("Start first-day calling at"),
        help_text=_("For example, 09:30"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
