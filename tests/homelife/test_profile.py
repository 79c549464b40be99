"""The profile: append-only answers, the current value derived, visits outranking a survey
tick, staleness by the school's setting, and the service that records answers (audited)."""

from __future__ import annotations

import pytest

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.errors import Invalid, Refused
from schoolwindow.homelife.models import HomelifeSettings, ProfileAnswer, Source
from schoolwindow.homelife.profile import CurrentAnswer
from schoolwindow.homelife.selectors import HomeProfile, home_profile_get
from schoolwindow.homelife.services import Given, homelife_settings_change, profile_answers_record
from tests.homelife.conftest import World, answer, staff_actor

pytestmark = pytest.mark.django_db


def current(profile: HomeProfile, key: str) -> CurrentAnswer:
    return next(e for e in (*profile.household, *profile.own) if e.question.key == key)


def test_a_new_answer_is_a_new_version_and_history_keeps_both(world: World) -> None:
    answer(world.ada, "internet", "none", days_ago=30)
    answer(world.ada, "internet", "broadband", days_ago=1)
    profile = home_profile_get(actor=staff_actor(world, "pastoral"), pupil_id=world.ada.pk)
    assert current(profile, "internet").answer.value == "broadband"
    assert [row.answer.value for row in profile.history] == ["broadband", "none"]
    assert ProfileAnswer.objects.count() == 2


def test_household_answers_are_shared_by_brothers_and_sisters(world: World) -> None:
    world.ben.household = world.ada.household
    world.ben.save()
    answer(world.ada, "printer", "no")
    maria_as_staff = staff_actor(world, "pastoral")
    profile = home_profile_get(actor=maria_as_staff, pupil_id=world.ada.pk)
    assert current(profile, "printer").shown == "No"


def test_a_visit_outranks_a_later_survey_tick_and_the_page_says_so(world: World) -> None:
    answer(world.ada, "internet", "mobile", source=Source.HOME_VISIT, days_ago=20)
    answer(world.ada, "internet", "broadband", source=Source.PARENT_SURVEY, days_ago=2)
    profile = home_profile_get(actor=staff_actor(world, "flo"), pupil_id=world.ada.pk)
    entry = current(profile, "internet")
    assert entry.answer.source == Source.HOME_VISIT
    assert entry.outranked is not None and entry.outranked_shown == "Broadband or Wi-Fi"
    page = world.client("flo").get(f"/home-learning/pupils/{world.ada.pk}/")
    text = " ".join(page.content.decode().split())
    assert "the parent survey said “Broadband or Wi-Fi”" in text
    assert "found “Mobile data only” — we use the visit." in text


def test_a_later_visit_simply_wins_and_an_agreeing_survey_raises_no_note(world: World) -> None:
    answer(world.ada, "printer", "yes", source=Source.PARENT_SURVEY, days_ago=20)
    answer(world.ada, "printer", "no", source=Source.HOME_VISIT, days_ago=10)
    answer(world.ada, "printer", "no", source=Source.PARENT_SURVEY, days_ago=1)
    profile = home_profile_get(actor=staff_actor(world, "flo"), pupil_id=world.ada.pk)
    entry = current(profile, "printer")
    assert entry.answer.source == Source.HOME_VISIT and entry.outranked is None


def test_an_out_of_date_visit_no_longer_outranks_a_newer_answer(world: World) -> None:
    answer(world.ada, "internet", "none", source=Source.HOME_VISIT, days_ago=400)
    answer(world.ada, "internet", "broadband", source=Source.PARENT_SURVEY, days_ago=2)
    profile = home_profile_get(actor=staff_actor(world, "flo"), pupil_id=world.ada.pk)
    assert current(profile, "internet").answer.value == "broadband"


def test_staleness_follows_the_schools_setting(world: World) -> None:
    answer(world.ada, "printer", "yes", days_ago=100)
    actor = staff_actor(world, "leader")
    profile = home_profile_get(actor=actor, pupil_id=world.ada.pk)
    assert not profile.stale and profile.stale_after_days == 365
    homelife_settings_change(actor=actor, school_id=world.oakfield.pk, stale_after_days=60)
    profile = home_profile_get(actor=actor, pupil_id=world.ada.pk)
    assert profile.stale and current(profile, "printer").stale
    assert HomelifeSettings.objects.get().stale_after_days == 60
    assert AuditEvent.objects.filter(action="homelife.settings_changed").exists()
    page = world.client("leader").get(f"/pupils/{world.ada.pk}/")
    assert "Out of date" in page.content.decode()


def test_a_teacher_may_not_change_the_setting(world: World) -> None:
    with pytest.raises(Refused):
        homelife_settings_change(
            actor=staff_actor(world, "teacher"), school_id=world.oakfield.pk, stale_after_days=60
        )


def test_recording_a_phone_call_is_audited_and_checked(world: World) -> None:
    actor = staff_actor(world, "flo")
    rows = profile_answers_record(
        actor=actor,
        pupil=world.ada,
        source=Source.PHONE_CALL,
        answers=[
            Given(question="devices", value="laptop"),
            Given(question="device_sharing", value="adults", detail="Used by mum for work 9 to 5"),
            Given(question="quiet_place", value="no"),
        ],
    )
    assert len(rows) == 3
    household_rows = [row for row in rows if row.pupil_id is None]
    assert {row.question for row in household_rows} == {"devices", "device_sharing"}
    assert all(row.household_id == world.ada.household_id for row in household_rows)
    [own] = [row for row in rows if row.pupil_id == world.ada.pk]
    assert own.question == "quiet_place" and own.recorded_by_id == actor.user.pk  # type: ignore[union-attr]
    event = AuditEvent.objects.get(action="homelife.answers_recorded")
    assert event.pupil_id == world.ada.pk and event.detail["source"] == Source.PHONE_CALL


def test_a_home_visit_can_be_recorded_by_another_app_through_the_service(world: World) -> None:
    profile_answers_record(
        actor=staff_actor(world, "flo"),
        pupil=world.ada,
        source=Source.HOME_VISIT,
        answers=[Given(question="internet", value="none")],
    )
    assert ProfileAnswer.objects.get().source == Source.HOME_VISIT


@pytest.mark.parametrize(
    ("given", "field"),
    [
        (Given(question="internet", value="satellite"), "internet"),
        (Given(question="device_count", value="-1"), "device_count"),
        (Given(question="devices", value="none,laptop"), "devices"),
        (Given(question="nonsense", value="x"), "question"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_written(
    world: World, given: Given, field: str
) -> None:
    with pytest.raises(Invalid) as problem:
        profile_answers_record(
            actor=staff_actor(world, "flo"),
            pupil=world.ada,
            source=Source.PHONE_CALL,
            answers=[Given(question="printer", value="yes"), given],
        )
    assert problem.value.field == field
    assert not ProfileAnswer.objects.exists()


def test_teachers_and_the_office_may_not_record(world: World) -> None:
    for role in ("teacher", "office"):
        with pytest.raises(Refused):
            profile_answers_record(
                actor=staff_actor(world, role),
                pupil=world.ada,
                source=Source.PHONE_CALL,
                answers=[Given(question="printer", value="yes")],
            )


def test_the_survey_source_is_not_for_staff(world: World) -> None:
    with pytest.raises(Invalid):
        profile_answers_record(
            actor=staff_actor(world, "flo"),
            pupil=world.ada,
            source=Source.PARENT_SURVEY,
            answers=[Given(question="printer", value="yes")],
        )
