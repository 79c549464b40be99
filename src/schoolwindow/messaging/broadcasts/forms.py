"""The announcement form and the checks on what is uploaded with it (attachments, a video and
its poster): size, extension and the file's first bytes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwindow.core.capabilities import SEND_ANNOUNCEMENTS, SEND_URGENT
from schoolwindow.core.permissions import Actor
from schoolwindow.messaging.broadcasts.video import MB
from schoolwindow.messaging.models import (
    AudienceKind,
)
from schoolwindow.people.models import Pupil, PupilStatus, TeachingAssignment
from schoolwindow.schools.models import Group, School, YearGroup

# Attachments families can open on any phone: extension → (content type, magic bytes checks).
ATTACHMENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
VIDEO_TYPES = {"mp4": "video/mp4", "webm": "video/webm"}
POSTER_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def attachment_max_bytes() -> int:
    return int(settings.MESSAGING_ATTACHMENT_MAX_BYTES)


def video_max_bytes() -> int:
    return int(settings.MESSAGING_VIDEO_MAX_BYTES)


# --- Upload checks ---------------------------------------------------------------------------


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def head(upload: UploadedFile[bytes], size: int = 16) -> bytes:
    upload.seek(0)
    start = upload.read(size)
    upload.seek(0)
    return bytes(start)


def magic_matches(ext: str, start: bytes) -> bool:
    """Whether the file's first bytes are what its extension says."""
    if ext == "pdf":
        return start.startswith(b"%PDF-")
    if ext == "png":
        return start.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("jpg", "jpeg"):
        return start.startswith(b"\xff\xd8\xff")
    if ext == "gif":
        return start.startswith((b"GIF87a", b"GIF89a"))
    if ext == "webp":
        return start.startswith(b"RIFF") and start[8:12] == b"WEBP"
    if ext in ("doc", "xls"):
        return start.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    if ext in ("docx", "xlsx"):
        return start.startswith(b"PK\x03\x04")
    if ext == "mp4":
        return start[4:8] == b"ftyp"
    if ext == "webm":
        return start.startswith(b"\x1a\x45\xdf\xa3")
    return False


