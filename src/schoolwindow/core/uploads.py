"""Files people upload, accepted by what they are and kept where only the allowed can reach them.

Two halves, both for any app (the portfolio first):

- **Accepting.** `image_accept` decides what a file is from its bytes (magic numbers, then
  Pillow decoding it), never from its name or the browser's content type, so a script named
  `.jpg` is refused. It refuses a file over the size limit before decoding, and an image whose
  header claims more pixels than the limit before a single pixel is decoded (a decompression
  bomb is a few kilobytes that would unpack into gigabytes). What it accepts it re-encodes: EXIF
  orientation applied, colours converted to sRGB, the long edge capped, saved as a fresh JPEG
  with no metadata at all — the location a phone writes into every photo never reaches storage.
  The result is a `CleanUpload`; documents (PDF) and video will be further kinds of it, with
  their own `*_accept`.
- **Keeping and serving.** `stored_put` / `stored_open` / `stored_delete` go through Django's
  storage API (`STORAGES["default"]`: local files under MEDIA_ROOT, or an S3-compatible bucket by
  configuration), under random names that say nothing about the child or the original file.
  Nothing is public: `serve_stored_file` is the one way out, and it answers 404 unless the
  caller's permission check said yes.
"""

from __future__ import annotations

import contextlib
import enum
import io
import mimetypes
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, default_storage
from django.http import FileResponse, HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from schoolwindow.core.errors import Invalid, NotFound

MB = 1024 * 1024
# Long edge of a re-encoded photo: sharp on any phone or laptop, a few hundred KB at quality 85.
PHOTO_LONG_EDGE = 2560
PHOTO_QUALITY = 85
# Enough bytes to tell every accepted format by its magic number.
SNIFF_BYTES = 32
# What Pillow may raise for a file that is not the image it started to look like.
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError)


class UploadKind(enum.StrEnum):
    IMAGE = "image"
    # To come with the portfolio's other posts, each with its own `*_accept`:
    # DOCUMENT = "document" (PDF), VIDEO = "video".


@dataclass(frozen=True)
class CleanUpload:
    """An upload that has been checked and rewritten: safe to store and to show.

    `content` is the rewritten file, not the one that came in; `extension` and `content_type`
    describe it (an accepted HEIC comes out as `.jpg`, `image/jpeg`)."""

    kind: UploadKind
    content: bytes
    content_type: str
    extension: str

    @property
    def size(self) -> int:
        return len(self.content)

    def as_file(self) -> ContentFile[bytes]:
        return ContentFile(self.content)


@dataclass(frozen=True)
class CleanImage(CleanUpload):
    width: int
    height: int
    # What the file was when it came in (JPEG, HEIF, PNG, WEBP), for the record and figures.
    source_format: str


# --- Accepting images ------------------------------------------------------------------------


