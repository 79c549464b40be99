"""Messaging and roster imports read in plain words in the audit log too, and every kind of
event the code writes has a sentence (none falls back to its internal name)."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import reverse_lazy
from django.utils import timezone

from schoolwindow.audit.describe import kind_for
from schoolwindow.audit.services import audit_record
from schoolwindow.messaging.api import contact_record, conversation_start
from schoolwindow.messaging.models import ContactKind, ContactOutcome
from schoolwindow.people.actors import actor_for
from tests.pages.conftest import World

URL = reverse_lazy("audit_log")
SRC = Path(__file__).resolve().parents[2] / "src" / "schoolwindow"


def test_every_action_the_code_writes_has_a_sentence() -> None:
    written = {
        action
        for path in SRC.rglob("*.py")
        if "demo" not in path.parts and "migrations" not in path.parts
        for action in re.findall(r'action=f?"([a-z_]+\.[a-z_.{}]+)"', path.read_text())
    }
    # An f-string action (`import.{kind}`) stands for each of its values.
    concrete = {re.sub(r"\{[^}]+\}", "oneroster", action) for action in written}
    assert len(concrete) > 20
    assert sorted(action for action in concrete if kind_for(action) is None) == []


def test_messaging_events_read_as_sentences(world: World) -> None:
    staff = world.staff["pastoral"]
    staff.title, staff.last_name = "Ms", "Sharma"
    staff.save(update_fields=["title", "last_name"])
    assert staff.user is not None
    actor = actor_for(staff.user)
    conversation_start(
        actor=actor,
        school_id=world.oakfield.pk,
        subject="Ada's week",
        body="Ada has settled in well.",
        guardian_ids=[world.maria.pk],
        pupil_id=world.ada.pk,
    )
    contact_record(
        actor=actor,
        pupil_id=world.ada.pk,
        kind=ContactKind.values[0],
        outcome=ContactOutcome.values[0],
        happened_at=timezone.now(),
        guardian_id=world.maria.pk,
    )
    audit_record(
        actor=actor,
        action="import.failed",
        school_id=world.oakfield.pk,
        detail={"file": "roster.zip", "error": "orgs.csv:2: field 'name': empty"},
    )
    rows = world.client("dsl").get(URL).context["rows"]
    text = [row.sentence for row in rows]
    assert "Ms Sharma started a conversation with Ada Kowalska's family" in text
    assert "Ms Sharma logged a contact with Ada Kowalska's family" in text
    assert "The import of roster.zip stopped with an error; nothing was written" in text
    assert not any("messaging." in sentence or "import." in sentence for sentence in text)
