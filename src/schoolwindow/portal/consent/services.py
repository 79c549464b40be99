"""Writes for consent requests: staff send a request, parents answer per child (and change
their answer until the deadline), the office records an answer given on the phone and ticks
payments, staff remind families who have not answered.

Each service checks the actor, locks what it checks, writes, audits, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import CONSENT_MANAGE
from schoolwindow.core.errors import Invalid, NotFound
from schoolwindow.core.once import AlreadyDone, content_token, once_claim, once_done
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.messaging import api as messaging
from schoolwindow.people.contact import contactable_links
from schoolwindow.portal.consent.models import (
    Answer,
    Audience,
    ConsentAnswer,
    ConsentPupil,
    ConsentReminder,
    ConsentRequest,
    Rule,
)
from schoolwindow.portal.consent.policies import MANAGE, RECORD
from schoolwindow.portal.consent.selectors import (
    Status,
    audience_pupils,
    family_item,
    status_rows,
)
from schoolwindow.schools.models import Group, YearGroup

MAX_NOTE = 1000
MAX_PUPILS = 2000  # a whole school at most
REMINDER_CAP = 3  # reminders a family gets about one request, one a day at most


def consent_request_create(
    *,
    actor: Actor,
    school_id: int,
    title: str,
    description: str,
    deadline: dt.date,
    audience: str,
    rule: str = Rule.ONE,
    is_trip: bool = True,
    event_date: dt.date | None = None,
    cost_pence: int | None = None,
    payment_link: str = "",
    year_group_id: int | None = None,
    group_id: int | None = None,
    pupil_ids: Sequence[int] = (),
    today: dt.date | None = None,
    once: uuid.UUID | None = None,
) -> ConsentRequest:
    today = today or timezone.localdate()
    actor.require(CONSENT_MANAGE, school_id)
    title, description = title.strip(), description.strip()
    if not title:
        raise Invalid(_("Give the request a title families will recognise."), field="title")
    if not description:
        raise Invalid(_("Tell families what they are agreeing to."), field="description")
    if deadline < today:
        raise Invalid(_("The deadline must be today or later."), field="deadline")
    if event_date is not None and event_date < deadline:
        raise Invalid(_("The day itself must be on or after the deadline."), field="event_date")
    if rule not in Rule.values:
        raise Invalid(_("Choose whose agreement is needed."), field="rule")
    if audience not in Audience.values:
        raise Invalid(_("Choose who the request is for."), field="audience")
    if (
        audience == Audience.YEAR
        and not YearGroup.objects.filter(pk=year_group_id or 0, school_id=school_id).exists()
    ):
        raise Invalid(_("Choose a year group."), field="year_group")
    if (
        audience == Audience.GROUP
        and not Group.objects.filter(pk=group_id or 0, school_id=school_id).exists()
    ):
        raise Invalid(_("Choose a class or group."), field="group")
    if cost_pence is not None and cost_pence < 0:
        raise Invalid(_("Enter the cost in pounds, like 12.50."), field="cost")
    if cost_pence and not payment_link:
        raise Invalid(
            _("Add the link to the school's payment page, so families can pay."),
            field="payment_link",
        )
    pupils = list(
        audience_pupils(
            school_id=school_id,
            audience=audience,
            year_group_id=year_group_id,
            group_id=group_id,
            pupil_ids=pupil_ids,
        ).values_list("pk", flat=True)[: MAX_PUPILS + 1]
    )
    if not pupils:
        field = {"year": "year_group", "group": "group"}.get(audience, "pupils")
        raise Invalid(_("No pupils on roll are in that choice."), field=field)
    if len(pupils) > MAX_PUPILS:
        raise Invalid(_("That is too many pupils for one request."), field="audience")
    with transaction.atomic():
        repeated = _("This request was already sent.")
        claim = once_claim(once, actor=actor, repeated=repeated)
        # Two tabs with the same request written twice make one request.
        same = once_claim(
            content_token(
                "consent", school_id, title, deadline, audience, group_id, year_group_id, *pupils
            ),
            actor=actor,
            repeated=repeated,
        )
        request = ConsentRequest.objects.create(
            school_id=school_id,
            title=title[:200],
            description=description,
            is_trip=is_trip,
            event_date=event_date,
            deadline=deadline,
            cost_pence=cost_pence or None,
            payment_link=payment_link if cost_pence else "",
            rule=rule,
            audience=audience,
            year_group_id=year_group_id if audience == Audience.YEAR else None,
            group_id=group_id if audience == Audience.GROUP else None,
            created_by=actor.user,
        )
        ConsentPupil.objects.bulk_create(
            [ConsentPupil(school_id=school_id, request=request, pupil_id=pk) for pk in pupils]
        )
        audit_record(
            actor=actor,
            action="consent.requested",
            target=request,
            detail={"title": request.title, "pupils": len(pupils)},
        )
        url = reverse("portal_consent:status", kwargs={"request_id": request.pk})
        once_done(claim, url)
        once_done(same, url)
    return request


def _locked_member(request_id: int, pupil_id: int) -> ConsentPupil:
    # Lock the child's row: two parents answering at once are taken one after the other, so
    # each sees the other's answer when the status is worked out.
    member = (
        ConsentPupil.objects.select_for_update()
        .filter(request_id=request_id, pupil_id=pupil_id)
        .first()
    )
    if member is None:
        raise NotFound
    return member


def consent_answer(
    *,
    actor: Actor,
    request_id: int,
    pupil_id: int,
    answer: str,
    note: str = "",
    version: int = 0,
    today: dt.date | None = None,
    once: uuid.UUID | None = None,
) -> ConsentAnswer:
    """A parent answers for one child. `version` is the answer's version the form was drawn
    with (0: there was none), so a second tab or a repeat is told it was already done rather
    than silently overwriting; a change from the current answer is allowed until the deadline."""
    today = today or timezone.localdate()
    item = family_item(actor=actor, request_id=request_id, pupil_id=pupil_id, today=today)
    if answer not in Answer.values:
        raise Invalid(_("Choose yes or no."), field="answer")
    note = note.strip()[:MAX_NOTE]
    if not item.is_open:
        raise Invalid(
            _("The deadline has passed. Please contact the school office."), field="answer"
        )
    guardian_id = actor.guardian_id or 0
    url = reverse("portal_consent:answer", kwargs={"request_id": request_id, "pupil_id": pupil_id})
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("Your answer was already sent."))
        member = _locked_member(request_id, pupil_id)
        existing = ConsentAnswer.objects.filter(
            request_id=request_id, pupil_id=pupil_id, guardian_id=guardian_id
        ).first()
        now = timezone.now()
        if existing is None:
            if version:
                raise AlreadyDone(_("Your answer was already sent."), url=url)
            made = ConsentAnswer.objects.create(
                school_id=member.school_id,
                request_id=request_id,
                pupil_id=pupil_id,
                guardian_id=guardian_id,
                answer=answer,
                note=note,
                answered_at=now,
            )
            audit_record(
                actor=actor, action="consent.answered", target=made, detail={"answer": answer}
            )
        else:
            if version != existing.version:
                raise AlreadyDone(
                    _("You have already answered. Your answer is shown below; you can change it."),
                    url=url,
                )
            before = {"answer": existing.answer, "note": bool(existing.note)}
            existing.answer, existing.note = answer, note
            existing.answered_at, existing.by_phone, existing.recorded_by = now, False, None
            existing.version += 1
            existing.save()
            made = existing
            audit_record(
                actor=actor,
                action="consent.changed",
                target=made,
                detail={"before": before["answer"], "after": answer},
            )
        once_done(claim, url)
    return made


def consent_phone_record(
    *,
    actor: Actor,
    request_id: int,
    pupil_id: int,
    guardian_id: int,
    answer: str,
    spoken_at: dt.datetime,
    note: str = "",
    once: uuid.UUID | None = None,
) -> ConsentAnswer:
    """The office records an answer a parent gave on the phone: which parent, when they
    spoke, and who took the call (the actor) — in the answer and the audit log."""
    policy = policy_for(ConsentRequest)
    request = policy.get(actor, pk=request_id, action=RECORD)
    if answer not in Answer.values:
        raise Invalid(_("Choose yes or no."), field="answer")
    if spoken_at > timezone.now() + dt.timedelta(minutes=5):
        raise Invalid(_("The call cannot be in the future."), field="spoken_at")
    # Only a holder of parental responsibility the school may contact can be recorded.
    if not contactable_links(
        school_id=request.school_id,
        pupil_id=pupil_id,
        guardian_id=guardian_id,
        parental_responsibility=True,
    ).exists():
        raise Invalid(_("Choose the parent or carer who called."), field="guardian")
    note = note.strip()[:MAX_NOTE]
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("This call was already recorded."))
        member = _locked_member(request.pk, pupil_id)
        made, created = ConsentAnswer.objects.get_or_create(
            school_id=member.school_id,
            request_id=request.pk,
            pupil_id=pupil_id,
            guardian_id=guardian_id,
            defaults={"answer": answer, "note": note, "answered_at": spoken_at},
        )
        before = "" if created else made.answer
        made.answer, made.note, made.answered_at = answer, note or made.note, spoken_at
        made.by_phone, made.recorded_by = True, actor.user
        if not created:
            made.version += 1
        made.save()
        audit_record(
            actor=actor,
            action="consent.phoned",
            target=made,
            detail={
                "answer": answer,
                "before": before,
                "guardian_id": guardian_id,
                "spoken_at": spoken_at.isoformat(),
            },
        )
        once_done(
            claim,
            reverse(
                "portal_consent:pupil", kwargs={"request_id": request.pk, "pupil_id": pupil_id}
            ),
        )
    return made


def consent_paid_set(*, actor: Actor, request_id: int, pupil_id: int, paid: bool) -> ConsentPupil:
    """The office ticks (or unticks) that a pupil's trip is paid through the school's own
    payment provider. Ticking twice changes nothing and is not audited twice."""
    request = policy_for(ConsentRequest).get(actor, pk=request_id, action=RECORD)
    with transaction.atomic():
        member = _locked_member(request.pk, pupil_id)
        if (member.paid_at is not None) == paid:
            return member
        member.paid_at = timezone.now() if paid else None
        member.paid_by = actor.user if paid else None
        member.save(update_fields=["paid_at", "paid_by"])
        audit_record(
            actor=actor,
            action="consent.paid" if paid else "consent.unpaid",
            target=member,
            detail={"request_id": request.pk},
        )
    return member


@dataclass(frozen=True)
class Reminded:
    sent: int  # families who get a reminder now (queued after the commit)
    capped: int  # families who have had every reminder they can get
    today: int  # families already reminded today


def waiting_families(request: ConsentRequest) -> dict[int, list[tuple[int, str]]]:
    """Guardian → the children (id, name) still waiting for their answer."""
    families: dict[int, list[tuple[int, str]]] = {}
    for row in status_rows(request):
        if row.status != Status.WAITING:
            continue
        for asked in row.asked:
            if asked.answer is None:
                families.setdefault(asked.guardian_id, []).append(
                    (row.pupil.pk, row.pupil.display_name)
                )
    return families


def consent_remind(*, actor: Actor, request_id: int, today: dt.date | None = None) -> Reminded:
    """Remind each family (guardian) who has not answered for a child still waiting: one
    message for all their children in the request, at most one a day and REMINDER_CAP in
    all. The reminders are counted and recorded here; the messages are queued through
    messaging's public interface by a task after the commit (consent_reminders_send)."""
    from schoolwindow.portal.consent.tasks import consent_reminders_send_task

    today = today or timezone.localdate()
    policy = policy_for(ConsentRequest)
    with transaction.atomic():
        # Two people pressing "remind" at once: the second waits, then finds today's done.
        request = policy.visible(actor).select_for_update().filter(pk=request_id).first()
        if request is None:
            raise NotFound
        policy.check(actor, MANAGE, request)
        if request.deadline < today:
            raise Invalid(_("The deadline has passed: no more reminders."))
        families = waiting_families(request)
        counts: dict[int, int] = {}
        reminded_today: set[int] = set()
        for guardian_id, sent_on in ConsentReminder.objects.filter(
            request=request, guardian_id__in=list(families)
        ).values_list("guardian_id", "sent_on"):
            counts[guardian_id] = counts.get(guardian_id, 0) + 1
            if sent_on == today:
                reminded_today.add(guardian_id)
        capped = [
            g for g in families if g not in reminded_today and counts.get(g, 0) >= REMINDER_CAP
        ]
        chosen = [g for g in sorted(families) if g not in reminded_today and g not in capped]
        ConsentReminder.objects.bulk_create(
            [
                ConsentReminder(
                    school_id=request.school_id,
                    request=request,
                    guardian_id=guardian_id,
                    sent_on=today,
                    sent_by=actor.user,
                )
                for guardian_id in chosen
            ]
        )
        result = Reminded(sent=len(chosen), capped=len(capped), today=len(reminded_today))
        audit_record(
            actor=actor,
            action="consent.reminded",
            target=request,
            detail={"sent": result.sent, "capped": result.capped, "today": result.today},
        )
        if chosen:
            day = today.isoformat()
            transaction.on_commit(lambda: consent_reminders_send_task.enqueue(request.pk, day))
    return result


