"""The watchlist, a flag's page, triage from the list (HTMX and plain POST), the rule settings
and the engagement timeline on the pupil profile: who may do what, and what they see."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schoolwindow.audit.models import AuditEvent
from schoolwindow.engagement.models import Flag, FlagEvent, FlagStatus, RuleSetting
from schoolwindow.engagement.rules import make_reason
from schoolwindow.people.models import Enrolment, Pupil
from tests.engagement.helpers_flags import at, days_of, facts, message, school_calendar
from tests.factories import PupilFactory
from tests.pages import conftest as pages
from tests.pages.conftest import World, status_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def world(db: None) -> World:
    """The page tests' trust (tests/pages/conftest.py): every role, Ada and Cara at Oakfield."""
    return pages.build_pages_world()


TODAY = timezone.localdate()
NO_ONLINE = {
    "days": 6,
    "last_active": "2026-11-04",
    "usual": 4.0,
    "silent_days": [],
    "excused_days": [],
}
TREND = {
    "weeks": ["2026-10-12", "2026-10-19", "2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"],
    "attendance": [100.0, 95.0, None, 80.0, 60.0, 50.0],
    "online": [5, 4, None, 2, 0, 0],
    "school_days": [5, 5, 0, 5, 5, 5],
    "homework_missing": [0, 0, 0, 1, 1, 1],
}


def flag_for(pupil: Pupil, **fields: Any) -> Flag:
    reason = make_reason("no_online", 1, NO_ONLINE)
    values: dict[str, Any] = {
        "school": pupil.school,
        "pupil": pupil,
        "opened_on": TODAY - dt.timedelta(days=14),
        "last_evaluated_on": TODAY,
        "reasons": [reason],
        "severity": reason["severity"],
        "trend": TREND,
        **fields,
    }
    return Flag.objects.create(**values)


def ada_and_cara(world: World) -> tuple[Flag, Flag]:
    return flag_for(world.ada), flag_for(world.cara)


def detail(flag: Flag) -> str:
    return reverse("flag_detail", kwargs={"flag_id": flag.pk})


def action(name: str, flag: Flag) -> str:
    return reverse(f"flag_{name}", kwargs={"flag_id": flag.pk})


# --- Who may open what -------------------------------------------------------------------------

WATCHLIST = pages.statuses(staff=200, office=403)
ADA_FLAG = WATCHLIST  # Ada is in the teacher's class and on the advocate's caseload
CARA_FLAG = {**WATCHLIST, "teacher": 404, "advocate": 404}
# Assign, snooze, resolve: not teachers; notes: teachers too. A refused POST never changes a thing.
ADA_TRIAGE = {**WATCHLIST, **dict.fromkeys(["leader", "pastoral", "advocate", "flo", "dsl"], 302)}
ADA_TRIAGE["teacher"] = 403
ADA_NOTE = {**ADA_TRIAGE, "teacher": 302}
CARA_TRIAGE = {**ADA_TRIAGE, "teacher": 404, "advocate": 404}
RULES_PAGE = {
    **WATCHLIST,
    "teacher": 403,
    "advocate": 403,
    "flo": 403,
}


@pytest.mark.parametrize(("role", "expected"), WATCHLIST.items())
def test_who_may_open_the_watchlist(world: World, role: str, expected: int | str) -> None:
    ada_and_cara(world)
    assert status_for(world.client(role).get(reverse("watchlist"))) == expected


@pytest.mark.parametrize(("role", "expected"), ADA_FLAG.items())
def test_who_may_open_adas_flag(world: World, role: str, expected: int | str) -> None:
    ada, _cara = ada_and_cara(world)
    assert status_for(world.client(role).get(detail(ada))) == expected


@pytest.mark.parametrize(("role", "expected"), CARA_FLAG.items())
def test_who_may_open_caras_flag(world: World, role: str, expected: int | str) -> None:
    _ada, cara = ada_and_cara(world)
    assert status_for(world.client(role).get(detail(cara))) == expected


