"""Writes to home visits. Each service locks what it checks, writes, audits, in one transaction.

Every change to a planned visit raises its `sequence`, so a calendar that subscribed to the
staff feed replaces its copy of the event (RFC 5545 SEQUENCE).
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import PLAN_HOME_VISITS
from schoolwindow.core.errors import Invalid, NotFound, Refused
from schoolwindow.core.once import once_claim, once_done
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.messaging import api as messaging
from schoolwindow.people.models import Pupil, Staff
from schoolwindow.support.visits.models import (
    PROFILE_KEYS,
    Agreement,
    HomeVisit,
    VisitAction,
    VisitCalendar,
    VisitConcern,
    VisitStatus,
)
from schoolwindow.support.visits.policies import ANSWER, CHANGE, RECORD

MIN_MINUTES = 15
MAX_MINUTES = 240
ANSWER_MAX = 1000


@dataclass(frozen=True)
class ActionLine:
    text: str
    owner_id: int | None = None
    due: dt.date | None = None


def _visit_locked(actor: Actor, visit_id: int, action: str) -> HomeVisit:
    """The visit, locked, if the actor may see it (else NotFound) and do `action` (else Refused)."""
    policy = policy_for(HomeVisit)
    if not policy.visible(actor).filter(pk=visit_id).exists():
        raise NotFound
    visit = HomeVisit.objects.select_for_update().get(pk=visit_id)
    policy.check(actor, action, visit)
    return visit


def _check_when(starts_at: dt.datetime, duration_minutes: int) -> None:
    if not MIN_MINUTES <= duration_minutes <= MAX_MINUTES:
        raise Invalid(
            _("A visit lasts between %(low)s and %(high)s minutes.")
            % {"low": MIN_MINUTES, "high": MAX_MINUTES},
            field="duration_minutes",
        )
    if starts_at < timezone.now() - dt.timedelta(days=1):
        raise Invalid(_("Choose a time that has not passed."), field="starts_at")


def _check_people(
    *,
    school_id: int,
    lead_id: int | None,
    second_id: int | None,
    second_interprets: bool,
    interpreter_name: str,
    interpreter_language: str,
) -> None:
    """Always two people: the lead and a second member of staff or a named interpreter."""
    if lead_id is None:
        raise Invalid(_("Choose who leads the visit."), field="lead")
    if second_id is None and not interpreter_name:
        raise Invalid(
            _(
                "A home visit always needs two people. Choose a second member of staff, or "
                "name the interpreter who is coming."
            ),
            field="second",
        )
    if second_id is not None and second_id == lead_id:
        raise Invalid(_("Choose two different people."), field="second")
    if second_id is not None and interpreter_name:
        raise Invalid(
            _("Choose a second member of staff or name an interpreter, not both."),
            field="interpreter_name",
        )
    if (interpreter_name or second_interprets) and not interpreter_language:
        raise Invalid(_("Say which language the interpreter speaks."), field="interpreter_language")
    wanted = {sid for sid in (lead_id, second_id) if sid is not None}
    found = Staff.objects.filter(school_id=school_id, active=True, pk__in=wanted).count()
    if found != len(wanted):
        raise Invalid(_("Choose staff of this school."), field="second")


def visit_plan(
    *,
    actor: Actor,
    pupil_id: int,
    starts_at: dt.datetime,
    duration_minutes: int,
    lead_id: int | None,
    second_id: int | None = None,
    second_interprets: bool = False,
    interpreter_name: str = "",
    interpreter_language: str = "",
    agreement: str = Agreement.NOT_YET,
    agreement_how: str = "",
    flag_id: int | None = None,
    once: uuid.UUID | None = None,
) -> HomeVisit:
    interpreter_name = interpreter_name.strip()[:120]
    interpreter_language = interpreter_language.strip()[:64]
    if agreement not in Agreement.values:
        raise Invalid(_("Choose what the family said."), field="agreement")
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("This visit was already planned."))
        pupil = (
            policy_for(Pupil).visible(actor).filter(pk=pupil_id).select_related("school").first()
        )
        if pupil is None:
            raise NotFound
        if not actor.can(PLAN_HOME_VISITS, pupil.school_id):
            raise Refused(_("Only family liaison, pastoral and school leaders plan visits."))
        # Lock the pupil: two planners at once queue here.
        Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
        _check_when(starts_at, duration_minutes)
        _check_people(
            school_id=pupil.school_id,
            lead_id=lead_id,
            second_id=second_id,
            second_interprets=second_interprets,
            interpreter_name=interpreter_name,
            interpreter_language=interpreter_language,
        )
        from schoolwindow.engagement.models import Flag

        flag = None
        if flag_id is not None:
            flag = Flag.objects.filter(pk=flag_id, school_id=pupil.school_id, pupil=pupil).first()
        assert lead_id is not None
        visit = HomeVisit.objects.create(
            school_id=pupil.school_id,
            pupil=pupil,
            household_id=pupil.household_id,
            flag=flag,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            lead_id=lead_id,
            second_id=second_id,
            second_interprets=bool(second_id and second_interprets),
            interpreter_name=interpreter_name,
            interpreter_language=interpreter_language,
            agreement=agreement,
            agreement_how=agreement_how.strip()[:200],
        )
        audit_record(
            actor=actor,
            action="visit.planned",
            target=visit,
            detail={"starts_at": starts_at.isoformat(), "agreement": agreement},
        )
        once_done(claim, reverse("visits:visit", kwargs={"visit_id": visit.pk}))
    return visit


def visit_reschedule(
    *,
    actor: Actor,
    visit_id: int,
    starts_at: dt.datetime,
    duration_minutes: int,
    reason: str = "",
) -> HomeVisit:
    with transaction.atomic():
        visit = _visit_locked(actor, visit_id, CHANGE)
        if visit.status != VisitStatus.PLANNED:
            raise Invalid(_("Only a planned visit can be moved."), field="starts_at")
        _check_when(starts_at, duration_minutes)
        before = visit.starts_at
        visit.starts_at = starts_at
        visit.duration_minutes = duration_minutes
        visit.sequence += 1
        visit.save(update_fields=["starts_at", "duration_minutes", "sequence", "updated_at"])
        audit_record(
            actor=actor,
            action="visit.rescheduled",
            target=visit,
            detail={
                "from": before.isoformat(),
                "to": starts_at.isoformat(),
                "reason": reason.strip()[:300],
            },
        )
    return visit


def visit_cancel(*, actor: Actor, visit_id: int, reason: str) -> HomeVisit:
    reason = reason.strip()
    if not reason:
        raise Invalid(_("Say why the visit is cancelled."), field="reason")
    with transaction.atomic():
        visit = _visit_locked(actor, visit_id, CHANGE)
        if visit.status == VisitStatus.CANCELLED:
            return visit
        if visit.status != VisitStatus.PLANNED:
            raise Invalid(_("This visit has taken place and can't be cancelled."), field="reason")
        visit.status = VisitStatus.CANCELLED
        visit.cancel_reason = reason[:1000]
        visit.sequence += 1
        visit.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
        audit_record(actor=actor, action="visit.cancelled", target=visit, detail={"reason": reason})
    return visit


def visit_agreement_record(
    *, actor: Actor, visit_id: int, agreement: str, how: str = ""
) -> HomeVisit:
    """Staff record what the family said, and how and when they were asked."""
    if agreement not in Agreement.values:
        raise Invalid(_("Choose what the family said."), field="agreement")
    with transaction.atomic():
        visit = _visit_locked(actor, visit_id, CHANGE)
        return _agreement_set(actor, visit, agreement, how.strip()[:200])


def visit_family_answer(*, actor: Actor, visit_id: int, agreement: str) -> HomeVisit:
    """A parent agrees to the visit or declines it online."""
    if agreement not in (Agreement.AGREED, Agreement.DECLINED):
        raise Invalid(_("Choose yes or no."), field="agreement")
    with transaction.atomic():
        visit = _visit_locked(actor, visit_id, ANSWER)
        if visit.status != VisitStatus.PLANNED:
            raise Invalid(_("This visit is no longer planned."), field="agreement")
        return _agreement_set(actor, visit, agreement, _("Answered online"))


def _agreement_set(actor: Actor, visit: HomeVisit, agreement: str, how: str) -> HomeVisit:
    if visit.agreement == agreement and visit.agreement_how == how:
        return visit
    visit.agreement = agreement
    visit.agreement_how = how
    visit.sequence += 1
    visit.save(update_fields=["agreement", "agreement_how", "sequence", "updated_at"])
    audit_record(
        actor=actor, action="visit.agreement", target=visit, detail={"agreement": agreement}
    )
    return visit


def visit_record(
    *,
    actor: Actor,
    visit_id: int,
    answers: dict[str, str],
    wellbeing: str,
    actions: list[ActionLine],
    reflection: str,
    concern: str = "",
    once: uuid.UUID | None = None,
) -> HomeVisit:
    """What happened on the day. A concern goes to its own table, which only the DSL reads."""
    clean: dict[str, Any] = {
        key: str(answers.get(key, "")).strip()[:ANSWER_MAX]
        for key in PROFILE_KEYS
        if str(answers.get(key, "")).strip()
    }
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("This visit was already recorded."))
        visit = _visit_locked(actor, visit_id, RECORD)
        if visit.status == VisitStatus.CANCELLED:
            raise Invalid(_("This visit was cancelled, so there is nothing to record."))
        if visit.status == VisitStatus.DONE:
            raise Invalid(_("This visit was already recorded."))
        if visit.agreement == Agreement.DECLINED:
            raise Invalid(
                _(
                    "The family said no to this visit. If they have changed their mind, "
                    "record their new answer first."
                )
            )
        if visit.starts_at > timezone.now() + dt.timedelta(hours=12):
            raise Invalid(_("This visit has not happened yet."))
        owners = {line.owner_id for line in actions if line.owner_id is not None}
        if owners and Staff.objects.filter(school_id=visit.school_id, pk__in=owners).count() != len(
            owners
        ):
            raise Invalid(_("Choose staff of this school for each action."), field="actions")
        staff_id = actor.staff_ids.get(visit.school_id)
        visit.profile_answers = clean
        visit.family_wellbeing = wellbeing.strip()[:4000]
        visit.reflection = reflection.strip()[:2000]
        visit.status = VisitStatus.DONE
        visit.recorded_at = timezone.now()
        visit.recorded_by_id = staff_id
        visit.concern_passed = bool(concern.strip())
        visit.sequence += 1
        visit.save()
        VisitAction.objects.bulk_create(
            VisitAction(
                school_id=visit.school_id,
                visit=visit,
                text=line.text.strip()[:300],
                owner_id=line.owner_id,
                due=line.due,
            )
            for line in actions
            if line.text.strip()
        )
        audit_record(
            actor=actor,
            action="visit.recorded",
            target=visit,
            detail={"answers": sorted(clean), "actions": len(actions)},
        )
        if concern.strip():
            passed = VisitConcern.objects.create(
                school_id=visit.school_id, visit=visit, text=concern.strip(), raised_by_id=staff_id
            )
            # The audit row says a concern was passed, never what it says.
            audit_record(actor=actor, action="visit.concern_passed", target=passed.visit)
        if policy_for(Pupil).visible(actor).filter(pk=visit.pupil_id).exists():
            # The visit counts as contact with the family (and as action on its flag); the
            # contact log carries no notes: what was said stays on the visit.
            messaging.contact_record(
                actor=actor,
                pupil_id=visit.pupil_id,
                kind="visit",
                outcome="spoke",
                happened_at=min(visit.starts_at, timezone.now()),
                flag_id=visit.flag_id,
            )
        once_done(claim, reverse("visits:visit", kwargs={"visit_id": visit.pk}))
    return visit


def visit_calendar_renew(*, actor: Actor, school_id: int) -> VisitCalendar:
    """A new private feed address; the old one stops working at once."""
    staff_id = actor.staff_ids.get(school_id)
    if staff_id is None:
        raise NotFound
    with transaction.atomic():
        calendar, _created = VisitCalendar.objects.select_for_update().update_or_create(
            school_id=school_id,
            staff_id=staff_id,
            defaults={"token": secrets.token_urlsafe(32)},
        )
        audit_record(actor=actor, action="visit.calendar_renewed", target=calendar)
    return calendar
