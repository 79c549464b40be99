"""Writes for study groups: forming a group, adding a pupil, and a pupil's daily check-in. Each
locks what it checks, writes, audits, in one transaction; each create is safe to send twice."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import LEAD_STUDY_GROUPS
from schoolwindow.core.errors import Invalid, NotFound, Refused
from schoolwindow.core.once import once_claim, once_done
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.people.models import PupilStatus
from schoolwindow.people.selectors import pupils_visible
from schoolwindow.schools.models import YearGroup
from schoolwindow.support.studygroups.models import Answer, CheckIn, StudyGroup, StudyGroupMember


def group_url(group_id: int) -> str:
    return f"/support/groups/{group_id}/"


def study_group_create(
    *,
    actor: Actor,
    school_id: int,
    name: str,
    subjects: str = "",
    year_group_id: int | None = None,
    once: uuid.UUID | None = None,
) -> StudyGroup:
    """Form a group led by the member of staff who forms it."""
    if not actor.can(LEAD_STUDY_GROUPS, school_id) or school_id not in actor.staff_ids:
        raise Refused
    name = name.strip()
    if not name:
        raise Invalid(_("Give the group a name."), field="name")
    if (
        year_group_id is not None
        and not YearGroup.objects.filter(pk=year_group_id, school_id=school_id).exists()
    ):
        raise Invalid(_("Choose a year of this school."), field="year_group")
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("This group was already formed."))
        group = StudyGroup.objects.create(
            school_id=school_id,
            name=name[:80],
            subjects=subjects.strip()[:120],
            year_group_id=year_group_id,
            lead_id=actor.staff_ids[school_id],
            created_by=actor.user,
        )
        audit_record(actor=actor, action="studygroup.create", target=group)
        once_done(claim, group_url(group.pk))
    return group


def study_group_member_add(
    *, actor: Actor, group_id: int, pupil_id: int, once: uuid.UUID | None = None
) -> StudyGroupMember:
    """Add a pupil the actor may see, of the group's school; adding them twice is one."""
    with transaction.atomic():
        group = policy_for(StudyGroup).get(
            actor,
            pk=group_id,
            action="change",
            queryset=StudyGroup.objects.select_for_update(),
        )
        pupil = (
            pupils_visible(actor=actor)
            .filter(pk=pupil_id, school_id=group.school_id, status=PupilStatus.ACTIVE)
            .first()
        )
        if pupil is None:
            raise NotFound
        claim = once_claim(once, actor=actor, repeated=_("This pupil was already added."))
        member, created = StudyGroupMember.objects.get_or_create(
            group=group, pupil=pupil, defaults={"school_id": group.school_id}
        )
        if created:
            audit_record(
                actor=actor,
                action="studygroup.member_add",
                target=group,
                detail={"pupil_id": pupil.pk},
            )
        once_done(claim, group_url(group.pk))
    return member


def checkin_record(
    *,
    actor: Actor,
    group_id: int,
    answer: str,
    today: dt.date,
    once: uuid.UUID | None = None,
) -> tuple[CheckIn, bool]:
    """A pupil's one tap for today: (the check-in, whether anything changed).

    One row per pupil, group and day. Tapping another answer later the same day changes it
    (a pupil who was "on it" may need help after all); the same answer again changes nothing.
    """
    if actor.pupil_id is None:
        raise Refused
    if answer not in Answer.values:
        raise Invalid(_("Choose one of the three answers."), field="answer")
    with transaction.atomic():
        member = (
            StudyGroupMember.objects.select_for_update()
            .select_related("group")
            .filter(group_id=group_id, pupil_id=actor.pupil_id, group__active=True)
            .first()
        )
        if member is None:
            raise NotFound
        claim = once_claim(once, actor=actor, repeated=_("You have already checked in today."))
        # The member row is locked, so two taps from this pupil queue here; the unique key
        # still settles it if a row came some other way.
        existing = (
            CheckIn.objects.select_for_update()
            .filter(group_id=group_id, pupil_id=actor.pupil_id, day=today)
            .first()
        )
        changed = True
        if existing is None:
            try:
                with transaction.atomic():
                    checkin = CheckIn.objects.create(
                        school_id=member.school_id,
                        group_id=group_id,
                        pupil_id=actor.pupil_id,
                        day=today,
                        answer=answer,
                    )
            except IntegrityError:
                checkin = CheckIn.objects.get(group_id=group_id, pupil_id=actor.pupil_id, day=today)
                changed = checkin.answer != answer
                if changed:
                    checkin.answer = answer
                    checkin.save(update_fields=["answer", "updated_at"])
        elif existing.answer == answer:
            checkin, changed = existing, False
        else:
            existing.answer = answer
            existing.save(update_fields=["answer", "updated_at"])
            checkin = existing
        if changed:
            audit_record(
                actor=actor,
                action="studygroup.checkin",
                target=checkin,
                detail={"pupil_id": actor.pupil_id, "answer": answer},
            )
        once_done(claim, "/support/groups/today/")
    return checkin, changed