def sniff_image(head: bytes) -> str:
    """The Pillow format the first bytes announce, or "" for anything we do not accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    # ISO base media: a box size, "ftyp", then the brand. iPhones write heic; mif1/msf1 are the
    # generic HEIF brands some Android phones use.
    if head[4:8] == b"ftyp" and head[8:12] in {
        b"heic",
        b"heix",
        b"heim",
        b"heis",
        b"hevc",
        b"hevx",
        b"mif1",
        b"msf1",
    }:
        return "HEIF"
    return ""


@cache
def _heif_opener() -> None:
    # Registered once, on first use, so importing core does not load libheif.
    from pillow_heif import register_heif_opener

    register_heif_opener(thumbnails=False)


def _not_a_photo(field: str) -> Invalid:
    return Invalid(
        _("This file is not a photo we can read. Please choose a photo (JPEG, HEIC, PNG or WebP)."),
        field=field,
    )


def _too_big(max_bytes: int, field: str) -> Invalid:
    return Invalid(
        _("Photos can be up to %(mb)s MB. Please choose a smaller photo.")
        % {"mb": _megabytes(max_bytes)},
        field=field,
    )


def _megabytes(size: int) -> str:
    return f"{size / MB:.0f}" if size % MB == 0 or size >= 10 * MB else f"{size / MB:.1f}"


def _read_limited(file: IO[bytes] | File[bytes], max_bytes: int, field: str) -> bytes:
    """The file's bytes, refused as soon as it is known to be over the limit — from its declared
    size when it has one, and in any case by reading no more than one byte past the limit."""
    declared = getattr(file, "size", None)
    if isinstance(declared, int) and declared > max_bytes:
        raise _too_big(max_bytes, field)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_big(max_bytes, field)
    return data


_TRUNCATION_LOCK = threading.Lock()


@contextlib.contextmanager
def _truncated_refused() -> Iterator[None]:
    """Pillow's switch for loading cut-off images is one for the whole process, and WeasyPrint
    turns it on when it is imported (for the PDFs): a photo cut off in the upload would then be
    accepted half grey. It is off while we decode, under a lock so two uploads do not race."""
    with _TRUNCATION_LOCK:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def image_accept(
    file: IO[bytes] | File[bytes],
    *,
    max_bytes: int,
    max_pixels: int,
    long_edge: int = PHOTO_LONG_EDGE,
    field: str = "",
) -> CleanImage:
    """Check an uploaded photo by its content and rewrite it as a clean JPEG.

    Raises `Invalid` (on `field`) in plain words for a file that is too big, not a photo, a
    decompression bomb or damaged. Accepts JPEG, HEIC/HEIF, PNG and WebP.
    """
    data = _read_limited(file, max_bytes, field)
    source_format = sniff_image(data[:SNIFF_BYTES])
    if not source_format:
        raise _not_a_photo(field)
    if source_format == "HEIF":
        _heif_opener()
    try:
        # Pillow itself raises past twice its MAX_IMAGE_PIXELS (179 MP) on opening; our own
        # limit, checked on the header before anything is decoded, is the one that counts.
        # (Not warnings.catch_warnings: it changes process-wide state under threaded workers.)
        with Image.open(io.BytesIO(data), formats=[source_format]) as probe:
            _refuse_bomb(probe.width, probe.height, max_pixels, field)
            probe.verify()
        with Image.open(io.BytesIO(data), formats=[source_format]) as image:
            if source_format == "JPEG":
                # Decode at a reduced scale when the photo is far larger than we keep.
                image.draft("RGB", (long_edge, long_edge))
            with _truncated_refused():
                image.load()
            clean = _normalise(image, long_edge)
    except Image.DecompressionBombError:
        raise _bomb(max_pixels, field) from None
    except Invalid:
        raise
    except UnidentifiedImageError:
        raise _not_a_photo(field) from None
    except DECODE_ERRORS:
        raise Invalid(
            _("This photo seems to be damaged or only partly uploaded. Please try again."),
            field=field,
        ) from None
    out = io.BytesIO()
    # No exif=, icc_profile= or xmp= arguments: the new file carries no metadata at all.
    clean.save(out, format="JPEG", quality=PHOTO_QUALITY, progressive=True)
    return CleanImage(
        kind=UploadKind.IMAGE,
        content=out.getvalue(),
        content_type="image/jpeg",
        extension=".jpg",
        width=clean.width,
        height=clean.height,
        source_format=source_format,
    )


def _refuse_bomb(width: int, height: int, max_pixels: int, field: str) -> None:
    if width * height > max_pixels:
        raise _bomb(max_pixels, field)


def _bomb(max_pixels: int, field: str) -> Invalid:
    return Invalid(
        _(
            "This picture is too large to open safely: photos can be up to %(mp)s megapixels. "
            "Please choose a smaller one."
        )
        % {"mp": max_pixels // 1_000_000},
        field=field,
    )


SRGB = ImageCms.createProfile("sRGB")


def _normalise(image: Image.Image, long_edge: int) -> Image.Image:
    """Upright, sRGB, RGB, at most `long_edge` on the long side, with no metadata."""
    icc = image.info.get("icc_profile")
    if max(image.size) > long_edge:
        # First, so turning and colour conversion work on the small picture; in place, so the
        # EXIF orientation read next is still the original's.
        image.thumbnail((long_edge, long_edge), Image.Resampling.LANCZOS)
    upright = ImageOps.exif_transpose(image) or image
    if upright.mode not in {"RGB", "L"}:
        upright = _flatten(upright)
    if icc and upright.mode == "RGB":
        # An iPhone photo is in Display P3: convert it, or it looks washed out once its profile
        # is dropped. A profile that cannot be read is ignored (the pixels are taken as sRGB).
        try:
            converted = ImageCms.profileToProfile(
                upright, ImageCms.ImageCmsProfile(io.BytesIO(icc)), SRGB, outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            converted = None
        if converted is not None:
            upright = converted
    if upright.mode != "RGB":
        upright = upright.convert("RGB")
    # A fresh image: nothing from the original's info (EXIF, XMP, ICC, comments) comes along.
    clean = Image.new("RGB", upright.size)
    clean.paste(upright)
    return clean


def _flatten(image: Image.Image) -> Image.Image:
    """Transparent parts on white (a JPEG has no transparency), anything else as RGB."""
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in {"RGBA", "LA", "RGBa", "La", "PA"}:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


# --- Keeping and serving ---------------------------------------------------------------------


def _storage(storage: Storage | None) -> Storage:
    return storage if storage is not None else default_storage


def stored_put(clean: CleanUpload, *, folder: str, storage: Storage | None = None) -> str:
    """Store a clean upload under `folder/YYYY/MM/<random>.<ext>`; the name it was stored under.

    The name is random, so it says nothing about the pupil or the original file (whose name a
    parent chose) and cannot be guessed; the app keeps it on its own record."""
    now = timezone.now()
    name = f"{folder.strip('/')}/{now:%Y/%m}/{secrets.token_urlsafe(18)}{clean.extension}"
    return _storage(storage).save(name, clean.as_file())


def stored_open(name: str, *, storage: Storage | None = None) -> File[Any]:
    return _storage(storage).open(name, "rb")


def stored_delete(name: str, *, storage: Storage | None = None) -> None:
    _storage(storage).delete(name)


def serve_stored_file(
    request: HttpRequest,
    name: str,
    *,
    allowed: bool,
    download_name: str = "",
    storage: Storage | None = None,
) -> HttpResponseBase:
    """The stored file for a person the caller has checked: 404 unless `allowed`.

    The caller runs its own permission check (its policy) and passes the answer; a file not
    allowed and a file that does not exist look the same, so a guessed name learns nothing.
    The app streams the file itself; with SCHOOLWINDOW_S3_SIGNED_REDIRECT on an S3 store it
    instead redirects to a signed URL that expires in UPLOADS_SIGNED_URL_SECONDS (the bucket
    stays private either way)."""
    store = _storage(storage)
    if not allowed or not name or not store.exists(name):
        raise NotFound
    signed = _signed_url(store, name) if settings.UPLOADS_SIGNED_REDIRECT else ""
    if signed:
        response: HttpResponseBase = HttpResponseRedirect(signed)
    else:
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        response = FileResponse(
            store.open(name, "rb"),
            content_type=content_type,
            as_attachment=bool(download_name),
            filename=download_name,
        )
        response["X-Content-Type-Options"] = "nosniff"
    # Only this person's browser may keep it: never a shared cache.
    response["Cache-Control"] = "private, max-age=300"
    return response


def _signed_url(store: Storage, name: str) -> str:
    """A short-lived signed URL for `name` on an S3 store, or "" for any other storage."""
    from storages.backends.s3 import S3Storage
    from storages.utils import clean_name

    if not isinstance(store, S3Storage):
        return ""
    client = store.connection.meta.client
    key = store._normalize_name(clean_name(name))
    url = client.generate_presigned_url(
        "get_object",
        Params={"Bucket": store.bucket_name, "Key": key},
        ExpiresIn=int(settings.UPLOADS_SIGNED_URL_SECONDS),
    )
    return str(url)
