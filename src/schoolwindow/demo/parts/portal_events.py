"""The demo's school events with families' replies, and a parents' evening half booked.

At each school three events in the coming weeks — the whole school's summer fair, an evening
for one year group, a class's assembly — with about four families in ten having replied. At the
secondary a parents' evening for Years 7 and 8 next week, booking open since two days ago:
about a quarter of the families have booked one of their child's teachers (about half the
evening's times), some by phone or video, a few with an interpreter; in one separated family
each parent booked their own time with a different teacher. The demo parent's son (Year 8) is
left to book. Only guardians the school may contact reply or book, as in the portal. The rows
are written directly (as a family's clicks would leave them): the services check "now", and the
demo's clock is its own.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.utils import timezone

from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.logins import LOGIN_USERNAMES
from schoolwindow.demo.parts import DemoPart
from schoolwindow.people.contact import contactable_links
from schoolwindow.people.models import Enrolment, Guardian, PupilStatus, TeachingAssignment
from schoolwindow.portal.events.models import (
    Appointment,
    AppointmentStatus,
    Audience,
    Evening,
    EveningTeacher,
    Event,
    Mode,
    Reply,
    Rsvp,
    Slot,
)
from schoolwindow.schools.models import Group, GroupKind

VIDEO = "https://meet.riverside.demo/parents-evening"
LANGUAGES = {"pl": "Polish", "ur": "Urdu", "ar": "Arabic", "so": "Somali", "ro": "Romanian"}


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def events_build(ctx: DemoContext, rng: random.Random) -> tuple[int, int]:
    events = replies = 0
    for school in (ctx.secondary, ctx.primary):
        years = sorted(
            (year for year in ctx.year_groups.values() if year.school_id == school.pk),
            key=lambda year: year.ordinal,
        )
        group = (
            Group.objects.filter(school=school, kind=GroupKind.REGISTRATION)
            .order_by("name")
            .first()
        )
        plans = [
            (
                "Summer fair",
                "Cakes, games and a raffle. Everyone is welcome.",
                12,
                14,
                Audience.SCHOOL,
            ),
            (
                f"{years[0].name} welcome evening",
                "Meet the teachers and see the classrooms.",
                9,
                18,
                Audience.YEARS,
            ),
            (
                f"{group.name if group else 'Class'} assembly",
                "Our class shows what we have learned.",
                4,
                9,
                Audience.GROUPS,
            ),
        ]
        for title, words, days, hour, audience in plans:
            start = at(ctx.today + dt.timedelta(days=days), hour)
            event = Event.objects.create(
                school=school,
                title=title,
                description=words,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=2 if audience == Audience.SCHOOL else 1),
                location="School hall",
                audience=audience,
            )
            if audience == Audience.YEARS:
                event.year_groups.set([years[0]])
            if audience == Audience.GROUPS and group is not None:
                event.groups.set([group])
            events += 1
            links = contactable_links(school_id=school.pk, pupil__status=PupilStatus.ACTIVE)
            if audience == Audience.YEARS:
                links = links.filter(pupil__year_group=years[0])
            if audience == Audience.GROUPS and group is not None:
                links = links.filter(
                    pupil__in=Enrolment.objects.filter(group=group).values("pupil_id")
                )
            guardians = sorted(set(links.values_list("guardian_id", flat=True)))
            rows = []
            for guardian_id in guardians:
                if rng.random() < 0.4:
                    yes = rng.random() < 0.75
                    rows.append(
                        Rsvp(
                            school=school,
                            event=event,
                            guardian_id=guardian_id,
                            reply=Reply.YES if yes else Reply.NO,
                            people=rng.choice([1, 2, 2, 3, 4]) if yes else 0,
                        )
                    )
            Rsvp.objects.bulk_create(rows)
            replies += len(rows)
    return events, replies


def evening_build(ctx: DemoContext, rng: random.Random) -> tuple[int, int]:
    school = ctx.secondary
    years = [
        year
        for ordinal, year in ctx.year_groups.items()
        if ordinal in (7, 8) and year.school_id == school.pk
    ]
    day = ctx.today + dt.timedelta(days=7)
    evening = Evening.objects.create(
        school=school,
        title="Years 7 and 8 parents' evening",
        date=day,
        starts=dt.time(16, 0),
        ends=dt.time(19, 0),
        slot_minutes=10,
        opens_at=at(ctx.today - dt.timedelta(days=2), 18),
        close_minutes=24 * 60,
        location="Main hall",
    )
    evening.year_groups.set(years)
    groups = Group.objects.filter(school=school, year_group__in=years)
    teaching = TeachingAssignment.objects.filter(group__in=groups).select_related("staff")
    staff_groups: dict[int, set[int]] = defaultdict(set)
    for assignment in teaching:
        if assignment.staff.active:
            staff_groups[assignment.staff_id].add(assignment.group_id)
    chosen = sorted(staff_groups)[:12]
    teachers = {}
    slots: dict[int, list[Slot]] = {}
    step = dt.timedelta(minutes=10)
    for index, staff_id in enumerate(chosen):
        teacher = EveningTeacher.objects.create(
            school=school,
            evening=evening,
            staff_id=staff_id,
            in_person=True,
            phone=index % 2 == 0,
            video=index % 3 == 0,
            video_url=VIDEO if index % 3 == 0 else "",
            room=f"Table {index + 1}",
        )
        teachers[staff_id] = teacher
        made = [
            Slot(
                school=school,
                evening=evening,
                teacher=teacher,
                staff_id=staff_id,
                starts_at=at(day, 16) + step * n,
                ends_at=at(day, 16) + step * (n + 1),
            )
            for n in range(18)
        ]
        slots[staff_id] = list(Slot.objects.bulk_create(made))
    pupil_groups: dict[int, set[int]] = defaultdict(set)
    for pupil_id, group_id in Enrolment.objects.filter(group__in=groups, active=True).values_list(
        "pupil_id", "group_id"
    ):
        pupil_groups[pupil_id].add(group_id)
    links = (
        contactable_links(
            school_id=school.pk, pupil__status=PupilStatus.ACTIVE, pupil__year_group__in=years
        )
        .select_related("guardian")
        .order_by("pupil_id", "contact_priority", "guardian_id")
    )
    parents: dict[int, list[Guardian]] = defaultdict(list)
    for link in links:
        parents[link.pupil_id].append(link.guardian)
    # The demo parent's own child is left to book (their home shows "Book your appointments").
    demo_parent = set(
        Guardian.objects.filter(user__username=LOGIN_USERNAMES["parent"]).values_list(
            "pk", flat=True
        )
    )
    taken: set[int] = set()
    booked = 0
    separated_done = False

    def book(pupil_id: int, guardian: Guardian, staff_id: int) -> bool:
        free = [slot for slot in slots[staff_id] if slot.pk not in taken]
        if not free:
            return False
        slot = rng.choice(free[:6])
        taken.add(slot.pk)
        teacher = teachers[staff_id]
        mode = rng.choice(teacher.modes)
        language = LANGUAGES.get(guardian.preferred_language[:2], "")
        Appointment.objects.create(
            school=school,
            evening=evening,
            slot=slot,
            staff_id=staff_id,
            pupil_id=pupil_id,
            guardian=guardian,
            status=AppointmentStatus.BOOKED,
            mode=mode if mode in Mode.values else Mode.IN_PERSON,
            interpreter_language=language if language and rng.random() < 0.5 else "",
        )
        return True

    for pupil_id, guardians in sorted(parents.items()):
        mine = [staff_id for staff_id in chosen if staff_groups[staff_id] & pupil_groups[pupil_id]]
        if not mine or demo_parent & {guardian.pk for guardian in guardians}:
            continue
        if not separated_done and len(guardians) >= 2 and len(mine) >= 2:
            # Separated parents: each books their own time, with a different teacher.
            booked += book(pupil_id, guardians[0], mine[0]) + book(pupil_id, guardians[1], mine[1])
            separated_done = True
            continue
        if rng.random() < 0.25:  # about half the evening's times end up booked
            booked += book(pupil_id, guardians[0], rng.choice(mine))
    return len(chosen), booked


def portal_events_demo_build(ctx: DemoContext) -> None:
    ctx.say("Portal: school events, replies and a parents' evening half booked…")
    rng = random.Random(1207)
    events, replies = events_build(ctx, rng)
    teachers, booked = evening_build(ctx, rng)
    ctx.counts["events"] = events
    ctx.counts["event_replies"] = replies
    ctx.counts["evening_teachers"] = teachers
    ctx.counts["appointments_booked"] = booked


PART = DemoPart(name="portal.events", build=portal_events_demo_build, history=True)
