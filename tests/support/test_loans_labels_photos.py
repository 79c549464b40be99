"""QR labels open the item's page; photos are images by their bytes, with no metadata kept."""

from __future__ import annotations

import io
import re
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from schoolwindow.core.errors import Invalid
from schoolwindow.support.loans import labels
from schoolwindow.support.loans.photos import photo_clean
from tests.pages.conftest import World
from tests.support.conftest import item_add


@override_settings(SITE_URL="https://school.example.org")
def test_the_label_sheet_is_a_pdf_whose_codes_hold_each_items_address(world: World) -> None:
    items = [item_add(world, "SW-0001"), item_add(world, "SW-0002")]
    encoded: list[str] = []

    def encode(url: str) -> str:
        encoded.append(url)
        return labels.qr_svg_uri(url)

    pdf = labels.labels_pdf(items, school_name="Oakfield", encode=encode)
    assert pdf.startswith(b"%PDF")
    assert encoded == [
        f"https://school.example.org/loans/items/{items[0].pk}/",
        f"https://school.example.org/loans/items/{items[1].pk}/",
    ]
    # Each label also links to the page: the PDF carries the address as a link annotation.
    text = pdf_text(pdf)
    assert encoded[0].encode() in text and encoded[1].encode() in text


def pdf_text(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams included) inflated."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_photo_is_re_encoded_without_its_metadata() -> None:
    raw = jpeg_with_exif()
    assert b"PhoneMaker" in raw
    cleaned = photo_clean(SimpleUploadedFile("p.jpg", raw, content_type="image/jpeg"))
    data = cleaned.read()
    assert data.startswith(b"\xff\xd8") and b"PhoneMaker" not in data


@pytest.mark.parametrize(
    "content", [b"%PDF-1.4 not a photo", b"GIF89a broken", b"<svg xmlns='x'></svg>"]
)
def test_a_file_that_is_no_image_is_refused_whatever_its_name(content: bytes) -> None:
    with pytest.raises(Invalid) as error:
        photo_clean(SimpleUploadedFile("photo.jpg", content, content_type="image/jpeg"))
    assert error.value.field == "photo"
