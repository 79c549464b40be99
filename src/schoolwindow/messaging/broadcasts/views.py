"""Announcements to many families: the list with per-recipient statistics, a new announcement
(audience, attachments, a scheduled time, the head's weekly video), and each one's recipients.

Uploads are checked by extension and by the file's first bytes, so a renamed program is refused;
a poster image must open with Pillow. Videos are served through the application, to the school's
staff, the families it went to, and anyone holding the link written into the announcement.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.core.access import actor_passes
from schoolwindow.core.capabilities import SEND_ANNOUNCEMENTS
from schoolwindow.core.errors import Refused, attempt_form
from schoolwindow.core.once import AlreadyDone, already_done, form_token
from schoolwindow.core.requests import actor_of
from schoolwindow.messaging.broadcasts.forms import VIDEO_TYPES, BroadcastForm, extension
from schoolwindow.messaging.broadcasts.selectors import (
    Reach,
    Stats,
    audience_reach,
    broadcast_for,
    broadcast_progress,
    broadcast_schools,
    broadcast_stats,
    broadcasts_visible,
    may_broadcast,
    pupil_choices,
)
from schoolwindow.messaging.broadcasts.services import (
    broadcast_send,
)
from schoolwindow.messaging.broadcasts.video import byte_range, video_broadcast, video_url
from schoolwindow.messaging.models import (
    AudienceKind,
    Delivery,
)
from schoolwindow.schools.models import School
from schoolwindow.schools.requests import school_choice

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
    status = 200
    action = request.POST.get("action", "send")
    if request.method == "POST" and action in ("find", "count"):
        # Without JavaScript: the same form back, with the pupils found and the families
        # counted; nothing is sent and nothing is marked wrong yet.
        form = BroadcastForm(request.POST, actor=actor, school=school)
        audience = form.audience_data()
        form.errors.clear()
        return render(
            request,
            "messaging/broadcasts/new.html",
            {
                "form": form,
                "school": school,
                "schools": schools,
                **_audience_context(school, audience, request.POST.get("pupil_q", "")),
            },
        )
    if request.method == "POST":
        form = BroadcastForm(request.POST, request.FILES, actor=actor, school=school)
        if form.is_valid():
            try:
                sent, status = attempt_form(
                    form,
                    broadcast_send,
                    actor=actor,
                    school=school,
                    data=form.cleaned_data,
                    once=form_token(request.POST),
                )
            except AlreadyDone as done:
                return already_done(request, done, fallback=reverse("families:broadcasts"))
            if sent is not None:
                broadcast, copies = sent
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
    audience = (
        form.audience_data()
        if form.is_bound
        else {"audience": form.fields["audience"].initial or ""}
    )
    return render(
        request,
        "messaging/broadcasts/new.html",
        {"form": form, "school": school, "schools": schools, **_audience_context(school, audience)},
        status=status,
    )


def _audience_context(school: School, audience: dict[str, Any], search: str = "") -> dict[str, Any]:
    chosen, matches = pupil_choices(
        school_id=school.pk, search=search, chosen=audience.get("pupil_ids") or []
    )
    return {
        "reach": _reach(school, audience),
        "chosen": chosen,
        "matches": matches,
        "pupil_q": search,
    }


def _reach(school: School, audience: dict[str, Any]) -> Reach | None:
    """The families reached, once the audience is complete enough to count."""
    kind = audience.get("audience")
    if (
        not kind
        or (kind == AudienceKind.YEAR and not audience.get("year_group_id"))
        or (kind == AudienceKind.GROUP and not audience.get("group_id"))
        or (kind == AudienceKind.LIST and not audience.get("pupil_ids"))
    ):
        return None
    return audience_reach(school_id=school.pk, **audience)


@actor_passes(may_broadcast)
def broadcast_audience(request: HttpRequest) -> HttpResponse:
    """HTMX: the live count of families an announcement reaches, and how many get a letter."""
    actor = actor_of(request)
    school, _schools = school_choice(request, broadcast_schools(actor))
    form = BroadcastForm(request.GET, actor=actor, school=school)
    return render(
        request,
        "messaging/broadcasts/_reach.html",
        {"reach": _reach(school, form.audience_data())},
    )


@actor_passes(may_broadcast)
def broadcast_pupils(request: HttpRequest) -> HttpResponse:
    """HTMX: the pupils chosen so far and up to twenty more whose names match."""
    actor = actor_of(request)
    school, _schools = school_choice(request, broadcast_schools(actor))
    if not actor.can(SEND_ANNOUNCEMENTS, school.pk):
        raise Refused
    chosen_ids = [
        int(value)
        for value in request.GET.getlist("pupils")[:500]
        if value.isdigit() and len(value) < 12
    ]
    search = request.GET.get("pupil_q", "").strip()[:100]
    chosen, matches = pupil_choices(school_id=school.pk, search=search, chosen=chosen_ids)
    return render(
        request,
        "messaging/broadcasts/_pupil_picker.html",
        {"chosen": chosen, "matches": matches, "pupil_q": search},
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


def broadcast_video(request: HttpRequest, broadcast_id: int) -> HttpResponse:
    """The head's video: an HTML5 player with its poster, or the link to where it is."""
    broadcast = video_broadcast(request, broadcast_id)
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
    broadcast = video_broadcast(request, broadcast_id)
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


def broadcast_video_poster(request: HttpRequest, broadcast_id: int) -> FileResponse:
    broadcast = video_broadcast(request, broadcast_id)
    if not broadcast.video_poster:
        raise Http404
    ext = extension(broadcast.video_poster.name or "")
    content_type = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}.get(
        ext, "image/webp"
    )
    return FileResponse(broadcast.video_poster.open("rb"), content_type=content_type)
