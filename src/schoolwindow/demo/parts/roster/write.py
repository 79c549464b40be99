"""The roster's rows, written: accounts and two-factor keys, families, pupils, staff."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from schoolwindow.core.models import User
from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.parts import DemoPart
from schoolwindow.people.models import (
    AdvocateAssignment,
    Enrolment,
    Guardian,
    GuardianLink,
    Household,
    Pupil,
    SafeguardingStatus,
    Staff,
    StaffRole,
    TeachingAssignment,
    TrustOfficer,
)


def roster_write(ctx: DemoContext) -> None:
    """The roster's planned rows, with bulk_create, in dependency order."""
    ctx.say("Creating accounts and two-factor keys…")
    plan = ctx.plan
    User.objects.bulk_create(plan.users, batch_size=500)
    TOTPDevice.objects.bulk_create(plan.devices)
    Household.objects.bulk_create(plan.households, batch_size=500)
    Guardian.objects.bulk_create(plan.guardians, batch_size=500)
    Pupil.objects.bulk_create(plan.pupils, batch_size=500)
    SafeguardingStatus.objects.bulk_create(plan.safeguarding)
    GuardianLink.objects.bulk_create(plan.links, batch_size=500)
    Enrolment.objects.bulk_create(plan.enrolments, batch_size=1000)
    Staff.objects.bulk_create(plan.staff)
    StaffRole.objects.bulk_create(plan.roles)
    TeachingAssignment.objects.bulk_create(plan.teaching)
    AdvocateAssignment.objects.bulk_create(plan.advocacy)
    TrustOfficer.objects.bulk_create(plan.officers)


PART = DemoPart(name="roster.write", build=roster_write)
