"""The demo's home-learning profiles and this term's survey.

Most households answered an earlier survey, some more than a year ago (their profiles are out
of date); some share one laptop with a parent who works on it, some have only mobile data or no
internet at all. For a few, a family liaison officer's home visit later found something the
survey tick did not say (the profile page then says "we use the visit"). Each school has a
survey round open now, which some families have answered.

Seeds its own `random.Random`, so the parts after it draw the same as before.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.parts import DemoPart
from schoolwindow.homelife.models import ProfileAnswer, Source, SurveyResponse, SurveyRound
from schoolwindow.people.models import Guardian, Pupil, PupilStatus, Role, StaffRole

SEED = 20261111


@dataclass
class HomelifeCounts:
    households: int = 0
    answers: int = 0
    stale: int = 0
    shared_laptop: int = 0
    no_internet: int = 0
    contradicted: int = 0
    responses: int = 0


SHARED = "One laptop, used by mum for work 9 to 5"


def at(day: dt.date, hour: int = 19) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def homelife_demo_build(ctx: DemoContext) -> None:
    rng = random.Random(SEED)
    counts = HomelifeCounts()
    today = ctx.today
    rounds = {
        school.pk: SurveyRound.objects.create(
            school=school,
            title="Learning at home, this term",
            opened_on=today - dt.timedelta(days=12),
            closes_on=today + dt.timedelta(days=16),
        )
        for school in ctx.schools
    }
    liaison = {
        role.school_id: role.staff.display_name
        for role in StaffRole.objects.filter(role=Role.FLO).select_related("staff")
    }
    pupils_by_household: dict[int, list[Pupil]] = {}
    for pupil in Pupil.objects.filter(
        school__trust=ctx.trust, status=PupilStatus.ACTIVE, household__isnull=False
    ).order_by("pk"):
        assert pupil.household_id is not None
        pupils_by_household.setdefault(pupil.household_id, []).append(pupil)
    first_guardian: dict[int, Guardian] = {}
    for found in Guardian.objects.filter(trust=ctx.trust, household__isnull=False).order_by("pk"):
        assert found.household_id is not None
        first_guardian.setdefault(found.household_id, found)
    rows: list[ProfileAnswer] = []
    for household_id, pupils in pupils_by_household.items():
        if rng.random() < 0.2:
            continue  # never asked yet
        counts.households += 1
        guardian = first_guardian.get(household_id)
        school_id = pupils[0].school_id
        label = guardian.display_name if guardian else "A parent"
        # This term's round for some; an older survey for the rest, a few over a year ago.
        this_round = guardian is not None and rng.random() < 0.35
        if this_round:
            when = at(today - dt.timedelta(days=rng.randint(1, 11)))
        else:
            days_ago = rng.randint(400, 520) if rng.random() < 0.15 else rng.randint(60, 330)
            counts.stale += days_ago > 365
            when = at(today - dt.timedelta(days=days_ago))
        response = None
        if this_round and guardian is not None:
            response = SurveyResponse.objects.create(
                school_id=school_id,
                round=rounds[school_id],
                guardian=guardian,
                household_id=household_id,
                submitted_at=when,
            )
            counts.responses += 1
        shared = rng.random() < 0.3
        internet = rng.choices(["broadband", "mobile", "none"], weights=[70, 20, 10])[0]
        counts.shared_laptop += shared
        counts.no_internet += internet == "none"
        household = {
            "devices": ("laptop,smartphone" if shared else "laptop,tablet,smartphone", ""),
            "device_count": ("1" if shared else str(rng.randint(2, 3)), ""),
            "device_sharing": ("adults", SHARED) if shared else ("own", ""),
            "internet": (internet, "10 GB a month" if internet == "mobile" else ""),
            "printer": (rng.choice(["yes", "no"]), ""),
            "languages": ("English", ""),
            "contact": (rng.choice(["app", "email", "sms"]), ""),
        }
        common = {"school_id": school_id, "source": Source.PARENT_SURVEY, "response": response}
        for key, (value, detail) in household.items():
            rows.append(
                ProfileAnswer(
                    household_id=household_id,
                    question=key,
                    value=value,
                    detail=detail,
                    recorded_by_label=label,
                    recorded_at=when,
                    **common,
                )
            )
        for pupil in pupils:
            for key, value in (
                ("quiet_place", rng.choice(["yes", "yes", "sometimes", "no"])),
                ("adult_help", rng.choice(["yes", "sometimes", "no"])),
                ("study_buddy", rng.choice(["sibling", "friend", "no", "no"])),
            ):
                rows.append(
                    ProfileAnswer(
                        pupil=pupil,
                        question=key,
                        value=value,
                        recorded_by_label=label,
                        recorded_at=when,
                        **common,
                    )
                )
        # A visit after an older survey found one shared laptop and mobile data only.
        if not this_round and internet == "broadband" and counts.contradicted < 12:
            counts.contradicted += 1
            visit = at(today - dt.timedelta(days=rng.randint(10, 40)), hour=16)
            if visit > when:
                for key, value, detail in (
                    ("internet", "mobile", "Pay-as-you-go, runs out by mid-month"),
                    ("device_sharing", "adults", SHARED),
                ):
                    rows.append(
                        ProfileAnswer(
                            school_id=school_id,
                            household_id=household_id,
                            question=key,
                            value=value,
                            detail=detail,
                            source=Source.HOME_VISIT,
                            recorded_by_label=liaison.get(school_id, "Family liaison officer"),
                            recorded_at=visit,
                        )
                    )
                # The family's next survey tick still said broadband: the visit wins.
                rows.append(
                    ProfileAnswer(
                        school_id=school_id,
                        household_id=household_id,
                        question="internet",
                        value="broadband",
                        source=Source.PARENT_SURVEY,
                        recorded_by_label=label,
                        recorded_at=at(today - dt.timedelta(days=3)),
                    )
                )
    ProfileAnswer.objects.bulk_create(rows, batch_size=2000)
    counts.answers = len(rows)
    ctx.counts["homelife"] = counts
    ctx.say(
        f"Home learning: {counts.households} households' profiles ({counts.stale} out of date), "
        f"{counts.responses} survey answers this term, {counts.contradicted} visits that "
        "corrected a survey"
    )


PART = DemoPart(name="homelife", build=homelife_demo_build, history=True)
