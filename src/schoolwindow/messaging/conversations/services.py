"""Writes for conversations: starting one, posting a message, a family's reply, marking read,
logging a contact and adding a member of staff. Every write is audited.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import MESSAGE_ANY_FAMILY
from schoolwindow.core.errors import Invalid, Refused
from schoolwindow.core.once import once_claim, once_done
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.messaging.delivery.services import (
    check_urgent,
    clean_body,
    deliveries_queue,
    deliveries_read,
    family_recipients,
    family_signal_sync,
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
from schoolwindow.messaging.policies import ADD_STAFF, REPLY
from schoolwindow.messaging.translation.services import translate_to_english
from schoolwindow.people.contact import may_contact
from schoolwindow.people.models import Guardian, GuardianLink, Staff


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
    once: uuid.UUID | None = None,
    repeated: str = "",
) -> list[Conversation]:
    """Start a conversation with these guardians (or one each when `separately`). `once` is
    the form's token (core/once.py); `repeated` what a second send of it is told."""
    author_id = staff_id_at(actor, school_id)
    body = clean_body(body)
    subject = subject.strip()[:200] or body[:60]
    check_urgent(actor, school_id, urgent)
    if pupil_id is not None:
        pupil_for_staff(actor, pupil_id)
    elif not actor.can(MESSAGE_ANY_FAMILY, school_id):
        raise Refused(_("Those people can't be written to from here. Choose again."))
    if not guardian_ids:
        raise Invalid(_("Choose at least one parent or carer."), field="guardians")
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
        claim = once_claim(
            once, actor=actor, repeated=repeated or _("This message was already sent.")
        )
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
        once_done(claim, started_url(conversations, pupil_id))
    return conversations


def started_url(conversations: list[Conversation], pupil_id: int | None) -> str:
    """Where to see what was started: the conversation, or the pupil's when there are several."""
    if len(conversations) == 1:
        return conversation_url(conversations[0].pk)
    if pupil_id is not None:
        return reverse("messaging:pupil", kwargs={"pupil_id": pupil_id})
    return reverse("messaging:inbox")


def message_post(
    *,
    actor: Actor,
    conversation: Conversation,
    body: str,
    tone: str = Tone.NEUTRAL,
    needs_reply: bool = False,
    urgent: bool = False,
    phrase_key: str = "",
    once: uuid.UUID | None = None,
) -> Message:
    """A member of staff or a guardian writes in a conversation they may see (not an
    announcement: nobody writes into one). `once` is the form's token (core/once.py)."""
    body = clean_body(body)
    school_id = conversation.school_id
    now = timezone.now()
    with transaction.atomic():
        # Locked while checked and written to, so a restriction or a closing made meanwhile
        # is seen, not a copy read before the transaction.
        conversation = policy_for(Conversation).get(
            actor,
            pk=conversation.pk,
            action=REPLY,
            queryset=Conversation.objects.select_for_update(),
        )
        claim = once_claim(once, actor=actor, repeated=_("This message was already sent."))
        if actor.guardian_id is not None:
            message = guardian_message_create(
                conversation=conversation,
                guardian_id=actor.guardian_id,
                body=body,
                actor=actor,
                replying_to=None,
            )
            audit_record(actor=actor, action="messaging.message_posted", target=conversation)
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
        once_done(claim, conversation_url(conversation.pk) + f"#m{message.pk}")
    return message


def conversation_url(conversation_id: int) -> str:
    return reverse("messaging:conversation", kwargs={"conversation_id": conversation_id})


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
    once: uuid.UUID | None = None,
) -> ContactLog:
    """A call, meeting or visit with a pupil's family, in the same timeline as messages."""
    pupil = pupil_for_staff(actor, pupil_id)
    staff_id = staff_id_at(actor, pupil.school_id)
    if guardian_id is not None:
        link = GuardianLink.objects.filter(
            school_id=pupil.school_id, pupil_id=pupil.pk, guardian_id=guardian_id
        ).first()
        if link is None:
            raise Invalid(_("Choose one of this pupil's parents or carers."), field="guardian")
        if not may_contact(link):
            raise restriction_refuse(
                actor=actor,
                school_id=pupil.school_id,
                guardian_id=guardian_id,
                pupil_id=pupil.pk,
                what="contact log",
            )
    if happened_at > timezone.now() + dt.timedelta(minutes=5):
        raise Invalid(_("A contact can't be in the future."), field="happened_at")
    from schoolwindow.engagement.models import Flag, FlagEventKind

    flag = None
    if flag_id is not None:
        flag = Flag.objects.filter(pk=flag_id, school_id=pupil.school_id, pupil=pupil).first()
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("This contact was already logged."))
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
        once_done(
            claim,
            reverse("messaging:pupil", kwargs={"pupil_id": pupil.pk}) + f"#contact-{entry.pk}",
        )
    return entry


def participant_staff_add(*, actor: Actor, conversation: Conversation, staff_id: int) -> Staff:
    """Bring another member of the school's staff into a conversation the actor may see."""
    with transaction.atomic():
        conversation = policy_for(Conversation).get(
            actor,
            pk=conversation.pk,
            action=ADD_STAFF,
            queryset=Conversation.objects.select_for_update(),
        )
        staff = Staff.objects.filter(
            pk=staff_id, school_id=conversation.school_id, active=True
        ).first()
        if staff is None:
            raise Invalid(_("That person can't be added here."), field="staff")
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