def triage_posts(flag: Flag) -> dict[str, tuple[str, dict[str, str]]]:
    return {
        "assign": (action("assign", flag), {"staff": ""}),
        "snooze": (
            action("snooze", flag),
            {"until": (TODAY + dt.timedelta(days=7)).isoformat()},
        ),
        "resolve": (action("resolve", flag), {"outcome": "no_concern"}),
    }


@pytest.mark.parametrize(("role", "expected"), ADA_TRIAGE.items())
@pytest.mark.parametrize("kind", ["assign", "snooze", "resolve"])
def test_who_may_triage_adas_flag(world: World, role: str, expected: int | str, kind: str) -> None:
    ada, _cara = ada_and_cara(world)
    url, data = triage_posts(ada)[kind]
    assert status_for(world.client(role).post(url, data)) == expected
    changed = FlagEvent.objects.filter(flag=ada).exists()
    assert changed == (expected == 302)


@pytest.mark.parametrize(("role", "expected"), CARA_TRIAGE.items())
def test_who_may_triage_caras_flag(world: World, role: str, expected: int | str) -> None:
    _ada, cara = ada_and_cara(world)
    url, data = triage_posts(cara)["resolve"]
    assert status_for(world.client(role).post(url, data)) == expected
    cara.refresh_from_db()
    assert (cara.status == "resolved") == (expected == 302)


@pytest.mark.parametrize(("role", "expected"), ADA_NOTE.items())
def test_who_may_add_a_note(world: World, role: str, expected: int | str) -> None:
    ada, _cara = ada_and_cara(world)
    response = world.client(role).post(
        action("note", ada), {"note": "Rang home", "kind": "contact"}
    )
    assert status_for(response) == expected
    assert FlagEvent.objects.filter(flag=ada, kind="contact").exists() == (expected == 302)


@pytest.mark.parametrize(("role", "expected"), ADA_TRIAGE.items())
def test_who_may_reopen(world: World, role: str, expected: int | str) -> None:
    ada = flag_for(world.ada, status=FlagStatus.RESOLVED, outcome="no_concern")
    assert status_for(world.client(role).post(action("reopen", ada))) == expected


def test_triage_pages_answer_only_post(world: World) -> None:
    ada, _cara = ada_and_cara(world)
    assert world.client("pastoral").get(action("assign", ada)).status_code == 405


@pytest.mark.parametrize(("role", "expected"), RULES_PAGE.items())
def test_who_may_change_the_rules(world: World, role: str, expected: int | str) -> None:
    assert status_for(world.client(role).get(reverse("rule_settings"))) == expected


@pytest.mark.parametrize("role", ["leader", "pastoral", "advocate", "flo", "dsl"])
def test_the_watchlist_link_is_in_the_menu(world: World, role: str) -> None:
    html = world.client(role).get(reverse("home")).content.decode()
    assert f'href="{reverse("watchlist")}"' in html


@pytest.mark.parametrize("role", ["teacher", "office", "parent", "pupil", "trust_officer"])
def test_no_watchlist_link_for_others(world: World, role: str) -> None:
    html = world.client(role).get(reverse("home")).content.decode()
    assert f'href="{reverse("watchlist")}"' not in html


# --- What the list shows ---------------------------------------------------------------------


def test_the_list_shows_reasons_trend_contact_and_assignee(world: World) -> None:
    ada, _cara = ada_and_cara(world)
    message(world.ada, TODAY - dt.timedelta(days=3), read=TODAY - dt.timedelta(days=2))
    message(world.ada, TODAY - dt.timedelta(days=5), replied=TODAY - dt.timedelta(days=4))
    ada.assigned_to = world.staff["pastoral"]
    ada.save()
    html = world.client("pastoral").get(reverse("watchlist")).content.decode()
    assert "Ada Kowalska" in html and "Cara Jones" in html
    assert (
        "No log-in or online work since Wed 4 Nov — 6 school days; usually online 4 days a week"
        in html
    )
    assert 'role="img"' in html and "Attendance: 100%, 95%, no school, 80%, 60%, 50%" in html
    assert "Days online: 5/5, 4/5, no school, 2/5, 0/5, 0/5." in html
    read_on = TODAY - dt.timedelta(days=2)
    assert f"Read a message, {read_on:%a} {read_on.day} {read_on:%b}" in html
    assert world.staff["pastoral"].display_name in html
    assert "2 pupils on the list." in html


