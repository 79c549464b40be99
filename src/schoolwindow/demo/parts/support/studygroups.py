"""The demo's study groups: two groups at the secondary school and a fortnight of check-ins.

The demo teacher leads a homework club in the demo pupil's year, with the demo pupil and
classmates whose home-learning profile says they have no quiet place or no adult to help; the
family liaison officer leads a quiet study room in another year. Most days most pupils are "on
it", a few need help or can't; the demo pupil has not checked in today (so the tap is theirs to
make) and one classmate already asked for help, so the teacher's home shows it.

One classmate has not checked in on any of the last five school days, so the watchlist shows
"Missed 5 of the last 5 study-group check-ins" for them (the flags are evaluated again for the
demo's morning once the groups exist). Another has no data on their phone and checks in by
text: their own mobile is recorded, the group texts at 4 p.m., and most of their fortnight's
answers came back by text.
"""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.utils import timezone, translation

from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.logins import LOGIN_USERNAMES
from schoolwindow.demo.parts import DemoPart
from schoolwindow.homelife.models import ProfileAnswer
from schoolwindow.people.models import Pupil, PupilStatus, Staff
from schoolwindow.schools.calendar import school_days
from schoolwindow.support.models import CheckIn, StudyGroup, StudyGroupMember
from schoolwindow.support.studygroups.models import CheckInText, TextTo

ANSWERS = ("on_it", "need_help", "cant_today")
WEIGHTS = (70, 15, 15)
DAYS = 14
QUIET_DAYS = 5  # the silent classmate's last school days without a check-in
TEXT_NUMBER = "+447700900555"  # Ofcom's drama range: never a real phone


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
    StudyGroupMember.objects.filter(group__in=[club, room]).update(added_at=formed)
    silent = club_ids[2] if len(club_ids) > 2 else None
    texter = club_ids[3] if len(club_ids) > 3 else None
    before = school_days(school_id=school.pk, start=start, end=today - dt.timedelta(days=1))
    quiet_days = set(before[-QUIET_DAYS:])
    if texter is not None:
        Pupil.objects.filter(pk=texter).update(mobile=TEXT_NUMBER)
        StudyGroupMember.objects.filter(group=club, pupil_id=texter).update(text_to=TextTo.PUPIL)
    member_ids = dict(StudyGroupMember.objects.filter(group=club).values_list("pupil_id", "pk"))
    texts = []
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
                if group is club and pid == silent and (back == 0 or day in quiet_days):
                    continue  # gone silent: the watchlist's reason
                if group is club and pid == texter and back > 0:
                    texts.append(
                        CheckInText(
                            school=school,
                            member_id=member_ids[pid],
                            group=club,
                            pupil_id=pid,
                            day=day,
                            address=TEXT_NUMBER,
                        )
                    )
                is_demo_pupil = demo_pupil is not None and pid == demo_pupil.pk
                # A missed day now and then (never the demo pupil's: "mostly fine").
                if rng.random() < 0.15 and not is_demo_pupil:
                    continue
                answer = rng.choices(ANSWERS, weights=WEIGHTS)[0]
                checkins.append(
                    CheckIn(
                        school=school,
                        group=group,
                        pupil_id=pid,
                        day=day,
                        answer=answer,
                        by_text=group is club and pid == texter,
                    )
                )
    CheckIn.objects.bulk_create(checkins)
    CheckInText.objects.bulk_create(texts)
    flags_refresh(ctx, school.pk)
    ctx.counts["study groups"] = 2
    ctx.counts["study group check-ins"] = len(checkins)
    ctx.counts["study group check-ins by text"] = sum(1 for c in checkins if c.by_text)


def flags_refresh(ctx: DemoContext, school_id: int) -> None:
    """What the morning's evaluation would have found had the groups been there: the missed
    check-ins reason, added to those pupils' flags (or a new flag). Only this source is run, so
    the rest of the demo's watchlist story — evaluated before the later parts wrote their
    messages — stays as it was."""
    # Imported here so the demo still builds where engagement.flags is not there.
    try:
        from schoolwindow.engagement.models import Flag, FlagEvent, FlagEventKind, FlagStatus
        from schoolwindow.engagement.rules import SignalContext, make_reason, severity_of
    except ImportError:
        return
    from schoolwindow.support.studygroups.signal import KEY, RULE, SOURCE

    today = ctx.today
    on_roll = list(
        Pupil.objects.filter(school_id=school_id, status=PupilStatus.ACTIVE).values_list(
            "pk", flat=True
        )
    )
    before = school_days(
        school_id=school_id,
        start=today - dt.timedelta(days=60),
        end=today - dt.timedelta(days=1),
    )
    context = SignalContext(
        school_id=school_id,
        on_date=today,
        school_days=before,
        pupil_ids=on_roll,
        params=RULE.defaults,
    )
    live = {
        flag.pupil_id: flag
        for flag in Flag.objects.filter(
            school_id=school_id, status__in=[FlagStatus.OPEN, FlagStatus.SNOOZED]
        )
    }
    with translation.override(settings.LANGUAGE_CODE):
        for pupil_id, (level, args) in sorted(SOURCE.load(context).items()):
            reason = make_reason(KEY, level, args)
            flag = live.get(pupil_id)
            if flag is not None:
                flag.reasons = [*[r for r in flag.reasons if r["rule"] != KEY], reason]
                flag.severity = severity_of(flag.reasons)
                flag.save(update_fields=["reasons", "severity"])
                continue
            flag = Flag.objects.create(
                school_id=school_id,
                pupil_id=pupil_id,
                status=FlagStatus.OPEN,
                opened_on=today,
                last_evaluated_on=today,
                reasons=[reason],
                severity=reason["severity"],
            )
            FlagEvent.objects.create(
                school_id=school_id,
                flag=flag,
                kind=FlagEventKind.OPENED,
                detail={"on": today.isoformat(), "reasons": [reason["text"]]},
            )


PART = DemoPart(name="support.studygroups", build=studygroups_demo_build, history=True)
