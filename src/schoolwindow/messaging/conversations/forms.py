"""Forms for the conversation pages: they check shapes only; who may be written to is the
services' job (a crafted POST naming a restricted guardian is refused and audited there)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolwindow.messaging.delivery.services import MAX_BODY
from schoolwindow.messaging.models import ContactKind, ContactOutcome, Tone
from schoolwindow.messaging.translation.phrasebook import PHRASES_BY_KEY, phrase_fill


def phrase_english(key: str, child: str, school: str = "") -> str:
    """The phrase's English with the child's name (and school) in; "" for an unknown key."""
    phrase = PHRASES_BY_KEY.get(key)
    if phrase is None or "en" not in phrase.texts:
        return ""
    return phrase_fill(phrase.texts["en"], {"child": child, "school": school})


class MessageFields(forms.Form):
    body = forms.CharField(label=_("Message"), max_length=MAX_BODY, required=False)
    tone = forms.ChoiceField(
        label=_("Tone"), choices=Tone.choices, initial=Tone.NEUTRAL, required=False
    )
    needs_reply = forms.BooleanField(label=_("Needs a reply"), required=False)
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    phrase_key = forms.CharField(max_length=64, required=False)

    def __init__(self, *args: Any, child: str = "", school: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.child = child
        self.school_name = school

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        key = data.get("phrase_key", "")
        body = (data.get("body") or "").strip()
        if key and key not in PHRASES_BY_KEY:
            data["phrase_key"] = ""
        elif key and not body:
            # A phrase chosen and nothing written: the phrase as it stands is the message.
            data["body"] = phrase_english(key, self.child, self.school_name)
        # A phrase that was then changed keeps its key: render_for_family sees that the body no
        # longer says what the phrase says and translates it like any other message.
        if not (data.get("body") or "").strip():
            self.add_error("body", _("Write a message first."))
        return data


class ReplyForm(MessageFields):
    pass


class FamilyReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), max_length=MAX_BODY)


class NewConversationForm(MessageFields):
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    # Any ids: whether each may be written to is decided (and refusals audited) by services.
    guardians = forms.TypedMultipleChoiceField(coerce=int, required=False)
    separately = forms.BooleanField(required=False)
    school = forms.IntegerField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guardians"].valid_value = lambda value: str(value).isdigit()  # type: ignore[attr-defined]

    def clean_guardians(self) -> list[int]:
        chosen: list[int] = self.cleaned_data.get("guardians") or []
        if not chosen:
            raise forms.ValidationError(_("Choose at least one parent or carer."))
        return list(dict.fromkeys(chosen))


class AddStaffForm(forms.Form):
    staff = forms.IntegerField(label=_("Add a member of staff"))


class ContactLogForm(forms.Form):
    kind = forms.ChoiceField(label=_("What kind of contact"), choices=ContactKind.choices)
    outcome = forms.ChoiceField(label=_("What happened"), choices=ContactOutcome.choices)
    guardian = forms.IntegerField(label=_("With"), required=False)
    happened_at = forms.DateTimeField(
        label=_("When"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        required=False,
    )
    tone = forms.ChoiceField(
        label=_("Tone"), choices=Tone.choices, initial=Tone.NEUTRAL, required=False
    )
    notes = forms.CharField(label=_("Notes"), max_length=4000, required=False)
    flag = forms.IntegerField(required=False)

    def clean_happened_at(self) -> dt.datetime:
        value: dt.datetime | None = self.cleaned_data.get("happened_at")
        return value or timezone.now()