def test_a_teacher_sees_only_their_pupils_and_cannot_triage(world: World) -> None:
    ada, _cara = ada_and_cara(world)
    client = world.client("teacher")
    html = client.get(reverse("watchlist")).content.decode()
    assert "Ada Kowalska" in html
    assert "Cara Jones" not in html
    assert "Act for Ada" in html
    actions = client.get(action("actions", ada), headers={"HX-Request": "true"})
    assert "Add note" in actions.content.decode()
    assert "Snooze until" not in actions.content.decode()
    assert "Assign to" not in actions.content.decode()


@pytest.mark.parametrize(("role", "expected"), ADA_FLAG.items())
def test_who_may_load_the_triage_forms(world: World, role: str, expected: int | str) -> None:
    ada, _cara = ada_and_cara(world)
    response = world.client(role).get(
        action("actions", ada), {"next": "/watchlist/?year=7"}, headers={"HX-Request": "true"}
    )
    assert status_for(response) == expected
    if expected == 200 and role != "teacher":
        html = response.content.decode()
        assert "Snooze until" in html and "autofocus" in html
        assert 'name="next" value="/watchlist/?year=7"' in html
        assert "csrfmiddlewaretoken" in html


def test_the_act_link_works_without_javascript(world: World) -> None:
    ada, _cara = ada_and_cara(world)
    client = world.client("pastoral")
    opened_alone = client.get(action("actions", ada), {"next": "/watchlist/"})
    assert opened_alone["Location"] == f"{detail(ada)}?next=%2Fwatchlist%2F"
    html = client.get(reverse("watchlist"), {"year": "7"}).content.decode()
    link = f'href="{detail(ada)}?next=/watchlist/%3Fyear%3D7#act-heading"'
    assert link in html
    page = client.get(detail(ada), {"next": "/watchlist/?year=7"}).content.decode()
    assert 'name="next" value="/watchlist/?year=7"' in page
    response = client.post(action("note", ada), {"note": "Rang", "next": "/watchlist/?year=7"})
    assert response["Location"] == "/watchlist/?year=7"


def test_ranked_by_risk_then_by_weight_of_reasons(world: World) -> None:
    low = flag_for(PupilFactory(school=world.oakfield, legal_first_name="Low"), severity=9)
    high = flag_for(PupilFactory(school=world.oakfield, legal_first_name="High"), risk=0.9)
    mid = flag_for(PupilFactory(school=world.oakfield, legal_first_name="Mid"), risk=0.5)
    none = flag_for(PupilFactory(school=world.oakfield, legal_first_name="None"), severity=1)
    rows = world.client("pastoral").get(reverse("watchlist")).context["rows"]
    assert [row.flag.pk for row in rows] == [high.pk, mid.pk, low.pk, none.pk]


def test_the_urgent_come_first_and_among_them_the_unassigned(world: World) -> None:
    def pupil(name: str) -> Pupil:
        return PupilFactory(school=world.oakfield, legal_first_name=name)

    taken = flag_for(pupil("Taken"), risk=0.9, assigned_to=world.staff["pastoral"])
    free = flag_for(pupil("Free"), risk=0.6)
    heavy = flag_for(pupil("Heavy"), severity=6)
    mild = flag_for(pupil("Mild"), risk=0.3)
    rows = world.client("pastoral").get(reverse("watchlist")).context["rows"]
    assert [row.flag.pk for row in rows] == [free.pk, heavy.pk, taken.pk, mild.pk]


def test_the_count_of_pupils_new_today(world: World) -> None:
    flag_for(world.ada, opened_on=TODAY)
    flag_for(world.cara)
    flag_for(PupilFactory(school=world.oakfield), opened_on=TODAY, status="snoozed")
    response = world.client("pastoral").get(reverse("watchlist"))
    assert response.context["new_count"] == 1
    assert "1 new today." in response.content.decode()
    response = world.client("pastoral").get(reverse("watchlist") + "?status=resolved")
    assert "new today" not in response.content.decode()
    # "New today" narrows the list to them (the home page's "See all" links here).
    rows = world.client("pastoral").get(reverse("watchlist") + "?new=1").context["rows"]
    assert [row.pupil.first_name for row in rows] == ["Ada"]


