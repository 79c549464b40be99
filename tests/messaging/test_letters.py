"""Letters: a printable PDF of every copy waiting as a letter, one page each, in the family's
language; printing marks them printed and is audited."""

from __future__ import annotations

import datetime as dt
import re
import zlib

import pytest
from django.test import Client
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


def test_the_pdf_has_one_page_per_letter_and_downloading_does_not_post_them(
    world: World,
) -> None:
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
    # Downloaded, not posted: the letters still wait, and the page asks to confirm the post.
    assert Delivery.objects.filter(status=DeliveryStatus.LETTER).count() == 4
    assert not Delivery.objects.filter(status=DeliveryStatus.PRINTED).exists()
    assert AuditEvent.objects.get(action="messaging.letters_downloaded").detail["count"] == 4
    page = client.get(reverse("families:unreachable"), {"school": world.secondary.pk})
    assert "Mark as posted" in page.content.decode()
    # A lost PDF can be downloaded again.
    again = client.post(reverse("families:letters_print"), {"school": world.secondary.pk})
    assert page_count(again.content) == 4


def posted_form(client: Client, world: World) -> dict[str, str]:
    page = client.get(reverse("families:unreachable"), {"school": world.secondary.pk})
    html = page.content.decode()
    form = html[html.index('action="/families/unreachable/letters-posted/"') :]
    fields = dict(re.findall(r'name="(once|downloaded_by|school)" value="([^"]+)"', form))
    assert set(fields) == {"once", "downloaded_by", "school"}
    return fields


def test_marking_as_posted_prints_exactly_the_downloaded_letters_once(world: World) -> None:
    letter_family(world, "Amira", "en")
    letter_family(world, "Bogdan", "en")
    client = signed_in_client(world.staff["office"].user)
    client.post(reverse("families:letters_print"), {"school": world.secondary.pk})
    form = posted_form(client, world)
    # A letter that arrives after the download is not in the envelope: it keeps waiting.
    late = letter_family(world, "Chen", "en")

    response = client.post(reverse("families:letters_posted"), form, follow=True)
    assert "2 letters are marked as posted." in response.content.decode()
    assert Delivery.objects.filter(status=DeliveryStatus.PRINTED).count() == 2
    assert Delivery.objects.get(guardian=late).status == DeliveryStatus.LETTER
    event = AuditEvent.objects.get(action="messaging.letters_printed")
    assert event.detail["count"] == 2

    # The same form again (a double tap, a second tab): nothing more is marked.
    again = client.post(reverse("families:letters_posted"), form, follow=True)
    assert "already marked as posted" in again.content.decode()
    assert AuditEvent.objects.filter(action="messaging.letters_printed").count() == 1
    second_tab = {**form, "once": "1b4e28ba-2fa1-11d2-883f-0016d3cca427"}
    client.post(reverse("families:letters_posted"), second_tab)
    assert Delivery.objects.filter(status=DeliveryStatus.PRINTED).count() == 2
    assert AuditEvent.objects.filter(action="messaging.letters_printed").count() == 1


def test_the_letter_has_both_postal_addresses_the_phone_and_one_greeting(world: World) -> None:
    world.secondary.address = "Oak Lane\nRiverside"
    world.secondary.postcode = "RV1 1AA"
    world.secondary.phone = "01632 960000"
    world.secondary.save()
    guardian = letter_family(world, "Amira", "en")
    guardian.address, guardian.postcode = "7 Elm Street\nRiverside", "RV2 3BC"
    guardian.save()
    # The message brings its own greeting: the letter does not add a second one.
    Delivery.objects.filter(guardian=guardian).update(
        body="Dear Parent/Carer,\nSports day is on Friday."
    )
    bogdan = letter_family(world, "Bogdan", "en")
    html = letters_html(world.secondary, letters_waiting(world.secondary.pk))
    amira_letter, bogdan_letter = html.split('<section class="letter">')[1:]
    assert "7 Elm Street<br>Riverside<br>RV2 3BC" in amira_letter
    assert "Oak Lane<br>Riverside<br>RV1 1AA<br>" in amira_letter
    assert "01632 960000" in amira_letter
    assert "calling the school office on 01632 960000" in amira_letter
    assert amira_letter.count("Dear") == 1
    assert "Dear Amira" not in amira_letter
    assert f"Dear {bogdan.display_name}," in bogdan_letter


def test_a_guardian_without_an_address_gets_the_households(world: World) -> None:
    from schoolwindow.people.models import Household

    guardian = letter_family(world, "Amira", "en")
    guardian.household = Household.objects.create(
        trust=world.trust, name="Amira household", address="3 Mill Row", postcode="RV4 4DD"
    )
    guardian.address = ""
    guardian.save()
    html = letters_html(world.secondary, letters_waiting(world.secondary.pk))
    assert "3 Mill Row<br>RV4 4DD" in html


def test_the_date_follows_the_familys_language(world: World) -> None:
    from schoolwindow.messaging.translation.services import date_for_family as letter_date

    day = dt.date(2026, 12, 5)
    assert letter_date(day, "pl") == "5 grudnia 2026"
    assert letter_date(day, "en") == "5 December 2026"
    assert letter_date(day, "ro") == "5 decembrie 2026"


def test_a_day_of_the_week_follows_the_familys_language() -> None:
    from schoolwindow.messaging.translation.services import weekday_for_family

    day = dt.date(2026, 11, 24)
    assert weekday_for_family(day, "en") == "Tuesday 24 November"
    assert weekday_for_family(day, "pl") == "wtorek 24 listopada"


def test_the_letter_is_in_the_familys_language_right_to_left(world: World) -> None:
    arabic = letter_family(world, "Dalia", "ar")
    Delivery.objects.filter(guardian=arabic).update(body=ARABIC, language="ar")
    html = letters_html(world.secondary, letters_waiting(world.secondary.pk))
    assert ARABIC in html
    assert 'lang="ar" dir="rtl"' in html
    assert "Dalia" in html and "1 Long Road" in html
    assert world.secondary.name in html
    assert "Please reply by calling the school office or in School Window" in html


def test_a_polish_letter_greets_and_dates_in_polish(world: World) -> None:
    from django.utils import timezone

    from schoolwindow.messaging.translation.services import date_for_family as letter_date

    letter_family(world, "Bogdan", "pl")
    html = letters_html(world.secondary, letters_waiting(world.secondary.pk))
    assert "Dzień dobry, Bogdan" in html
    assert (
        f'<p class="date" lang="pl" dir="ltr">{letter_date(timezone.localdate(), "pl")}</p>' in html
    )


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
