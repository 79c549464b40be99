"""The private iCalendar feeds, parsed back by two independent parsers (icalendar and vobject):
stable UIDs with nothing identifying in them, SEQUENCE raised on every change, cancellations as
STATUS:CANCELLED, REFRESH-INTERVAL; the address is replaced from the settings page and the old
one is then not found. Also the parent home's section, what is waiting for the parent, and the
list of families with no appointment (watchlist first)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import icalendar
import pytest
import vobject
from django.urls import reverse
from django.utils import timezone

from schoolwindow.core.panels import ParentHomeSubject
from schoolwindow.engagement.models import Flag
from schoolwindow.people.actors import actor_for
from schoolwindow.portal.events import selectors, services
from schoolwindow.portal.events.models import CalendarFeed, Slot
from schoolwindow.portal.events.registry import coming_up_section, waiting_items
from tests.portal.events.conftest import EventsWorld

pytestmark = pytest.mark.django_db


def book(ew: EventsWorld, guardian_user: Any, index: int = 0) -> int:
    slot = list(Slot.objects.filter(evening=ew.evening, staff=ew.world.staff["teacher"]))[index]
    actor = actor_for(guardian_user)
    held = services.appointment_hold(actor=actor, slot_id=slot.pk, pupil_id=ew.world.ada.pk)
    return services.appointment_confirm(actor=actor, appointment_id=held.pk, mode="video").pk


def feed_url(ew: EventsWorld, role: str) -> str:
    client = ew.client(role)
    assert client.post(reverse("portal_events:calendar")).status_code == 302
    user = ew.world.maria.user if role == "parent" else ew.world.staff[role].user
    actor = actor_for(user)
    school = None if role == "parent" else ew.world.oakfield.pk
    feed = selectors.feed_of(actor=actor, school_id=school)
    assert feed is not None
    return reverse("portal_events:feed", kwargs={"token": feed.token})


def fetch(url: str) -> str:
    from django.test import Client

    response = Client().get(url)  # no log-in: the address is the key
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return response.content.decode()


def both(raw: str) -> dict[str, tuple[int, str]]:
    """UID → (SEQUENCE, STATUS), read by icalendar and checked against vobject."""
    first = {
        str(component["UID"]): (int(str(component["SEQUENCE"])), str(component["STATUS"]))
        for component in icalendar.Calendar.from_ical(raw).walk("VEVENT")
    }
    second = {
        event.uid.value: (int(event.sequence.value), event.status.value)
        for event in vobject.readOne(raw).contents.get("vevent", [])
    }
    assert first == second
    return first


def test_the_family_feed_parses_and_changes_are_seen(ew: EventsWorld) -> None:
    client = ew.client("parent")
    client.post(
        reverse("portal_events:family_event", kwargs={"event_id": ew.event.pk}),
        {"reply": "yes", "people": 2},
    )
    appointment_id = book(ew, ew.world.maria.user)
    url = feed_url(ew, "parent")
    raw = fetch(url)
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in raw
    assert "X-PUBLISHED-TTL:PT1H" in raw
    first = both(raw)
    assert len(first) == 2
    for uid in first:
        # Random: no id, no name, no school in it.
        assert re.fullmatch("[0-9a-f]{32}", uid.split("@")[0]), uid
    # A change to the event and a cancelled appointment: same UIDs, higher SEQUENCE.
    leader = actor_for(ew.world.staff["leader"].user)
    services.event_update(
        actor=leader,
        event_id=ew.event.pk,
        title="Summer fair (moved)",
        description="",
        starts_at=ew.event.starts_at + dt.timedelta(hours=1),
        ends_at=ew.event.ends_at + dt.timedelta(hours=1),
    )
    services.appointment_cancel(actor=actor_for(ew.world.maria.user), appointment_id=appointment_id)
    second = both(fetch(url))
    assert set(second) == set(first)
    for uid, (sequence, _status) in second.items():
        assert sequence == first[uid][0] + 1
    assert sorted(status for _s, status in second.values()) == ["CANCELLED", "CONFIRMED"]


def test_the_staff_feed_has_their_appointments_only(ew: EventsWorld) -> None:
    book(ew, ew.world.maria.user)
    raw = fetch(feed_url(ew, "teacher"))
    assert len(both(raw)) == 1
    assert "Kowalska" not in raw  # the child's first name and initial only
    assert len(both(fetch(feed_url(ew, "pastoral")))) == 0


def test_replacing_the_address_makes_the_old_one_not_found(ew: EventsWorld) -> None:
    from django.test import Client

    old = feed_url(ew, "parent")
    new = feed_url(ew, "parent")
    assert old != new
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    assert Client().get(reverse("portal_events:feed", kwargs={"token": "guess"})).status_code == 404
    assert CalendarFeed.objects.count() == 1


def test_the_parent_home_section_and_waiting_items(ew: EventsWorld) -> None:
    maria = actor_for(ew.world.maria.user)
    children = selectors.children_of(maria)
    subject = ParentHomeSubject(
        child=ew.world.ada,
        children=children,
        guardian_id=ew.world.maria.pk,
        today=timezone.localdate(),
    )
    texts = [str(item.text) for item in waiting_items(maria, subject)]
    assert any("Year 7 parents' evening" in text for text in texts)
    assert any("Summer fair" in text for text in texts)
    book(ew, ew.world.maria.user)
    ew.client("parent").post(
        reverse("portal_events:family_event", kwargs={"event_id": ew.event.pk}), {"reply": "no"}
    )
    assert waiting_items(maria, subject) == []
    section = coming_up_section(maria, subject)
    assert section is not None
    assert len(section["rows"]) == 2
    # The restricted father gets nothing about Ada.
    piotr = actor_for(ew.world.piotr.user)
    assert selectors.children_of(piotr) == []


def test_families_with_no_appointment_watchlist_first(ew: EventsWorld) -> None:
    today = timezone.localdate()
    Flag.objects.create(
        school=ew.world.oakfield, pupil=ew.world.cara, opened_on=today, last_evaluated_on=today
    )
    url = reverse("portal_events:unbooked", kwargs={"evening_id": ew.evening.pk})
    page = ew.client("leader").get(url).content.decode()
    assert page.index("Cara") < page.index("Ada")
    book(ew, ew.world.maria.user)
    page = ew.client("leader").get(url).content.decode()
    assert "Ada" not in page
    # The restricted father is never offered as a contact.
    assert "Piotr" not in ew.client("leader").get(url).content.decode()


def test_the_home_section_and_waiting_cost_a_fixed_number_of_queries(ew: EventsWorld) -> None:
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    maria = actor_for(ew.world.maria.user)
    children = selectors.children_of(maria)
    subject = ParentHomeSubject(
        child=ew.world.ada,
        children=children,
        guardian_id=ew.world.maria.pk,
        today=timezone.localdate(),
    )

    def costs() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as section:
            found = coming_up_section(maria, subject)
        with CaptureQueriesContext(connection) as waiting:
            waiting_items(maria, subject)
        assert found is not None
        assert "Summer fair" in render_to_string("portal/events/_coming_up.html", found)
        return len(section), len(waiting)

    before = costs()
    assert before[0] <= 2
    leader = actor_for(ew.world.staff["leader"].user)
    for number in range(5):
        services.event_create(
            actor=leader,
            school_id=ew.world.oakfield.pk,
            title=f"Extra {number}",
            description="",
            starts_at=ew.event.starts_at + dt.timedelta(days=number),
            ends_at=ew.event.ends_at + dt.timedelta(days=number),
        )
    book(ew, ew.world.maria.user)
    assert costs() == before


def test_setting_up_an_evening_twice_makes_one(ew: EventsWorld) -> None:
    from schoolwindow.portal.events.models import Evening

    client = ew.client("leader")
    url = reverse("portal_events:staff_evening_new") + f"?school={ew.world.oakfield.pk}"
    day = timezone.localdate() + dt.timedelta(days=20)
    data = {
        "title": "Year 7 spring evening",
        "date": day.isoformat(),
        "starts": "16:00",
        "ends": "18:00",
        "slot_minutes": 10,
        "opens_day": timezone.localdate().isoformat(),
        "opens_time": "18:00",
        "close_hours": 24,
        "year_groups": [ew.world.year7.pk],
        "staff": [ew.world.staff["teacher"].pk],
        "modes": ["in_person", "video"],
        "video_url": "https://meet.oakfield.example/spring",
        "once": "4a1d5f0e-2b7c-4e9a-8f3d-6c5b4a392817",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Evening.objects.filter(title="Year 7 spring evening").count() == 1
    evening = Evening.objects.get(title="Year 7 spring evening")
    assert Slot.objects.filter(evening=evening).count() == 12
    # A video way to meet without a link is refused in plain words, nothing lost.
    bad = client.post(url, {**data, "title": "Another", "video_url": "", "once": ""})
    assert bad.status_code == 400
    assert "https://" in bad.content.decode()
