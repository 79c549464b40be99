# ruff: noqa: RUF001 — texts in Urdu and Arabic script
"""The phrasebook page, the phrase picker's fragments and the family preview: staff only,
every translation shown the right way round, the picker filling the message box."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse

from schoolwindow.messaging.translation.phrasebook import PHRASES
from tests.conftest import signed_in_client
from tests.world import STAFF_ROLES, World, build_world

pytestmark = pytest.mark.django_db

# Any: the client takes META keys as **extra: Any beside typed options a dict[str, str] could fill.
HX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
GREAT_WORK = "Kacper did some great work today. We are very proud of them."


@pytest.fixture
def world() -> World:
    return build_world()


def client_for(world: World, role: str) -> Client:
    if role == "anonymous":
        return Client()
    return signed_in_client(world.user_for(role))


def status_for(response) -> int | str:
    if response.status_code == 302 and "/login/" in response["Location"]:
        return "login"
    return int(response.status_code)


WHO = {
    **dict.fromkeys(STAFF_ROLES, 200),
    "trust": 403,
    "parent": 403,
    "pupil": 403,
    "anonymous": "login",
}


@pytest.mark.parametrize(("role", "expected"), WHO.items())
@pytest.mark.parametrize(
    "url",
    [
        "/phrasebook/",
        "/phrasebook/pick/?category=praise",
        "/phrasebook/pick/use/?phrase_key=praise.great_work",
        "/phrasebook/preview/?language=ar&body=Thank+you.",
    ],
)
def test_only_staff_may_use_the_phrasebook(
    world: World, role: str, expected: int | str, url: str
) -> None:
    assert status_for(client_for(world, role).get(url)) == expected


def test_every_phrase_is_shown_with_every_translation_the_right_way_round(
    world: World, django_assert_max_num_queries
) -> None:
    client = client_for(world, "teacher")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("phrasebook:index"))
    html = response.content.decode()
    assert response.status_code == 200
    for heading in ("Praise and positive notes", "Attendance", "Homework", "Replies"):
        assert heading in html
    for phrase in PHRASES:
        assert f'id="phrase-{phrase.key}"' in html
    assert html.count('class="phrase-translation"') == len(PHRASES) * 7
    assert html.count('lang="ar" dir="rtl"') == len(PHRASES)
    assert html.count('lang="ur" dir="rtl"') == len(PHRASES)
    assert html.count('lang="pl" dir="ltr"') == len(PHRASES)
    assert "كان عمل {child} اليوم رائعاً. نحن فخورون جداً بطفلكم." in html
    assert "<dt>العربية</dt>" in html and "<dt>ਪੰਜਾਬੀ</dt>" in html
    assert "<script>" not in html and 'style="' not in html


def test_the_picker_lists_a_categorys_phrases_as_buttons_with_the_childs_name(
    world: World,
) -> None:
    client = client_for(world, "teacher")
    url = reverse("phrasebook:pick")
    response = client.get(
        url, {"category": "praise", "pupil": str(world.pupil.pk), "target": "new-body"}, **HX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    buttons = re.findall(r"<button [^>]*>([^<]*)</button>", html)
    assert len(buttons) == sum(phrase.category == "praise" for phrase in PHRASES)
    assert GREAT_WORK in buttons
    assert 'hx-target="#new-body"' in html and 'hx-swap="outerHTML"' in html
    assert f"phrase_key=praise.great_work&amp;target=new-body&amp;pupil={world.pupil.pk}" in html
    # An unknown category shows the first; an unsafe target id falls back to the default.
    other = client.get(url, {"category": "nonsense", "target": '"><script>'}, **HX)
    assert "{child} did some great work today." in other.content.decode()
    assert 'hx-target="#id_body"' in other.content.decode()


def test_a_pupil_the_member_of_staff_may_not_see_is_not_found(world: World) -> None:
    client = client_for(world, "teacher")
    for pupil in (world.stranger, world.sibling):  # not taught by them; another school
        assert client.get(reverse("phrasebook:pick"), {"pupil": pupil.pk}).status_code == 404
        assert client.get(reverse("phrasebook:preview"), {"pupil": pupil.pk}).status_code == 404
    assert client.get(reverse("phrasebook:pick"), {"pupil": "abc"}).status_code == 404


def test_choosing_a_phrase_fills_the_message_box_and_the_phrase_key(world: World) -> None:
    client = client_for(world, "pastoral")
    response = client.get(
        reverse("phrasebook:use"),
        {"phrase_key": "praise.great_work", "pupil": str(world.pupil.pk), "target": "new-body"},
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(
        rf'<textarea id="new-body" name="body"[^>]*autofocus[^>]*>{re.escape(GREAT_WORK)}<',
        html,
    )
    assert (
        '<input type="hidden" name="phrase_key" id="new-body-phrase-key"'
        ' value="praise.great_work" hx-swap-oob="true">'
    ) in html
    # Without a pupil the placeholders stay, to be filled in for each family.
    general = client.get(reverse("phrasebook:use"), {"phrase_key": "general.welcome"}, **HX)
    assert (
        f"Welcome to {world.secondary.name}! We are very happy that {{child}} has joined us."
        in (general.content.decode())
    )
    assert client.get(reverse("phrasebook:use"), {"phrase_key": "no.such"}).status_code == 404


def test_the_preview_shows_arabic_right_to_left(world: World) -> None:
    client = client_for(world, "teacher")
    response = client.get(
        reverse("phrasebook:preview"),
        {
            "phrase_key": "praise.great_work",
            "body": GREAT_WORK,
            "language": "ar",
            "pupil": str(world.pupil.pk),
        },
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'lang="ar" dir="rtl">كان عمل Kacper اليوم رائعاً. نحن فخورون جداً بطفلكم.</p>' in html
    assert "Checked translation from the phrasebook" in html


def test_the_preview_for_a_pupil_shows_each_familys_language(world: World) -> None:
    """Kacper's mother reads Polish; his father may not be contacted, so is not previewed."""
    client = client_for(world, "pastoral")
    response = client.post(
        f"{reverse('phrasebook:preview')}?pupil={world.pupil.pk}",
        {"body": "Kacper did some great work today in maths.", "phrase_key": "praise.great_work"},
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="preview-card"') == 1
    assert "Polski · Not translated: sent in English, with a note in their language" in html
    assert '<p class="preview-text" lang="pl" dir="ltr">Ta wiadomość jest po angielsku.' in html
    assert (
        '<p class="preview-text" lang="en" dir="ltr">Kacper did some great work today in maths.</p>'
        in html
    )


def test_the_preview_works_without_javascript_as_a_page(world: World) -> None:
    client = client_for(world, "office")
    empty = client.get(reverse("phrasebook:preview"))
    assert empty.status_code == 200
    html = empty.content.decode()
    assert "<html" in html and 'name="body"' in html and 'for="preview-language"' in html
    assert '<label for="id_body">Message</label>' in html  # the picker's own message box
    response = client.post(
        reverse("phrasebook:preview"), {"body": "Thank you for letting us know.", "language": "ur"}
    )
    html = response.content.decode()
    assert '<option value="ur" lang="ur" selected>اردو</option>' in html
    assert 'lang="ur" dir="rtl">ہمیں بتانے کا شکریہ۔</p>' in html


def test_the_picker_partial_renders_in_both_ways_and_degrades_to_links(world: World) -> None:
    request = RequestFactory().get("/messages/new/")
    own_box = Template(
        '{% include "messaging/translation/_phrase_picker.html" with target="new-body"'
        ' selected="praise.effort" %}'
    ).render(Context({"request": request, "pupil": world.pupil}))
    assert "<textarea" not in own_box  # the form has its own
    assert (
        '<input type="hidden" name="phrase_key" id="new-body-phrase-key" value="praise.effort">'
        in own_box
    )
    assert f'href="{reverse("phrasebook:index")}#cat-praise"' in own_box
    assert f"category=praise&amp;target=new-body&amp;pupil={world.pupil.pk}" in own_box
    assert 'hx-include="closest form"' in own_box
    assert f'href="{reverse("phrasebook:preview")}?pupil={world.pupil.pk}"' in own_box

    whole = Template(
        '{% include "messaging/translation/_phrase_picker.html" with body="Hello" %}'
    ).render(Context({"request": request}))
    assert '<label for="id_body">Message</label>' in whole
    assert re.search(r'<textarea id="id_body" name="body"[^>]*>Hello</textarea>', whole)
    assert '<input type="hidden" name="phrase_key" id="id_body-phrase-key" value="">' in whole
    assert "<script" not in whole and 'style="' not in whole
