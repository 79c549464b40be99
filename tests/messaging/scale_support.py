"""A secondary at real scale for the bulk messaging screens: pupils in registration groups, one
carer each, a week of attendance marks and homework due next week, written in bulk."""

from __future__ import annotations

import datetime as dt

from schoolwindow.engagement.models import AttendanceMark, Homework
from schoolwindow.people.models import Enrolment, Guardian, GuardianLink, Pupil
from schoolwindow.schools.models import Group, GroupKind, School, YearGroup

MONDAY = dt.date(2026, 11, 16)
FORM_SIZE = 30


def grow_school(
    school: School, year: YearGroup, count: int, *, start: int = 0, monday: dt.date = MONDAY
) -> list[Pupil]:
    """Add `count` pupils: in forms of thirty, each with a carer who reads email; every third
    missed a session this week, and each form has homework due next week."""
    forms: list[Group] = []
    for n in range(start // FORM_SIZE, (start + count + FORM_SIZE - 1) // FORM_SIZE):
        form, _created = Group.objects.get_or_create(
            school=school,
            name=f"Form {n:03d}",
            defaults={"kind": GroupKind.REGISTRATION, "year_group": year},
        )
        forms.append(form)
    by_name = {form.name: form for form in forms}
    pupils = Pupil.objects.bulk_create(
        Pupil(
            school=school,
            upn=f"S{school.pk % 1000:03d}{n:09d}",  # 13 characters, like a real UPN
            legal_first_name=f"Child{n:04d}",
            legal_last_name=f"Family{n:04d}",
            date_of_birth=dt.date(2013, 1, 1),
            year_group=year,
        )
        for n in range(start, start + count)
    )
    guardians = Guardian.objects.bulk_create(
        Guardian(
            trust=school.trust,
            first_name=f"Carer{n:04d}",
            last_name=f"Family{n:04d}",
            email=f"carer{n}@families.example",
            preferred_channel="email",
        )
        for n in range(start, start + count)
    )
    GuardianLink.objects.bulk_create(
        GuardianLink(school=school, pupil=pupil, guardian=guardian)
        for pupil, guardian in zip(pupils, guardians, strict=True)
    )
    Enrolment.objects.bulk_create(
        Enrolment(school=school, pupil=pupil, group=by_name[f"Form {(start + i) // FORM_SIZE:03d}"])
        for i, pupil in enumerate(pupils)
    )
    marks = []
    for i, pupil in enumerate(pupils):
        for day in range(5):
            for session in ("AM", "PM"):
                away = (start + i) % 3 == 0 and day == 4 and session == "PM"
                marks.append(
                    AttendanceMark(
                        school_id=school.pk,
                        pupil=pupil,
                        date=monday + dt.timedelta(days=day),
                        session=session,
                        code="N" if away else "/",
                        category="unauthorised" if away else "present",
                    )
                )
    AttendanceMark.objects.bulk_create(marks, batch_size=2000)
    for form in forms:
        Homework.objects.get_or_create(
            school=school,
            group=form,
            source_id=f"hw-{form.pk}",
            defaults={
                "title": f"Reading log ({form.name})",
                "subject": "English",
                "set_on": monday,
                "due_on": monday + dt.timedelta(days=9),
            },
        )
    return pupils
