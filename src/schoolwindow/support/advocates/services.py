"""Writes for advocates. Each is keyword-only, runs in one transaction, locks what it checks,
and audits itself; the forms that create something carry a one-time token (`core/once.py`)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import MANAGE_ADVOCACY, OVERRIDE_CASELOAD_LIMIT, Role
from schoolwindow.core.errors import Invalid, NotFound, Refused
from schoolwindow.core.once import once_claim, once_done
from schoolwindow.core.permissions import Actor
from schoolwindow.messaging import api as messaging
from schoolwindow.people.models import AdvocateAssignment, Pupil, Staff, StaffRole
from schoolwindow.support.advocates import selectors
from schoolwindow.support.advocates.models import (
    AdvocacySettings,
    AdvocateContact,
    AdvocateContactKind,
    CaseloadLimit,
    PupilCadence,
    VulnerableDesignation,
)

# The family kinds of the quick "log a contact" form, recorded in messaging's contact log.
FAMILY_KINDS = {
    "call": messaging.ContactKind.CALL,
    "meeting": messaging.ContactKind.MEETING,
    "visit": messaging.ContactKind.VISIT,
}
MAX_CADENCE_DAYS = 90


def manageable_pupil(actor: Actor, pupil_id: int) -> Pupil:
    pupil = selectors.pupil_for_advocacy(actor=actor, pupil_id=pupil_id)
    if not actor.can(MANAGE_ADVOCACY, pupil.school_id):
        raise Refused
    return pupil


def advocate_assign(
    *,
    actor: Actor,
    pupil_id: int,
    staff_id: int,
    today: dt.date,
    override: bool = False,
    once: uuid.UUID | None = None,
) -> AdvocateAssignment:
    """Give the pupil this advocate. Beyond the advocate's caseload limit it is refused, unless
    a school leader chooses to go over it (audited as such). A pupil has one advocate at a time:
    a current other advocate hands over today."""
    pupil = manageable_pupil(actor, pupil_id)
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("This advocate was already assigned."))
        # Lock the advocate: two assignments to the same person at once count one after the other.
        staff = (
            Staff.objects.select_for_update()
            .filter(
                pk=staff_id,
                school_id=pupil.school_id,
                active=True,
                pk__in=StaffRole.objects.filter(
                    school_id=pupil.school_id, role=Role.ADVOCATE
                ).values("staff_id"),
            )
            .first()
        )
        if staff is None:
            raise Invalid(_("Choose one of the school's advocates."), field="staff")
        current = list(
            AdvocateAssignment.objects.select_for_update().filter(
                school_id=pupil.school_id, pupil=pupil, ended__isnull=True
            )
        )
        if any(a.staff_id == staff.pk for a in current):
            raise Invalid(
                _("%(name)s is already this pupil's advocate.") % {"name": staff.display_name},
                field="staff",
            )
        settings = selectors.settings_of(pupil.school_id)
        limit = selectors.caseload_limit(staff, settings)
        count = AdvocateAssignment.objects.filter(
            school_id=pupil.school_id, staff=staff, ended__isnull=True
        ).count()
        over = count >= limit
        if over and not (override and actor.can(OVERRIDE_CASELOAD_LIMIT, pupil.school_id)):
            raise Invalid(
                _(
                    "%(name)s already advocates for %(count)s pupils, which is their limit of "
                    "%(limit)s. Choose someone else, or ask a school leader to go over the limit."
                )
                % {"name": staff.display_name, "count": count, "limit": limit},
                field="staff",
            )
        for old in current:
            old.ended = today
            old.save(update_fields=["ended"])
            audit_record(
                actor=actor, action="advocate.ended", target=old, detail={"pupil_id": pupil.pk}
            )
        assignment = AdvocateAssignment.objects.filter(
            school_id=pupil.school_id, staff=staff, pupil=pupil, started=today
        ).first()
        if assignment is not None:  # ended and given back the same day: the same assignment
            assignment.ended = None
            assignment.save(update_fields=["ended"])
        else:
            assignment = AdvocateAssignment.objects.create(
                school_id=pupil.school_id, staff=staff, pupil=pupil, started=today
            )
        audit_record(
            actor=actor,
            action="advocate.assigned",
            target=assignment,
            detail={"pupil_id": pupil.pk, "staff_id": staff.pk, "over_limit": over, "limit": limit},
        )
        once_done(claim, f"/support/advocates/pupils/{pupil.pk}/")
    return assignment


def advocate_end(*, actor: Actor, assignment_id: int, today: dt.date) -> AdvocateAssignment:
    """End an advocate's work with a pupil (the history stays). Ending twice is ending once."""
    with transaction.atomic():
        assignment = (
            AdvocateAssignment.objects.select_for_update()
            .filter(pk=assignment_id, school_id__in=actor.schools_where(MANAGE_ADVOCACY))
            .first()
        )
        if assignment is None:
            raise NotFound
        if assignment.ended is None:
            assignment.ended = today
            assignment.save(update_fields=["ended"])
            audit_record(
                actor=actor,
                action="advocate.ended",
                target=assignment,
                detail={"pupil_id": assignment.pupil_id},
            )
    return assignment


