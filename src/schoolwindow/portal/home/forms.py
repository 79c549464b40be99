from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class HeadMessageForm(forms.Form):
    school = forms.TypedChoiceField(label=_("School"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("What you say"),
        help_text=_("Families who can't watch the video read this instead. Plain words work best."),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=3000,
    )
    video_url = forms.URLField(
        label=_("Link to the video (optional)"),
        help_text=_(
            "A link on the school's own video platform. Families open it when they choose."
        ),
        required=False,
        assume_scheme="https",
    )

    def __init__(self, *args: object, schools: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["school"].choices = schools  # type: ignore[attr-defined]
        if len(schools) == 1:
            self.fields["school"].initial = schools[0][0]
