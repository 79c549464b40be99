"""engagement.marks.attendance_marks_record, the service the portal writes marks through: only
those who may confirm absences, only DfE codes, never over a different mark unless named."""

from __future__ import annotations

import datetime as dt

import pytest

from schoolwindow.core.errors import Invalid, Refused
from schoolwindow.engagement.marks import MarksTaken, attendance_marks_record
from schoolwindow.engagement.models import AttendanceMark
from schoolwindow.people.actors import actor_for
from tests.pages.conftest import World
from tests.portal.conftest import next_school_day


def test_only_those_who_confirm_absences_write_marks(world: World) -> None:
    day = next_school_day()
    with pytest.raises(Refused):
        attendance_marks_record(
            actor=actor_for(world.staff["pastoral"].user),
            school_id=world.oakfield.pk,
            pupil_id=world.ada.pk,
            sessions=[(day, "AM")],
            code="I",
        )
    assert not AttendanceMark.objects.exists()


def test_a_code_outside_the_dfe_set_is_refused(world: World) -> None:
    with pytest.raises(Invalid):
        attendance_marks_record(
            actor=actor_for(world.staff["office"].user),
            school_id=world.oakfield.pk,
            pupil_id=world.ada.pk,
            sessions=[(next_school_day(), "AM")],
            code="F",  # withdrawn in 2024
        )


def test_the_same_mark_again_writes_nothing_and_a_different_one_is_refused(
    world: World,
) -> None:
    office = actor_for(world.staff["office"].user)
    day: dt.date = next_school_day()
    sessions = [(day, "AM"), (day, "PM")]
    kwargs = {"school_id": world.oakfield.pk, "pupil_id": world.ada.pk, "sessions": sessions}
    assert attendance_marks_record(actor=office, code="I", **kwargs) == 2  # type: ignore[arg-type]
    assert attendance_marks_record(actor=office, code="I", **kwargs) == 0  # type: ignore[arg-type]
    with pytest.raises(MarksTaken) as clash:
        attendance_marks_record(actor=office, code="M", **kwargs)  # type: ignore[arg-type]
    assert [(m.session, m.code) for m in clash.value.taken] == [("AM", "I"), ("PM", "I")]
    written = attendance_marks_record(
        actor=office,
        code="M",
        replace=[(day, "PM")],
        school_id=world.oakfield.pk,
        pupil_id=world.ada.pk,
        sessions=[(day, "PM")],
    )
    assert written == 1
    assert dict(AttendanceMark.objects.values_list("session", "code")) == {"AM": "I", "PM": "M"}
