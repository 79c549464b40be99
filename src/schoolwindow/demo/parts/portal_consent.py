"""The demo's trip with consents pending: the demo parent's child's class is asked about a
museum trip (with a cost and the school's payment link), answers by the end of next week.
About half the families have said yes (one note for the day), two have said no, one gave
consent on the phone to the office, one place is paid, and the rest — the demo parent among
them — are still waiting. Only holders of parental responsibility the school may contact
answer, as in the portal.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.logins import LOGIN_USERNAMES
from schoolwindow.demo.parts import DemoPart
from schoolwindow.people.actors import actor_for
from schoolwindow.people.contact import contactable_links
from schoolwindow.people.models import Enrolment, Guardian, Staff
from schoolwindow.portal.consent import services
from schoolwindow.portal.consent.models import ConsentAnswer, ConsentPupil
from schoolwindow.schools.models import GroupKind

NOTES = ["Hay fever: one tablet at lunch.", "Inhaler in the front pocket of her bag."]


def staff_login(school_id: int, role: str) -> Staff | None:
    return (
        Staff.objects.filter(school_id=school_id, user__username=LOGIN_USERNAMES[role]).first()
        or Staff.objects.filter(school_id=school_id, roles__role=role, active=True)
        .exclude(user=None)
        .order_by("pk")
        .first()
    )


def portal_consent_demo_build(ctx: DemoContext) -> None:
    ctx.say("Portal: a trip with consents pending…")
    rng = random.Random(1203)
    parent = Guardian.objects.filter(user__username=LOGIN_USERNAMES["parent"]).first()
    first = (
        contactable_links(guardian=parent, parental_responsibility=True)
        .order_by("pupil_id")
        .first()
        if parent
        else None
    )
    enrolment = (
        Enrolment.objects.filter(
            pupil_id=first.pupil_id, active=True, group__kind=GroupKind.REGISTRATION
        )
        .select_related("group")
        .first()
        if first
        else None
    )
    if first is None or enrolment is None:
        return
    school_id = enrolment.school_id
    teacher, office = staff_login(school_id, "teacher"), staff_login(school_id, "office")
    if teacher is None or office is None or teacher.user is None or office.user is None:
        return
    consent = services.consent_request_create(
        actor=actor_for(teacher.user),
        school_id=school_id,
        title="Trip to the Natural History Museum",
        description=(
            "We travel by coach from school at 8.45 and are back by 3.30. "
            "Please send a packed lunch and a waterproof coat."
        ),
        deadline=ctx.today + dt.timedelta(days=9),
        event_date=ctx.today + dt.timedelta(days=16),
        audience="group",
        group_id=enrolment.group_id,
        cost_pence=1250,
        payment_link="https://pay.example.org/riverside/museum-trip",
        today=ctx.today,
    )
    links = list(
        contactable_links(
            school_id=school_id,
            parental_responsibility=True,
            pupil_id__in=consent.pupils.values("pupil_id"),
        )
        .exclude(pupil_id=first.pupil_id)
        .order_by("pupil_id", "contact_priority", "guardian_id")
    )
    by_pupil: dict[int, int] = {}
    for link in links:
        by_pupil.setdefault(link.pupil_id, link.guardian_id)
    pupils = sorted(by_pupil)
    rng.shuffle(pupils)
    yes, no = pupils[: len(pupils) // 2], pupils[len(pupils) // 2 : len(pupils) // 2 + 2]
    now = timezone.now()
    ConsentAnswer.objects.bulk_create(
        [
            ConsentAnswer(
                school_id=school_id,
                request=consent,
                pupil_id=pupil_id,
                guardian_id=by_pupil[pupil_id],
                answer=answer,
                note=NOTES[index] if index < len(NOTES) and answer == "yes" else "",
                answered_at=now - dt.timedelta(hours=rng.randint(1, 60)),
            )
            for answers, answer in ((yes, "yes"), (no, "no"))
            for index, pupil_id in enumerate(answers)
        ]
    )
    waiting = pupils[len(yes) + len(no) :]
    office_actor = actor_for(office.user)
    if waiting:
        services.consent_phone_record(
            actor=office_actor,
            request_id=consent.pk,
            pupil_id=waiting[0],
            guardian_id=by_pupil[waiting[0]],
            answer="yes",
            spoken_at=now - dt.timedelta(hours=3),
            note="Rang the office: happy for him to go.",
        )
    if yes:
        services.consent_paid_set(
            actor=office_actor, request_id=consent.pk, pupil_id=yes[0], paid=True
        )
    ctx.counts["consent_pupils"] = ConsentPupil.objects.filter(request=consent).count()
    ctx.counts["consent_answers"] = ConsentAnswer.objects.filter(request=consent).count()


PART = DemoPart(name="portal.consent", build=portal_consent_demo_build, history=True)
