"""Videos and documents accepted by their content and size (no transcoding), and the small copy
of a photo that lists show. Attacks: a script named .mp4 or .pdf, a PDF that runs a script, a
cut-off video, an oversized file."""

from __future__ import annotations

import io
import struct

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from schoolwindow.core.errors import Invalid
from schoolwindow.core.uploads import (
    THUMBNAIL_EDGE,
    UploadKind,
    document_accept,
    image_accept,
    image_thumbnail,
    sniff_video,
    video_accept,
)

MB = 1 << 20


def box(kind: bytes, body: bytes = b"") -> bytes:
    return struct.pack(">I", 8 + len(body)) + kind + body


def mp4(brand: bytes = b"isom") -> bytes:
    """The smallest shape of an MP4 (or MOV with brand "qt  "): ftyp, moov, mdat boxes."""
    return (
        box(b"ftyp", brand + b"\x00\x00\x02\x00" + brand)
        + box(b"moov", box(b"mvhd", b"\x00" * 100))
        + box(b"mdat", b"\x00" * 256)
    )


def webm() -> bytes:
    return b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm" + b"\x00" * 64


def pdf(body: bytes = b"<< /Type /Catalog /Pages 2 0 R >>") -> bytes:
    return b"%PDF-1.7\n1 0 obj\n" + body + b"\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# --- Video -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "content_type", "extension"),
    [
        (mp4(), "video/mp4", ".mp4"),
        (mp4(b"mp42"), "video/mp4", ".mp4"),
        (mp4(b"qt  "), "video/quicktime", ".mov"),
        (webm(), "video/webm", ".webm"),
    ],
)
def test_videos_are_accepted_by_content_and_kept_as_they_came(
    data: bytes, content_type: str, extension: str
) -> None:
    clean = video_accept(upload(data, "clip.bin"), max_bytes=MB, field="video")
    assert (clean.kind, clean.content_type, clean.extension) == (
        UploadKind.VIDEO,
        content_type,
        extension,
    )
    assert clean.content == data  # not transcoded


def test_a_script_named_mp4_is_refused() -> None:
    with pytest.raises(Invalid) as refused:
        video_accept(upload(b"#!/bin/sh\necho hi\n" * 10, "film.mp4"), max_bytes=MB, field="video")
    assert "not a video" in refused.value.message
    assert refused.value.field == "video"


def test_a_cut_off_video_and_a_heic_photo_are_not_videos() -> None:
    whole = mp4()
    assert sniff_video(whole[: len(whole) - 40]) == ""
    heic_like = box(b"ftyp", b"heic\x00\x00\x00\x00mif1") + box(b"meta", b"\x00" * 20)
    assert sniff_video(heic_like) == ""
    no_movie = box(b"ftyp", b"isom\x00\x00\x02\x00isom") + box(b"mdat", b"\x00" * 10)
    assert sniff_video(no_movie) == ""


def test_an_oversized_video_is_refused_naming_the_limit() -> None:
    with pytest.raises(Invalid) as refused:
        video_accept(upload(mp4() + b"\x00" * (2 * MB), "long.mp4"), max_bytes=MB)
    assert refused.value.message.startswith("Videos can be up to 1 MB")


# --- Documents ---------------------------------------------------------------------------


def test_a_pdf_is_accepted() -> None:
    clean = document_accept(upload(pdf(), "story.bin"), max_bytes=MB, field="document")
    assert (clean.kind, clean.content_type, clean.extension) == (
        UploadKind.DOCUMENT,
        "application/pdf",
        ".pdf",
    )


@pytest.mark.parametrize(
    "data",
    [
        b"#!/usr/bin/env python\nimport os\n",
        b"<html><script>alert(1)</script></html>",
        b"PK\x03\x04" + b"\x00" * 100,  # a Word document (zip)
        pdf()[:-8],  # cut off: no end marker
    ],
)
def test_anything_but_a_pdf_is_refused_whatever_its_name(data: bytes) -> None:
    with pytest.raises(Invalid) as refused:
        document_accept(upload(data, "homework.pdf"), max_bytes=MB, field="document")
    assert "not a PDF" in refused.value.message


