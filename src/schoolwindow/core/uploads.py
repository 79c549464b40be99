"""Files people upload, accepted by what they are and kept where only the allowed can reach them.

Two halves, both for any app (the portfolio first):

- **Accepting.** `image_accept` decides what a file is from its bytes (magic numbers, then
  Pillow decoding it), never from its name or the browser's content type, so a script named
  `.jpg` is refused. It refuses a file over the size limit before decoding, and an image whose
  header claims more pixels than the limit before a single pixel is decoded (a decompression
  bomb is a few kilobytes that would unpack into gigabytes). What it accepts it re-encodes: EXIF
  orientation applied, colours converted to sRGB, the long edge capped, saved as a fresh JPEG
  with no metadata at all — the location a phone writes into every photo never reaches storage.
  The result is a `CleanUpload`. `image_thumbnail` makes the small copy list pages show.
  `video_accept` (MP4, MOV, WebM) and `document_accept` (PDF) check the file's structure by its
  bytes and its size, and keep it as it came: **videos are not transcoded** (no ffmpeg on the
  server; a phone's video plays as it was recorded, and its own metadata — which may include
  where it was filmed — stays in the file, so it is served only to those allowed, like every
  upload). A PDF carrying scripts, launch actions or embedded files is refused.
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
import re
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, default_storage
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from schoolwindow.core.errors import Invalid, NotFound

MB = 1024 * 1024
# Long edge of a re-encoded photo: sharp on any phone or laptop, a few hundred KB at quality 85.
PHOTO_LONG_EDGE = 2560
PHOTO_QUALITY = 85
# The small copy a list shows: a phone's screen width at 2x, well under 30 KB.
THUMBNAIL_EDGE = 320
THUMBNAIL_QUALITY = 70
# Enough bytes to tell every accepted format by its magic number.
SNIFF_BYTES = 32
# What Pillow may raise for a file that is not the image it started to look like.
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError)


class UploadKind(enum.StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    DOCUMENT = "document"


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


def _too_big(max_bytes: int, field: str, kind: UploadKind = UploadKind.IMAGE) -> Invalid:
    words = {
        UploadKind.IMAGE: _("Photos can be up to %(mb)s MB. Please choose a smaller photo."),
        UploadKind.VIDEO: _("Videos can be up to %(mb)s MB. Please choose a shorter video."),
        UploadKind.DOCUMENT: _(
            "Documents can be up to %(mb)s MB. Please choose a smaller document."
        ),
    }[kind]
    return Invalid(words % {"mb": _megabytes(max_bytes)}, field=field)


def _megabytes(size: int) -> str:
    return f"{size / MB:.0f}" if size % MB == 0 or size >= 10 * MB else f"{size / MB:.1f}"


def _read_limited(
    file: IO[bytes] | File[bytes],
    max_bytes: int,
    field: str,
    kind: UploadKind = UploadKind.IMAGE,
) -> bytes:
    """The file's bytes, refused as soon as it is known to be over the limit — from its declared
    size when it has one, and in any case by reading no more than one byte past the limit."""
    declared = getattr(file, "size", None)
    if isinstance(declared, int) and declared > max_bytes:
        raise _too_big(max_bytes, field, kind)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_big(max_bytes, field, kind)
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


def image_thumbnail(clean: CleanImage, *, edge: int = THUMBNAIL_EDGE) -> CleanImage:
    """A small JPEG of an accepted photo for lists (lazy-loaded): a few KB on a slow phone.

    Made from the clean copy, so it carries no metadata either."""
    with Image.open(io.BytesIO(clean.content)) as image:
        image.draft("RGB", (edge, edge))
        image.load()
        small = image.convert("RGB")
    small.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, format="JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return CleanImage(
        kind=UploadKind.IMAGE,
        content=out.getvalue(),
        content_type="image/jpeg",
        extension=".jpg",
        width=small.width,
        height=small.height,
        source_format="JPEG",
    )


# --- Accepting videos and documents ----------------------------------------------------------

# ISO base media brands of the videos phones and cameras make (MP4, iPhone MOV, 3GP, M4V).
VIDEO_BRANDS = {
    b"isom",
    b"iso2",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"M4V ",
    b"M4VP",
    b"qt  ",
    b"3gp4",
    b"3gp5",
    b"3gp6",
    b"3g2a",
    b"dash",
    b"MSNV",
}
VIDEO_TYPES = {"MP4": ("video/mp4", ".mp4"), "MOV": ("video/quicktime", ".mov")}
WEBM = ("video/webm", ".webm")


def _not_a_video(field: str) -> Invalid:
    return Invalid(
        _("This file is not a video we can show. Please choose a video (MP4, MOV or WebM)."),
        field=field,
    )


def _iso_boxes(data: bytes) -> list[bytes]:
    """The top-level box types of an ISO base media file, or [] when its boxes do not add up
    (cut off, or something else wearing an MP4 header)."""
    kinds, at = [], 0
    while at < len(data):
        if at + 8 > len(data):
            return []
        size = int.from_bytes(data[at : at + 4], "big")
        kind = data[at + 4 : at + 8]
        header = 8
        if size == 1:
            if at + 16 > len(data):
                return []
            size, header = int.from_bytes(data[at + 8 : at + 16], "big"), 16
        elif size == 0:
            size = len(data) - at
        if size < header or at + size > len(data) or not kind.isascii():
            return []
        kinds.append(kind)
        at += size
    return kinds


def sniff_video(data: bytes) -> str:
    """ "MP4", "MOV" or "WEBM" when the bytes are that kind of video, else ""."""
    if data[:4] == b"\x1a\x45\xdf\xa3":
        # EBML (Matroska's container): WebM says so in its DocType near the start.
        return "WEBM" if b"webm" in data[:64] else ""
    if data[4:8] == b"ftyp" and data[8:12] in VIDEO_BRANDS:
        boxes = _iso_boxes(data)
        if boxes and boxes[0] == b"ftyp" and b"moov" in boxes:
            return "MOV" if data[8:12] == b"qt  " else "MP4"
    return ""


def video_accept(file: IO[bytes] | File[bytes], *, max_bytes: int, field: str = "") -> CleanUpload:
    """Check an uploaded video by its content and size; kept as it came (no transcoding)."""
    data = _read_limited(file, max_bytes, field, UploadKind.VIDEO)
    found = sniff_video(data)
    if not found:
        raise _not_a_video(field)
    content_type, extension = WEBM if found == "WEBM" else VIDEO_TYPES[found]
    return CleanUpload(
        kind=UploadKind.VIDEO, content=data, content_type=content_type, extension=extension
    )


# What a PDF may not carry: scripts, actions that launch a program, files inside it. Looked for
# outside stream data (compressed bytes would match by chance), and also written with the
# "#xx" escapes PDF names allow. Best effort: names inside compressed object streams are not
# unpacked, which is one reason PDFs are only ever downloaded, never shown inline.
PDF_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia)(?![A-Za-z0-9])")
PDF_ESCAPED_NAME = re.compile(rb"/[A-Za-z0-9#]*#[0-9A-Fa-f]{2}[A-Za-z0-9#]*")


def _pdf_active(data: bytes) -> bool:
    outside = PDF_STREAM.sub(b"", data)
    if PDF_ACTIVE.search(outside):
        return True
    for escaped in PDF_ESCAPED_NAME.finditer(outside):
        name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), escaped[0])
        if PDF_ACTIVE.match(name + b" "):
            return True
    return False


def document_accept(
    file: IO[bytes] | File[bytes], *, max_bytes: int, field: str = ""
) -> CleanUpload:
    """Check an uploaded PDF by its content and size. Anything else (a script named .pdf, a
    Word file, an HTML page) is refused, and so is a PDF that would run something."""
    data = _read_limited(file, max_bytes, field, UploadKind.DOCUMENT)
    if not (data.startswith((b"%PDF-1.", b"%PDF-2.")) and b"%%EOF" in data[-2048:]):
        raise Invalid(
            _("This file is not a PDF document. Please save it as a PDF and try again."),
            field=field,
        )
    if _pdf_active(data):
        raise Invalid(
            _(
                "This PDF contains scripts or attachments, so we cannot share it. Please "
                "print it to a new PDF and try again."
            ),
            field=field,
        )
    return CleanUpload(
        kind=UploadKind.DOCUMENT, content=data, content_type="application/pdf", extension=".pdf"
    )


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
    stays private either way). A single byte range (`Range: bytes=a-b`) is answered with 206
    and at most RANGE_CHUNK bytes, so phones can play and seek in a video."""
    store = _storage(storage)
    if not allowed or not name or not store.exists(name):
        raise NotFound
    signed = _signed_url(store, name) if settings.UPLOADS_SIGNED_REDIRECT else ""
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    wanted = _byte_range(request.headers.get("Range", ""))
    if signed:
        response: HttpResponseBase = HttpResponseRedirect(signed)
    elif wanted is not None and not download_name:
        response = _partial(store, name, wanted, content_type)
    else:
        response = FileResponse(
            store.open(name, "rb"),
            content_type=content_type,
            as_attachment=bool(download_name),
            filename=download_name,
        )
        response["X-Content-Type-Options"] = "nosniff"
        if not download_name:
            response["Accept-Ranges"] = "bytes"
    # Only this person's browser may keep it: never a shared cache.
    response["Cache-Control"] = "private, max-age=300"
    return response


