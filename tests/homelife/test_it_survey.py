"""The parent survey from a personal link: one question a screen, check answers, send once;
a tampered, closed or someone else's link gets a kind page; staff remind the rest once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from schoolwindow.audit.models import AuditEvent
from schoolwindow.homelife.links import SALT, survey_path
from schoolwindow.homelife.models import (
    ProfileAnswer,
    Source,
    SurveyChase,
    SurveyResponse,
    SurveyRound,
)
from schoolwindow.messaging.models import Delivery
from tests.homelife.conftest import World, answer, open_round

pytestmark = pytest.mark.django_db

ONCE = "5b1f1d56-0a3a-4a43-8f50-1e7a5b5b0a10"

ANSWERS = {
    "devices": {"answer": ["laptop", "smartphone"]},
    "device_count": {"answer": "1"},
    "device_sharing": {"answer": "adults", "answer-detail": "Mum works on it 9 to 5"},
    "internet": {"answer": "mobile", "answer-detail": "10 GB"},
    "printer": {"answer": "no"},
    "languages": {"answer": "Polish, English"},
    "contact": {"answer": "sms"},
    "quiet_place": {"answer": "sometimes"},
    "adult_help": {"answer": "yes", "answer-detail": "Evenings"},
    "study_buddy": {"answer": "no"},
}


def path(world: World, survey_round: SurveyRound) -> str:
    return survey_path(guardian_id=world.maria.pk, round_id=survey_round.pk)


def answer_everything(client: Client, base: str, ada_id: int) -> None:
    for key, data in ANSWERS.items():
        slug = key if key not in ("quiet_place", "adult_help", "study_buddy") else f"{key}-{ada_id}"
        response = client.post(f"{base}q/{slug}/", data)
        assert response.status_code == 302, (key, response.content.decode()[:2000])


def test_a_family_answers_screen_by_screen_and_sends_once(world: World) -> None:
    survey_round = open_round(world)
    base = path(world, survey_round)
    client = Client()
    start = client.get(base)
    assert start.status_code == 200
    page = start.content.decode()
    # Maria reads Polish: the page is in Polish.
    assert 'lang="pl"' in page and "Nauka w domu" in page
    answer_everything(client, base, world.ada.pk)
    check = client.get(f"{base}check/")
    assert check.status_code == 200
    text = check.content.decode()
    assert "Mum works on it 9 to 5" in text and "?change=1" in text
    first = client.post(f"{base}check/", {"once": ONCE})
    second = client.post(f"{base}check/", {"once": ONCE})
    assert first.status_code == 302 and second.status_code == 302
    assert second["Location"].endswith("/done/")
    assert SurveyResponse.objects.count() == 1
    rows = ProfileAnswer.objects.filter(source=Source.PARENT_SURVEY)
    assert rows.count() == len(ANSWERS)
    assert rows.get(question="devices").value == "laptop,smartphone"
    assert rows.get(question="quiet_place").pupil_id == world.ada.pk
    assert rows.get(question="internet").household_id == world.ada.household_id
    assert rows.get(question="internet").recorded_by_label == world.maria.display_name
    assert AuditEvent.objects.filter(action="homelife.survey_answered").count() == 1
    assert client.get(f"{base}done/").status_code == 200
    # A second tab that still held the form: sending again makes nothing new.
    other_tab = Client()
    answer_everything(other_tab, base, world.ada.pk)
    assert other_tab.post(f"{base}check/", {"once": "5b1f1d56-0a3a-4a43-8f50-1e7a5b5b0a11"})[
        "Location"
    ].endswith("/done/")
    assert SurveyResponse.objects.count() == 1
    assert ProfileAnswer.objects.count() == len(ANSWERS)


def test_the_survey_is_prefilled_with_what_the_school_knows(world: World) -> None:
    answer(world.ada, "internet", "mobile", source=Source.HOME_VISIT)
    base = path(world, open_round(world))
    page = Client().get(f"{base}q/internet/").content.decode()
    assert 'value="mobile" checked' in page


def test_a_question_page_follows_the_pattern_and_explains_a_missed_answer(world: World) -> None:
    base = path(world, open_round(world))
    client = Client()
    page = client.get(f"{base}q/printer/").content.decode()
    assert "<legend><h1>" in page and "Dalej" in page  # Continue, in Polish
    response = client.post(f"{base}q/printer/", {})
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()


def test_a_tampered_link_gets_a_kind_page(world: World) -> None:
    base = path(world, open_round(world))
    token = base.split("/")[3]
    broken = base.replace(token, token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"))
    response = Client().get(broken)
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    forged = signing.dumps({"g": world.cara_parent.pk, "r": 1}, salt="wrong", compress=False)
    assert Client().get(f"/home-learning/s/{forged}/").status_code == 404


def test_a_link_for_a_round_that_has_closed(world: World) -> None:
    survey_round = open_round(world)
    survey_round.closes_on = timezone.localdate() - dt.timedelta(days=1)
    survey_round.save()
    response = Client().get(path(world, survey_round))
    assert response.status_code == 410
    assert "Ankieta jest już zamknięta" in response.content.decode()


def test_a_link_used_by_a_parent_of_another_household(world: World) -> None:
    base = path(world, open_round(world))
    response = world.client("other_parent").get(base)
    assert response.status_code == 403
    assert "This link was sent to another family" in response.content.decode()
    # Maria herself, signed in, may use it.
    assert world.client("parent").get(base).status_code == 200


def test_a_restricted_guardian_has_no_survey(world: World) -> None:
    survey_round = open_round(world)
    token = survey_path(guardian_id=world.piotr.pk, round_id=survey_round.pk)
    assert Client().get(token).status_code == 404
    assert signing.loads(token.split("/")[3], salt=SALT)["g"] == world.piotr.pk


def test_an_arabic_family_reads_their_words_right_to_left(world: World) -> None:
    world.cara_parent.preferred_language = "ar"
    world.cara_parent.save()
    survey_round = open_round(world)
    page = Client().get(survey_path(guardian_id=world.cara_parent.pk, round_id=survey_round.pk))
    html = page.content.decode()
    assert 'lang="ar" dir="rtl"' in html


def test_staff_see_who_answered_with_counts_and_filters(world: World) -> None:
    survey_round = open_round(world)
    SurveyResponse.objects.create(
        school=world.oakfield,
        round=survey_round,
        guardian=world.maria,
        submitted_at=timezone.now(),
    )
    client = world.client("office")
    page = client.get(f"/home-learning/surveys/{survey_round.pk}/").content.decode()
    assert "Ada Kowalska" in page and "Cara Jones" in page
    answered = client.get(f"/home-learning/surveys/{survey_round.pk}/?answered=answered")
    assert "Ada Kowalska" in answered.content.decode()
    assert "Cara Jones" not in answered.content.decode()
    waiting = client.get(f"/home-learning/surveys/{survey_round.pk}/?answered=not").content
    assert "Cara Jones" in waiting.decode() and "Ada Kowalska" not in waiting.decode()


def test_reminders_go_once_to_the_families_who_have_not_answered(world: World) -> None:
    survey_round = open_round(world)
    client = world.client("pastoral")
    remind = f"/home-learning/surveys/{survey_round.pk}/remind/"
    confirm = client.get(remind).content.decode()
    # Maria and Carol; Piotr may not be contacted.
    assert "This sends 2 families a message" in confirm
    form = {"once": "5b1f1d56-0a3a-4a43-8f50-1e7a5b5b0a20"}
    assert client.post(remind, form).status_code == 302
    assert client.post(remind, form).status_code == 302
    # Another tab with a fresh form the same day reminds nobody twice.
    assert client.post(remind, {"once": "5b1f1d56-0a3a-4a43-8f50-1e7a5b5b0a21"}).status_code == 302
    assert SurveyChase.objects.count() == 2
    copies = Delivery.objects.filter(guardian__isnull=False)
    assert sorted(copies.values_list("guardian_id", flat=True)) == sorted(
        [world.maria.pk, world.cara_parent.pk]
    )
    assert not copies.filter(guardian=world.piotr).exists()
    assert "/home-learning/s/" in copies.first().message.body  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(action="homelife.survey_chased").count() == 2


def test_a_family_with_no_household_on_record_answers_for_their_child(world: World) -> None:
    survey_round = open_round(world)
    base = survey_path(guardian_id=world.cara_parent.pk, round_id=survey_round.pk)
    client = Client()
    answer_everything(client, base, world.cara.pk)
    assert client.post(f"{base}check/", {"once": ONCE}).status_code == 302
    internet = ProfileAnswer.objects.get(question="internet")
    assert internet.household_id is None and internet.pupil_id == world.cara.pk
    page = world.client("pastoral").get(f"/home-learning/pupils/{world.cara.pk}/")
    assert "Mobile data only" in page.content.decode()


def test_a_question_that_is_not_in_the_survey_goes_back_to_the_start(world: World) -> None:
    base = path(world, open_round(world))
    response = Client().get(f"{base}q/quiet_place-{world.cara.pk}/")
    assert response.status_code == 302 and response["Location"] == base