@pytest.mark.parametrize(
    "body",
    [
        b"<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
        b"<< /Type /Action /S /Launch /F (cmd.exe) >>",
        b"<< /Names << /EmbeddedFiles 3 0 R >> >>",
        b"<< /S /J#61vaScript /JS (x) >>",
    ],
)
def test_a_pdf_that_runs_something_is_refused(body: bytes) -> None:
    with pytest.raises(Invalid, match="scripts or attachments"):
        document_accept(upload(pdf(body), "worksheet.pdf"), max_bytes=MB)


def test_script_like_bytes_inside_a_stream_do_not_refuse_a_pdf() -> None:
    body = b"<< /Length 20 >>\nstream\n/JS/JavaScript/AA\nendstream"
    assert document_accept(upload(pdf(body), "scan.pdf"), max_bytes=MB).size > 0


def test_an_oversized_document_is_refused() -> None:
    with pytest.raises(Invalid, match="Documents can be up to 1 MB"):
        document_accept(upload(pdf(b"x" * (2 * MB)), "big.pdf"), max_bytes=MB)


# --- Thumbnails --------------------------------------------------------------------------


def test_a_thumbnail_is_small_and_carries_no_metadata() -> None:
    source = io.BytesIO()
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 30.0, 0.0)})
    Image.new("RGB", (2000, 1000), (30, 200, 90)).save(source, format="JPEG", exif=exif.tobytes())
    clean = image_accept(
        upload(source.getvalue(), "p.jpg"), max_bytes=15 * MB, max_pixels=60_000_000
    )
    small = image_thumbnail(clean)
    assert (small.width, small.height) == (THUMBNAIL_EDGE, THUMBNAIL_EDGE // 2)
    assert small.size < 30_000
    out = Image.open(io.BytesIO(small.content))
    assert out.format == "JPEG" and len(out.getexif()) == 0


# --- Byte ranges (a phone playing a video) -------------------------------------------------


def test_a_video_is_served_in_byte_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.http import Http404
    from django.test import RequestFactory

    from schoolwindow.core import uploads

    data = mp4() + box(b"mdat", bytes(range(256)) * 8)
    name = uploads.stored_put(
        video_accept(upload(data, "clip.mp4"), max_bytes=MB), folder="portfolio/video"
    )
    total = len(data)

    def get(range_header: str = "", *, allowed: bool = True) -> object:
        request = (
            RequestFactory().get("/v", HTTP_RANGE=range_header)
            if range_header
            else (RequestFactory().get("/v"))
        )
        return uploads.serve_stored_file(request, name, allowed=allowed)

    first = get("bytes=0-9")
    assert first.status_code == 206  # type: ignore[attr-defined]
    assert first["Content-Range"] == f"bytes 0-9/{total}"  # type: ignore[index]
    assert first.content == data[:10]  # type: ignore[attr-defined]
    assert first["Content-Type"] == "video/mp4"  # type: ignore[index]
    assert first["Cache-Control"] == "private, max-age=300"  # type: ignore[index]
    tail = get("bytes=-5")
    assert tail.content == data[-5:]  # type: ignore[attr-defined]
    assert get(f"bytes={total}-").status_code == 416  # type: ignore[attr-defined]
    monkeypatch.setattr(uploads, "RANGE_CHUNK", 100)
    capped = get("bytes=50-")
    assert capped["Content-Range"] == f"bytes 50-149/{total}"  # type: ignore[index]
    assert capped.content == data[50:150]  # type: ignore[attr-defined]
    whole = get()
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"  # type: ignore[attr-defined,index]
    whole.file_to_stream.close()  # type: ignore[attr-defined]
    with pytest.raises(Http404):
        get("bytes=0-9", allowed=False)