def attachment_check(upload: UploadedFile[bytes]) -> str:
    """The content type to store, or ValidationError."""
    name = upload.name or ""
    ext = extension(name)
    if ext not in ATTACHMENT_TYPES:
        raise ValidationError(
            _("“%(name)s” can't be attached: use a PDF, a picture, or a Word or Excel document.")
            % {"name": name}
        )
    if (upload.size or 0) > attachment_max_bytes():
        raise ValidationError(
            _("“%(name)s” is too big: each attachment can be at most %(mb)d MB.")
            % {"name": name, "mb": attachment_max_bytes() // MB}
        )
    if not magic_matches(ext, head(upload)):
        raise ValidationError(
            _("“%(name)s” is not the kind of file its name says.") % {"name": name}
        )
    return ATTACHMENT_TYPES[ext]


def video_check(upload: UploadedFile[bytes]) -> str:
    name = upload.name or ""
    ext = extension(name)
    if ext not in VIDEO_TYPES:
        raise ValidationError(_("The video must be an MP4 or WebM file."))
    if (upload.size or 0) > video_max_bytes():
        raise ValidationError(
            _("The video is too big: it can be at most %(mb)d MB.")
            % {"mb": video_max_bytes() // MB}
        )
    if not magic_matches(ext, head(upload)):
        raise ValidationError(_("That file is not really an MP4 or WebM video."))
    return VIDEO_TYPES[ext]


def poster_check(upload: UploadedFile[bytes]) -> str:
    from PIL import Image, UnidentifiedImageError

    if (upload.size or 0) > attachment_max_bytes():
        raise ValidationError(_("The poster image is too big."))
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format or ""
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("The poster must be a JPEG, PNG or WebP picture.")) from None
    finally:
        upload.seek(0)
    if image_format not in POSTER_FORMATS:
        raise ValidationError(_("The poster must be a JPEG, PNG or WebP picture."))
    return POSTER_FORMATS[image_format]


# --- The form --------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class BroadcastForm(forms.Form):
    audience = forms.ChoiceField(label=gettext_lazy("Who is it for?"), widget=forms.RadioSelect)
    year_group = forms.ModelChoiceField(
        label=gettext_lazy("Year group"), queryset=YearGroup.objects.none(), required=False
    )
    group = forms.ModelChoiceField(
        label=gettext_lazy("Class or group"), queryset=Group.objects.none(), required=False
    )
    pupils = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Chosen pupils (their families get it)"),
        queryset=Pupil.objects.none(),
        required=False,
        # Drawn by the page as a search with ticked results (_pupil_picker.html), never as a
        # list of every pupil in the school.
        widget=forms.MultipleHiddenInput,
    )
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    body = forms.CharField(label=gettext_lazy("Message"), widget=forms.Textarea, max_length=10_000)
    attachments = MultipleFileField(
        label=gettext_lazy("Attachments (PDF, pictures, Word or Excel; up to 10 MB each)"),
        required=False,
    )
    scheduled_for = forms.DateTimeField(
        label=gettext_lazy("Send later (leave empty to send now)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    urgent = forms.BooleanField(
        label=gettext_lazy("Urgent: send at once, even in quiet hours"), required=False
    )
    video = forms.FileField(label=gettext_lazy("Video (MP4 or WebM)"), required=False)
    video_poster = forms.FileField(
        label=gettext_lazy("Poster picture for the video (JPEG, PNG or WebP)"), required=False
    )
    video_link = forms.URLField(
        label=gettext_lazy("…or a link to the video (https://…)"),
        required=False,
        assume_scheme="https",
    )

    def __init__(self, *args: Any, actor: Actor, school: School, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.school = school
        whole = actor.can(SEND_ANNOUNCEMENTS, school.pk)
        audience = self.fields["audience"]
        assert isinstance(audience, forms.ChoiceField)
        audience.choices = (
            AudienceKind.choices if whole else [(AudienceKind.GROUP, AudienceKind.GROUP.label)]
        )
        year_group = self.fields["year_group"]
        assert isinstance(year_group, forms.ModelChoiceField)
        year_group.queryset = YearGroup.objects.filter(school=school).order_by("name")
        groups = Group.objects.filter(school=school, active=True).order_by("name")
        if not whole:
            groups = groups.filter(
                pk__in=TeachingAssignment.objects.filter(
                    school=school, staff_id=actor.staff_ids.get(school.pk, 0)
                ).values("group_id")
            )
        group = self.fields["group"]
        assert isinstance(group, forms.ModelChoiceField)
        group.queryset = groups
        pupils = self.fields["pupils"]
        assert isinstance(pupils, forms.ModelMultipleChoiceField)
        if whole:
            pupils.queryset = Pupil.objects.filter(
                school=school, status=PupilStatus.ACTIVE
            ).order_by("legal_last_name", "legal_first_name")
        else:
            del self.fields["pupils"]
            del self.fields["year_group"]
        if not actor.can(SEND_URGENT, school.pk):
            del self.fields["urgent"]
        if not self.is_bound:
            audience.initial = audience.choices[0][0]

    def audience_data(self) -> dict[str, Any]:
        """The audience as chosen so far (for counting while writing): the fields that are
        valid, whatever else is missing from the form yet."""
        self.is_valid()
        data = self.cleaned_data
        pupils = data.get("pupils") or []
        return {
            "audience": data.get("audience") or "",
            "year_group_id": data["year_group"].pk if data.get("year_group") else None,
            "group_id": data["group"].pk if data.get("group") else None,
            "pupil_ids": [p.pk for p in pupils],
        }

    def clean_attachments(self) -> list[tuple[UploadedFile[bytes], str]]:
        files = self.cleaned_data.get("attachments") or []
        if len(files) > 10:
            raise ValidationError(_("Attach at most 10 files."))
        errors = []
        checked = []
        for upload in files:
            try:
                checked.append((upload, attachment_check(upload)))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked

    def clean_video(self) -> UploadedFile[bytes] | None:
        upload = self.cleaned_data.get("video")
        if upload:
            video_check(upload)
            upload.name = f"video.{extension(upload.name or '')}"
        return upload or None

    def clean_video_poster(self) -> UploadedFile[bytes] | None:
        upload = self.cleaned_data.get("video_poster")
        if upload:
            content_type = poster_check(upload)
            upload.name = "poster." + content_type.split("/")[1].replace("jpeg", "jpg")
        return upload or None

    def clean_video_link(self) -> str:
        link = (self.cleaned_data.get("video_link") or "").strip()
        if link and not link.lower().startswith("https://"):
            raise ValidationError(_("The link must start with https://"))
        return link

    def clean_scheduled_for(self) -> dt.datetime | None:
        when = self.cleaned_data.get("scheduled_for")
        if when is not None and when < timezone.now() - dt.timedelta(minutes=5):
            raise ValidationError(_("Choose a time in the future, or leave it empty to send now."))
        return when

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        audience = data.get("audience")
        if audience == AudienceKind.YEAR and not data.get("year_group"):
            self.add_error("year_group", _("Choose a year group."))
        if audience == AudienceKind.GROUP and not data.get("group"):
            self.add_error("group", _("Choose a class or group."))
        if audience == AudienceKind.LIST and not data.get("pupils"):
            self.add_error("pupils", _("Choose at least one pupil."))
        if data.get("video") and data.get("video_link"):
            self.add_error("video_link", _("Upload a video or give a link, not both."))
        if data.get("video") and not data.get("video_poster"):
            self.add_error("video_poster", _("Add a poster picture for the video."))
        return data
