"""The demo's study groups: two groups at the secondary school and a fortnight of check-ins.

The demo teacher leads a homework club in the demo pupil's year, with the demo pupil and
classmates whose home-learning profile says they have no quiet place or no adult to help; the
family liaison officer leads a quiet study room in another year. Most days most pupils are "on
it", a few need help or can't; the demo pupil has not checked in today (so the tap is theirs to
make) and one classmate already asked for help, so the teacher's home shows it.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.logins import LOGIN_USERNAMES
from schoolwindow.demo.parts import DemoPart
from schoolwindow.homelife.models import ProfileAnswer
from schoolwindow.people.models import Pupil, PupilStatus, Staff
from schoolwindow.support.models import CheckIn, StudyGroup, StudyGroupMember

ANSWERS = ("on_it", "need_help", "cant_today")
WEIGHTS = (70, 15, 15)
DAYS = 14


def lead_of(school_id: int, username: str, role: str) -> Staff | None:
    return (
        Staff.objects.filter(school_id=school_id, user__username=username).first()
        or Staff.objects.filter(school_id=school_id, roles__role=role, active=True)
        .order_by("pk")
        .first()
    )


def needing(school_id: int, year_group_id: int | None, limit: int, exclude: set[int]) -> list[int]:
    """Pupils of the year whose profile answered "no" to a quiet place or an adult to help."""
    found = (
        ProfileAnswer.objects.filter(
            school_id=school_id,
            pupil__year_group_id=year_group_id,
            pupil__status=PupilStatus.ACTIVE,
            question__in=["quiet_place", "adult_help"],
            value="no",
        )
        .values_list("pupil_id", flat=True)
        .order_by("pupil_id")
        .distinct()
    )
    chosen = [pid for pid in found if pid is not None and pid not in exclude][:limit]
    if len(chosen) < limit:
        # A small demo may have too few answers: fill up with the year's first pupils.
        more = Pupil.objects.filter(
            school_id=school_id, year_group_id=year_group_id, status=PupilStatus.ACTIVE
        ).exclude(pk__in=[*chosen, *exclude])
        chosen += list(more.order_by("pk").values_list("pk", flat=True)[: limit - len(chosen)])
    return chosen


def studygroups_demo_build(ctx: DemoContext) -> None:
    ctx.say("Study groups: two groups and a fortnight of check-ins…")
    rng = random.Random(1108)
    school = ctx.secondary
    today = ctx.today
    demo_pupil = Pupil.objects.filter(
        school=school, user__username=LOGIN_USERNAMES["pupil"]
    ).first()
    teacher = lead_of(school.pk, LOGIN_USERNAMES["teacher"], "teacher")
    flo = lead_of(school.pk, LOGIN_USERNAMES["flo"], "flo")
    if teacher is None or flo is None:
        return
    first_year = (
        demo_pupil.year_group_id
        if demo_pupil is not None
        else Pupil.objects.filter(school=school).values_list("year_group_id", flat=True).first()
    )
    other_year = (
        Pupil.objects.filter(school=school, status=PupilStatus.ACTIVE)
        .exclude(year_group_id=first_year)
        .values_list("year_group_id", flat=True)
        .order_by("year_group_id")
        .first()
    )
    start = today - dt.timedelta(days=DAYS)
    club = StudyGroup.objects.create(
        school=school,
        name="Homework club",
        subjects="Maths, English",
        lead=teacher,
        year_group_id=first_year,
    )
    room = StudyGroup.objects.create(
        school=school, name="Quiet study room", subjects="Any", lead=flo, year_group_id=other_year
    )
    # Formed a fortnight ago, when the check-ins start.
    formed = timezone.make_aware(dt.datetime.combine(start, dt.time(9, 0)))
    StudyGroup.objects.filter(pk__in=[club.pk, room.pk]).update(created_at=formed)
    club_ids = [demo_pupil.pk] if demo_pupil is not None else []
    club_ids += needing(school.pk, first_year, 6, set(club_ids))
    room_ids = needing(school.pk, other_year, 6, set(club_ids))
    members = [
        StudyGroupMember(school=school, group=group, pupil_id=pid)
        for group, ids in ((club, club_ids), (room, room_ids))
        for pid in ids
    ]
    StudyGroupMember.objects.bulk_create(members)
    checkins = []
    for back in range(DAYS, -1, -1):
        day = today - dt.timedelta(days=back)
        if day.weekday() >= 5:
            continue
        for group, ids in ((club, club_ids), (room, room_ids)):
            for index, pid in enumerate(ids):
                if back == 0:
                    # Today: the demo pupil's tap is still to come; one classmate needs help.
                    if demo_pupil is not None and pid == demo_pupil.pk:
                        continue
                    if group is club and index == 1:
                        checkins.append(
                            CheckIn(
                                school=school,
                                group=group,
                                pupil_id=pid,
                                day=day,
                                answer="need_help",
                            )
                        )
                        continue
                if rng.random() < 0.15:
                    continue  # a missed day
                answer = rng.choices(ANSWERS, weights=WEIGHTS)[0]
                checkins.append(
                    CheckIn(school=school, group=group, pupil_id=pid, day=day, answer=answer)
                )
    CheckIn.objects.bulk_create(checkins)
    ctx.counts["study groups"] = 2
    ctx.counts["study group check-ins"] = len(checkins)


PART = DemoPart(name="support.studygroups", build=studygroups_demo_build, history=True)