def vulnerable_designate(
    *,
    actor: Actor,
    pupil_id: int,
    reason: str,
    starts: dt.date,
    ends: dt.date | None = None,
    once: uuid.UUID | None = None,
) -> VulnerableDesignation:
    """Put a pupil on the register by a member of staff's judgement, with the reason."""
    pupil = manageable_pupil(actor, pupil_id)
    reason = reason.strip()
    if not reason:
        raise Invalid(_("Say in a few words why this pupil needs an advocate."), field="reason")
    if ends is not None and ends < starts:
        raise Invalid(_("The end can't be before the start."), field="ends")
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("This was already recorded."))
        designation = VulnerableDesignation.objects.create(
            school_id=pupil.school_id,
            pupil=pupil,
            designated_by_id=actor.staff_ids.get(pupil.school_id),
            reason=reason[:2000],
            starts=starts,
            ends=ends,
        )
        audit_record(
            actor=actor,
            action="advocate.designated",
            target=designation,
            detail={"pupil_id": pupil.pk},
        )
        once_done(claim, f"/support/advocates/pupils/{pupil.pk}/")
    return designation


def designation_end(*, actor: Actor, designation_id: int, today: dt.date) -> VulnerableDesignation:
    with transaction.atomic():
        designation = (
            VulnerableDesignation.objects.select_for_update()
            .filter(pk=designation_id, school_id__in=actor.schools_where(MANAGE_ADVOCACY))
            .first()
        )
        if designation is None:
            raise NotFound
        if designation.ends is None or designation.ends >= today:
            designation.ends = today - dt.timedelta(days=1)
            designation.save(update_fields=["ends"])
            audit_record(
                actor=actor,
                action="advocate.designation_ended",
                target=designation,
                detail={"pupil_id": designation.pupil_id},
            )
    return designation


def check_days(value: int | None, field: str) -> None:
    if value is not None and not 1 <= value <= MAX_CADENCE_DAYS:
        raise Invalid(
            _("Choose between 1 and %(most)s days.") % {"most": MAX_CADENCE_DAYS}, field=field
        )


def cadence_set(
    *, actor: Actor, pupil_id: int, pupil_days: int | None, family_days: int | None
) -> PupilCadence | None:
    """This pupil's own cadence; both empty goes back to the school's."""
    pupil = manageable_pupil(actor, pupil_id)
    check_days(pupil_days, "pupil_days")
    check_days(family_days, "family_days")
    with transaction.atomic():
        PupilCadence.objects.select_for_update().filter(pupil=pupil).first()
        detail = {"pupil_id": pupil.pk, "pupil_days": pupil_days, "family_days": family_days}
        if pupil_days is None and family_days is None:
            PupilCadence.objects.filter(school_id=pupil.school_id, pupil=pupil).delete()
            audit_record(
                actor=actor, action="advocate.cadence_set", school_id=pupil.school_id, detail=detail
            )
            return None
        cadence, _created = PupilCadence.objects.update_or_create(
            school_id=pupil.school_id,
            pupil=pupil,
            defaults={"pupil_every_days": pupil_days, "family_every_days": family_days},
        )
        audit_record(actor=actor, action="advocate.cadence_set", target=cadence, detail=detail)
    return cadence


