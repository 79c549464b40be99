"""Home visits' pages: who may see each (per role), what a parent and other staff see of a
visit, posting a form twice, and the pupil-page panel and home blocks."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwindow.audit.models import AuditEvent
from schoolwindow.support.visits import services
from schoolwindow.support.visits.models import HomeVisit, VisitAction, VisitStatus
from tests.pages.conftest import ALL_ROLES, World, status_for, statuses
from tests.support.conftest import actor, plan_visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PLANNERS = {"flo": 200, "pastoral": 200, "leader": 200, "dsl": 200}
ROLES = [*ALL_ROLES, "other_parent", "trust_officer_with_access"]
CONCERN = "Worried about the older brother's friends; asked for help."


def check(world: World, url: str, expected: dict[str, int | str]) -> None:
    got = {role: status_for(world.client(role).get(url)) for role in ROLES}
    assert got == {role: expected[role] for role in ROLES}


def recorded_visit(world: World, *, concern: str = "") -> HomeVisit:
    visit = plan_visit(world, days=-0.1)
    services.visit_record(
        actor=actor(world, "flo"),
        visit_id=visit.pk,
        answers={"printer": "No printer", "quiet_place": "Shares a room with two brothers"},
        wellbeing="Kind and busy; dad works nights.",
        actions=[],
        reflection="Bring a printed pack next time.",
        concern=concern,
    )
    return visit


def test_my_visits_is_for_staff(world: World) -> None:
    check(world, reverse("visits:visits"), statuses(403, staff=200))


def test_the_calendar_page_is_for_staff(world: World) -> None:
    check(world, reverse("visits:calendar"), statuses(403, staff=200))


def test_the_intake_is_for_planners(world: World) -> None:
    check(world, reverse("visits:intake"), statuses(403, **PLANNERS))


def test_the_plan_form_is_for_planners(world: World) -> None:
    url = f"{reverse('visits:plan')}?pupil={world.ada.pk}"
    check(world, url, statuses(403, **PLANNERS))
    # A pupil the planner cannot see is not found.
    outside = f"{reverse('visits:plan')}?pupil={world.outsider.pk}"
    assert world.client("flo").get(outside).status_code == 404


def test_a_visit_page_per_role(world: World) -> None:
    visit = plan_visit(world)
    url = reverse("visits:visit", kwargs={"visit_id": visit.pk})
    check(
        world,
        url,
        statuses(404, **PLANNERS, advocate=200, parent=200),
    )


def test_changing_and_recording_per_role(world: World) -> None:
    visit = plan_visit(world)
    for name in ("visits:change", "visits:record"):
        url = reverse(name, kwargs={"visit_id": visit.pk})
        check(
            world,
            url,
            statuses(
                403,
                **PLANNERS,
                advocate=403,
                teacher=404,
                office=404,
            ),
        )


def test_the_concern_page_is_the_dsls_alone_and_each_view_is_audited(world: World) -> None:
    visit = recorded_visit(world, concern=CONCERN)
    url = reverse("visits:concern", kwargs={"visit_id": visit.pk})
    check(world, url, statuses(403, staff=404, dsl=200))
    assert AuditEvent.objects.filter(action="visit.concern_viewed").count() == 1
    world.client("dsl").get(url)
    assert AuditEvent.objects.filter(action="visit.concern_viewed").count() == 2


@pytest.mark.parametrize("role", ["flo", "pastoral", "leader", "advocate"])
def test_others_see_only_that_a_concern_was_passed_on(world: World, role: str) -> None:
    visit = recorded_visit(world, concern=CONCERN)
    page = world.client(role).get(reverse("visits:visit", kwargs={"visit_id": visit.pk}))
    text = page.content.decode()
    assert "A concern was passed to the safeguarding lead." in text
    assert CONCERN not in text
    assert "Read the concern" not in text
    assert "Shares a room with two brothers" in text


def test_the_dsl_sees_the_link_and_the_home_block(world: World) -> None:
    visit = recorded_visit(world, concern=CONCERN)
    page = world.client("dsl").get(reverse("visits:visit", kwargs={"visit_id": visit.pk}))
    assert "Read the concern (DSL only)" in page.content.decode()
    assert CONCERN not in page.content.decode()
    home = world.client("dsl").get("/").content.decode()
    assert "Concerns from home visits" in home
    assert CONCERN not in home
    assert "Concerns from home visits" not in world.client("pastoral").get("/").content.decode()


def test_a_parent_sees_who_is_coming_and_none_of_the_notes(world: World) -> None:
    visit = plan_visit(world)
    client = world.client("parent")
    url = reverse("visits:visit", kwargs={"visit_id": visit.pk})
    text = client.get(url).content.decode()
    assert world.staff["flo"].display_name in text
    assert "Can we come?" in text
    answered = client.post(
        reverse("visits:answer", kwargs={"visit_id": visit.pk}), {"agreement": "declined"}
    )
    assert answered.status_code == 302
    visit.refresh_from_db()
    assert (visit.agreement, visit.status) == ("declined", VisitStatus.PLANNED)
    assert (
        world.client("other_parent")
        .post(reverse("visits:answer", kwargs={"visit_id": visit.pk}), {"agreement": "agreed"})
        .status_code
        == 404
    )
    # After the visit the parent still sees nothing of what staff wrote.
    done = recorded_visit(world)
    text = client.get(reverse("visits:visit", kwargs={"visit_id": done.pk})).content.decode()
    assert "Kind and busy" not in text and "printed pack" not in text
    assert "No printer" not in text


def test_planning_through_the_form_twice_makes_one_visit(world: World) -> None:
    client = world.client("flo")
    when = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    form = {
        "pupil": world.ada.pk,
        "starts_at": when,
        "duration_minutes": 45,
        "lead": world.staff["flo"].pk,
        "second": world.staff["pastoral"].pk,
        "agreement": "agreed",
        "agreement_how": "Phone call",
        "once": str(uuid.uuid4()),
    }
    first = client.post(reverse("visits:plan"), form)
    assert first.status_code == 302
    second = client.post(reverse("visits:plan"), form)
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert HomeVisit.objects.count() == 1


def test_one_person_is_refused_with_a_clear_error(world: World) -> None:
    client = world.client("flo")
    when = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    answer = client.post(
        reverse("visits:plan"),
        {
            "pupil": world.ada.pk,
            "starts_at": when,
            "duration_minutes": 45,
            "lead": world.staff["flo"].pk,
            "second": "",
            "agreement": "not_yet",
            "once": str(uuid.uuid4()),
        },
    )
    assert answer.status_code == 400
    assert "A home visit always needs two people" in answer.content.decode()
    # What was typed is still there.
    assert when in answer.content.decode()
    assert not HomeVisit.objects.exists()


def test_recording_twice_from_the_phone_saves_once(world: World) -> None:
    visit = plan_visit(world, days=-0.1)
    client = world.client("flo")
    url = reverse("visits:record", kwargs={"visit_id": visit.pk})
    form = {
        "answer_devices": "Two tablets, shared",
        "wellbeing": "Fine",
        "action_0_text": "Send the dongle form",
        "action_0_owner": world.staff["office"].pk,
        "action_0_due": "2026-12-18",
        "once": str(uuid.uuid4()),
    }
    headers = {"X-Requested-With": "visit-draft"}
    first = client.post(url, form, headers=headers)
    assert first.status_code == 200
    assert first.json() == {"url": reverse("visits:visit", kwargs={"visit_id": visit.pk})}
    again = client.post(url, form, headers=headers)
    assert again.json() == first.json()
    assert VisitAction.objects.count() == 1
    plain = client.post(url, form)
    assert plain.status_code == 302


def test_the_pupil_page_shows_the_next_visit_and_a_plan_link_to_planners(world: World) -> None:
    pupil_url = reverse("pupil_detail", kwargs={"pupil_id": world.ada.pk})
    flo = world.client("flo").get(pupil_url).content.decode()
    assert "Plan a home visit" in flo
    teacher = world.client("teacher").get(pupil_url).content.decode()
    assert "Home visits" not in teacher
    plan_visit(world)
    assert "A visit to your home" in world.client("parent").get(pupil_url).content.decode()
    assert "Next:" in world.client("advocate").get(pupil_url).content.decode()


def test_the_home_block_lists_todays_visits(world: World) -> None:
    # Early today (whatever time the test runs): today's visits include those already past.
    early = timezone.localtime().replace(hour=0, minute=1, second=0, microsecond=0)
    plan_visit(world, starts_at=early)
    home = world.client("pastoral").get("/").content.decode()
    assert "Home visits this week" in home
    assert world.ada.display_name in home
    assert "Home visits this week" not in world.client("teacher").get("/").content.decode()


def test_a_visit_planned_from_the_pupil_page_answers_the_open_flag(world: World) -> None:
    from schoolwindow.engagement.models import Flag, FlagEvent
    from schoolwindow.messaging.models import ContactLog

    today = timezone.localdate()
    flag = Flag.objects.create(
        school=world.oakfield, pupil=world.ada, opened_on=today, last_evaluated_on=today
    )
    pupil_page = world.client("flo").get(reverse("pupil_detail", kwargs={"pupil_id": world.ada.pk}))
    assert f"flag={flag.pk}" in pupil_page.content.decode()
    plan_page = world.client("flo").get(
        f"{reverse('visits:plan')}?pupil={world.ada.pk}&flag={flag.pk}"
    )
    assert "count as action on the pupil's watchlist flag" in plan_page.content.decode()
    visit = plan_visit(world, days=-0.1, flag_id=flag.pk)
    assert visit.flag_id == flag.pk
    recorded = services.visit_record(
        actor=actor(world, "flo"),
        visit_id=visit.pk,
        answers={},
        wellbeing="",
        actions=[],
        reflection="",
    )
    assert ContactLog.objects.get(pupil=world.ada, kind="visit").flag_id == flag.pk
    assert FlagEvent.objects.filter(flag=flag).exists()
    assert recorded.status == VisitStatus.DONE


def test_the_menu_and_the_audit_log_name_home_visits(world: World) -> None:
    assert "Home visits" in world.client("flo").get("/").content.decode()
    assert "Home visits" not in world.client("teacher").get("/").content.decode()
    recorded_visit(world, concern=CONCERN)
    log = world.client("dsl").get(reverse("audit_log")).content.decode()
    assert "planned a home visit to Ada" in log
    assert "passed a concern from the visit to Ada" in log
    assert CONCERN not in log


def test_moving_and_cancelling_through_the_page(world: World) -> None:
    visit = plan_visit(world)
    client = world.client("flo")
    url = reverse("visits:change", kwargs={"visit_id": visit.pk})
    page = client.get(url).content.decode()
    assert timezone.localtime(visit.starts_at).strftime("%Y-%m-%dT%H:%M") in page
    later = (timezone.localtime(visit.starts_at) + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    moved = client.post(url, {"do": "move", "move-starts_at": later, "move-duration_minutes": 60})
    assert moved.status_code == 302
    visit.refresh_from_db()
    assert (visit.sequence, visit.duration_minutes) == (1, 60)
    no_reason = client.post(url, {"do": "cancel", "cancel-reason": ""})
    assert no_reason.status_code == 400
    assert "Say why the visit is cancelled." in no_reason.content.decode()
    cancelled = client.post(url, {"do": "cancel", "cancel-reason": "The family is unwell"})
    assert cancelled.status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.sequence) == (VisitStatus.CANCELLED, 2)


def test_the_pages_read_in_polish(world: World) -> None:
    user = world.user("flo")
    assert user is not None
    user.language = "pl"
    user.save(update_fields=["language"])
    visit = plan_visit(world, days=-0.1)
    client = world.client("flo")
    record = client.get(reverse("visits:record", kwargs={"visit_id": visit.pk})).content.decode()
    assert "Zapisz wizytę" in record
    assert "Urządzenia do nauki" in record
    detail = client.get(reverse("visits:visit", kwargs={"visit_id": visit.pk})).content.decode()
    assert "45 minut" in detail
    assert "Kto jedzie" in detail
