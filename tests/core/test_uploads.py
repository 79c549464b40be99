"""Uploads: photos checked by content and rewritten clean, and stored where only the allowed reach
them — on local files and on an S3-compatible server (moto) started for the tests.

The attacks of issue 12 (item 9): a script named .jpg, an oversized file, a decompression bomb,
a photo carrying GPS, a corrupt image."""

from __future__ import annotations

import io
import os
import struct
import urllib.request
import uuid
import zlib
from collections.abc import Iterator

import boto3
import pytest
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.test import RequestFactory
from PIL import Image

from schoolwindow.config.settings import s3_storage
from schoolwindow.core.errors import Invalid
from schoolwindow.core.uploads import (
    CleanImage,
    UploadKind,
    image_accept,
    serve_stored_file,
    sniff_image,
    stored_delete,
    stored_open,
    stored_put,
)

MAX_BYTES = 15 << 20
MAX_PIXELS = 60_000_000
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def accept(data: bytes, name: str = "photo.jpg", **limits: int) -> CleanImage:
    upload = SimpleUploadedFile(name, data, content_type="image/jpeg")
    return image_accept(
        upload,
        max_bytes=limits.get("max_bytes", MAX_BYTES),
        max_pixels=limits.get("max_pixels", MAX_PIXELS),
        field="photo",
    )


def jpeg(size: tuple[int, int] = (64, 48), **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, format="JPEG", **save)
    return out.getvalue()


def read_back(clean: CleanImage) -> Image.Image:
    image = Image.open(io.BytesIO(clean.content))
    image.load()
    return image


# --- Attacks -----------------------------------------------------------------------------


def test_a_script_named_jpg_is_refused() -> None:
    script = b"#!/bin/sh\nrm -rf / # pretending to be a photo\n" + b"\x00" * 64
    with pytest.raises(Invalid) as refused:
        accept(script, name="holiday.jpg")
    assert "not a photo we can read" in refused.value.message
    assert refused.value.field == "photo"


def test_html_with_a_jpeg_content_type_is_refused() -> None:
    with pytest.raises(Invalid, match="not a photo"):
        accept(b"<html><script>alert(1)</script></html>", name="x.jpeg")


def test_an_oversized_file_is_refused_naming_the_limit() -> None:
    big = jpeg() + b"\x00" * (2 << 20)
    with pytest.raises(Invalid) as refused:
        accept(big, max_bytes=1 << 20)
    assert refused.value.message.startswith("Photos can be up to 1 MB")


def test_an_oversized_stream_without_a_declared_size_is_refused() -> None:
    stream = io.BytesIO(jpeg() + b"\x00" * (2 << 20))
    with pytest.raises(Invalid, match="up to 1 MB"):
        image_accept(stream, max_bytes=1 << 20, max_pixels=MAX_PIXELS)


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width by height pixels (a decompression bomb's shape)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    row = b"\x00" + b"\x00" * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * 4, 9))
        + chunk(b"IEND", b"")
    )


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    bomb = png_claiming(50_000, 50_000)  # 2.5 gigapixels in a few hundred bytes
    assert len(bomb) < 10_000
    with pytest.raises(Invalid) as refused:
        accept(bomb, name="bomb.png")
    assert "too large to open safely" in refused.value.message
    assert "60 megapixels" in refused.value.message


def test_past_our_limit_but_within_pillows_is_still_refused() -> None:
    with pytest.raises(Invalid, match="too large to open safely"):
        accept(png_claiming(3000, 3000), name="big.png", max_pixels=1_000_000)


def test_a_corrupt_image_is_refused() -> None:
    whole = jpeg((400, 300), quality=90)
    with pytest.raises(Invalid) as refused:
        accept(whole[: len(whole) // 2])
    assert "damaged" in refused.value.message


def test_a_cut_off_photo_is_refused_even_after_weasyprint_allowed_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # as WeasyPrint's import does
    whole = jpeg((400, 300), quality=90)
    with pytest.raises(Invalid) as refused:
        accept(whole[: len(whole) // 2])
    assert "damaged" in refused.value.message
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # left as it was found


def test_a_png_with_a_broken_checksum_is_refused() -> None:
    broken = bytearray(png_claiming(20, 4))
    broken[40] ^= 0xFF
    with pytest.raises(Invalid):
        accept(bytes(broken), name="x.png")


# --- Rewriting ---------------------------------------------------------------------------


def test_gps_and_every_other_metadata_are_stripped() -> None:
    exif = Image.Exif()
    exif[0x010F] = "PhonePhone"  # Make
    exif[0x9003] = "2026:01:02 03:04:05"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)})
    source = jpeg((80, 60), exif=exif.tobytes(), comment=b"Sam Smith, Year 3")
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(GPS_IFD)

    clean = accept(source)

    out = read_back(clean)
    assert len(out.getexif()) == 0
    assert not out.getexif().get_ifd(GPS_IFD)
    assert not {"exif", "xmp", "icc_profile", "comment"} & set(out.info)
    assert b"Sam Smith" not in clean.content and b"PhonePhone" not in clean.content
    assert (clean.kind, clean.content_type, clean.extension) == (
        UploadKind.IMAGE,
        "image/jpeg",
        ".jpg",
    )


def test_exif_orientation_is_applied() -> None:
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # "rotate 90° clockwise to show"
    clean = accept(jpeg((2, 1), exif=exif.tobytes()))
    assert (clean.width, clean.height) == (1, 2)
    out = read_back(clean)
    assert out.size == (1, 2)
    assert ORIENTATION not in out.getexif()


def test_a_heic_photo_is_accepted_and_rewritten_as_jpeg() -> None:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    heic = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(heic, format="HEIF", quality=80)
    data = heic.getvalue()
    assert sniff_image(data[:32]) == "HEIF"

    clean = accept(data, name="IMG_0001.HEIC")

    assert clean.source_format == "HEIF"
    out = read_back(clean)
    assert (out.format, out.size) == ("JPEG", (64, 48))


def test_a_heic_photo_is_turned_upright_once() -> None:
    # libheif turns the picture itself and resets the orientation: it must not be turned twice.
    from pillow_heif import register_heif_opener

    register_heif_opener()
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    heic = io.BytesIO()
    Image.new("RGB", (64, 32), (10, 120, 200)).save(heic, format="HEIF", exif=exif.tobytes())
    clean = accept(heic.getvalue(), name="IMG_0002.HEIC")
    assert (clean.width, clean.height) == (32, 64)


def test_a_colour_profile_is_applied_then_dropped() -> None:
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 100, 50)).save(
        source, format="JPEG", icc_profile=srgb, quality=100
    )
    out = read_back(accept(source.getvalue()))
    assert "icc_profile" not in out.info
    red, green, blue = out.getpixel((4, 4))  # type: ignore[misc]
    assert abs(red - 200) + abs(green - 100) + abs(blue - 50) <= 6


