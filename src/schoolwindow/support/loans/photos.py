"""Photos of kit: checked to be a photo by their bytes, re-encoded, and stripped of metadata
(a phone's photo carries where it was taken, which is often a family's home).

The checking and rewriting are core/uploads.py's `image_accept`, shared with the portfolio:
content sniffing, size and decompression-bomb guards, EXIF orientation, JPEG/HEIC/PNG/WebP in,
a fresh JPEG with no metadata out."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile

from schoolwindow.core.uploads import image_accept

MAX_BYTES = 12 * 1024 * 1024
MAX_SIDE = 1600  # enough to see a scratch on a laptop lid


def photo_clean(upload: UploadedFile[bytes], *, field: str = "photo") -> ContentFile[bytes]:
    """A JPEG made afresh from the upload's pixels, or Invalid if the bytes are no photo."""
    clean = image_accept(
        upload,
        max_bytes=MAX_BYTES,
        max_pixels=settings.UPLOADS_PHOTO_MAX_PIXELS,
        long_edge=MAX_SIDE,
        field=field,
    )
    return ContentFile(clean.content, name=f"{uuid.uuid4().hex}{clean.extension}")
