"""Advocates: the register, caseload limits, cadence and what counts as contact."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.errors import Invalid
from schoolwindow.messaging.models import (
    ContactKind,
    ContactLog,
    ContactOutcome,
    Conversation,
    Message,
)
from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import AdvocateAssignment, Pupil, SendStatus
from schoolwindow.support.advocates import selectors, services
from schoolwindow.support.advocates.models import (
    AdvocacySettings,
    AdvocateContact,
    AdvocateContactKind,
    CaseloadLimit,
    PupilCadence,
    VulnerableDesignation,
)
from tests.factories import PupilFactory, staff_member
from tests.pages.conftest import World, build_pages_world

TODAY = dt.date(2026, 3, 16)


@pytest.fixture
def world(db: None) -> World:
    return build_pages_world()


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def register_ids(world: World, today: dt.date = TODAY) -> set[int]:
    settings = selectors.settings_of(world.oakfield.pk)
    return set(selectors.vulnerable_pupils(settings, today).values_list("pk", flat=True))


def test_the_register_comes_from_the_categories_the_school_counts(world: World) -> None:
    looked_after = PupilFactory(school=world.oakfield, looked_after=True)
    ehcp = PupilFactory(school=world.oakfield, send_status=SendStatus.EHCP)
    support = PupilFactory(school=world.oakfield, send_status=SendStatus.SUPPORT)
    carer = PupilFactory(school=world.oakfield, young_carer=True)
    poorer = PupilFactory(school=world.oakfield, disadvantaged=True)
    # Ada is a child in need (her safeguarding status), which counts only if the school says
    # so; Cara is none of these.
    assert register_ids(world) == {looked_after.pk, ehcp.pk, carer.pk}
    settings = AdvocacySettings.objects.create(school=world.oakfield, counts_safeguarding=True)
    assert register_ids(world) == {world.ada.pk, looked_after.pk, ehcp.pk, carer.pk}
    settings.counts_safeguarding = False
    settings.counts_send_support = True
    settings.counts_disadvantaged = True
    settings.counts_young_carer = False
    settings.save()
    # Ada is disadvantaged with SEN support, so she is back.
    assert register_ids(world) == {world.ada.pk, looked_after.pk, ehcp.pk, support.pk, poorer.pk}


def test_a_designation_adds_a_pupil_for_its_time(world: World) -> None:
    leader = actor_for(world.staff["leader"].user)
    assert world.cara.pk not in register_ids(world)
    services.vulnerable_designate(
        actor=leader,
        pupil_id=world.cara.pk,
        reason="Her father is seriously ill",
        starts=TODAY - dt.timedelta(days=3),
        ends=TODAY + dt.timedelta(days=30),
    )
    assert world.cara.pk in register_ids(world)
    assert world.cara.pk not in register_ids(world, TODAY + dt.timedelta(days=31))
    assert world.cara.pk not in register_ids(world, TODAY - dt.timedelta(days=4))
    assert AuditEvent.objects.filter(action="advocate.designated").count() == 1
    with pytest.raises(Invalid):
        services.vulnerable_designate(
            actor=leader, pupil_id=world.cara.pk, reason="  ", starts=TODAY
        )


def test_caseload_limit_refuses_unless_a_leader_goes_over_it(world: World) -> None:
    school = world.oakfield
    second = staff_member(school, "advocate")
    CaseloadLimit.objects.create(school=school, staff=second, limit=1)
    pastoral = actor_for(world.staff["pastoral"].user)
    leader = actor_for(world.staff["leader"].user)
    first = PupilFactory(school=school, looked_after=True)
    other = PupilFactory(school=school, looked_after=True)
    services.advocate_assign(actor=pastoral, pupil_id=first.pk, staff_id=second.pk, today=TODAY)
    with pytest.raises(Invalid, match="limit of 1"):
        services.advocate_assign(actor=pastoral, pupil_id=other.pk, staff_id=second.pk, today=TODAY)
    # A pastoral lead may not go over it even when asking to; a leader may, and it is audited.
    with pytest.raises(Invalid):
        services.advocate_assign(
            actor=pastoral, pupil_id=other.pk, staff_id=second.pk, today=TODAY, override=True
        )
    services.advocate_assign(
        actor=leader, pupil_id=other.pk, staff_id=second.pk, today=TODAY, override=True
    )
    event = AuditEvent.objects.filter(action="advocate.assigned").order_by("-pk").first()
    assert event is not None and event.detail["over_limit"] is True
    assert AdvocateAssignment.objects.filter(staff=second, ended__isnull=True).count() == 2


def test_a_new_advocate_takes_over_and_ending_is_audited(world: World) -> None:
    school = world.oakfield
    second = staff_member(school, "advocate")
    leader = actor_for(world.staff["leader"].user)
    services.advocate_assign(actor=leader, pupil_id=world.ada.pk, staff_id=second.pk, today=TODAY)
    current = AdvocateAssignment.objects.filter(pupil=world.ada, ended__isnull=True)
    assert [a.staff_id for a in current] == [second.pk]
    services.advocate_end(actor=leader, assignment_id=current[0].pk, today=TODAY)
    assert not AdvocateAssignment.objects.filter(pupil=world.ada, ended__isnull=True).exists()
    assert AuditEvent.objects.filter(action="advocate.ended").count() == 2


def test_only_the_schools_advocates_can_be_assigned(world: World) -> None:
    leader = actor_for(world.staff["leader"].user)
    with pytest.raises(Invalid, match="advocates"):
        services.advocate_assign(
            actor=leader, pupil_id=world.cara.pk, staff_id=world.staff["teacher"].pk, today=TODAY
        )


def rows_for(world: World, today: dt.date) -> dict[int, selectors.CaseRow]:
    assignments = list(selectors.assignments_current().filter(school_id=world.oakfield.pk))
    return {r.pupil_id: r for r in selectors.case_rows(assignments, today)}


def test_cadence_and_overdue_from_real_contacts(world: World) -> None:
    """Ada's advocate started on 1 September 2025: everything is due long ago until contacts
    come in — a meeting with her, a call where someone spoke with the family, her mother's
    message. A call nobody answered does not count."""
    row = rows_for(world, TODAY)[world.ada.pk]
    assert row.pupil_overdue and row.family_overdue
    school = world.oakfield
    AdvocateContact.objects.create(
        school=school,
        pupil=world.ada,
        staff=world.staff["advocate"],
        kind=AdvocateContactKind.MET,
        happened_at=at(TODAY - dt.timedelta(days=2)),
    )
    ContactLog.objects.create(
        school=school,
        pupil=world.ada,
        kind=ContactKind.CALL,
        outcome=ContactOutcome.NO_ANSWER,
        happened_at=at(TODAY - dt.timedelta(days=1)),
    )
    row = rows_for(world, TODAY)[world.ada.pk]
    assert not row.pupil_overdue and row.pupil_due == TODAY + dt.timedelta(days=5)
    assert row.family_overdue and row.last_family is None
    ContactLog.objects.create(
        school=school,
        pupil=world.ada,
        kind=ContactKind.VISIT,
        outcome=ContactOutcome.SPOKE,
        happened_at=at(TODAY - dt.timedelta(days=20)),
    )
    row = rows_for(world, TODAY)[world.ada.pk]
    assert row.family_overdue and row.family_late_days == 6
    conversation = Conversation.objects.create(
        school=school, pupil=world.ada, subject="How is Ada?", last_message_at=at(TODAY)
    )
    Message.objects.create(
        school=school, conversation=conversation, author_staff=world.staff["advocate"], body="Hi"
    )
    assert rows_for(world, TODAY)[world.ada.pk].family_overdue  # only the school wrote
    Message.objects.create(
        school=school, conversation=conversation, author_guardian=world.maria, body="All well"
    )
    row = rows_for(world, TODAY)[world.ada.pk]
    assert not row.overdue and row.last_family is not None
    # The family's own cadence: every 3 days makes today's contact due in 3 days.
    PupilCadence.objects.create(school=school, pupil=world.ada, family_every_days=3)
    row = rows_for(world, TODAY)[world.ada.pk]
    assert row.cadence.family_days == 3 and row.cadence.pupil_days == 7
    assert row.last_family is not None
    assert row.family_due == row.last_family.date() + dt.timedelta(days=3)


def test_a_school_cadence_counts_from_the_start_of_the_advocacy(world: World) -> None:
    AdvocacySettings.objects.create(school=world.oakfield, pupil_every_days=30)
    started = TODAY - dt.timedelta(days=10)
    AdvocateAssignment.objects.filter(pupil=world.ada).update(started=started)
    row = rows_for(world, TODAY)[world.ada.pk]
    assert not row.pupil_overdue and row.pupil_due == started + dt.timedelta(days=30)
    assert row.family_overdue is False and row.family_due == started + dt.timedelta(days=14)


def many_on_caseload(world: World, n: int) -> None:
    for i in range(n):
        pupil = PupilFactory(school=world.oakfield, looked_after=True, year_group=world.year7)
        AdvocateAssignment.objects.create(
            school=world.oakfield, staff=world.staff["advocate"], pupil=pupil, started=TODAY
        )
        if i % 2:
            AdvocateContact.objects.create(
                school=world.oakfield, pupil=pupil, kind="met", happened_at=at(TODAY)
            )
            ContactLog.objects.create(
                school=world.oakfield,
                pupil=pupil,
                kind=ContactKind.CALL,
                outcome=ContactOutcome.SPOKE,
                happened_at=at(TODAY),
            )


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("role", "page"),
    [
        ("advocate", "advocates:caseload"),
        ("pastoral", "advocates:caseload"),
        ("leader", "advocates:coverage"),
    ],
)
def test_caseload_and_coverage_pages_cost_the_same_queries_however_many_pupils(
    world: World, role: str, page: str
) -> None:
    client = world.client(role)
    url = reverse(page)
    client.get(url)  # warm the session
    many_on_caseload(world, 3)
    few = queries(client, url)
    many_on_caseload(world, 30)
    assert queries(client, url) == few


def test_the_pupil_panel_and_home_cost_the_same_queries_however_many(world: World) -> None:
    client = world.client("pastoral")
    client.get("/")
    many_on_caseload(world, 2)
    few = queries(client, "/")
    many_on_caseload(world, 20)
    assert queries(client, "/") == few


def test_posting_a_contact_twice_records_one(world: World) -> None:
    client = world.client("advocate")
    url = reverse("advocates:advocate_contact", kwargs={"pupil_id": world.ada.pk})
    form = {
        "kind": "met",
        "notes": "Talked about the trip",
        "once": "8f14e45f-ceea-467f-a0e6-0123456789ab",
    }
    first = client.post(url, form)
    second = client.post(url, form)
    assert first.status_code == 302 and second.status_code == 302
    assert AdvocateContact.objects.filter(pupil=world.ada).count() == 1
    family = {"kind": "call", "once": "9f14e45f-ceea-467f-a0e6-0123456789ab"}
    client.post(url, family)
    client.post(url, family)
    assert ContactLog.objects.filter(pupil=world.ada, outcome=ContactOutcome.SPOKE).count() == 1


def test_assigning_twice_makes_one_assignment(world: World) -> None:
    client = world.client("leader")
    url = reverse("advocates:advocate_assign", kwargs={"pupil_id": world.cara.pk})
    form = {"staff": world.staff["advocate"].pk, "once": "7f14e45f-ceea-467f-a0e6-0123456789ab"}
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302
    assert AdvocateAssignment.objects.filter(pupil=world.cara).count() == 1


def test_over_the_limit_the_page_says_so_and_assigns_nothing(world: World) -> None:
    AdvocacySettings.objects.create(school=world.oakfield, caseload_limit=1)
    response = world.client("pastoral").post(
        reverse("advocates:advocate_assign", kwargs={"pupil_id": world.cara.pk}),
        {"staff": world.staff["advocate"].pk},
    )
    assert response.status_code == 400
    assert "which is their limit of 1" in response.content.decode()
    assert not AdvocateAssignment.objects.filter(pupil=world.cara).exists()


def test_designating_twice_records_one(world: World) -> None:
    client = world.client("pastoral")
    url = reverse("advocates:designate", kwargs={"pupil_id": world.cara.pk})
    form = {
        "reason": "Caring for her mum",
        "starts": "2026-03-01",
        "once": "6f14e45f-ceea-467f-a0e6-0123456789ab",
    }
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302
    assert VulnerableDesignation.objects.filter(pupil=world.cara).count() == 1
    bad = client.post(url, {"reason": "", "starts": "2026-03-01"})
    assert bad.status_code == 400


def test_the_settings_page_changes_the_register(world: World) -> None:
    client = world.client("leader")
    url = reverse("advocates:advocacy_settings")
    response = client.post(
        url, {"caseload_limit": 12, "pupil_every_days": 5, "family_every_days": 10}
    )
    assert response.status_code == 302
    settings = AdvocacySettings.objects.get(school=world.oakfield)
    assert (settings.caseload_limit, settings.counts_safeguarding) == (12, False)
    assert (
        client.post(
            url, {"caseload_limit": 0, "pupil_every_days": 5, "family_every_days": 10}
        ).status_code
        == 400
    )


def test_coverage_counts_by_group(world: World) -> None:
    leader = actor_for(world.staff["leader"].user)
    AdvocacySettings.objects.create(school=world.oakfield, counts_safeguarding=True)
    PupilFactory(school=world.oakfield, looked_after=True, year_group=world.year7)
    groups = {
        g.label: g
        for g in selectors.coverage(actor=leader, school_id=world.oakfield.pk, today=TODAY)
    }
    everyone = groups["All vulnerable learners"]
    assert (everyone.vulnerable, everyone.with_advocate, everyone.on_track) == (2, 1, 0)
    assert groups["Looked after"].vulnerable == 1 and groups["Looked after"].with_advocate == 0
    assert groups["Year 7"].vulnerable == 2
    missing = selectors.without_advocate(actor=leader, school_id=world.oakfield.pk, today=TODAY)
    assert [p.looked_after for p in missing] == [True]


def test_the_pupil_page_shows_the_advocate_panel(world: World) -> None:
    html = (
        world.client("pastoral")
        .get(reverse("pupil_detail", kwargs={"pupil_id": world.ada.pk}))
        .content.decode()
    )
    assert "Advocacy for this pupil" in html
    # Cara is neither vulnerable nor advocated for: no panel.
    html = (
        world.client("pastoral")
        .get(reverse("pupil_detail", kwargs={"pupil_id": world.cara.pk}))
        .content.decode()
    )
    assert "panel-advocacy" not in html
    assert Pupil.objects.count() >= 3


def test_the_audit_log_says_it_in_words(world: World) -> None:
    leader = actor_for(world.staff["leader"].user)
    AdvocacySettings.objects.create(school=world.oakfield, caseload_limit=1)
    services.advocate_assign(
        actor=leader,
        pupil_id=world.cara.pk,
        staff_id=world.staff["advocate"].pk,
        today=TODAY,
        override=True,
    )
    html = world.client("dsl").get(reverse("audit_log")).content.decode()
    assert "the advocate of Cara" in html and "over their caseload limit" in html


def test_an_advocates_own_limit_is_set_on_the_settings_page(world: World) -> None:
    client = world.client("pastoral")
    advocate = world.staff["advocate"]
    url = reverse("advocates:caseload_limit", kwargs={"staff_id": advocate.pk})
    client.post(url, {"school": world.oakfield.pk, "limit": "3"})
    assert CaseloadLimit.objects.get(staff=advocate).limit == 3
    page = client.get(reverse("advocates:advocacy_settings")).content.decode()
    assert 'value="3"' in page
    client.post(url, {"school": world.oakfield.pk, "limit": ""})
    assert not CaseloadLimit.objects.filter(staff=advocate).exists()
    # Not for an advocate themselves.
    world.client("advocate").post(url, {"school": world.oakfield.pk, "limit": "50"})
    assert not CaseloadLimit.objects.filter(staff=advocate).exists()


@pytest.mark.parametrize(("role", "shown"), [("advocate", True), ("dsl", True), ("teacher", False)])
def test_the_menu_has_advocates_for_those_who_use_them(
    world: World, role: str, shown: bool
) -> None:
    html = world.client(role).get("/").content.decode()
    assert (reverse("advocates:caseload") in html) is shown


def test_the_pupil_page_with_its_advocate_panel_costs_the_same_however_many_contacts(
    world: World,
) -> None:
    client = world.client("pastoral")
    url = reverse("pupil_detail", kwargs={"pupil_id": world.ada.pk})
    client.get(url)

    def contacts(n: int) -> None:
        for _ in range(n):
            AdvocateContact.objects.create(
                school=world.oakfield, pupil=world.ada, kind="met", happened_at=at(TODAY)
            )
            ContactLog.objects.create(
                school=world.oakfield,
                pupil=world.ada,
                kind=ContactKind.CALL,
                outcome=ContactOutcome.SPOKE,
                happened_at=at(TODAY),
            )

    contacts(2)
    few = queries(client, url)
    contacts(20)
    assert queries(client, url) == few


def test_one_click_on_coverage_assigns_the_advocate_with_most_room(world: World) -> None:
    roomy = staff_member(world.oakfield, "advocate", first_name="Roomy")
    lonely = PupilFactory(school=world.oakfield, looked_after=True, legal_first_name="Lonny")
    client = world.client("leader")
    page = client.get(reverse("advocates:coverage")).content.decode()
    assert f"Assign to {roomy.display_name}" in page and "Lonny" in page
    url = reverse("advocates:advocate_assign", kwargs={"pupil_id": lonely.pk})
    form = {
        "staff": roomy.pk,
        "next": "/support/advocates/coverage/",
        "once": "5f14e45f-ceea-467f-a0e6-0123456789ab",
    }
    response = client.post(url, form)
    assert response.status_code == 302 and response["Location"] == "/support/advocates/coverage/"
    assert AdvocateAssignment.objects.get(pupil=lonely).staff_id == roomy.pk
    # Anywhere else is not somewhere to go back to.
    other = PupilFactory(school=world.oakfield, looked_after=True)
    url = reverse("advocates:advocate_assign", kwargs={"pupil_id": other.pk})
    response = client.post(url, {"staff": roomy.pk, "next": "https://example.org/"})
    assert response["Location"] == reverse(
        "advocates:advocacy_pupil", kwargs={"pupil_id": other.pk}
    )
