"""Letters: a printable PDF of every copy waiting as a letter, one page each, in the family's
language; printing marks them printed and is audited."""

from __future__ import annotations

import datetime as dt
import re
import zlib

import pytest
from django.urls import reverse

from schoolwindow.audit.models import AuditEvent
from schoolwindow.messaging.conversations.services import conversation_start
from schoolwindow.messaging.delivery.letters import letters_html, letters_waiting
from schoolwindow.messaging.models import Delivery, DeliveryStatus, MessagingSettings
from schoolwindow.people.actors import actor_for
from tests.conftest import signed_in_client
from tests.factories import PupilFactory, guardian_of
from tests.world import World, build_world

pytestmark = pytest.mark.django_db

ARABIC = "مرحبا، نود أن نخبركم عن يوم رياضي في المدرسة."


@pytest.fixture
def world() -> World:
    w = build_world()
    MessagingSettings.objects.create(
        school=w.secondary, quiet_from=dt.time(23, 59), quiet_until=dt.time(0, 0)
    )
    return w


def letter_family(world: World, name: str, language: str):
    pupil = PupilFactory(school=world.secondary, legal_first_name=f"Child{name}")
    guardian = guardian_of(
        pupil,
        with_login=False,
        first_name=name,
        email="",
        phone="",
        address=f"{name} House\n1 Long Road\nAB1 2CD",
        preferred_language=language,
    )
    conversation_start(
        actor=actor_for(world.staff["office"].user),
        school_id=world.secondary.pk,
        pupil_id=pupil.pk,
        guardian_ids=[guardian.pk],
        subject="Sports day",
        body="Sports day is on Friday.",
    )
    return guardian


def inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams unpacked (WeasyPrint packs objects into streams)."""
    text = pdf
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            text += zlib.decompress(stream)
        except zlib.error:
            continue
    return text


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", inflated(pdf)))


def test_the_pdf_has_one_page_per_letter_and_marks_them_printed(world: World) -> None:
    for name in ("Amira", "Bogdan", "Chen"):
        letter_family(world, name, "en")
    # An Arabic family's copy, as the translation would have made it.
    arabic = letter_family(world, "Dalia", "ar")
    Delivery.objects.filter(guardian=arabic).update(body=ARABIC, language="ar")
    assert Delivery.objects.filter(status=DeliveryStatus.LETTER).count() == 4

    client = signed_in_client(world.staff["office"].user)
    response = client.post(reverse("families:letters_print"), {"school": world.secondary.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert page_count(pdf) == 4
    # Printed, once: nothing is left waiting, and printing again gives no PDF.
    assert not Delivery.objects.filter(status=DeliveryStatus.LETTER).exists()
    assert Delivery.objects.filter(status=DeliveryStatus.PRINTED).count() == 4
    event = AuditEvent.objects.get(action="messaging.letters_printed")
    assert event.detail["count"] == 4
    again = client.post(reverse("families:letters_print"), {"school": world.secondary.pk})
    assert again.status_code == 302


def test_the_letter_is_in_the_familys_language_right_to_left(world: World) -> None:
    arabic = letter_family(world, "Dalia", "ar")
    Delivery.objects.filter(guardian=arabic).update(body=ARABIC, language="ar")
    html = letters_html(world.secondary, letters_waiting(world.secondary.pk))
    assert ARABIC in html
    assert 'lang="ar" dir="rtl"' in html
    assert "Dalia" in html and "1 Long Road" in html
    assert world.secondary.name in html
    assert "Please reply by calling the school office or in School Window" in html


def test_the_arabic_text_is_in_the_pdf(world: World) -> None:
    """The Arabic letter is set in an Arabic font (fonts-noto-core), embedded in the PDF."""
    from schoolwindow.messaging.delivery.letters import letters_pdf

    arabic = letter_family(world, "Dalia", "ar")
    Delivery.objects.filter(guardian=arabic).update(body=ARABIC, language="ar")
    pdf = letters_pdf(world.secondary, letters_waiting(world.secondary.pk))
    assert page_count(pdf) == 1
    fonts = re.findall(rb"/BaseFont\s*/([^\s/<>]+)", inflated(pdf))
    assert any(b"Arabic" in font for font in fonts), fonts


@pytest.mark.parametrize("role", ["teacher", "advocate"])
def test_only_whole_school_roles_print_letters(world: World, role: str) -> None:
    letter_family(world, "Amira", "en")
    client = signed_in_client(world.staff[role].user)
    assert client.post(reverse("families:letters_print")).status_code == 403
    assert Delivery.objects.filter(status=DeliveryStatus.LETTER).count() == 1