def consent_reminders_send(*, request_id: int, sent_on: dt.date) -> int:
    """Queue the message of each reminder recorded for this day and not yet queued, as the
    member of staff who pressed "remind" (their permissions, through messaging's checks). A
    family who has answered since gets nothing. Returns how many messages were queued."""
    from schoolwindow.people.actors import actor_for

    request = ConsentRequest.objects.filter(pk=request_id).first()
    if request is None:
        return 0
    families = waiting_families(request)
    link = settings.SITE_URL + reverse("portal_consent:family")
    queued = 0
    pending = ConsentReminder.objects.filter(
        request=request, sent_on=sent_on, queued_at__isnull=True
    ).select_related("sent_by")
    for reminder in pending.order_by("guardian_id"):
        with transaction.atomic():
            # Lock the reminder: a task run twice queues each message once.
            locked = (
                ConsentReminder.objects.select_for_update()
                .filter(pk=reminder.pk, queued_at__isnull=True)
                .first()
            )
            if locked is None:
                continue
            locked.queued_at = timezone.now()
            children = families.get(locked.guardian_id, [])
            if children:
                body = _(
                    "A reminder: please tell us whether you agree to “%(title)s” for %(names)s "
                    "by %(deadline)s. You can answer here: %(link)s"
                ) % {
                    "title": request.title,
                    "names": ", ".join(name for _pk, name in children),
                    "deadline": request.deadline.strftime("%d/%m/%Y"),
                    "link": link,
                }
                try:
                    with transaction.atomic():
                        messaging.family_message_queue(
                            actor=actor_for(reminder.sent_by),
                            school_id=request.school_id,
                            guardian_ids=[locked.guardian_id],
                            pupil_id=children[0][0],
                            subject=_("Reminder: %(title)s") % {"title": request.title},
                            body=body,
                        )
                    queued += 1
                except (PermissionDenied, ValueError):
                    locked.failed = True
            locked.save(update_fields=["queued_at", "failed"])
    return queued
