"""A home visit's answers reach the home-learning profile: the record form asks homelife's
questions, filled in with the profile, and saves what the family said as answers from a home
visit, once, at the visit's time; a bad answer saves nothing."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwindow.core.errors import Refused
from schoolwindow.homelife.models import ProfileAnswer, Source
from schoolwindow.homelife.services import Given
from schoolwindow.support.visits import services
from schoolwindow.support.visits.models import HomeVisit, VisitAction, VisitStatus
from tests.pages.conftest import World
from tests.support.conftest import actor, plan_visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def survey_said(world: World, question: str, value: str, *, when: dt.datetime) -> None:
    ProfileAnswer.objects.create(
        school=world.oakfield,
        household_id=world.ada.household_id,
        question=question,
        value=value,
        source=Source.PARENT_SURVEY,
        recorded_by_label="Maria",
        recorded_at=when,
    )


def record_url(visit: HomeVisit) -> str:
    return reverse("visits:record", kwargs={"visit_id": visit.pk})


def words(html: bytes) -> str:
    return " ".join(html.decode().split())


def test_the_form_asks_homelifes_questions_filled_in_with_the_profile(world: World) -> None:
    survey_said(world, "internet", "broadband", when=timezone.now() - dt.timedelta(days=5))
    visit = plan_visit(world, days=-0.1)
    page = world.client("flo").get(record_url(visit))
    text = words(page.content)
    assert "What internet do you have at home?" in text
    assert "Does Ada have a quiet place to study at home?" in text
    assert 'id="home-internet-broadband" name="home-internet" value="broadband" checked' in text
    assert 'name="home-internet-detail"' in text


def test_recording_writes_visit_answers_that_outrank_the_survey(world: World) -> None:
    visit = plan_visit(world, days=-0.1)
    # The survey was answered before the visit (the visit simply wins) and, for the printer,
    # after the visit but before it was written up (the visit outranks it, and the page says so).
    survey_said(world, "devices", "laptop", when=visit.starts_at - dt.timedelta(days=3))
    survey_said(world, "printer", "yes", when=visit.starts_at + dt.timedelta(minutes=30))
    client = world.client("flo")
    form = {
        "home-devices": ["smartphone"],
        "home-device_sharing": "adults",
        "home-device_sharing-detail": "One phone, used by mum for work",
        "home-printer": "no",
        "home-quiet_place": "sometimes",
        "wellbeing": "Warm welcome.",
        "once": str(uuid.uuid4()),
    }
    first = client.post(record_url(visit), form)
    assert first.status_code == 302
    again = client.post(record_url(visit), form)
    assert again.status_code == 302
    rows = ProfileAnswer.objects.filter(source=Source.HOME_VISIT)
    assert sorted((r.question, r.value) for r in rows) == [
        ("device_sharing", "adults"),
        ("devices", "smartphone"),
        ("printer", "no"),
        ("quiet_place", "sometimes"),
    ]
    assert {r.recorded_at for r in rows} == {visit.starts_at}
    # Household questions for the household, the pupil's for the pupil.
    assert rows.get(question="quiet_place").pupil_id == world.ada.pk
    assert rows.get(question="printer").household_id == world.ada.household_id

    profile = words(client.get(reverse("homelife:profile", args=[world.ada.pk])).content)
    assert "the parent survey said “Yes”" in profile
    assert "found “No” — we use the visit." in profile
    assert "Smartphone" in profile

    shown = words(client.get(reverse("visits:visit", kwargs={"visit_id": visit.pk})).content)
    assert "They share them with adults, for work or study — One phone, used by mum for work" in (
        shown
    )


def test_questions_left_empty_are_not_recorded(world: World) -> None:
    visit = plan_visit(world, days=-0.1)
    answer = world.client("flo").post(
        record_url(visit), {"wellbeing": "Busy.", "once": str(uuid.uuid4())}
    )
    assert answer.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE
    assert visit.profile_answers == {}
    assert not ProfileAnswer.objects.exists()


def test_a_bad_answer_is_a_clear_error_and_saves_nothing(world: World) -> None:
    visit = plan_visit(world, days=-0.1)
    answer = world.client("flo").post(
        record_url(visit),
        {
            "home-internet": "satellite",
            "home-device_count": "many",
            "home-printer": "no",
            "wellbeing": "Warm welcome.",
            "action_0_text": "Lend a laptop",
            "once": str(uuid.uuid4()),
        },
    )
    assert answer.status_code == 400
    text = words(answer.content)
    assert "There is a problem with the home-learning answers" in text
    assert 'href="#home-internet-fields">What internet do you have at home?: Choose one' in text
    assert "Enter a number from 0 to 20." in text
    # What was typed is still there.
    assert "Warm welcome." in text and 'value="Lend a laptop"' in text
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED
    assert not ProfileAnswer.objects.exists()
    assert not VisitAction.objects.exists()


def test_a_teacher_on_the_visit_records_it_without_the_profile_questions(world: World) -> None:
    visit = plan_visit(world, days=-0.1, second_id=world.staff["teacher"].pk)
    client = world.client("teacher")
    page = words(client.get(record_url(visit)).content)
    assert "Save the visit" in page
    assert "What internet do you have at home?" not in page
    # Answers sent all the same are refused, and nothing is saved.
    with pytest.raises(Refused):
        services.visit_record(
            actor=actor(world, "teacher"),
            visit_id=visit.pk,
            answers=[Given(question="printer", value="no")],
            wellbeing="",
            actions=[],
            reflection="",
        )
    assert not ProfileAnswer.objects.exists()
    answer = client.post(record_url(visit), {"wellbeing": "Well.", "once": str(uuid.uuid4())})
    assert answer.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE
