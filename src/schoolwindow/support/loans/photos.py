"""Photos of kit: checked to be an image by their bytes, re-encoded, and stripped of metadata
(a phone's photo carries where it was taken, which is often a family's home)."""

from __future__ import annotations

import io
import uuid

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from schoolwindow.core.errors import Invalid

MAX_BYTES = 12 * 1024 * 1024
MAX_SIDE = 1600
FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "MPO"}


def photo_clean(upload: UploadedFile[bytes], *, field: str = "photo") -> ContentFile[bytes]:
    """A JPEG made afresh from the upload's pixels, or Invalid if the bytes are no image."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise Invalid(_("This photo is too large. Choose one under 12 MB."), field=field)
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in FORMATS:
                raise UnidentifiedImageError
            upright = ImageOps.exif_transpose(image) or image
            upright = upright.convert("RGB")
            upright.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            # A fresh encode writes only pixels: no EXIF, GPS or maker notes survive.
            upright.save(out, format="JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise Invalid(
            _("This file is not a photo we can read. Choose a JPEG or PNG picture."), field=field
        ) from None
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