# The most one ranged answer carries: a phone playing a video asks for "bytes=0-" and then the
# parts it needs; it gets them a few MB at a time instead of the whole file in one answer.
RANGE_CHUNK = 4 * MB
BYTE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _byte_range(header: str) -> tuple[int | None, int | None] | None:
    """One `Range: bytes=a-b` (either end may be missing); None for none or several."""
    found = BYTE_RANGE.match(header.strip())
    if found is None or found[1] == found[2] == "":
        return None
    return (int(found[1]) if found[1] else None, int(found[2]) if found[2] else None)


def _partial(
    store: Storage, name: str, wanted: tuple[int | None, int | None], content_type: str
) -> HttpResponseBase:
    """206 with the asked part of the file (at most RANGE_CHUNK), or 416 when it is past the
    end. Safari will not play a video from a server that does not answer ranges."""
    total = store.size(name)
    first, last = wanted
    if first is None:  # "bytes=-500": the last 500 bytes
        first, last = max(total - (last or 0), 0), total - 1
    if last is None or last >= total:
        last = total - 1
    last = min(last, first + RANGE_CHUNK - 1)
    if first >= total or first > last:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{total}"
        return refused
    with store.open(name, "rb") as stored:
        stored.seek(first)
        part = stored.read(last - first + 1)
    response = HttpResponse(part, status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {first}-{first + len(part) - 1}/{total}"
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
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
