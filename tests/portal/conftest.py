"""The portal's tests run in the pages' trust (tests/pages/conftest.py): Maria is the mother of
Ada (Oakfield) and Ben (Brookside); Piotr, Ada's father, is under a contact restriction for Ada
and here has a log-in, to prove he sees nothing; Carol is the parent of Cara (another child).
Oakfield has a term around today, so school days and daily facts exist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import timezone, translation

from schoolwindow.core.models import AccountKind
from schoolwindow.portal.absence.models import AbsenceReport
from schoolwindow.schools.models import AcademicYear, Term
from tests.conftest import signed_in_client
from tests.factories import UserFactory
from tests.pages import conftest as pages
from tests.pages.conftest import World


@pytest.fixture
def english() -> Iterator[None]:
    with translation.override("en-gb"):
        yield


def next_school_day(after: dt.date | None = None) -> dt.date:
    day = (after or timezone.localdate()) + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def build_portal_world() -> World:
    built = pages.build_pages_world()
    today = timezone.localdate()
    for school in (built.oakfield, built.brookside):
        year = AcademicYear.objects.create(
            school=school,
            name="this year",
            start=today - dt.timedelta(days=60),
            end=today + dt.timedelta(days=60),
        )
        Term.objects.create(
            school=school, academic_year=year, name="Term", start=year.start, end=year.end
        )
    built.piotr.user = UserFactory(kind=AccountKind.GUARDIAN, email=built.piotr.email)
    built.piotr.save(update_fields=["user"])
    return built


@pytest.fixture
def world(db: None) -> World:
    return build_portal_world()


def client_for(world: World, role: str) -> Client:
    if role == "restricted":
        return signed_in_client(world.piotr.user)
    return world.client(role)


def report_for(world: World, *, part: str = "whole", reason: str = "ill") -> AbsenceReport:
    day = next_school_day()
    return AbsenceReport.objects.create(
        school=world.oakfield,
        pupil=world.ada,
        guardian=world.maria,
        first_day=day,
        last_day=day,
        part=part,
        reason=reason,
    )
