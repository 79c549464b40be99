"""An announcement's video: signed links for families (no sign-in) and byte ranges for players."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.urls import reverse

from schoolwindow.core.requests import actor_of
from schoolwindow.messaging.models import (
    Broadcast,
)

MB = 1024 * 1024
VIDEO_SALT = "messaging.broadcast-video"


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


def video_allowed(request: HttpRequest, broadcast: Broadcast) -> bool:
    if video_key_valid(broadcast.pk, request.GET.get("k", "")):
        return True
    actor = actor_of(request)
    if not actor.is_authenticated:
        return False
    if broadcast.school_id in actor.staff_ids:
        return True
    if actor.guardian_id is not None:
        from schoolwindow.messaging.conversations.selectors import announcement_copies

        # Theirs once it has reached them (a scheduled one is nowhere before its time).
        return announcement_copies(actor.guardian_id).filter(message__broadcast=broadcast).exists()
    return False


def video_broadcast(request: HttpRequest, broadcast_id: int) -> Broadcast:
    broadcast = Broadcast.objects.filter(
        Q(video__gt="") | Q(video_link__gt=""), pk=broadcast_id
    ).first()
    if broadcast is None or not video_allowed(request, broadcast):
        raise Http404
    return broadcast


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
