"""The compose and reply pages say what translation each family will really get, picking a
phrase keeps what was typed, and the message box has a character counter."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    built = build_world()
    built.parent.preferred_language = "pl"
    built.parent.save()
    return built


def compose_page(world: World) -> str:
    user = world.staff["teacher"].user
    assert user is not None
    client = signed_in_client(user)
    response = client.get(reverse("messaging:new"), {"pupil": world.pupil.pk})
    assert response.status_code == 200
    return response.content.decode()


def test_without_a_provider_it_says_only_phrases_are_translated(world: World) -> None:
    html = compose_page(world)
    assert "Each family reads it in their own language" not in html
    assert "Polski" in html
    assert (
        "Phrases from the phrasebook reach them translated by people; anything else is sent in"
        " English, with a note in their language." in html
    )
    # The counter says the limit without JavaScript; forms.js keeps it up to date.
    assert 'data-counter-for="new-body"' in html and "Up to 10000 characters." in html
    assert 'aria-live="polite"' in html


def test_with_a_provider_it_says_machine_translation(world: World, settings: Any) -> None:
    settings.TRANSLATION_PROVIDER = "libretranslate"
    settings.TRANSLATION_URL = "http://127.0.0.1:9"
    html = compose_page(world)
    assert "anything else is translated by machine (libretranslate)." in html


def test_a_language_with_no_phrasebook_is_sent_in_english(world: World) -> None:
    world.parent.preferred_language = "so"
    world.parent.save()
    html = compose_page(world)
    assert "Sent in English, with a note in their language: no translation is available." in html


def test_picking_a_phrase_keeps_what_was_typed(world: World) -> None:
    user = world.staff["teacher"].user
    assert user is not None
    client = signed_in_client(user)
    url = reverse("phrasebook:use") + (
        f"?phrase_key=praise.helpful&target=new-body&pupil={world.pupil.pk}"
    )
    typed = "Thank you for coming to the evening."
    response = client.post(url, {"body": typed}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    child = world.pupil.first_name
    assert f"{typed}\n\n{child} was a great help in class today." in html
    assert "The phrase was added after what you had written" in html
    # An empty box simply takes the phrase.
    empty = client.post(url, {"body": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert f">{child} was a great help in class today.</textarea>" in empty
    assert "The phrase was added" not in empty