def test_png_with_transparency_and_webp_are_accepted() -> None:
    png = io.BytesIO()
    Image.new("RGBA", (30, 20), (0, 0, 0, 0)).save(png, format="PNG")
    flattened = read_back(accept(png.getvalue(), name="drawing.png"))
    assert flattened.getpixel((5, 5)) == (255, 255, 255)

    webp = io.BytesIO()
    Image.new("RGB", (30, 20), (1, 2, 3)).save(webp, format="WEBP")
    assert accept(webp.getvalue(), name="a.webp").source_format == "WEBP"


def test_a_large_photo_is_capped_on_its_long_edge() -> None:
    clean = accept(jpeg((4000, 3000)))
    assert (clean.width, clean.height) == (2560, 1920)


def test_a_jpeg_named_png_is_judged_by_its_content() -> None:
    assert accept(jpeg(), name="actually.png").source_format == "JPEG"


# --- Storage -----------------------------------------------------------------------------


def round_trip() -> None:
    clean = accept(jpeg())
    name = stored_put(clean, folder="portfolio/photos")
    assert name.startswith("portfolio/photos/") and name.endswith(".jpg")
    assert "photo" not in name.rsplit("/", 1)[1]
    with stored_open(name) as stored:
        assert stored.read() == clean.content

    request = RequestFactory().get("/photo")
    with pytest.raises(Http404):
        serve_stored_file(request, name, allowed=False)
    response = serve_stored_file(request, name, allowed=True)
    assert isinstance(response, FileResponse)
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=300"
    assert b"".join(response.streaming_content) == clean.content  # type: ignore[arg-type]
    # Not response.close(): that sends request_finished, which touches the database.
    assert response.file_to_stream is not None
    response.file_to_stream.close()

    stored_delete(name)
    assert not default_storage.exists(name)
    with pytest.raises(Http404):
        serve_stored_file(request, name, allowed=True)


def test_storage_round_trip_on_local_files(settings, tmp_path) -> None:
    round_trip()
    assert tmp_path / "media" == settings.MEDIA_ROOT


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """The S3-compatible server scripts/test.sh started (scripts/s3.sh), or one of our own in
    this process when pytest runs alone — never a skip."""
    url = os.environ.get("SCHOOLWINDOW_TEST_S3_ENDPOINT_URL", "")
    if url:
        yield url
        return
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(settings, s3_endpoint: str) -> str:
    bucket = f"sw-test-{uuid.uuid4().hex[:12]}"
    credentials = {"access_key": "testing", "secret_key": "testing", "region": "us-east-1"}
    boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    ).create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(
            bucket=bucket, endpoint_url=s3_endpoint, prefix="media", **credentials
        ),
    }
    return bucket


def test_storage_round_trip_on_s3(s3_bucket: str) -> None:
    from storages.backends.s3 import S3Storage

    assert isinstance(storages["default"], S3Storage)
    round_trip()


def test_s3_objects_are_private_and_served_by_a_short_signed_redirect(
    settings, s3_bucket: str, s3_endpoint: str
) -> None:
    name = stored_put(accept(jpeg()), folder="portfolio/photos")
    client = storages["default"].connection.meta.client  # type: ignore[attr-defined]
    acl = client.get_object_acl(Bucket=s3_bucket, Key=f"media/{name}")
    assert [g["Permission"] for g in acl["Grants"]] == ["FULL_CONTROL"]  # the owner alone
    assert "?" not in default_storage.url(name)  # no signed link leaks out of url()

    settings.UPLOADS_SIGNED_REDIRECT = True
    settings.UPLOADS_SIGNED_URL_SECONDS = 60
    request = RequestFactory().get("/photo")
    with pytest.raises(Http404):
        serve_stored_file(request, name, allowed=False)
    response = serve_stored_file(request, name, allowed=True)
    assert isinstance(response, HttpResponseRedirect)
    assert response.url.startswith(s3_endpoint)
    assert "X-Amz-Expires=60" in response.url
    with urllib.request.urlopen(response.url) as fetched:
        assert fetched.read()[:3] == b"\xff\xd8\xff"