def test_new_since_yesterday_is_marked(world: World) -> None:
    flag_for(world.ada, opened_on=TODAY)
    flag_for(world.cara)
    rows = {
        row.pupil.first_name: row
        for row in world.client("pastoral").get(reverse("watchlist")).context["rows"]
    }
    assert (rows["Ada"].is_new, rows["Cara"].is_new) == (True, False)
    assert rows["Ada"].new_label == "New"


def test_filters(world: World) -> None:
    _ada, cara = ada_and_cara(world)
    snoozed = flag_for(PupilFactory(school=world.oakfield, legal_first_name="Sam"))
    snoozed.status = FlagStatus.SNOOZED
    snoozed.snoozed_until = TODAY + dt.timedelta(days=3)
    snoozed.save()
    cara.assigned_to = world.staff["pastoral"]
    cara.save()
    client = world.client("pastoral")

    def names(**params: str) -> set[str]:
        rows = client.get(reverse("watchlist"), params).context["rows"]
        return {row.pupil.first_name for row in rows}

    assert names() == {"Ada", "Cara"}
    assert names(status="snoozed") == {"Sam"}
    assert names(status="all") == {"Ada", "Cara", "Sam"}
    assert names(group=str(world.class_7r.pk)) == {"Ada"}
    assert names(need="send") == {"Ada"}
    assert names(need="eal", year="7") == {"Ada"}
    assert names(mine="1") == {"Cara"}
    assert names(year="nonsense", group="999999") == {"Ada", "Cara"}
    # HTMX filter requests get the results only.
    fragment = client.get(reverse("watchlist"), {"need": "send"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode()
    assert "Ada Kowalska" in fragment.content.decode()


def test_fifty_a_page(world: World) -> None:
    for _ in range(53):
        flag_for(PupilFactory(school=world.oakfield))
    client = world.client("pastoral")
    assert len(client.get(reverse("watchlist")).context["rows"]) == 50
    assert len(client.get(reverse("watchlist"), {"page": "2"}).context["rows"]) == 3


def many_flags(world: World, n: int) -> None:
    for i in range(n):
        pupil = PupilFactory(school=world.oakfield, year_group=world.year7)
        Enrolment.objects.create(school=world.oakfield, group=world.class_7r, pupil=pupil)
        flag = flag_for(pupil, assigned_to=world.staff["flo"] if i % 2 else None)
        message(pupil, TODAY - dt.timedelta(days=4), read=TODAY - dt.timedelta(days=3))
        FlagEvent.objects.create(school=world.oakfield, flag=flag, kind="contact", note="x")


@pytest.mark.parametrize("role", ["pastoral", "advocate", "teacher"])
def test_the_query_count_does_not_grow_with_the_list(world: World, role: str) -> None:
    client = world.client(role)
    client.get(reverse("watchlist"))  # warm up the session
    counts = []
    for n in (5, 35):
        many_flags(world, n)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("watchlist"))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 16, counts


def test_query_count_with_django_assert_num_queries(
    world: World, django_assert_num_queries
) -> None:
    client = world.client("pastoral")
    client.get(reverse("watchlist"))
    many_flags(world, 5)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("watchlist"))
    expected = len(queries)
    many_flags(world, 35)
    with django_assert_num_queries(expected):
        response = client.get(reverse("watchlist"))
    assert len(response.context["rows"]) == 40


# --- Triage from the list ----------------------------------------------------------------------


