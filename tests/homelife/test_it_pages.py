"""Who may open each home-learning page (tests/pages style), and what a parent sees."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from schoolwindow.homelife.models import ProfileAnswer, Source, SurveyRound
from tests.factories import PupilFactory
from tests.homelife.conftest import World, answer, open_round
from tests.pages.conftest import status_for, statuses

pytestmark = pytest.mark.django_db

# The office keeps the survey going but does not read the answers; teachers and advocates see
# their own pupils' profiles; a pupil does not see the family's.
ADA_PROFILE = statuses(
    staff=200,
    office=403,
    trust_officer=404,
    trust_officer_with_access=403,
    parent=200,
    other_parent=404,
    pupil=403,
)
CARA_PROFILE = {
    **ADA_PROFILE,
    "teacher": 404,
    "advocate": 404,
    "parent": 404,
    "other_parent": 200,
    "pupil": 404,
}
PHONE_FORM = {
    **ADA_PROFILE,
    "teacher": 403,
    "advocate": 403,
    "parent": 403,
}
ROUNDS = statuses(
    staff=200, teacher=403, advocate=403, trust_officer=403, trust_officer_with_access=403
)


@pytest.mark.parametrize(("role", "expected"), ADA_PROFILE.items())
def test_who_may_open_adas_profile(world: World, role: str, expected: int | str) -> None:
    answer(world.ada, "internet", "mobile")
    assert status_for(world.client(role).get(f"/home-learning/pupils/{world.ada.pk}/")) == expected


@pytest.mark.parametrize(("role", "expected"), CARA_PROFILE.items())
def test_who_may_open_caras_profile(world: World, role: str, expected: int | str) -> None:
    assert status_for(world.client(role).get(f"/home-learning/pupils/{world.cara.pk}/")) == expected


@pytest.mark.parametrize(("role", "expected"), PHONE_FORM.items())
def test_who_may_open_the_phone_form(world: World, role: str, expected: int | str) -> None:
    url = f"/home-learning/pupils/{world.ada.pk}/phone/"
    assert status_for(world.client(role).get(url)) == expected


@pytest.mark.parametrize(("role", "expected"), ROUNDS.items())
def test_who_may_open_the_survey_rounds(world: World, role: str, expected: int | str) -> None:
    survey_round = open_round(world)
    assert status_for(world.client(role).get("/home-learning/surveys/")) == expected
    detail = f"/home-learning/surveys/{survey_round.pk}/"
    assert status_for(world.client(role).get(detail)) == expected
    remind = f"/home-learning/surveys/{survey_round.pk}/remind/"
    assert status_for(world.client(role).get(remind)) == expected


def test_another_schools_round_is_not_found(world: World) -> None:
    elsewhere = SurveyRound.objects.create(
        school=world.elsewhere, title="Theirs", opened_on="2026-01-01", closes_on="2030-01-01"
    )
    assert world.client("leader").get(f"/home-learning/surveys/{elsewhere.pk}/").status_code == 404


def test_a_parent_sees_their_own_households_profile_read_only(world: World) -> None:
    answer(world.ada, "internet", "mobile", detail="10 GB a month")
    answer(world.cara, "internet", "none", household=False)
    page = world.client("parent").get(f"/home-learning/pupils/{world.ada.pk}/").content.decode()
    assert "Mobile data only" in page and "10 GB a month" in page
    assert "Record answers from a phone call" not in page
    # The pupil page shows the panel to the parent too.
    pupil_page = world.client("parent").get(f"/pupils/{world.ada.pk}/").content.decode()
    assert "Learning at home" in pupil_page and "Mobile data only" in pupil_page
    # Another family's answers never show.
    other = world.client("other_parent").get(f"/home-learning/pupils/{world.ada.pk}/")
    assert other.status_code == 404


def test_a_parent_gets_the_survey_link_while_a_round_is_open(world: World) -> None:
    open_round(world)
    page = world.client("parent").get(f"/home-learning/pupils/{world.ada.pk}/").content.decode()
    assert "Tell the school about learning at home" in page


def test_staff_see_the_panel_with_source_and_date(world: World) -> None:
    answer(world.ada, "device_sharing", "adults", detail="One laptop, used by mum 9 to 5")
    page = world.client("teacher").get(f"/pupils/{world.ada.pk}/").content.decode()
    assert "One laptop, used by mum 9 to 5" in page and "parent survey" in page
    office = world.client("office").get(f"/pupils/{world.ada.pk}/").content.decode()
    assert "home-learning-heading" not in office


def test_the_phone_form_saves_once_when_posted_twice(world: World) -> None:
    client = world.client("flo")
    form = {
        "once": "5b1f1d56-0a3a-4a43-8f50-1e7a5b5b0a01",
        "source": Source.PHONE_CALL,
        "internet": "none",
        "printer": "no",
        "devices": ["laptop", "tablet"],
        "quiet_place": "sometimes",
    }
    url = f"/home-learning/pupils/{world.ada.pk}/phone/"
    first = client.post(url, form)
    second = client.post(url, form)
    assert first.status_code == 302 and second.status_code == 302
    assert ProfileAnswer.objects.count() == 4
    assert ProfileAnswer.objects.get(question="devices").value == "laptop,tablet"


def test_the_phone_form_keeps_what_was_typed_when_one_answer_is_wrong(world: World) -> None:
    client = world.client("flo")
    url = f"/home-learning/pupils/{world.ada.pk}/phone/"
    response = client.post(
        url,
        {"source": Source.PHONE_CALL, "device_count": "lots", "languages": "Polish and English"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Enter a number from 0 to 20." in page
    assert 'value="Polish and English"' in page
    assert not ProfileAnswer.objects.exists()


def test_a_round_is_opened_once_from_a_double_tap(world: World) -> None:
    client = world.client("pastoral")
    form = {
        "once": "5b1f1d56-0a3a-4a43-8f50-1e7a5b5b0a02",
        "school": world.oakfield.pk,
        "title": "Spring 2027",
        "closes_on": "2099-01-31",
    }
    assert client.post("/home-learning/surveys/", form).status_code == 302
    assert client.post("/home-learning/surveys/", form).status_code == 302
    assert SurveyRound.objects.count() == 1


def test_the_round_list_costs_the_same_queries_for_more_pupils(world: World) -> None:
    survey_round = open_round(world)
    client = world.client("leader")
    url = f"/home-learning/surveys/{survey_round.pk}/?answered=not"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(30):
        PupilFactory(school=world.oakfield, year_group=world.year7, legal_last_name=f"Extra{n}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert page.status_code == 200
    assert len(many) == len(few)


def test_the_profile_page_costs_the_same_queries_for_a_longer_history(world: World) -> None:
    client = world.client("pastoral")
    url = f"/home-learning/pupils/{world.ada.pk}/"
    answer(world.ada, "printer", "yes")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for days in range(20):
        answer(world.ada, "internet", "mobile", days_ago=days)
        answer(world.ada, "quiet_place", "no", days_ago=days, household=False)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_a_round_with_a_bad_date_says_so_and_keeps_the_name(world: World) -> None:
    response = world.client("flo").post(
        "/home-learning/surveys/",
        {"school": world.oakfield.pk, "title": "Spring 2027", "closes_on": "31/02/2027"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter the closing date" in page and 'value="Spring 2027"' in page
    assert not SurveyRound.objects.exists()


def test_a_leader_sets_when_profiles_go_out_of_date(world: World) -> None:
    client = world.client("leader")
    form = {"action": "settings", "school": world.oakfield.pk, "stale_after_days": "180"}
    assert client.post("/home-learning/surveys/", form).status_code == 302
    assert 'value="180"' in client.get("/home-learning/surveys/").content.decode()
    bad = client.post("/home-learning/surveys/", {**form, "stale_after_days": "5"})
    assert bad.status_code == 400
    # The office runs the survey but does not set this.
    office = world.client("office").post("/home-learning/surveys/", form)
    assert office.status_code == 403


def test_the_menu_shows_home_learning_to_those_who_run_the_survey(world: World) -> None:
    assert "Home learning" in world.client("office").get("/account/").content.decode()
    assert "Home learning" not in world.client("teacher").get("/account/").content.decode()
