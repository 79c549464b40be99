"""Forms for events and parents' evenings: plain HTML inputs (date and time pickers on phones),
each field labelled, working without JavaScript."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolwindow.portal.events.models import Audience, Mode, Reply

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


class ReplyForm(forms.Form):
    reply = forms.ChoiceField(
        label=_("Are you coming?"), choices=Reply.choices, widget=forms.RadioSelect
    )
    people = forms.IntegerField(
        label=_("How many of you are coming?"), min_value=1, max_value=10, initial=1, required=False
    )


class EventForm(forms.Form):
    title = forms.CharField(label=_("Name of the event"), max_length=140)
    description = forms.CharField(
        label=_("What families should know"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
    )
    day = forms.DateField(label=_("Day"), widget=DATE)
    starts = forms.TimeField(label=_("Starts at"), widget=TIME)
    ends = forms.TimeField(label=_("Ends at"), widget=TIME)
    location = forms.CharField(label=_("Where"), max_length=200, required=False)

    def times(self) -> tuple[dt.datetime, dt.datetime]:
        data = self.cleaned_data
        return at(data["day"], data["starts"]), at(data["day"], data["ends"])


class NewEventForm(EventForm):
    audience = forms.ChoiceField(
        label=_("Who is it for?"), choices=Audience.choices, widget=forms.RadioSelect
    )
    year_groups = forms.MultipleChoiceField(
        label=_("Year groups"), required=False, widget=forms.CheckboxSelectMultiple
    )
    groups = forms.MultipleChoiceField(label=_("Classes or groups"), required=False)

    def __init__(
        self, *args: Any, years: list[tuple[int, str]], groups: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year_groups"].choices = years  # type: ignore[attr-defined]
        self.fields["groups"].choices = groups  # type: ignore[attr-defined]


class EveningForm(forms.Form):
    title = forms.CharField(label=_("Name of the evening"), max_length=140)
    date = forms.DateField(label=_("Day"), widget=DATE)
    starts = forms.TimeField(label=_("First appointment at"), widget=TIME)
    ends = forms.TimeField(label=_("Last appointment ends at"), widget=TIME)
    slot_minutes = forms.IntegerField(
        label=_("Minutes per appointment"), min_value=5, max_value=60, initial=10
    )
    opens_day = forms.DateField(label=_("Booking opens on"), widget=DATE)
    opens_time = forms.TimeField(label=_("Booking opens at"), widget=TIME, initial=dt.time(18, 0))
    close_hours = forms.IntegerField(
        label=_("Booking closes this many hours before each appointment"),
        min_value=0,
        max_value=168,
        initial=24,
    )
    location = forms.CharField(label=_("Where"), max_length=200, required=False)
    year_groups = forms.MultipleChoiceField(
        label=_("Year groups"), widget=forms.CheckboxSelectMultiple
    )
    staff = forms.MultipleChoiceField(
        label=_("Teachers taking part"), widget=forms.CheckboxSelectMultiple
    )
    modes = forms.MultipleChoiceField(
        label=_("Ways to meet"),
        choices=Mode.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Mode.IN_PERSON],
    )
    video_url = forms.URLField(
        label=_("Link to the school's video meetings"), required=False, assume_scheme="https"
    )

    def __init__(
        self, *args: Any, years: list[tuple[int, str]], staff: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year_groups"].choices = years  # type: ignore[attr-defined]
        self.fields["staff"].choices = staff  # type: ignore[attr-defined]


class TeacherForm(forms.Form):
    in_person = forms.BooleanField(label=_("In person"), required=False)
    phone = forms.BooleanField(label=_("By phone"), required=False)
    video = forms.BooleanField(label=_("By video"), required=False)
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    room = forms.CharField(label=_("Room"), max_length=60, required=False)


class ConfirmForm(forms.Form):
    mode = forms.ChoiceField(label=_("How would you like to meet?"), widget=forms.RadioSelect)
    interpreter = forms.BooleanField(label=_("I would like an interpreter"), required=False)
    language = forms.CharField(
        label=_("Language for the interpreter"), max_length=40, required=False
    )

    def __init__(self, *args: Any, modes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Mode.choices)
        self.fields["mode"].choices = [(mode, labels[mode]) for mode in modes]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("interpreter") and not (data.get("language") or "").strip():
            self.add_error("language", _("Say which language the interpreter should speak."))
        return data

    def interpreter_language(self) -> str:
        data = self.cleaned_data
        return (data.get("language") or "").strip() if data.get("interpreter") else ""