def test_assign_from_the_list_with_htmx_swaps_the_row(world: World) -> None:
    ada, _cara = ada_and_cara(world)
    client = world.client("pastoral")
    response = client.post(
        action("assign", ada),
        {"staff": str(world.staff["flo"].pk), "target": "row", "next": "/watchlist/?year=7"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<li id="flag-{ada.pk}"')
    assert f"Ada Kowalska: assigned to {world.staff['flo'].display_name}." in html
    assert 'value="/watchlist/?year=7"' in html  # the next forms still go back to the filters
    ada.refresh_from_db()
    assert ada.assigned_to == world.staff["flo"]
    assert AuditEvent.objects.filter(action="flag.assigned", object_id=str(ada.pk)).exists()


def test_the_same_forms_work_without_javascript(world: World) -> None:
    ada, _cara = ada_and_cara(world)
    client = world.client("advocate")
    until = TODAY + dt.timedelta(days=5)
    response = client.post(
        action("snooze", ada), {"until": until.isoformat(), "next": "/watchlist/?status=open"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/watchlist/?status=open"
    ada.refresh_from_db()
    assert (ada.status, ada.snoozed_until) == ("snoozed", until)
    # A foreign next is ignored.
    response = client.post(action("note", ada), {"note": "ok", "next": "https://evil.example/"})
    assert response["Location"] == detail(ada)


def test_a_mistake_is_explained_in_the_row(world: World) -> None:
    ada, _cara = ada_and_cara(world)
    response = world.client("pastoral").post(
        action("snooze", ada),
        {"until": TODAY.isoformat(), "target": "row"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose a date after today." in html
    assert 'class="row-message error"' in html
    ada.refresh_from_db()
    assert ada.status == "open"


def test_resolve_then_reopen_from_the_list(world: World) -> None:
    ada, _cara = ada_and_cara(world)
    client = world.client("dsl")
    html = client.post(
        action("resolve", ada),
        {"outcome": "re_engaged", "target": "row"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "Resolved: Re-engaged" in html and "Reopen" in html
    html = client.post(
        action("reopen", ada), {"target": "row"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "Ada Kowalska: reopened." in html
    assert list(ada.events.values_list("kind", flat=True)) == ["resolved", "reopened"]


def test_the_flag_page_shows_reasons_evidence_and_history(world: World) -> None:
    ada, _cara = ada_and_cara(world)
    FlagEvent.objects.create(
        school=world.oakfield, flag=ada, kind="opened", detail={"reasons": ["x"]}
    )
    client = world.client("pastoral")
    client.post(action("note", ada), {"note": "Mum says the laptop is broken"})
    html = client.get(detail(ada)).content.decode()
    assert "Why this pupil is on the list" in html
    assert "No log-in or online work since Wed 4 Nov" in html
    assert "Mum says the laptop is broken" in html
    assert "Flag raised" in html and "School Window" in html  # the system opened it
    assert "Snooze until" in html
    assert "hx-post" not in html.split('id="act-heading"')[1]  # plain forms on the flag page


def test_the_learned_score_is_never_shown_alone(world: World) -> None:
    flag_for(world.ada, risk=0.73, risk_reasons=["fewer log-ins than usual"])
    html = world.client("pastoral").get(reverse("watchlist")).content.decode()
    assert "Risk score 73%" in html
    assert "mainly: fewer log-ins than usual" in html
    assert "No log-in or online work since" in html


# --- Rule settings -----------------------------------------------------------------------------


def rules_form(**changes: str) -> dict[str, str]:
    from schoolwindow.engagement.rules import rules_all

    data = {"school": ""}
    for rule in rules_all():
        data[f"{rule.key}__enabled"] = "on"
        for param in rule.params:
            data[f"{rule.key}__{param.name}"] = str(param.default)
    data.update(changes)
    return data


def test_changing_a_threshold_is_saved_and_audited(world: World) -> None:
    client = world.client("pastoral")
    html = client.get(reverse("rule_settings")).content.decode()
    assert "No online activity" in html and "Starting value: 5" in html
    data = rules_form(no_online__days="3", school=str(world.oakfield.pk))
    del data["family__enabled"]
    response = client.post(reverse("rule_settings"), data)
    assert response.status_code == 302
    settings = {s.rule: s for s in RuleSetting.objects.filter(school=world.oakfield)}
    assert settings["no_online"].params["days"] == 3
    assert settings["family"].enabled is False
    assert set(settings) == {"no_online", "family"}
    event = AuditEvent.objects.get(action="rules.updated")
    assert event.detail["no_online"]["to"]["days"] == 3
    # Back to the defaults: the school's own rows go.
    client.post(reverse("rule_settings"), rules_form(school=str(world.oakfield.pk)))
    assert not RuleSetting.objects.exists()


def test_a_value_out_of_range_is_refused(world: World) -> None:
    response = world.client("leader").post(
        reverse("rule_settings"), rules_form(no_online__days="0")
    )
    assert response.status_code == 200
    assert "Please correct the values marked below." in response.content.decode()
    assert not RuleSetting.objects.exists()


# --- The pupil profile's engagement timeline -----------------------------------------------------


def test_the_profile_shows_the_engagement_timeline(world: World) -> None:
    school_calendar(world.oakfield)
    days = days_of(world.oakfield, dt.date(2026, 11, 2), TODAY - dt.timedelta(days=1))
    facts(world.ada, days)
    facts(world.ada, days[-3:], logins=0, homework_missing=1)
    flag_for(world.ada)
    html = (
        world.client("pastoral")
        .get(reverse("pupil_detail", kwargs={"pupil_id": world.ada.pk}))
        .content.decode()
    )
    assert "Engagement this term" in html
    assert 'class="timeline-chart"' in html and 'role="img"' in html
    assert "3 pieces of homework missing this term." in html
    assert "<table>" in html and "Week of" in html
    assert "On the watchlist." in html


def test_the_office_sees_the_timeline_but_not_the_flag_and_parents_see_neither(
    world: World,
) -> None:
    school_calendar(world.oakfield)
    flag_for(world.ada)
    url = reverse("pupil_detail", kwargs={"pupil_id": world.ada.pk})
    office = world.client("office").get(url).content.decode()
    assert "Engagement this term" in office and "On the watchlist." not in office
    parent = world.client("parent").get(url).content.decode()
    assert "Engagement this term" not in parent


def test_contact_time_is_local(world: World) -> None:
    ada = flag_for(world.ada)
    FlagEvent.objects.create(school=world.oakfield, flag=ada, kind="contact")
    FlagEvent.objects.filter(flag=ada).update(at=at(TODAY - dt.timedelta(days=1), 9))
    rows = world.client("pastoral").get(reverse("watchlist")).context["rows"]
    assert rows[0].contact.kind == "Contact logged"


def test_rows_are_drawn_again_when_what_they_show_changes(world: World) -> None:
    """The list reuses rows it has drawn; any change to what a row shows draws it again."""
    flag = flag_for(world.ada)
    client = world.client("pastoral")

    def ada_row() -> str:
        html = client.get(reverse("watchlist")).content.decode()
        return html.split(f'<li id="flag-{flag.pk}"', 1)[1].split("</ol>", 1)[0]

    assert "Nobody yet" in ada_row()
    client.post(action("assign", flag), {"staff": str(world.staff["flo"].pk)})
    assert world.staff["flo"].display_name in ada_row()
    message(world.ada, TODAY - dt.timedelta(days=2), replied=TODAY - dt.timedelta(days=1))
    assert "Replied to a message" in ada_row()
    world.ada.preferred_first_name = "Adka"
    world.ada.save()
    assert "Details and history for Adka" in client.get(reverse("watchlist")).content.decode()
    # Another reader with other rights gets their own rows.
    teacher = world.client("teacher").get(reverse("watchlist")).content.decode()
    assert "Adka Kowalska" in teacher


def test_the_score_is_said_once_and_never_as_a_false_certainty(world: World) -> None:
    score = make_reason("risk", 2, {"probability": 0.999, "reasons": ["no log-ins for weeks"]})
    flag_for(world.ada, reasons=[score], risk=0.999, risk_reasons=["no log-ins for weeks"])
    html = world.client("pastoral").get(reverse("watchlist")).content.decode()
    assert "Risk score over 99%" in html
    assert "Risk score 100%" not in html and "falling away at 100%" not in html
    assert html.count("no log-ins for weeks") == 1
