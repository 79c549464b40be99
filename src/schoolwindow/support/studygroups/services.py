"""Writes for study groups: forming a group, changing or closing it, adding a pupil, and a
pupil's daily check-in. Each locks what it checks, writes, audits, in one transaction; each
create is safe to send twice."""

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
from schoolwindow.messaging.api import phone_normalise
from schoolwindow.people.contact import guardians_contactable
from schoolwindow.people.models import Guardian, Pupil, PupilStatus
from schoolwindow.people.selectors import pupils_visible
from schoolwindow.schools.models import YearGroup
from schoolwindow.support.studygroups.models import (
    Answer,
    CheckIn,
    StudyGroup,
    StudyGroupMember,
    TextTo,
)


def group_url(group_id: int) -> str:
    return f"/support/groups/{group_id}/"


def study_group_create(
    *,
    actor: Actor,
    school_id: int,
    name: str,
    subjects: str = "",
    year_group_id: int | None = None,
    text_at: dt.time | None = None,
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
            text_at=text_at or dt.time(16, 0),
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


def study_group_update(
    *,
    actor: Actor,
    group_id: int,
    name: str,
    subjects: str,
    text_at: dt.time,
    active: bool,
) -> StudyGroup:
    """Change a group's name, subjects or text time, or close it (or open it again), for its
    lead and the school's managers. A closed group gets no more daily texts and takes no more
    check-ins (the texts' job and `member_lock` read only active groups); its history stays.
    A new text time counts from the next morning's texts: today's are already queued."""
    name = name.strip()
    if not name:
        raise Invalid(_("Give the group a name."), field="name")
    with transaction.atomic():
        group = policy_for(StudyGroup).get(
            actor,
            pk=group_id,
            action="change",
            queryset=StudyGroup.objects.select_for_update(),
        )
        after = {
            "name": name[:80],
            "subjects": subjects.strip()[:120],
            "text_at": text_at.replace(second=0, microsecond=0),
            "active": active,
        }
        changed = {
            field: [str(getattr(group, field)), str(value)]
            for field, value in after.items()
            if getattr(group, field) != value
        }
        if not changed:
            return group
        for field, value in after.items():
            setattr(group, field, value)
        group.save(update_fields=list(after))
        action = "studygroup.update"
        if "active" in changed:
            action = "studygroup.close" if not active else "studygroup.reopen"
        audit_record(actor=actor, action=action, target=group, detail={"changed": changed})
    return group


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
        member = member_lock(group_id=group_id, pupil_id=actor.pupil_id)
        if member is None:
            raise NotFound
        claim = once_claim(once, actor=actor, repeated=_("You have already checked in today."))
        checkin, changed = checkin_write(actor=actor, member=member, answer=answer, today=today)
        once_done(claim, "/support/groups/today/")
    return checkin, changed


def checkin_by_text(
    *, actor: Actor, group_id: int, pupil_id: int, answer: str, today: dt.date
) -> tuple[CheckIn, bool] | None:
    """A reply to the day's check-in text, exactly as the tap: the same row per pupil, group
    and day, a later different answer changing it. None when the pupil has left the group
    (or the group has ended) since the text went. `actor` is "system (inbound)"."""
    if answer not in Answer.values:
        raise Invalid(_("Choose one of the three answers."), field="answer")
    with transaction.atomic():
        member = member_lock(group_id=group_id, pupil_id=pupil_id)
        if member is None:
            return None
        return checkin_write(actor=actor, member=member, answer=answer, today=today, by_text=True)


def member_lock(*, group_id: int, pupil_id: int) -> StudyGroupMember | None:
    return (
        StudyGroupMember.objects.select_for_update()
        .select_related("group")
        .filter(group_id=group_id, pupil_id=pupil_id, group__active=True)
        .first()
    )


def checkin_write(
    *, actor: Actor, member: StudyGroupMember, answer: str, today: dt.date, by_text: bool = False
) -> tuple[CheckIn, bool]:
    """Today's row for a locked member: written, changed, or left as it is."""
    group_id, pupil_id = member.group_id, member.pupil_id
    # The member row is locked, so two answers from this pupil queue here; the unique key
    # still settles it if a row came some other way.
    existing = (
        CheckIn.objects.select_for_update()
        .filter(group_id=group_id, pupil_id=pupil_id, day=today)
        .first()
    )
    changed = True
    if existing is None:
        try:
            with transaction.atomic():
                checkin = CheckIn.objects.create(
                    school_id=member.school_id,
                    group_id=group_id,
                    pupil_id=pupil_id,
                    day=today,
                    answer=answer,
                    by_text=by_text,
                )
        except IntegrityError:
            checkin = CheckIn.objects.get(group_id=group_id, pupil_id=pupil_id, day=today)
            changed = checkin.answer != answer
            if changed:
                checkin.answer, checkin.by_text = answer, by_text
                checkin.save(update_fields=["answer", "by_text", "updated_at"])
    elif existing.answer == answer:
        checkin, changed = existing, False
    else:
        existing.answer, existing.by_text = answer, by_text
        existing.save(update_fields=["answer", "by_text", "updated_at"])
        checkin = existing
    if changed:
        audit_record(
            actor=actor,
            action="studygroup.checkin_text" if by_text else "studygroup.checkin",
            target=checkin,
            detail={"pupil_id": pupil_id, "answer": answer},
        )
    return checkin, changed


def member_text_set(
    *,
    actor: Actor,
    group_id: int,
    pupil_id: int,
    text_to: str,
    guardian_id: int | None = None,
    mobile: str = "",
) -> StudyGroupMember:
    """How a member checks in: in the app, or by a daily text to the pupil's own mobile
    (recorded here) or to a parent's or carer's phone who may be contacted about them."""
    if text_to not in TextTo.values:
        raise Invalid(_("Choose how the pupil checks in."), field="text_to")
    with transaction.atomic():
        group = policy_for(StudyGroup).get(
            actor,
            pk=group_id,
            action="change",
            queryset=StudyGroup.objects.select_for_update(),
        )
        member = (
            StudyGroupMember.objects.select_for_update()
            .select_related("pupil")
            .filter(group=group, pupil_id=pupil_id)
            .first()
        )
        if member is None:
            raise NotFound
        pupil = member.pupil
        mobile = mobile.strip()
        if mobile and not phone_valid(mobile):
            raise Invalid(
                _("Enter a mobile number like 07700 900123 or +44 7700 900123."), field="mobile"
            )
        if text_to == TextTo.PUPIL and not (mobile or pupil.mobile):
            raise Invalid(_("Enter the pupil's own mobile number."), field="mobile")
        chosen: int | None = None
        if text_to == TextTo.GUARDIAN:
            phones = text_guardians(school_id=group.school_id, pupil_id=pupil_id)
            if guardian_id not in phones:
                raise Invalid(
                    _("Choose a parent or carer who may be contacted and has a phone number."),
                    field="guardian",
                )
            chosen = guardian_id
        if mobile and phone_normalise(mobile) != phone_normalise(pupil.mobile):
            Pupil.objects.filter(pk=pupil.pk).update(mobile=mobile[:32])
            audit_record(
                actor=actor,
                action="studygroup.pupil_mobile",
                target=pupil,
                detail={"pupil_id": pupil.pk},
            )
        member.text_to, member.text_guardian_id = text_to, chosen
        member.save(update_fields=["text_to", "text_guardian"])
        audit_record(
            actor=actor,
            action="studygroup.member_text",
            target=group,
            detail={"pupil_id": pupil_id, "text_to": text_to or "app", "guardian_id": chosen},
        )
    return member


def phone_valid(number: str) -> bool:
    """A number a text can go to: + and 10 to 15 digits once written the E.164 way."""
    written = phone_normalise(number)
    return written.startswith("+") and 10 <= len(written) - 1 <= 15 and written[1:].isdigit()


def text_guardians(*, school_id: int, pupil_id: int) -> dict[int, Guardian]:
    """The pupil's parents and carers whose phone may carry a check-in text: those who may be
    contacted about the pupil (people/contact.py) and have a number; one query."""
    links = (
        guardians_contactable(school_id=school_id, pupil_id=pupil_id)
        .exclude(guardian__phone="")
        .select_related("guardian")
    )
    return {link.guardian_id: link.guardian for link in links}
