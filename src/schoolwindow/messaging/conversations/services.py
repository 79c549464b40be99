"""Writes for conversations: starting one, posting a message, a family's reply, marking read,
logging a contact and adding a member of staff. Every write is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import MESSAGE_ANY_FAMILY
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.messaging.delivery.services import (
    check_urgent,
    clean_body,
    deliveries_queue,
    deliveries_read,
    family_recipients,
    family_signal_sync,
    guardian_is_restricted,
    pupil_for_staff,
    restriction_refuse,
    staff_id_at,
)
from schoolwindow.messaging.models import (
    ContactLog,
    Conversation,
    ConversationKind,
    Delivery,
    DeliveryStatus,
    Message,
    Participant,
    Tone,
)
from schoolwindow.messaging.translation.services import translate_to_english
from schoolwindow.people.contact import may_contact
from schoolwindow.people.models import Guardian, GuardianLink, Pupil, Staff


def conversation_start(
    *,
    actor: Actor,
    school_id: int,
    pupil_id: int | None,
    guardian_ids: Sequence[int],
    subject: str,
    body: str,
    separately: bool = False,
    staff_ids: Sequence[int] = (),
    tone: str = Tone.NEUTRAL,
    needs_reply: bool = False,
    urgent: bool = False,
    phrase_key: str = "",
    kind: str = ConversationKind.CONVERSATION,
) -> list[Conversation]:
    """Start a conversation with these guardians (or one each when `separately`)."""
    author_id = staff_id_at(actor, school_id)
    body = clean_body(body)
    subject = subject.strip()[:200] or body[:60]
    check_urgent(actor, school_id, urgent)
    if pupil_id is not None:
        pupil_for_staff(actor, pupil_id)
    elif not actor.can(MESSAGE_ANY_FAMILY, school_id):
        raise PermissionDenied
    if not guardian_ids:
        raise ValueError(_("Choose at least one parent or carer."))
    recipients = family_recipients(
        actor=actor, school_id=school_id, pupil_id=pupil_id, guardian_ids=guardian_ids
    )
    other_staff = list(
        Staff.objects.filter(school_id=school_id, pk__in=list(staff_ids), active=True).exclude(
            pk=author_id
        )
    )
    groups = [[r] for r in recipients] if separately else [recipients]
    conversations = []
    now = timezone.now()
    with transaction.atomic():
        for group in groups:
            conversation = Conversation.objects.create(
                school_id=school_id,
                pupil_id=pupil_id,
                subject=subject,
                kind=kind,
                created_by_id=author_id,
                last_message_at=now,
            )
            Participant.objects.bulk_create(
                [Participant(school_id=school_id, conversation=conversation, staff_id=author_id)]
                + [
                    Participant(school_id=school_id, conversation=conversation, staff=staff)
                    for staff in other_staff
                ]
                + [
                    Participant(school_id=school_id, conversation=conversation, guardian=r.guardian)
                    for r in group
                ]
            )
            message = Message.objects.create(
                school_id=school_id,
                conversation=conversation,
                author_staff_id=author_id,
                body=body,
                tone=tone,
                urgent=urgent,
                needs_reply=needs_reply,
                phrase_key=phrase_key,
            )
            deliveries_queue(message, actor=actor, subject=subject)
            audit_record(actor=actor, action="messaging.conversation_started", target=conversation)
            conversations.append(conversation)
    return conversations


def conversation_for_actor(actor: Actor, conversation_id: int) -> Conversation:
    """The conversation, if the actor takes part in it or may see it; PermissionDenied otherwise."""
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        raise PermissionDenied
    if actor.guardian_id is not None:
        if Participant.objects.filter(
            conversation=conversation, guardian_id=actor.guardian_id
        ).exists() and not guardian_is_restricted(
            conversation.school_id, actor.guardian_id, conversation.pupil_id
        ):
            return conversation
        raise PermissionDenied
    staff_id = actor.staff_ids.get(conversation.school_id)
    if staff_id is None:
        raise PermissionDenied
    if Participant.objects.filter(conversation=conversation, staff_id=staff_id).exists():
        return conversation
    if conversation.pupil_id is not None:
        if policy_for(Pupil).visible(actor).filter(pk=conversation.pupil_id).exists():
            return conversation
    elif actor.can(MESSAGE_ANY_FAMILY, conversation.school_id):
        return conversation
    raise PermissionDenied


def message_post(
    *,
    actor: Actor,
    conversation: Conversation,
    body: str,
    tone: str = Tone.NEUTRAL,
    needs_reply: bool = False,
    urgent: bool = False,
    phrase_key: str = "",
) -> Message:
    """A member of staff or a guardian writes in a conversation they may see."""
    conversation_for_actor(actor, conversation.pk)
    body = clean_body(body)
    school_id = conversation.school_id
    now = timezone.now()
    with transaction.atomic():
        if actor.guardian_id is not None:
            message = guardian_message_create(
                conversation=conversation,
                guardian_id=actor.guardian_id,
                body=body,
                actor=actor,
                replying_to=None,
            )
        else:
            check_urgent(actor, school_id, urgent)
            staff_id = staff_id_at(actor, school_id)
            # Staff who may see a conversation join it by writing in it.
            Participant.objects.get_or_create(
                school_id=school_id, conversation=conversation, staff_id=staff_id
            )
            message = Message.objects.create(
                school_id=school_id,
                conversation=conversation,
                author_staff_id=staff_id,
                body=body,
                tone=tone,
                urgent=urgent,
                needs_reply=needs_reply,
                phrase_key=phrase_key,
            )
            Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
            deliveries_queue(message, actor=actor, subject=conversation.subject)
            audit_record(actor=actor, action="messaging.message_posted", target=conversation)
    return message


def guardian_message_create(
    *,
    conversation: Conversation,
    guardian_id: int,
    body: str,
    actor: Actor,
    replying_to: Delivery | None,
) -> Message:
    """A family's message (from the app, an email reply or a text), translated for staff."""
    guardian = Guardian.objects.get(pk=guardian_id)
    english = translate_to_english(text=body, language=guardian.preferred_language)
    now = timezone.now()
    message = Message.objects.create(
        school_id=conversation.school_id,
        conversation=conversation,
        author_guardian=guardian,
        body=body,
        language=english.language if english.method != "original" else "en",
        translation=english.text if english.method != "original" else "",
        translation_method=english.method if english.method != "original" else "",
    )
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
    # The family answered: every copy this guardian had in the conversation is answered.
    answered = list(
        Delivery.objects.filter(
            message__conversation=conversation,
            guardian_id=guardian_id,
            replied_at__isnull=True,
        ).select_related("message")
    )
    for delivery in answered:
        delivery.replied_at = now
        delivery.read_at = delivery.read_at or now
        if delivery.status not in (DeliveryStatus.BOUNCED, DeliveryStatus.FAILED):
            delivery.status = DeliveryStatus.REPLIED
    Delivery.objects.bulk_update(answered, ["replied_at", "read_at", "status"])
    family_signal_sync(answered)
    Participant.objects.filter(conversation=conversation, guardian_id=guardian_id).update(
        last_read_at=now
    )
    deliveries_queue(message, actor=actor, subject=conversation.subject)
    return message


