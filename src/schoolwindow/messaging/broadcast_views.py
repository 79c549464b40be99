"""Announcements to many families: the list with per-recipient statistics, a new announcement
(audience, attachments, a scheduled time, the head's weekly video), and each one's recipients.

Uploads are checked by extension and by the file's first bytes, so a renamed program is refused;
a poster image must open with Pillow. Videos are served through the application, to the school's
staff, the families it went to, and anyone holding the link written into the announcement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwindow.core.access import actor_passes
from schoolwindow.core.permissions import Actor
from schoolwindow.core.requests import actor_of
from schoolwindow.messaging.broadcasts import BROADCAST_ROLES, broadcast_create, broadcast_queue
from schoolwindow.messaging.models import (
    Attachment,
    AudienceKind,
    Broadcast,
    BroadcastStatus,
    Delivery,
    DeliveryStatus,
)
from schoolwindow.messaging.services import URGENT_ROLES
from schoolwindow.people.models import Pupil, PupilStatus, TeachingAssignment
from schoolwindow.schools.models import Group, School, YearGroup
from schoolwindow.schools.requests import school_choice

MB = 1024 * 1024
VIDEO_SALT = "messaging.broadcast-video"
# What became of each family's copy, in the order the figures show them. Every family is in
# exactly one of these, so they add up to the number of families.
STATS_STATUSES = (
    DeliveryStatus.QUEUED,
    DeliveryStatus.SENT,
    DeliveryStatus.DELIVERED,
    DeliveryStatus.READ,
    DeliveryStatus.REPLIED,
    DeliveryStatus.BOUNCED,
    DeliveryStatus.FAILED,
    DeliveryStatus.LETTER,
)
# A family with several copies (an email that bounced, then a text) counts once, by the copy that
# got furthest: most telling first.
FAMILY_ORDER: dict[str, int] = {
    status: rank
    for rank, status in enumerate(
        (
            DeliveryStatus.REPLIED,
            DeliveryStatus.READ,
            DeliveryStatus.DELIVERED,
            DeliveryStatus.SENT,
            DeliveryStatus.QUEUED,
            DeliveryStatus.LETTER,
            DeliveryStatus.BOUNCED,
            DeliveryStatus.FAILED,
        )
    )
}
# Statuses counted as another: still to send, and a letter whether printed yet or not.
STATS_MERGE: dict[str, str] = {
    DeliveryStatus.SENDING: DeliveryStatus.QUEUED,
    DeliveryStatus.PRINTED: DeliveryStatus.LETTER,
}
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


def head(upload: UploadedFile, size: int = 16) -> bytes:
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


def attachment_check(upload: UploadedFile) -> str:
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


def video_check(upload: UploadedFile) -> str:
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


def poster_check(upload: UploadedFile) -> str:
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


# --- Who may send ----------------------------------------------------------------------------


def broadcast_schools(actor: Actor) -> list[int]:
    return sorted(
        school_id
        for school_id in actor.staff_ids
        if actor.has_role(school_id, *BROADCAST_ROLES, "teacher")
    )


def may_broadcast(actor: Actor) -> bool:
    return bool(broadcast_schools(actor))


def broadcasts_visible(actor: Actor, school_id: int) -> QuerySet[Broadcast]:
    """Everyone's at the school for the broadcast roles; a teacher's own otherwise."""
    found = Broadcast.objects.filter(school_id=school_id)
    if actor.has_role(school_id, *BROADCAST_ROLES):
        return found
    staff_id = actor.staff_ids.get(school_id)
    if staff_id is None or not actor.has_role(school_id, "teacher"):
        return found.none()
    return found.filter(created_by_id=staff_id)


def broadcast_for(actor: Actor, broadcast_id: int) -> Broadcast:
    broadcast = Broadcast.objects.filter(pk=broadcast_id).select_related("created_by").first()
    if (
        broadcast is None
        or not broadcasts_visible(actor, broadcast.school_id).filter(pk=broadcast.pk).exists()
    ):
        raise Http404
    return broadcast


# --- Statistics ------------------------------------------------------------------------------


@dataclass
class Stats:
    """What became of an announcement: families by where their copy got to, and when the last
    copy left (sent, or given up on; a letter counts when printed, not here)."""

    counts: dict[str, int]
    total: int  # families, each once
    last_went: dt.datetime | None = None

    @property
    def waiting(self) -> int:
        """Families whose copy is still to go (waiting for its time, or being sent)."""
        return self.counts.get(DeliveryStatus.QUEUED, 0)

    @property
    def gone(self) -> int:
        return self.total - self.waiting

    @property
    def read(self) -> int:
        return self.counts.get(DeliveryStatus.READ, 0) + self.counts.get(DeliveryStatus.REPLIED, 0)

    @property
    def read_rate(self) -> int | None:
        """Percent of copies read (a reply counts as read); None before any copy."""
        if not self.total:
            return None
        return round(100 * self.read / self.total)

    @property
    def rows(self) -> list[tuple[str, str, int]]:
        labels = dict(DeliveryStatus.choices)
        return [
            (status, str(labels[status]), self.counts.get(status, 0)) for status in STATS_STATUSES
        ]


def broadcast_stats(broadcast_ids: list[int]) -> dict[int, Stats]:
    """Families per status for each broadcast, in two queries however many there are.

    The first counts copies per status (and when the last left); the second reads only the
    families with more than one copy (a fallback followed the first) so that each family counts
    once, by the copy that got furthest. Waiting and sending count as queued; a printed letter
    counts as a letter; cancelled copies (a contact restriction since) are not counted."""
    stats = {pk: Stats(counts={}, total=0) for pk in broadcast_ids}
    copies = Delivery.objects.filter(message__broadcast_id__in=broadcast_ids).exclude(
        status=DeliveryStatus.CANCELLED
    )
    rows = (
        copies.values("message__broadcast_id", "status")
        .annotate(n=Count("id"), went=Max(Coalesce("sent_at", "bounced_at", "failed_at")))
        .order_by()
    )
    for row in rows:
        item = stats[row["message__broadcast_id"]]
        status = STATS_MERGE.get(row["status"], row["status"])
        item.counts[status] = item.counts.get(status, 0) + row["n"]
        item.total += row["n"]
        went = row["went"]
        if status != DeliveryStatus.LETTER and went is not None:
            item.last_went = max(item.last_went, went) if item.last_went else went
    followed = copies.filter(message__broadcast_id__in=broadcast_ids, fallback_of__isnull=False)
    chains: dict[tuple[int, int], list[str]] = {}
    for broadcast_id, guardian_id, status in (
        copies.filter(Q(fallback_of__isnull=False) | Q(pk__in=followed.values("fallback_of_id")))
        .values_list("message__broadcast_id", "guardian_id", "status")
        .order_by()
    ):
        chains.setdefault((broadcast_id, guardian_id), []).append(STATS_MERGE.get(status, status))
    for (broadcast_id, _guardian_id), statuses in chains.items():
        if len(statuses) < 2:
            continue
        item = stats[broadcast_id]
        for status in statuses:
            item.counts[status] -= 1
        best = min(statuses, key=lambda status: FAMILY_ORDER.get(status, len(FAMILY_ORDER)))
        item.counts[best] += 1
        item.total -= len(statuses) - 1
    for item in stats.values():
        item.counts = {status: n for status, n in item.counts.items() if n}
    return stats


@dataclass(frozen=True)
class Progress:
    """Where an announcement has got to, told truthfully: scheduled (and for when), sending
    (so many families of so many), or sent (when the last copy left)."""

    state: str  # "draft", "scheduled", "sending", "sent" or "cancelled"
    when: dt.datetime | None
    gone: int
    total: int


def broadcast_progress(
    broadcast: Broadcast, stats: Stats, now: dt.datetime | None = None
) -> Progress:
    now = now or timezone.now()
    if broadcast.status in (BroadcastStatus.DRAFT, BroadcastStatus.CANCELLED):
        return Progress(broadcast.status, None, 0, stats.total)
    if broadcast.scheduled_for is not None and broadcast.scheduled_for > now:
        return Progress("scheduled", broadcast.scheduled_for, 0, stats.total)
    if stats.waiting:
        return Progress("sending", None, stats.gone, stats.total)
    return Progress("sent", stats.last_went, stats.total, stats.total)


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
        help_text=gettext_lazy("Hold Ctrl (or ⌘ on a Mac) to choose more than one."),
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
        whole = actor.has_role(school.pk, *BROADCAST_ROLES)
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
        if not actor.has_role(school.pk, *URGENT_ROLES):
            del self.fields["urgent"]
        if not self.is_bound:
            audience.initial = audience.choices[0][0]

    def clean_attachments(self) -> list[tuple[UploadedFile, str]]:
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

    def clean_video(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("video")
        if upload:
            video_check(upload)
            upload.name = f"video.{extension(upload.name or '')}"
        return upload or None

    def clean_video_poster(self) -> UploadedFile | None:
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


def video_key(broadcast_id: int) -> str:
    return signing.Signer(salt=VIDEO_SALT).sign(str(broadcast_id)).split(":", 1)[1]


def video_key_valid(broadcast_id: int, key: str) -> bool:
    try:
        signing.Signer(salt=VIDEO_SALT).unsign(f"{broadcast_id}:{key}")
    except signing.BadSignature:
        return False
    return True


def video_url(broadcast: Broadcast, *, absolute: bool = True) -> str:
    path = reverse("families:broadcast_video", kwargs={"broadcast_id": broadcast.pk})
    path += f"?k={video_key(broadcast.pk)}"
    return getattr(settings, "SITE_URL", "").rstrip("/") + path if absolute else path


def broadcast_send(*, actor: Actor, school: School, data: dict[str, Any]) -> tuple[Broadcast, int]:
    """Create the announcement with its files, and queue it (now, or for its time)."""
    audience = data["audience"]
    with transaction.atomic():
        broadcast = broadcast_create(
            actor=actor,
            school_id=school.pk,
            subject=data["subject"],
            body=data["body"],
            audience=audience,
            year_group_id=data["year_group"].pk
            if audience == AudienceKind.YEAR and data.get("year_group")
            else None,
            group_id=data["group"].pk
            if audience == AudienceKind.GROUP and data.get("group")
            else None,
            pupil_ids=[p.pk for p in data.get("pupils") or []]
            if audience == AudienceKind.LIST
            else [],
            urgent=bool(data.get("urgent")),
            scheduled_for=data.get("scheduled_for"),
            video_link=data.get("video_link", ""),
        )
        for upload, content_type in data.get("attachments") or []:
            Attachment.objects.create(
                school=school,
                broadcast=broadcast,
                file=upload,
                name=(upload.name or "file")[:200],
                content_type=content_type,
                size=upload.size or 0,
            )
        if data.get("video") or data.get("video_link"):
            if data.get("video"):
                broadcast.video = data["video"]
                broadcast.video_poster = data["video_poster"]
            line = _("Watch the video: %(link)s") % {"link": video_url(broadcast)}
            broadcast.body = f"{broadcast.body}\n\n{line}"
            broadcast.save(update_fields=["video", "video_poster", "body"])
        copies = broadcast_queue(actor=actor, broadcast=broadcast)
        # The attachments go with the message that carries the announcement.
        Attachment.objects.filter(broadcast=broadcast).update(
            message=broadcast.messages.order_by("pk").first()
        )
    return broadcast, copies


# --- Views -----------------------------------------------------------------------------------


@actor_passes(may_broadcast)
def broadcast_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    school, schools = school_choice(request, broadcast_schools(actor))
    page = Paginator(
        broadcasts_visible(actor, school.pk)
        .select_related("created_by")
        .order_by("-created_at", "-pk"),
        25,
    ).get_page(request.GET.get("page"))
    stats = broadcast_stats([b.pk for b in page.object_list])
    now = timezone.now()
    return render(
        request,
        "messaging/broadcasts/list.html",
        {
            "school": school,
            "schools": schools,
            "page": page,
            "rows": [
                (
                    broadcast,
                    stats[broadcast.pk],
                    broadcast_progress(broadcast, stats[broadcast.pk], now),
                )
                for broadcast in page.object_list
            ],
            "columns": Stats(counts={}, total=0).rows,
        },
    )


@actor_passes(may_broadcast)
def broadcast_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    school, schools = school_choice(request, broadcast_schools(actor))
    if request.method == "POST":
        form = BroadcastForm(request.POST, request.FILES, actor=actor, school=school)
        if form.is_valid():
            try:
                broadcast, copies = broadcast_send(
                    actor=actor, school=school, data=form.cleaned_data
                )
            except ValueError as error:
                form.add_error(None, str(error))
            else:
                if broadcast.status == "scheduled":
                    messages.success(
                        request,
                        _("Scheduled: %(n)d families will get it at the time you chose.")
                        % {"n": copies},
                    )
                else:
                    messages.success(request, _("Sent to %(n)d families.") % {"n": copies})
                return redirect("families:broadcast_detail", broadcast_id=broadcast.pk)
    else:
        form = BroadcastForm(actor=actor, school=school)
    return render(
        request,
        "messaging/broadcasts/new.html",
        {"form": form, "school": school, "schools": schools},
    )


@actor_passes(may_broadcast)
def broadcast_detail(request: HttpRequest, broadcast_id: int) -> HttpResponse:
    actor = actor_of(request)
    broadcast = broadcast_for(actor, broadcast_id)
    stats = broadcast_stats([broadcast.pk])[broadcast.pk]
    recipients = (
        Delivery.objects.filter(message__broadcast=broadcast)
        .select_related("guardian", "pupil")
        .only(
            "status",
            "channel",
            "queued_at",
            "sent_at",
            "delivered_at",
            "read_at",
            "replied_at",
            "bounced_at",
            "failed_at",
            "not_before",
            "guardian__title",
            "guardian__first_name",
            "guardian__last_name",
            "pupil__legal_first_name",
            "pupil__legal_last_name",
            "pupil__preferred_first_name",
            "pupil__preferred_last_name",
        )
        .order_by("guardian__last_name", "guardian__first_name", "pk")
    )
    page = Paginator(recipients, 50).get_page(request.GET.get("page"))
    attachments = list(broadcast.attachments.all())
    return render(
        request,
        "messaging/broadcasts/detail.html",
        {
            "broadcast": broadcast,
            "stats": stats,
            "progress": broadcast_progress(broadcast, stats),
            "page": page,
            "attachments": attachments,
            "video_path": video_url(broadcast, absolute=False)
            if broadcast.video or broadcast.video_link
            else "",
        },
    )


def _video_allowed(request: HttpRequest, broadcast: Broadcast) -> bool:
    if video_key_valid(broadcast.pk, request.GET.get("k", "")):
        return True
    actor = actor_of(request)
    if not actor.is_authenticated:
        return False
    if broadcast.school_id in actor.staff_ids:
        return True
    if actor.guardian_id is not None:
        from schoolwindow.messaging.selectors import announcement_copies

        # Theirs once it has reached them (a scheduled one is nowhere before its time).
        return announcement_copies(actor.guardian_id).filter(message__broadcast=broadcast).exists()
    return False


def _video_broadcast(request: HttpRequest, broadcast_id: int) -> Broadcast:
    broadcast = Broadcast.objects.filter(
        Q(video__gt="") | Q(video_link__gt=""), pk=broadcast_id
    ).first()
    if broadcast is None or not _video_allowed(request, broadcast):
        raise Http404
    return broadcast


def broadcast_video(request: HttpRequest, broadcast_id: int) -> HttpResponse:
    """The head's video: an HTML5 player with its poster, or the link to where it is."""
    broadcast = _video_broadcast(request, broadcast_id)
    key = request.GET.get("k", "")
    suffix = f"?k={key}" if key else ""
    return render(
        request,
        "messaging/broadcasts/video.html",
        {
            "broadcast": broadcast,
            "school": School.objects.get(pk=broadcast.school_id),
            "file_url": reverse("families:broadcast_video_file", args=[broadcast.pk]) + suffix
            if broadcast.video
            else "",
            "poster_url": reverse("families:broadcast_video_poster", args=[broadcast.pk]) + suffix
            if broadcast.video_poster
            else "",
            "content_type": VIDEO_TYPES.get(extension(broadcast.video.name or ""), "video/mp4"),
        },
    )


