"""Helpers for the consent tests: a trip for Year 7 at Oakfield (Ada and Cara), a second
parent of Ada who may be asked, and posting an answer."""

from __future__ import annotations

import datetime as dt
import uuid

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import Guardian
from schoolwindow.portal.consent import services
from schoolwindow.portal.consent.models import ConsentRequest
from tests.factories import guardian_of
from tests.pages.conftest import World


def trip_for(
    world: World, *, rule: str = "one", cost: int | None = 1250, days: int = 7
) -> ConsentRequest:
    today = timezone.localdate()
    return services.consent_request_create(
        actor=actor_for(world.staff["teacher"].user),
        school_id=world.oakfield.pk,
        title="Trip to the Science Museum",
        description="We travel by coach and are back by 3.30.",
        deadline=today + dt.timedelta(days=days),
        event_date=today + dt.timedelta(days=days + 3),
        audience="year",
        year_group_id=world.year7.pk,
        rule=rule,
        cost_pence=cost,
        payment_link="https://pay.example.org/trip" if cost else "",
    )


def second_parent(world: World) -> Guardian:
    """Ada's stepfather: parental responsibility, may be contacted, has a log-in."""
    return guardian_of(
        world.ada,
        first_name="Tomasz",
        last_name="Nowak",
        relationship="step-parent",
        phone="07700 900222",
    )


def answer_url(consent: ConsentRequest, pupil_id: int) -> str:
    return reverse("portal_consent:answer", kwargs={"request_id": consent.pk, "pupil_id": pupil_id})


def post_answer(
    client: Client,
    consent: ConsentRequest,
    pupil_id: int,
    answer: str = "yes",
    *,
    version: int = 0,
    once: str = "",
    note: str = "",
) -> int:
    data = {
        "answer": answer,
        "note": note,
        "version": str(version),
        "once": once or str(uuid.uuid4()),
    }
    return client.post(answer_url(consent, pupil_id), data).status_code
