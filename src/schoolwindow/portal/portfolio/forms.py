"""The portfolio's forms: a post (photos, a video, a document or words), a comment, the
family's image consent and the school's setting for home posts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (a phone's photo picker), each checked later by content."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"accept": "image/jpeg,image/heic,image/png,image/webp,image/*"}
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class PostForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("What happened (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = MultipleFileField(
        label=_("Photos (optional, up to 6)"),
        required=False,
        help_text=_("Photos from a phone are fine. Where a photo was taken is never kept."),
    )
    video = forms.FileField(
        label=_("Or a video (optional)"),
        required=False,
        help_text=_("MP4, MOV or WebM, up to 100 MB. It is shown as it was recorded."),
        widget=forms.ClearableFileInput(attrs={"accept": "video/mp4,video/quicktime,video/webm"}),
    )
    document = forms.FileField(
        label=_("Or a document (optional)"),
        required=False,
        help_text=_("A PDF, up to 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    tags = forms.TypedMultipleChoiceField(
        label=_("Other children in the photos"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only children whose family agreed to them appearing in other children's posts can "
            "be named; the others are shown without a box to tick. Choose a photo without them."
        ),
    )

    def __init__(
        self, *args: Any, taggable: list[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if taggable is None:
            del self.fields["tags"]
        else:
            field = self.fields["tags"]
            assert isinstance(field, forms.TypedMultipleChoiceField)
            field.choices = taggable


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConsentForm(forms.Form):
    own_portfolio = forms.ChoiceField(
        label=_("May the school show photos and videos of your child in their own portfolio?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    others_posts = forms.ChoiceField(
        label=_("May your child appear in photos in other children's portfolios?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )


class SettingsForm(forms.Form):
    home_posts_need_approval = forms.BooleanField(
        label=_("A teacher approves posts families send from home before they are shown"),
        required=False,
    )
