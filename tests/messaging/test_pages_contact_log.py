"""A pupil's "Messages and contacts" (/messages/pupil/ID/) and logging a call, meeting or
visit: from that page, and from a watchlist row (HTMX), linked to the flag."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwindow.audit.models import AuditEvent
from schoolwindow.engagement.models import FlagEvent, FlagEventKind
from schoolwindow.messaging.conversations import services
from schoolwindow.messaging.models import ContactLog
from tests.engagement.test_watchlist_pages import flag_for
from tests.messaging import pages_support as support
from tests.messaging.pages_support import STAFF_ROLES, World, actor, start, status_for

pytestmark = pytest.mark.django_db
world = support.world
english = support.english

FOR_ADA = {
    **{role: 200 for role in STAFF_ROLES},
    "trust_officer": 403,
    "trust_officer_with_access": 403,
    "parent": 403,
    "other_parent": 403,
    "pupil": 403,
    "anonymous": "login",
}
FOR_CARA = {**FOR_ADA, "teacher": 404, "advocate": 404}


def page(pupil_id: int) -> str:
    return reverse("messaging:pupil", args=[pupil_id])


def log_url(pupil_id: int) -> str:
    return reverse("messaging:contact_log", args=[pupil_id])


@pytest.mark.parametrize(("role", "expected"), FOR_ADA.items())
def test_who_may_open_adas_messages_and_contacts(
    world: World, role: str, expected: int | str
) -> None:
    assert status_for(world.client(role).get(page(world.ada.pk))) == expected


@pytest.mark.parametrize(("role", "expected"), FOR_CARA.items())
def test_who_may_open_caras_messages_and_contacts(
    world: World, role: str, expected: int | str
) -> None:
    assert status_for(world.client(role).get(page(world.cara.pk))) == expected


@pytest.mark.parametrize(("role", "expected"), FOR_CARA.items())
def test_who_may_log_a_contact_about_cara(world: World, role: str, expected: int | str) -> None:
    response = world.client(role).post(log_url(world.cara.pk), {"kind": "call", "outcome": "spoke"})
    if expected == 200:
        assert response.status_code == 302
        assert ContactLog.objects.filter(pupil=world.cara).count() == 1
    else:
        assert status_for(response) == expected
        assert not ContactLog.objects.exists()


def test_one_timeline_of_conversations_and_contacts(world: World) -> None:
    start(world, subject="Maths this week")
    services.contact_log_record(
        actor=actor(world, "pastoral"),
        pupil_id=world.ada.pk,
        guardian_id=world.maria.pk,
        kind="visit",
        outcome="nobody_home",
        happened_at=timezone.now() - dt.timedelta(days=1),
        notes="Left a card",
    )
    html = world.client("teacher").get(page(world.ada.pk)).content.decode()
    assert "Maths this week" in html
    assert "Home visit" in html and "Nobody at home" in html and "Left a card" in html
    # Newest first: the conversation (today) before yesterday's visit.
    assert html.index("Maths this week") < html.index("Left a card")
    assert "Log a call, meeting or visit" in html
    assert "may not be contacted" in html  # Piotr, never in the "with" list
    assert f'<option value="{world.piotr.pk}"' not in html


def test_log_a_call_from_the_page(world: World) -> None:
    response = world.client("advocate").post(
        log_url(world.ada.pk),
        {
            "kind": "call",
            "outcome": "spoke",
            "guardian": world.maria.pk,
            "tone": "positive",
            "notes": "Told Maria about the award",
            "happened_at": "2026-11-20T10:30",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == page(world.ada.pk)
    entry = ContactLog.objects.get()
    assert entry.staff == world.staff["advocate"] and entry.guardian == world.maria
    assert timezone.localtime(entry.happened_at).hour == 10
    assert AuditEvent.objects.filter(action="messaging.contact_logged").exists()


def test_a_contact_in_the_future_is_refused(world: World) -> None:
    future = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = world.client("pastoral").post(
        log_url(world.ada.pk), {"kind": "call", "outcome": "spoke", "happened_at": future}
    )
    assert response.status_code == 400
    assert "be in the future" in response.content.decode()
    assert not ContactLog.objects.exists()


def test_logging_contact_with_the_restricted_father_is_refused_and_audited(
    world: World,
) -> None:
    response = world.client("pastoral").post(
        log_url(world.ada.pk), {"kind": "call", "outcome": "spoke", "guardian": world.piotr.pk}
    )
    assert response.status_code == 403
    assert not ContactLog.objects.exists()
    refused = AuditEvent.objects.get(action="messaging.contact_refused")
    assert refused.detail["guardian_id"] == world.piotr.pk


def test_the_watchlist_row_offers_log_a_call_and_logs_it_against_the_flag(
    world: World,
) -> None:
    flag = flag_for(world.ada)
    client = world.client("pastoral")
    html = client.get(reverse("watchlist")).content.decode()
    assert "Log a call about Ada" in html
    assert f"{log_url(world.ada.pk)}?flag={flag.pk}" in html
    form = client.get(f"{log_url(world.ada.pk)}?flag={flag.pk}", HTTP_HX_REQUEST="true")
    fragment = form.content.decode()
    assert form.status_code == 200 and "<html" not in fragment
    assert f'name="flag" value="{flag.pk}"' in fragment
    response = client.post(
        log_url(world.ada.pk),
        {"kind": "call", "outcome": "no_answer", "flag": flag.pk, "target": "row"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#flag-{flag.pk}"
    row = response.content.decode()
    assert f'id="flag-{flag.pk}"' in row and "contact logged" in row
    entry = ContactLog.objects.get()
    assert entry.flag == flag
    assert FlagEvent.objects.filter(
        flag=flag, kind=FlagEventKind.CONTACT, detail__contact_log_id=entry.pk
    ).exists()


def test_without_javascript_the_watchlist_link_opens_the_form_page(world: World) -> None:
    flag = flag_for(world.ada)
    client = world.client("pastoral")
    html = client.get(f"{log_url(world.ada.pk)}?flag={flag.pk}").content.decode()
    assert "<html" in html and f'name="flag" value="{flag.pk}"' in html
    response = client.post(
        log_url(world.ada.pk),
        {"kind": "meeting", "outcome": "spoke", "flag": flag.pk, "next": "/watchlist/"},
    )
    assert response.status_code == 302 and response["Location"] == "/watchlist/"
    assert ContactLog.objects.get().flag == flag


def test_the_pupil_profile_links_to_messages_and_contacts(world: World) -> None:
    html = world.client("teacher").get(reverse("pupil_detail", args=[world.ada.pk]))
    assert page(world.ada.pk) in html.content.decode()
    family = world.client("parent").get(reverse("pupil_detail", args=[world.ada.pk]))
    assert page(world.ada.pk) not in family.content.decode()


def test_the_number_of_queries_does_not_grow_with_the_history(world: World) -> None:
    client = world.client("pastoral")
    start(world)
    client.get(page(world.ada.pk))
    small = support.count_queries(client, page(world.ada.pk))
    for n in range(10):
        start(world, subject=f"Number {n}")
        services.contact_log_record(
            actor=actor(world, "teacher"),
            pupil_id=world.ada.pk,
            guardian_id=world.maria.pk,
            kind="call",
            outcome="spoke",
            happened_at=timezone.now(),
        )
    large = support.count_queries(client, page(world.ada.pk))
    assert small == large
