"""Weekly summaries for families: prepared automatically, sent only after a person approves.

On Friday the scheduler prepares a batch: for each child with something to tell (sessions
missed, homework not handed in, homework due next week), one short factual summary per
guardian who may be contacted and has not opted out. The named approver (or, when none is
named, a leader or the pastoral lead) previews every summary, edits or skips any, and approves;
only then does each go out as a conversation of its own. Nothing is sent before approval.

The wording states facts and offers help. It never blames: no "failed", "poor", "must".
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from schoolwindow.audit.services import audit_record
from schoolwindow.core.errors import Invalid, Refused
from schoolwindow.core.once import AlreadyDone, once_claim, once_done
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.messaging.conversations.services import conversation_start
from schoolwindow.messaging.delivery.services import (
    MAX_BODY,
    ContactRestricted,
    guardian_is_restricted,
)
from schoolwindow.messaging.models import (
    ConversationKind,
    Delivery,
    Message,
    Nudge,
    NudgeBatch,
    NudgeBatchStatus,
)
from schoolwindow.messaging.policies import APPROVE
from schoolwindow.messaging.summaries.selectors import (
    PupilWeek,
    week_facts,
    week_start,
)
from schoolwindow.people.contact import contactable_links
from schoolwindow.schools.models import School

# Listed in a summary at most; more are counted.
MAX_ITEMS = 5


# --- The words -------------------------------------------------------------------------------


def _list(items: Sequence[str]) -> str:
    shown = list(items[:MAX_ITEMS])
    text = "; ".join(shown)
    more = len(items) - len(shown)
    if more:
        text += " " + ngettext("(and %(n)d more)", "(and %(n)d more)", more) % {"n": more}
    return text


def nudge_text(child: str, week: PupilWeek) -> str:
    """The summary, in plain English: facts, then an offer of help. No blame."""
    with translation.override("en-gb"):
        parts: list[str] = []
        if week.sessions_possible:
            if week.sessions_present == week.sessions_possible:
                parts.append(
                    _("This week %(child)s was in school for all %(n)d sessions.")
                    % {"child": child, "n": week.sessions_possible}
                )
            else:
                parts.append(
                    _("This week %(child)s was in school for %(present)d of %(n)d sessions.")
                    % {
                        "child": child,
                        "present": week.sessions_present,
                        "n": week.sessions_possible,
                    }
                )
                if week.class_size > 1:
                    if week.class_full * 2 > week.class_size:
                        parts.append(
                            _("Most of %(child)s's class were in for all %(n)d.")
                            % {"child": child, "n": week.sessions_possible}
                        )
                    else:
                        parts.append(
                            _("On average, the class were in for %(avg)s sessions.")
                            % {"avg": f"{week.class_present_avg:.0f}"}
                        )
        if week.missing:
            count = len(week.missing)
            parts.append(
                ngettext(
                    "One piece of homework has not been handed in yet: %(items)s.",
                    "%(n)d pieces of homework have not been handed in yet: %(items)s.",
                    count,
                )
                % {"n": count, "items": _list(week.missing)}
            )
        if week.coming_up:
            items = [
                _("%(title)s (due %(day)s)") % {"title": title, "day": _day_label(day)}
                for title, day in week.coming_up
            ]
            parts.append(_("Coming up next week: %(items)s.") % {"items": _list(items)})
        parts.append(
            _(
                "If anything at home makes school or homework hard right now, just reply — "
                "we are here to help."
            )
        )
        return " ".join(parts)


# --- Preparing a batch -----------------------------------------------------------------------


def nudges_prepare(school_id: int, week_starting: dt.date) -> NudgeBatch:
    """The week's draft batch, with one nudge per guardian per child with news. Idempotent.

    A batch that exists is kept: nudges already in it (and any edits) stay as they are, and only
    missing ones are added while it is still a draft. Nothing is sent here.
    """
    week_starting = week_start(week_starting)
    batch = NudgeBatch.objects.filter(school_id=school_id, week_starting=week_starting).first()
    if batch is None:
        try:
            with transaction.atomic():
                batch = NudgeBatch.objects.create(school_id=school_id, week_starting=week_starting)
        except IntegrityError:  # prepared at the same moment by another worker
            batch = NudgeBatch.objects.get(school_id=school_id, week_starting=week_starting)
    if batch.status != NudgeBatchStatus.DRAFT:
        return batch
    weeks = week_facts(school_id, week_starting)
    with_news = {pupil_id: week for pupil_id, week in weeks.items() if week.has_news()}
    if not with_news:
        return batch
    links = (
        contactable_links(
            school_id=school_id,
            pupil_id__in=list(with_news),
            guardian__nudges_opt_out=False,
        )
        .select_related("pupil")
        .only("guardian_id", "pupil_id", "pupil__legal_first_name", "pupil__preferred_first_name")
        .order_by("pupil_id", "contact_priority", "guardian_id")
    )
    existing = set(Nudge.objects.filter(batch=batch).values_list("guardian_id", "pupil_id"))
    nudges = []
    for link in links:
        if (link.guardian_id, link.pupil_id) in existing:
            continue
        week = with_news[link.pupil_id]
        nudges.append(
            Nudge(
                school_id=school_id,
                batch=batch,
                guardian_id=link.guardian_id,
                pupil_id=link.pupil_id,
                body=nudge_text(link.pupil.first_name, week),
                facts=week.as_facts(),
            )
        )
    Nudge.objects.bulk_create(nudges, ignore_conflicts=True)
    return batch


@task()
def nudges_prepare_task(run_date: str) -> int:
    """The scheduler's Friday job: prepare this week's batch for every school."""
    week_starting = week_start(dt.date.fromisoformat(run_date))
    prepared = 0
    for school_id in School.objects.values_list("pk", flat=True).order_by("pk"):
        batch = nudges_prepare(school_id, week_starting)
        prepared += Nudge.objects.filter(batch=batch).count()
    return prepared


def nudge_edit(*, actor: Actor, batch: NudgeBatch, edits: dict[int, tuple[str, bool]]) -> int:
    """Save edited texts and skips: {nudge id: (text, skipped)}. Returns how many changed."""
    with transaction.atomic():
        locked = batch_lock(actor, batch.pk)
        changed = []
        for nudge in Nudge.objects.filter(batch=locked, pk__in=list(edits)):
            text, skipped = edits[nudge.pk]
            text = text.strip()
            if not text and not skipped:
                raise Invalid(_("A summary can't be empty: skip it instead."))
            if len(text) > MAX_BODY:
                raise Invalid(_("That summary is too long."))
            if text and text != nudge.body.strip():
                nudge.body = text
                nudge.edited = True
            if skipped != nudge.skipped:
                nudge.skipped = skipped
            changed.append(nudge)
        Nudge.objects.bulk_update(changed, ["body", "edited", "skipped"])
    return len(changed)


def batch_lock(actor: Actor, batch_id: int) -> NudgeBatch:
    """The batch, locked, if the actor may approve it and it is still a draft; else AlreadyDone
    (approved or discarded, by them in another tab or by someone else)."""
    batch = policy_for(NudgeBatch).get(
        actor, pk=batch_id, action=APPROVE, queryset=NudgeBatch.objects.select_for_update()
    )
    if batch.status == NudgeBatchStatus.APPROVED:
        raise AlreadyDone(_("This week's summaries were already approved."), url=batch_url(batch))
    if batch.status != NudgeBatchStatus.DRAFT:
        raise AlreadyDone(_("This week's summaries were already discarded."), url=batch_url(batch))
    return batch


def batch_url(batch: NudgeBatch) -> str:
    return reverse("families:nudge_batch", kwargs={"batch_id": batch.pk})


@dataclass(frozen=True)
class ApprovalResult:
    sent: int
    skipped: int
    not_sent: int  # opted out or restricted since the batch was prepared, or out of reach


def nudges_approve(
    *, actor: Actor, batch: NudgeBatch, once: uuid.UUID | None = None
) -> ApprovalResult:
    """Approve the batch: each nudge not skipped goes out as its own conversation (audited).

    The batch is locked and its status decides: a second approval (the same form again, or
    another tab's) is told it was already approved and sends nothing."""
    sent = skipped = not_sent = 0
    with transaction.atomic():
        claim = once_claim(
            once, actor=actor, repeated=_("This week's summaries were already approved.")
        )
        locked = batch_lock(actor, batch.pk)
        nudges = list(
            Nudge.objects.filter(batch=locked)
            .select_related("guardian", "pupil")
            .order_by("pupil_id", "guardian_id")
        )
        site = getattr(settings, "SITE_URL", "").rstrip("/")
        for nudge in nudges:
            if nudge.skipped:
                skipped += 1
                continue
            if nudge.guardian.nudges_opt_out or guardian_is_restricted(
                locked.school_id, nudge.guardian_id, nudge.pupil_id
            ):
                not_sent += 1
                continue
            try:
                with transaction.atomic():
                    conversation = conversation_start(
                        actor=actor,
                        school_id=locked.school_id,
                        pupil_id=nudge.pupil_id,
                        guardian_ids=[nudge.guardian_id],
                        subject=_("This week for %(child)s") % {"child": nudge.pupil.first_name},
                        body=nudge.body,
                        kind=ConversationKind.NUDGE,
                    )[0]
            except (ContactRestricted, Refused):
                not_sent += 1
                continue
            message = Message.objects.filter(conversation=conversation).first()
            nudge.message = message
            _add_opt_out_link(message, nudge, site)
            sent += 1
        Nudge.objects.bulk_update(nudges, ["message"])
        locked.status = NudgeBatchStatus.APPROVED
        locked.approved_by_id = actor.staff_ids.get(locked.school_id)
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at"])
        audit_record(
            actor=actor,
            action="messaging.nudges_approved",
            target=locked,
            detail={"sent": sent, "skipped": skipped, "not_sent": not_sent},
        )
        once_done(claim, batch_url(locked))
    return ApprovalResult(sent=sent, skipped=skipped, not_sent=not_sent)


def _add_opt_out_link(message: Message | None, nudge: Nudge, site: str) -> None:
    """Each copy ends with a link to stop the summaries; the copy's own token is the key."""
    if message is None:
        return
    language = nudge.guardian.preferred_language
    ui = language if language in {code for code, _name in settings.LANGUAGES} else "en-gb"
    for delivery in Delivery.objects.filter(message=message, guardian_id=nudge.guardian_id):
        link = site + reverse("families:nudges_stop", kwargs={"token": delivery.reply_token})
        with translation.override(ui):
            line = _("To stop these weekly summaries, open %(link)s") % {"link": link}
        delivery.body = f"{delivery.body}\n\n{line}"
        delivery.save(update_fields=["body"])


def nudges_discard(*, actor: Actor, batch: NudgeBatch) -> NudgeBatch:
    with transaction.atomic():
        locked = batch_lock(actor, batch.pk)
        locked.status = NudgeBatchStatus.DISCARDED
        locked.save(update_fields=["status"])
        audit_record(actor=actor, action="messaging.nudges_discarded", target=locked)
    return locked


# --- Opting out ------------------------------------------------------------------------------


def opt_out_set(*, guardian_id: int, opt_out: bool) -> None:
    from schoolwindow.people.models import Guardian

    Guardian.objects.filter(pk=guardian_id).update(nudges_opt_out=opt_out)


def _day_label(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day:%A} {day.day} {day:%B}"