def conversation_read(*, actor: Actor, conversation: Conversation) -> None:
    """The actor has seen the conversation: for a guardian, every copy to them is read."""
    now = timezone.now()
    with transaction.atomic():
        if actor.guardian_id is not None:
            Participant.objects.filter(
                conversation=conversation, guardian_id=actor.guardian_id
            ).update(last_read_at=now)
            deliveries_read(
                Delivery.objects.filter(
                    message__conversation=conversation,
                    guardian_id=actor.guardian_id,
                    read_at__isnull=True,
                ),
                now,
            )
        else:
            staff_id = actor.staff_ids.get(conversation.school_id)
            if staff_id is not None:
                Participant.objects.filter(conversation=conversation, staff_id=staff_id).update(
                    last_read_at=now
                )


# --- The contact log ------------------------------------------------------------------------


def contact_log_record(
    *,
    actor: Actor,
    pupil_id: int,
    guardian_id: int | None,
    kind: str,
    outcome: str,
    happened_at: dt.datetime,
    notes: str = "",
    tone: str = Tone.NEUTRAL,
    flag_id: int | None = None,
) -> ContactLog:
    """A call, meeting or visit with a pupil's family, in the same timeline as messages."""
    pupil = pupil_for_staff(actor, pupil_id)
    staff_id = staff_id_at(actor, pupil.school_id)
    if guardian_id is not None:
        link = GuardianLink.objects.filter(
            school_id=pupil.school_id, pupil_id=pupil.pk, guardian_id=guardian_id
        ).first()
        if link is None:
            raise PermissionDenied
        if not may_contact(link):
            raise restriction_refuse(
                actor=actor,
                school_id=pupil.school_id,
                guardian_id=guardian_id,
                pupil_id=pupil.pk,
                what="contact log",
            )
    if happened_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValueError(_("A contact can't be in the future."))
    from schoolwindow.engagement.models import Flag, FlagEventKind

    flag = None
    if flag_id is not None:
        flag = Flag.objects.filter(pk=flag_id, school_id=pupil.school_id, pupil=pupil).first()
    with transaction.atomic():
        entry = ContactLog.objects.create(
            school_id=pupil.school_id,
            pupil=pupil,
            guardian_id=guardian_id,
            staff_id=staff_id,
            kind=kind,
            outcome=outcome,
            tone=tone,
            happened_at=happened_at,
            notes=notes.strip()[:4000],
            flag=flag,
        )
        if flag is not None:
            from schoolwindow.engagement.services import flag_event_add

            flag_event_add(
                actor=actor,
                flag=flag,
                kind=FlagEventKind.CONTACT,
                note=notes or entry.get_outcome_display(),
                contact_log_id=entry.pk,
            )
        audit_record(actor=actor, action="messaging.contact_logged", target=entry)
    return entry


def participant_staff_add(*, actor: Actor, conversation: Conversation, staff_id: int) -> Staff:
    """Bring another member of the school's staff into a conversation the actor may see."""
    conversation_for_actor(actor, conversation.pk)
    staff_id_at(actor, conversation.school_id)
    staff = Staff.objects.filter(pk=staff_id, school_id=conversation.school_id, active=True).first()
    if staff is None:
        raise PermissionDenied
    with transaction.atomic():
        _participant, created = Participant.objects.get_or_create(
            school_id=conversation.school_id, conversation=conversation, staff=staff
        )
        if created:
            audit_record(
                actor=actor,
                action="messaging.staff_added",
                target=conversation,
                detail={"staff_id": staff.pk},
            )
    return staff
