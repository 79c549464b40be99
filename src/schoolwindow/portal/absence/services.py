"""Writes for absence reporting: a parent reports, the office confirms.

Each service checks the actor, locks what it checks, writes, audits, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import CONFIRM_ABSENCES
from schoolwindow.core.errors import Invalid, NotFound
from schoolwindow.core.once import AlreadyDone, content_token, once_claim, once_done
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.engagement.marks import SessionKey, attendance_marks_record
from schoolwindow.messaging import api as messaging
from schoolwindow.people.contact import contactable_links
from schoolwindow.people.models import Guardian, Pupil
from schoolwindow.portal.absence.models import (
    AbsenceReport,
    AbsenceSettings,
    DayPart,
    Reason,
    ReportStatus,
)
from schoolwindow.portal.absence.policies import CONFIRM
from schoolwindow.portal.absence.selectors import LONGEST, children_of, report_sessions

MAX_DETAIL = 1000
EARLIEST = 14  # days back a family may still report (after that, the office asks them)


def _checked(
    *, first_day: dt.date, last_day: dt.date, part: str, reason: str, detail: str, today: dt.date
) -> str:
    """The rules every report follows, whoever writes it down; the detail as it is kept."""
    if reason not in Reason.values:
        raise Invalid(_("Choose why your child is away."), field="reason")
    if part not in DayPart.values:
        raise Invalid(_("Choose the whole day, the morning or the afternoon."), field="part")
    if last_day < first_day:
        raise Invalid(
            _("The last day must be the same as or after the first day."), field="last_day"
        )
    if (last_day - first_day).days >= LONGEST:
        raise Invalid(_("Report at most 31 days at a time."), field="last_day")
    if first_day < today - dt.timedelta(days=EARLIEST):
        raise Invalid(
            _("That is more than two weeks ago. Please contact the school office."),
            field="first_day",
        )
    if part != DayPart.WHOLE and first_day != last_day:
        raise Invalid(
            _("A half day can only be one day. Choose the same first and last day."), field="part"
        )
    detail = detail.strip()[:MAX_DETAIL]
    if reason == Reason.OTHER and not detail:
        raise Invalid(_("Tell us in a few words why your child is away."), field="detail")
    return detail


def absence_report(
    *,
    actor: Actor,
    pupil_id: int,
    first_day: dt.date,
    last_day: dt.date,
    part: str,
    reason: str,
    detail: str = "",
    today: dt.date | None = None,
    once: uuid.UUID | None = None,
) -> AbsenceReport:
    today = today or timezone.localdate()
    child = next((pupil for pupil in children_of(actor) if pupil.pk == pupil_id), None)
    if child is None:
        raise NotFound
    detail = _checked(
        first_day=first_day, last_day=last_day, part=part, reason=reason, detail=detail, today=today
    )
    with transaction.atomic():
        repeated = _("This absence was already sent.")
        claim = once_claim(once, actor=actor, repeated=repeated)
        # Two tabs each hold their own token: the same child, days and reason sent from both (or
        # by both parents) is one report too.
        same = once_claim(
            content_token("absence", child.pk, first_day, last_day, part, reason),
            actor=actor,
            repeated=repeated,
        )
        report = AbsenceReport.objects.create(
            school_id=child.school_id,
            pupil_id=child.pk,
            guardian_id=actor.guardian_id,
            first_day=first_day,
            last_day=last_day,
            part=part,
            reason=reason,
            detail=detail,
        )
        audit_record(actor=actor, action="absence.reported", target=report)
        url = reverse("portal_absence:report", kwargs={"report_id": report.pk})
        once_done(claim, url)
        once_done(same, url)
    return report


def absence_phoned_in(
    *,
    actor: Actor,
    pupil_id: int,
    first_day: dt.date,
    last_day: dt.date,
    part: str,
    reason: str,
    detail: str = "",
    guardian_id: int | None = None,
    today: dt.date | None = None,
    once: uuid.UUID | None = None,
) -> AbsenceReport:
    """The office writes down an absence a family phoned in: the same report, checked by the
    same rules, that then goes through the same confirm path. `guardian_id` is who rang, if one
    of the pupil's contactable guardians (never one under a contact restriction)."""
    today = today or timezone.localdate()
    pupil = policy_for(Pupil).visible(actor).filter(pk=pupil_id).first()
    if pupil is None:
        raise NotFound
    actor.require(CONFIRM_ABSENCES, pupil.school_id)
    if guardian_id is not None and not (
        contactable_links(pupil_id=pupil.pk, guardian_id=guardian_id).exists()
    ):
        raise Invalid(_("Choose who rang from the list."), field="guardian")
    detail = _checked(
        first_day=first_day, last_day=last_day, part=part, reason=reason, detail=detail, today=today
    )
    with transaction.atomic():
        repeated = _("This absence was already written down.")
        claim = once_claim(once, actor=actor, repeated=repeated)
        same = once_claim(
            content_token("absence", pupil.pk, first_day, last_day, part, reason),
            actor=actor,
            repeated=repeated,
        )
        report = AbsenceReport.objects.create(
            school_id=pupil.school_id,
            pupil_id=pupil.pk,
            guardian_id=guardian_id,
            first_day=first_day,
            last_day=last_day,
            part=part,
            reason=reason,
            detail=detail,
            taken_by=actor.user,
        )
        audit_record(actor=actor, action="absence.phoned_in", target=report)
        url = reverse("portal_absence:confirm", kwargs={"report_id": report.pk})
        once_done(claim, url)
        once_done(same, url)
    return report