def advocacy_settings_change(
    *,
    actor: Actor,
    school_id: int,
    counts: dict[str, bool],
    caseload_limit: int,
    pupil_every_days: int,
    family_every_days: int,
) -> AdvocacySettings:
    """The school's categories, caseload limit and cadence."""
    actor.require(MANAGE_ADVOCACY, school_id)
    if not 1 <= caseload_limit <= 200:
        raise Invalid(_("Choose a limit between 1 and 200 pupils."), field="caseload_limit")
    check_days(pupil_every_days, "pupil_every_days")
    check_days(family_every_days, "family_every_days")
    with transaction.atomic():
        settings, _created = AdvocacySettings.objects.select_for_update().get_or_create(
            school_id=school_id
        )
        for name, value in counts.items():
            if name.startswith("counts_") and hasattr(settings, name):
                setattr(settings, name, bool(value))
        settings.caseload_limit = caseload_limit
        settings.pupil_every_days = pupil_every_days
        settings.family_every_days = family_every_days
        settings.save()
        audit_record(
            actor=actor,
            action="advocate.settings_changed",
            school_id=school_id,
            detail={
                **{k: bool(v) for k, v in counts.items()},
                "caseload_limit": caseload_limit,
                "pupil_every_days": pupil_every_days,
                "family_every_days": family_every_days,
            },
        )
    return settings


def caseload_limit_set(
    *, actor: Actor, school_id: int, staff_id: int, limit: int | None
) -> CaseloadLimit | None:
    """One advocate's own limit; None goes back to the school's."""
    actor.require(MANAGE_ADVOCACY, school_id)
    if limit is not None and not 1 <= limit <= 200:
        raise Invalid(_("Choose a limit between 1 and 200 pupils."), field="limit")
    with transaction.atomic():
        staff = Staff.objects.select_for_update().filter(pk=staff_id, school_id=school_id).first()
        if staff is None:
            raise NotFound
        detail = {"staff_id": staff.pk, "limit": limit}
        audit_record(actor=actor, action="advocate.limit_set", school_id=school_id, detail=detail)
        if limit is None:
            CaseloadLimit.objects.filter(school_id=school_id, staff=staff).delete()
            return None
        own, _created = CaseloadLimit.objects.update_or_create(
            school_id=school_id, staff=staff, defaults={"limit": limit}
        )
    return own


def advocate_contact_record(
    *,
    actor: Actor,
    pupil_id: int,
    kind: str,
    happened_at: dt.datetime | None = None,
    notes: str = "",
    once: uuid.UUID | None = None,
) -> AdvocateContact | None:
    """Record a contact from the advocate's quick form: time with the pupil here; a call,
    meeting or visit with the family in messaging's contact log (where the family's timeline
    shows it), with the same once-token, so the form is safe to send twice either way."""
    pupil = selectors.pupil_for_advocacy(actor=actor, pupil_id=pupil_id)
    when = happened_at or timezone.now()
    if when > timezone.now() + dt.timedelta(minutes=5):
        raise Invalid(_("A contact can't be in the future."), field="happened_at")
    if kind in FAMILY_KINDS:
        messaging.contact_record(
            actor=actor,
            pupil_id=pupil.pk,
            kind=FAMILY_KINDS[kind],
            outcome=messaging.ContactOutcome.SPOKE,
            happened_at=when,
            notes=notes,
            once=once,
        )
        return None
    if kind not in AdvocateContactKind.values:
        raise Invalid(_("Choose what kind of contact it was."), field="kind")
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("This contact was already logged."))
        contact = AdvocateContact.objects.create(
            school_id=pupil.school_id,
            pupil=pupil,
            staff_id=actor.staff_ids.get(pupil.school_id),
            kind=kind,
            happened_at=when,
            notes=notes.strip()[:4000],
        )
        audit_record(
            actor=actor, action="advocate.contact", target=contact, detail={"pupil_id": pupil.pk}
        )
        once_done(claim, "/support/advocates/caseload/")
    return contact
