"""The demo's calls and referrals: help for the pupils going quiet, and flags resolved with it.

Every pupil on a watchlist this morning had a call home within a few days of the flag opening
(most done, with what was said); every third also has a referral (early help, a food bank
voucher, another agency), some under way, some overdue; every fourth a follow-up call planned
for the coming days. Earlier in the term six pupils of the secondary school were on the list,
got a call and a referral, and came off it: their flags are resolved with both linked, so the
timeline's "answers the flag" and "did it work?" have something true to show.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.logins import LOGIN_USERNAMES
from schoolwindow.demo.parts import DemoPart
from schoolwindow.engagement.models import Flag, FlagEvent, FlagEventKind, FlagOutcome, FlagStatus
from schoolwindow.engagement.rules import make_reason
from schoolwindow.people.models import Pupil, PupilStatus, Staff
from schoolwindow.schools.models import School
from schoolwindow.support.models import FlagLink, SupportAction
from schoolwindow.support.timeline import EntryStatus, SupportKind

PER_SCHOOL = 14
EARLIER = 6
CALLS_DONE = (
    "Spoke with mum: the laptop is shared with a sibling in the evenings.",
    "Dad says he has been unwell; back on Monday.",
    "Mum did not know the homework was online; showed her where it is.",
    "Left a message; grandma called back and will pass it on.",
    "Talked through the week; agreed a check-in every Friday.",
)
CALL_SUMMARIES = (
    "Call home about missed online work",
    "Call home about attendance this fortnight",
    "Call home: homework not handed in",
)
REFERRALS = (
    ("early_help", "Early help assessment with the family's agreement"),
    ("food_bank", "Food bank voucher for the family"),
    ("other_agency", "Young carers service"),
)


def owners_of(school: School) -> list[Staff]:
    """The demo's pastoral lead, family liaison officer and advocate at the school (or anyone
    with the role), in that order; the first found stands in for a missing one."""
    found: list[Staff] = []
    for role in ("pastoral", "flo", "advocate"):
        staff = (
            Staff.objects.filter(school=school, user__username=LOGIN_USERNAMES[role]).first()
            or Staff.objects.filter(school=school, roles__role=role, active=True)
            .order_by("pk")
            .first()
        )
        if staff is not None:
            found.append(staff)
    return found


def school_day(day: dt.date, today: dt.date) -> dt.date:
    """A weekday on or before `day`, never after today."""
    day = min(day, today)
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def help_for_flags(
    school: School, owners: list[Staff], today: dt.date, rng: random.Random
) -> list[SupportAction]:
    flags = list(
        Flag.objects.filter(school=school)
        .exclude(status=FlagStatus.RESOLVED)
        .order_by("-severity", "pk")[:PER_SCHOOL]
    )
    actions = []
    for index, flag in enumerate(flags):
        owner = owners[index % len(owners)]
        called = school_day(flag.opened_on + dt.timedelta(days=rng.randrange(1, 4)), today)
        done = index % 5 != 4
        actions.append(
            SupportAction(
                school=school,
                pupil_id=flag.pupil_id,
                kind=SupportKind.CALL,
                summary=CALL_SUMMARIES[index % len(CALL_SUMMARIES)],
                on=called,
                owner=owner,
                due=called,
                status=EntryStatus.DONE if done else EntryStatus.PLANNED,
                outcome=rng.choice(CALLS_DONE) if done else "",
                flag=flag,
            )
        )
        if index % 3 == 0:
            kind, summary = REFERRALS[(index // 3) % len(REFERRALS)]
            overdue = index % 2 == 0
            actions.append(
                SupportAction(
                    school=school,
                    pupil_id=flag.pupil_id,
                    kind=SupportKind.REFERRAL,
                    referral_type=kind,
                    summary=summary,
                    on=called,
                    owner=owners[0],
                    due=today + dt.timedelta(days=-3 if overdue else 6),
                    status=EntryStatus.PLANNED if overdue else EntryStatus.IN_PROGRESS,
                    flag=flag,
                )
            )
        if index % 4 == 1:
            actions.append(
                SupportAction(
                    school=school,
                    pupil_id=flag.pupil_id,
                    kind=SupportKind.CALL,
                    summary="Follow-up call: how the week went",
                    on=today,
                    owner=owner,
                    due=today + dt.timedelta(days=2),
                    status=EntryStatus.PLANNED,
                    flag=flag,
                )
            )
    return actions


def earlier_flags(
    school: School, owners: list[Staff], today: dt.date, rng: random.Random
) -> tuple[int, list[SupportAction]]:
    """Six pupils who were on the list earlier this term, helped, and came off it."""
    on_list = Flag.objects.filter(school=school).values("pupil_id")
    pupils = list(
        Pupil.objects.filter(school=school, status=PupilStatus.ACTIVE)
        .exclude(pk__in=on_list)
        .order_by("pk")
        .values_list("pk", flat=True)[:400]
    )
    chosen = rng.sample(pupils, min(EARLIER, len(pupils)))
    actions: list[SupportAction] = []
    for index, pupil_id in enumerate(chosen):
        opened = school_day(today - dt.timedelta(days=70 - 6 * index), today)
        resolved = opened + dt.timedelta(days=21)
        reason = make_reason(
            "no_online",
            1,
            {
                "days": 6,
                "last_active": (opened - dt.timedelta(days=8)).isoformat(),
                "usual": 4.0,
                "silent_days": [],
                "excused_days": [],
            },
        )
        flag = Flag.objects.create(
            school=school,
            pupil_id=pupil_id,
            status=FlagStatus.RESOLVED,
            opened_on=opened,
            last_evaluated_on=resolved,
            reasons=[reason],
            severity=reason["severity"],
            outcome=FlagOutcome.RE_ENGAGED if index % 3 else FlagOutcome.SUPPORT_IN_PLACE,
            resolved_at=timezone.make_aware(dt.datetime.combine(resolved, dt.time(15, 30))),
        )
        FlagEvent.objects.create(
            school=school,
            flag=flag,
            kind=FlagEventKind.RESOLVED,
            note="Back online every day this fortnight.",
            detail={"outcome": flag.outcome},
        )
        kind, summary = REFERRALS[index % len(REFERRALS)]
        actions += [
            SupportAction(
                school=school,
                pupil_id=pupil_id,
                kind=SupportKind.CALL,
                summary=CALL_SUMMARIES[0],
                on=school_day(opened + dt.timedelta(days=1), today),
                owner=owners[index % len(owners)],
                status=EntryStatus.DONE,
                outcome=rng.choice(CALLS_DONE),
                flag=flag,
            ),
            SupportAction(
                school=school,
                pupil_id=pupil_id,
                kind=SupportKind.REFERRAL,
                referral_type=kind,
                summary=summary,
                on=school_day(opened + dt.timedelta(days=4), today),
                owner=owners[0],
                due=opened + dt.timedelta(days=14),
                status=EntryStatus.DONE,
                outcome="Family agreed; first meeting held.",
                flag=flag,
            ),
        ]
    return len(chosen), actions


def actions_demo_build(ctx: DemoContext) -> None:
    ctx.say("Support: calls and referrals for the pupils going quiet…")
    rng = random.Random(1111)
    today = ctx.today
    actions: list[SupportAction] = []
    resolved = 0
    for school in (ctx.primary, ctx.secondary):
        owners = owners_of(school)
        if not owners:
            continue
        actions += help_for_flags(school, owners, today, rng)
        if school == ctx.secondary:
            resolved, earlier = earlier_flags(school, owners, today, rng)
            actions += earlier
    SupportAction.objects.bulk_create(actions)
    # Linked by ref once the actions have their ids (bulk_create sets them on both databases).
    links = [
        FlagLink(school_id=a.school_id, flag_id=a.flag_id, kind=a.kind, ref=a.ref)
        for a in actions
        if a.flag_id is not None and a.flag is not None and a.flag.status == FlagStatus.RESOLVED
    ]
    FlagLink.objects.bulk_create(links)
    ctx.counts["support actions"] = len(actions)
    ctx.counts["flags resolved with help"] = resolved


PART = DemoPart(name="support.actions", build=actions_demo_build, history=True)
