"""The demo's details families sent: some waiting for the office, some confirmations.

At each school the named staff for medical notes are its safeguarding leads. The demo parent
(parent@) sends, through the portal's service, a new phone number and a dietary change for
their first child — so they see changes waiting, and the office sees them side by side. Three
other families a school have a change waiting (a new postcode, a new medical note that alerted
the named staff, a dietary change), and eight have said nothing has changed over the last
months. Only guardians the school may contact take part, as in the portal.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from schoolwindow.core.capabilities import SAFEGUARDING
from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.logins import LOGIN_USERNAMES
from schoolwindow.demo.parts import DemoPart
from schoolwindow.people.actors import actor_for
from schoolwindow.people.contact import contactable_links
from schoolwindow.people.models import Guardian, Pupil, PupilStatus, Staff
from schoolwindow.portal.details import services
from schoolwindow.portal.details.models import (
    CheckKind,
    DetailsChange,
    DetailsCheck,
    DetailsSettings,
    Field,
    MedicalAlert,
)

CHANGES = [
    (Field.POSTCODE, "RV4 7QT"),
    (Field.MEDICAL, "Asthma: a blue inhaler in the front pocket of the school bag."),
    (Field.DIETARY, "Vegetarian since September."),
]
CONFIRMED = 8


def details_demo_build(ctx: DemoContext) -> None:
    ctx.say("Portal: details families sent…")
    rng = random.Random(1214)
    waiting = confirmed = 0
    now = timezone.now()
    for school in (ctx.secondary, ctx.primary):
        chosen = DetailsSettings.objects.create(school=school, check_every_days=365)
        leads = list(
            Staff.objects.filter(school=school, active=True, roles__role__in=list(SAFEGUARDING))
            .distinct()
            .values_list("pk", flat=True)
        )
        chosen.alert_staff.set(leads)
        links = list(
            contactable_links(school_id=school.pk, pupil__status=PupilStatus.ACTIVE)
            .exclude(guardian__user__username=LOGIN_USERNAMES["parent"])
            .order_by("pupil_id", "contact_priority", "guardian_id")
            .values_list("pupil_id", "guardian_id")
        )
        first_contact = dict(reversed(links))
        pupil_ids = sorted(first_contact)
        picked = rng.sample(pupil_ids, min(len(CHANGES) + CONFIRMED, len(pupil_ids)))
        for pupil_id, (field, value) in zip(picked, CHANGES, strict=False):
            guardian = Guardian.objects.get(pk=first_contact[pupil_id])
            pupil = Pupil.objects.get(pk=pupil_id)
            about = pupil if field in (Field.MEDICAL, Field.DIETARY) else None
            change = DetailsChange.objects.create(
                school=school,
                guardian=guardian,
                pupil=pupil if about else None,
                field=field,
                old_value=str(getattr(about or guardian, field)),
                new_value=value,
            )
            DetailsCheck.objects.create(
                school=school, guardian=guardian, pupil=pupil, kind=CheckKind.CHANGED
            )
            if field == Field.MEDICAL:
                MedicalAlert.objects.bulk_create(
                    MedicalAlert(school=school, change=change, staff_id=staff, pupil=pupil)
                    for staff in leads
                )
            waiting += 1
        checks = DetailsCheck.objects.bulk_create(
            DetailsCheck(
                school=school,
                guardian_id=first_contact[pupil_id],
                pupil_id=pupil_id,
                kind=CheckKind.UNCHANGED,
            )
            for pupil_id in picked[len(CHANGES) :]
        )
        for check in checks:
            days = rng.randint(1, 200)
            DetailsCheck.objects.filter(pk=check.pk).update(
                checked_at=now - dt.timedelta(days=days)
            )
        confirmed += len(checks)

    parent = Guardian.objects.filter(user__username=LOGIN_USERNAMES["parent"]).first()
    if parent is not None and parent.user is not None:
        actor = actor_for(parent.user)
        child = (
            contactable_links(guardian_id=parent.pk, pupil__status=PupilStatus.ACTIVE)
            .order_by("pupil__legal_first_name", "pupil_id")
            .values_list("pupil_id", flat=True)
            .first()
        )
        if child is not None:
            result = services.details_propose(
                actor=actor,
                pupil_id=child,
                values={"phone": "07700 900462", "dietary_notes": "No pork, please."},
            )
            waiting += len(result.made)
    ctx.counts["details_waiting"] = waiting
    ctx.counts["details_confirmed"] = confirmed


PART = DemoPart(name="portal.details", build=details_demo_build, history=True)
