"""Calls and referrals, the pupil's support timeline and resolving a flag with the help given."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.errors import Invalid, NotFound, Refused
from schoolwindow.core.once import AlreadyDone
from schoolwindow.engagement.models import Flag, FlagStatus
from schoolwindow.engagement.rules import make_reason
from schoolwindow.support.actions import selectors, services
from schoolwindow.support.actions.models import FlagLink, SupportAction
from schoolwindow.support.timeline import EntryStatus, SupportKind, support_entries
from tests.pages.conftest import World
from tests.support.conftest import actor

pytestmark = pytest.mark.usefixtures("english")

TODAY = timezone.localdate()
NO_ONLINE = {
    "days": 6,
    "last_active": "2026-11-04",
    "usual": 4.0,
    "silent_days": [],
    "excused_days": [],
}


def flag_of(world: World, *, days_ago: int = 14, **fields: Any) -> Flag:
    values: dict[str, Any] = {
        "school": world.oakfield,
        "pupil": world.ada,
        "opened_on": TODAY - dt.timedelta(days=days_ago),
        "last_evaluated_on": TODAY,
        "reasons": [make_reason("no_online", 1, NO_ONLINE)],
        **fields,
    }
    return Flag.objects.create(**values)


def record(world: World, role: str = "pastoral", **overrides: Any) -> SupportAction:
    fields: dict[str, Any] = {
        "pupil_id": world.ada.pk,
        "kind": SupportKind.CALL,
        "summary": "Rang mum about online lessons",
        "on": TODAY,
        "owner_id": world.staff[role].pk,
    }
    fields.update(overrides)
    return services.action_create(actor=actor(world, role), **fields)


def test_a_call_is_recorded_audited_and_on_the_timeline(world: World) -> None:
    call = record(world, due=TODAY + dt.timedelta(days=3))
    assert call.status == EntryStatus.PLANNED
    assert AuditEvent.objects.filter(action="support_action.created", pupil_id=world.ada.pk)
    [entry] = support_entries(school_id=world.oakfield.pk, pupil_ids=[world.ada.pk])
    assert entry.kind == SupportKind.CALL
    assert entry.ref == f"call:{call.pk}"
    assert entry.owner == world.staff["pastoral"].display_name
    assert entry.url == reverse("actions:action", kwargs={"action_id": call.pk})


def test_a_referral_names_where_it_goes(world: World) -> None:
    with pytest.raises(Invalid) as problem:
        record(world, kind=SupportKind.REFERRAL)
    assert problem.value.field == "referral_type"
    referral = record(
        world, kind=SupportKind.REFERRAL, referral_type="food_bank", summary="Voucher"
    )
    [entry] = support_entries(school_id=world.oakfield.pk, pupil_ids=[world.ada.pk])
    assert entry.ref == f"referral:{referral.pk}"
    assert entry.title == "Food bank voucher: Voucher"


def test_bad_input_is_refused_with_the_field(world: World) -> None:
    with pytest.raises(Invalid) as problem:
        record(world, summary="   ")
    assert problem.value.field == "summary"
    with pytest.raises(Invalid) as problem:
        record(world, owner_id=world.staff["pastoral"].pk + 9999)
    assert problem.value.field == "owner"
    other = flag_of(world)
    Flag.objects.filter(pk=other.pk).update(pupil=world.cara)
    with pytest.raises(Invalid) as problem:
        record(world, flag_id=other.pk)
    assert problem.value.field == "flag"
    assert not SupportAction.objects.exists()


def test_who_may_record(world: World) -> None:
    for role in ("leader", "dsl", "flo", "advocate"):
        record(world, role=role)
    with pytest.raises(Refused):
        record(world, role="teacher")
    with pytest.raises(NotFound):
        services.action_create(
            actor=actor(world, "parent"),
            pupil_id=world.ada.pk,
            kind="call",
            summary="x",
            on=TODAY,
            owner_id=world.staff["pastoral"].pk,
        )
    with pytest.raises(NotFound):
        record(world, role="advocate", pupil_id=world.cara.pk)


def test_the_same_form_twice_records_once(world: World) -> None:
    token = uuid.uuid4()
    record(world, once=token)
    with pytest.raises(AlreadyDone):
        record(world, once=token)
    assert SupportAction.objects.count() == 1


def test_posting_the_timeline_form_twice_records_once(world: World) -> None:
    flag = flag_of(world)
    client = world.client("pastoral")
    url = reverse("actions:timeline", kwargs={"pupil_id": world.ada.pk})
    form = {
        "once": str(uuid.uuid4()),
        "kind": "referral",
        "referral_type": "early_help",
        "summary": "Early help assessment",
        "on": TODAY.isoformat(),
        "owner": world.staff["pastoral"].pk,
        "status": "in_progress",
        "answers_flag": "on",
    }
    first = client.post(url, form)
    second = client.post(url, form)
    assert first.status_code == 302 and second.status_code == 302
    action = SupportAction.objects.get()
    assert action.flag_id == flag.pk
    assert action.referral_type == "early_help"
    page = client.get(url).content.decode()
    assert "Early help: Early help assessment" in page
    assert "answers the flag of" in page


def test_a_bad_form_says_what_is_wrong_and_keeps_what_was_typed(world: World) -> None:
    url = reverse("actions:timeline", kwargs={"pupil_id": world.ada.pk})
    response = world.client("pastoral").post(
        url,
        {
            "kind": "referral",
            "summary": "Food bank",
            "on": TODAY.isoformat(),
            "owner": world.staff["pastoral"].pk,
            "status": "planned",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose where the referral goes." in page
    assert 'value="Food bank"' in page


def test_an_update_changes_status_outcome_due_and_owner(world: World) -> None:
    call = record(world)
    changed = services.action_update(
        actor=actor(world, "flo"),
        action_id=call.pk,
        status=EntryStatus.DONE,
        outcome="Mum will log in tonight",
        due=None,
        owner_id=world.staff["flo"].pk,
    )
    assert (changed.status, changed.owner_id) == ("done", world.staff["flo"].pk)
    assert AuditEvent.objects.filter(action="support_action.updated").count() == 1
    with pytest.raises(NotFound):
        services.action_update(
            actor=actor(world, "teacher"),
            action_id=call.pk,
            status="done",
            outcome="",
            due=None,
            owner_id=world.staff["flo"].pk,
        )
    response = world.client("pastoral").post(
        reverse("actions:action", kwargs={"action_id": call.pk}),
        {"status": "cancelled", "outcome": "", "owner": world.staff["pastoral"].pk},
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.status == "cancelled"


def test_resolving_a_flag_links_the_chosen_help_in_one_go(world: World) -> None:
    flag = flag_of(world)
    call = record(world, flag_id=flag.pk, status="done", outcome="Spoke with mum")
    referral = record(world, kind="referral", referral_type="early_help", on=TODAY)
    old = record(world, on=flag.opened_on - dt.timedelta(days=30))
    page = world.client("pastoral").get(
        reverse("actions:flag_resolve", kwargs={"flag_id": flag.pk})
    )
    text = page.content.decode()
    assert "No log-in or online work since" in text
    assert f'value="{call.ref}"' in text and f'value="{old.ref}"' not in text
    assert f'value="{call.ref}" ' in text and "checked" in text.split(f'value="{call.ref}"')[1][:80]
    response = world.client("pastoral").post(
        reverse("actions:flag_resolve", kwargs={"flag_id": flag.pk}),
        {"refs": [call.ref, referral.ref], "outcome": "re_engaged", "note": "Back online"},
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == FlagStatus.RESOLVED and flag.outcome == "re_engaged"
    assert selectors.linked_refs([flag.pk]) == {flag.pk: {call.ref, referral.ref}}
    assert AuditEvent.objects.filter(action="flag.help_linked").count() == 1
    # Again (a second tab): a clear message, nothing linked twice.
    again = world.client("pastoral").post(
        reverse("actions:flag_resolve", kwargs={"flag_id": flag.pk}),
        {"refs": [call.ref], "outcome": "no_concern"},
    )
    assert again.status_code == 400
    assert "already resolved" in again.content.decode()
    assert FlagLink.objects.count() == 2
    shown = world.client("pastoral").get(
        reverse("actions:flag_resolve", kwargs={"flag_id": flag.pk})
    )
    assert "This flag is already resolved" in shown.content.decode()
    timeline = world.client("pastoral").get(
        reverse("actions:timeline", kwargs={"pupil_id": world.ada.pk})
    )
    assert timeline.content.decode().count("answers the flag of") == 2


def test_help_not_listed_is_refused_and_the_flag_stays_open(world: World) -> None:
    flag = flag_of(world)
    other = record(world, pupil_id=world.cara.pk)
    with pytest.raises(Invalid):
        services.flag_resolve_with_help(
            actor=actor(world, "pastoral"), flag_id=flag.pk, outcome="re_engaged", refs=[other.ref]
        )
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN
    assert not FlagLink.objects.exists()
    with pytest.raises(Invalid):
        services.flag_resolve_with_help(
            actor=actor(world, "pastoral"), flag_id=flag.pk, outcome="nonsense"
        )
    with pytest.raises(NotFound):
        services.flag_resolve_with_help(
            actor=actor(world, "teacher"), flag_id=flag.pk, outcome="re_engaged"
        )


def test_the_flag_page_shows_the_help_since_it_opened(world: World) -> None:
    flag = flag_of(world)
    record(world, summary="Called about logins", flag_id=flag.pk)
    record(world, summary="Long ago", on=flag.opened_on - dt.timedelta(days=20))
    url = reverse("flag_detail", kwargs={"flag_id": flag.pk})
    page = world.client("pastoral").get(url).content.decode()
    assert "Help since this flag opened" in page
    assert "Called about logins" in page and "Long ago" not in page
    assert "Resolve with the help that was given" in page
    teacher = world.client("teacher").get(url)
    assert teacher.status_code == 200
    assert "Help since this flag opened" not in teacher.content.decode()


def test_the_pupil_page_shows_the_latest_five(world: World) -> None:
    for index in range(7):
        record(world, summary=f"Call number {index}", on=TODAY - dt.timedelta(days=index))
    url = reverse("pupil_detail", kwargs={"pupil_id": world.ada.pk})
    page = world.client("pastoral").get(url).content.decode()
    assert "Call number 0" in page and "Call number 4" in page and "Call number 5" not in page
    assert reverse("actions:timeline", kwargs={"pupil_id": world.ada.pk}) in page
    assert "Call number 0" not in world.client("teacher").get(url).content.decode()
    assert "Call number 0" not in world.client("parent").get(url).content.decode()


def timeline_queries(world: World, **params: str) -> int:
    client = world.client("pastoral")
    url = reverse("actions:timeline", kwargs={"pupil_id": world.ada.pk})
    client.get(url)  # the session and caches warm
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_the_timeline_costs_the_same_queries_however_long(world: World) -> None:
    flag = flag_of(world)
    record(world, flag_id=flag.pk)
    few = timeline_queries(world)
    for index in range(60):
        record(world, summary=f"Call {index}", on=TODAY - dt.timedelta(days=index))
    last = SupportAction.objects.order_by("pk").last()
    assert last is not None
    FlagLink.objects.create(school=world.oakfield, flag=flag, kind="call", ref=last.ref)
    assert timeline_queries(world) == few
    assert timeline_queries(world, page="3", kind="call") == few


def test_the_timeline_is_paged_and_filtered(world: World) -> None:
    for index in range(30):
        record(world, summary=f"Call {index}", on=TODAY - dt.timedelta(days=index))
    record(world, kind="referral", referral_type="other_agency", summary="Young carers service")
    client = world.client("pastoral")
    url = reverse("actions:timeline", kwargs={"pupil_id": world.ada.pk})
    first = client.get(url).content.decode()
    assert "31 pieces of help." in first and "Page 1 of 2" in first
    referrals = client.get(url, {"kind": "referral"}).content.decode()
    assert "Young carers service" in referrals and "Call 3<" not in referrals
    assert '<table class="stack">' in first


def test_the_flag_page_costs_the_same_queries_however_much_help(world: World) -> None:
    flag = flag_of(world)
    client = world.client("pastoral")
    url = reverse("flag_detail", kwargs={"flag_id": flag.pk})
    record(world, flag_id=flag.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(20):
        record(world, summary=f"Call {index}", on=TODAY - dt.timedelta(days=index % 10))
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "Call 19" in page
    assert len(many) == len(few)