def broadcast_video_file(request: HttpRequest, broadcast_id: int) -> HttpResponseBase:
    """The video itself, with byte ranges: phones (Safari especially) ask for parts of it."""
    broadcast = _video_broadcast(request, broadcast_id)
    if not broadcast.video:
        raise Http404
    content_type = VIDEO_TYPES.get(
        extension(broadcast.video.name or ""), "application/octet-stream"
    )
    size = broadcast.video.size
    wanted = byte_range(request.headers.get("Range", ""), size)
    if wanted is None:
        whole = FileResponse(broadcast.video.open("rb"), content_type=content_type)
        whole["Accept-Ranges"] = "bytes"
        return whole
    start, end = wanted
    if start >= size:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    with broadcast.video.open("rb") as video:
        video.seek(start)
        chunk = video.read(end - start + 1)
    response = HttpResponse(chunk, status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {start}-{start + len(chunk) - 1}/{size}"
    response["Accept-Ranges"] = "bytes"
    return response


# At most this much of a video in one ranged answer.
RANGE_CHUNK = 4 * MB


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte of a single `bytes=` range, capped in length; None to send it all."""
    if not header.startswith("bytes=") or "," in header:
        return None
    first, _sep, last = header[6:].strip().partition("-")
    try:
        if not first:  # the last N bytes
            count = int(last)
            start, end = max(size - count, 0), size - 1
        else:
            start = int(first)
            end = int(last) if last else size - 1
    except ValueError:
        return None
    if end < start:
        return None
    return start, min(end, size - 1, start + RANGE_CHUNK - 1)


def broadcast_video_poster(request: HttpRequest, broadcast_id: int) -> FileResponse:
    broadcast = _video_broadcast(request, broadcast_id)
    if not broadcast.video_poster:
        raise Http404
    ext = extension(broadcast.video_poster.name or "")
    content_type = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}.get(
        ext, "image/webp"
    )
    return FileResponse(broadcast.video_poster.open("rb"), content_type=content_type)