def _tell_the_family(*, actor: Actor, report: AbsenceReport) -> bool:
    """A short message to the parent who reported it (in their language, through messaging's
    public API, in the confirm's transaction). A family messaging may not write to (a contact
    restriction since, say) is simply not told: the register is what matters here."""
    guardian = (
        Guardian.objects.filter(pk=report.guardian_id).first()
        if report.guardian_id is not None
        else None
    )
    if guardian is None:
        return False
    pupil = Pupil.objects.get(pk=report.pupil_id)
    with translation.override(guardian.preferred_language or "en"):
        subject = _("Your message about an absence")
        body = _(
            "Thank you for letting us know %(name)s would be away. The school has recorded it. "
            "You do not need to do anything else."
        ) % {"name": pupil.first_name}
    try:
        with transaction.atomic():
            messaging.family_message_queue(
                actor=actor,
                school_id=report.school_id,
                pupil_id=report.pupil_id,
                guardian_ids=[guardian.pk],
                subject=subject,
                body=body,
            )
    except (messaging.ContactRestricted, PermissionDenied, ValueError):
        return False
    return True


def absence_confirm(
    *,
    actor: Actor,
    report_id: int,
    code: str,
    keep: Collection[SessionKey] = (),
    replace: Collection[SessionKey] = (),
    tell_family: bool = True,
) -> AbsenceReport:
    """Record the report in the register with `code`. Sessions with a mark already taken must
    each be named, in `keep` (leave the register's mark) or `replace`; otherwise MarksTaken.
    The parent who reported it is told by a short message unless `tell_family` is False (the
    demo, whose messages are dated by its own clock)."""
    visible = policy_for(AbsenceReport).visible(actor)
    with transaction.atomic():
        # Lock the report: of two people confirming at once, the second waits, then sees it done.
        report = visible.select_for_update().filter(pk=report_id).first()
        if report is None:
            raise NotFound
        policy_for(AbsenceReport).check(actor, CONFIRM, report)
        if report.status == ReportStatus.CONFIRMED:
            raise AlreadyDone(_("This absence was already recorded in the register."))
        sessions = [key for key in report_sessions(report) if key not in set(keep)]
        written = attendance_marks_record(
            actor=actor,
            school_id=report.school_id,
            pupil_id=report.pupil_id,
            sessions=sessions,
            code=code,
            replace=replace,
        )
        report.status = ReportStatus.CONFIRMED
        report.code = code.strip().upper()
        report.confirmed_by = actor.user
        report.confirmed_at = timezone.now()
        report.save(update_fields=["status", "code", "confirmed_by", "confirmed_at"])
        told = tell_family and _tell_the_family(actor=actor, report=report)
        audit_record(
            actor=actor,
            action="absence.confirmed",
            target=report,
            detail={
                "code": report.code,
                "marks": written,
                "kept": len(set(keep)),
                "family_told": told,
            },
        )
    return report


def absence_settings_update(*, actor: Actor, school_id: int, calling_time: dt.time) -> None:
    """Set when first-day calling starts at a school."""
    actor.require(CONFIRM_ABSENCES, school_id)
    with transaction.atomic():
        settings, _created = AbsenceSettings.objects.select_for_update().get_or_create(
            school_id=school_id
        )
        before = settings.calling_time
        settings.calling_time = calling_time
        settings.save(update_fields=["calling_time"])
        audit_record(
            actor=actor,
            action="absence.calling_time_changed",
            target=settings,
            detail={"before": before.strftime("%H:%M"), "after": calling_time.strftime("%H:%M")},
        )
