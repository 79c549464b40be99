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
from schoolwindow.engagement.models import Flag, FlagStatus
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
from schoolwindow.messaging.translation.services import weekday_for_family
from schoolwindow.people.contact import contactable_links, restricted_links
from schoolwindow.people.models import GuardianLink
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
        if week.praise:
            parts.append(
                ngettext(
                    "%(child)s was praised by school this week.",
                    "%(child)s was praised by school %(n)d times this week.",
                    week.praise,
                )
                % {"child": child, "n": week.praise}
            )
        if week.messages:
            parts.append(
                ngettext(
                    "There was one message about %(child)s between home and school this week.",
                    "There were %(n)d messages about %(child)s between home and school this week.",
                    week.messages,
                )
                % {"child": child, "n": week.messages}
            )
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
    missing ones are added while it is still a draft. Children with nothing new are counted,
    with the reason, in `batch.not_prepared`. Nothing is sent here.
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
    links = list(
        contactable_links(school_id=school_id, pupil_id__in=list(with_news))
        .select_related("pupil", "guardian")
        .only(
            "guardian_id",
            "pupil_id",
            "pupil__legal_first_name",
            "pupil__preferred_first_name",
            "guardian__preferred_language",
            "guardian__nudges_opt_out",
        )
        .order_by("pupil_id", "contact_priority", "guardian_id")
    )
    wanted = [link for link in links if not link.guardian.nudges_opt_out]
    reached = {link.pupil_id for link in wanted}
    opted_out = {link.pupil_id for link in links} - reached
    batch.not_prepared = {
        NO_NEWS: len(weeks) - len(with_news),
        OPTED_OUT: len(opted_out),
        NO_CONTACT: len(with_news) - len(reached) - len(opted_out),
    }
    batch.save(update_fields=["not_prepared"])
    if not wanted:
        return batch
    sensitive = _sensitive_pairs(school_id, wanted)
    flagged = set(
        Flag.objects.filter(
            school_id=school_id,
            status__in=(FlagStatus.OPEN, FlagStatus.SNOOZED),
            pupil_id__in=list(reached),
        ).values_list("pupil_id", flat=True)
    )
    existing = set(Nudge.objects.filter(batch=batch).values_list("guardian_id", "pupil_id"))
    nudges = []
    for link in wanted:
        if (link.guardian_id, link.pupil_id) in existing:
            continue
        week = with_news[link.pupil_id]
        look = _look_reasons(
            week,
            pupil_flagged=link.pupil_id in flagged,
            sensitive=(link.guardian_id, link.pupil_id) in sensitive,
            language=link.guardian.preferred_language,
        )
        nudges.append(
            Nudge(
                school_id=school_id,
                batch=batch,
                guardian_id=link.guardian_id,
                pupil_id=link.pupil_id,
                body=nudge_text(link.pupil.first_name, week),
                facts=week.as_facts(),
                look=look,
                needs_look=bool(look),
            )
        )
    Nudge.objects.bulk_create(nudges, ignore_conflicts=True, batch_size=1000)
    return batch


# Why a child has no summary this week (keys of NudgeBatch.not_prepared).
NO_NEWS = "no_news"
OPTED_OUT = "opted_out"
NO_CONTACT = "no_contact"

# Why a summary should be read before it goes (keys of Nudge.look). "longest" is decided when
# the batch is shown, among the batch's summaries.
HARD_WEEK = "hard_week"
PUPIL_FLAG = "pupil_flag"
SENSITIVE = "sensitive"
LANGUAGE = "language"
LONGEST = "longest"


def _look_reasons(
    week: PupilWeek, *, pupil_flagged: bool, sensitive: bool, language: str
) -> list[str]:
    reasons = []
    if week.hard_week():
        reasons.append(HARD_WEEK)
    if pupil_flagged:
        reasons.append(PUPIL_FLAG)
    if sensitive:
        reasons.append(SENSITIVE)
    if language and not language.lower().startswith("en"):
        reasons.append(LANGUAGE)
    return reasons


def _sensitive_pairs(school_id: int, links: Sequence[GuardianLink]) -> set[tuple[int, int]]:
    """(guardian, pupil) pairs touched by a contact restriction: the guardian is restricted for
    another child, or another carer of this child is. Only that a restriction exists is read,
    never why (people/contact.py)."""
    guardian_ids = {link.guardian_id for link in links}
    pupil_ids = {link.pupil_id for link in links}
    restricted_guardians = set(
        restricted_links(guardian_id__in=list(guardian_ids)).values_list("guardian_id", flat=True)
    )
    restricted_pupils = set(
        restricted_links(school_id=school_id, pupil_id__in=list(pupil_ids)).values_list(
            "pupil_id", flat=True
        )
    )
    return {
        (link.guardian_id, link.pupil_id)
        for link in links
        if link.guardian_id in restricted_guardians or link.pupil_id in restricted_pupils
    }


@task()
def nudges_prepare_task(run_date: str) -> int:
    """The scheduler's Friday job: prepare this week's batch for every school."""
    week_starting = week_start(dt.date.fromisoformat(run_date))
    prepared = 0
    for school_id in School.objects.values_list("pk", flat=True).order_by("pk"):
        batch = nudges_prepare(school_id, week_starting)
        prepared += Nudge.objects.filter(batch=batch).count()
    return prepared


def nudge_edit(
    *,
    actor: Actor,
    batch: NudgeBatch,
    edits: dict[int, tuple[str, bool]],
    holds: dict[int, bool] | None = None,
) -> int:
    """Save edited texts and skips: {nudge id: (text, skipped)}, and which of them are held
    back from "approve the rest" ({nudge id: held}). Returns how many were saved."""
    holds = holds or {}
    with transaction.atomic():
        locked = batch_lock(actor, batch.pk)
        changed = []
        for nudge in Nudge.objects.filter(batch=locked, pk__in=list(edits)):
            text, skipped = edits[nudge.pk]
            nudge.held = holds.get(nudge.pk, nudge.held) and not skipped
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
        Nudge.objects.bulk_update(changed, ["body", "edited", "skipped", "held"])
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
    held: int = 0  # held back by the approver, to send or skip one by one


def nudges_approve(
    *, actor: Actor, batch: NudgeBatch, once: uuid.UUID | None = None
) -> ApprovalResult:
    """Approve the rest: each nudge neither skipped nor held back goes out as its own
    conversation (audited). Held ones stay, to be sent or skipped one by one.

    The batch is locked and its status decides: a second approval (the same form again, or
    another tab's) is told it was already approved and sends nothing."""
    sent = skipped = not_sent = held = 0
    with transaction.atomic():
        claim = once_claim(
            once, actor=actor, repeated=_("This week's summaries were already approved.")
        )
        locked = batch_lock(actor, batch.pk)
        nudges = list(
            Nudge.objects.filter(batch=locked, message__isnull=True)
            .select_related("guardian", "pupil")
            .order_by("pupil_id", "guardian_id")
        )
        for nudge in nudges:
            if nudge.skipped:
                skipped += 1
            elif nudge.held:
                held += 1
            elif _send(actor, locked.school_id, nudge):
                sent += 1
            else:
                not_sent += 1
        Nudge.objects.bulk_update(nudges, ["message"], batch_size=1000)
        locked.status = NudgeBatchStatus.APPROVED
        locked.approved_by_id = actor.staff_ids.get(locked.school_id)
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at"])
        audit_record(
            actor=actor,
            action="messaging.nudges_approved",
            target=locked,
            detail={"sent": sent, "skipped": skipped, "not_sent": not_sent, "held": held},
        )
        once_done(claim, batch_url(locked))
    return ApprovalResult(sent=sent, skipped=skipped, not_sent=not_sent, held=held)


def _send(actor: Actor, school_id: int, nudge: Nudge) -> bool:
    """One summary out as its own conversation, with its opt-out link; False when the family
    opted out or may not be contacted since it was prepared."""
    if nudge.guardian.nudges_opt_out or guardian_is_restricted(
        school_id, nudge.guardian_id, nudge.pupil_id
    ):
        return False
    try:
        with transaction.atomic():
            conversation = conversation_start(
                actor=actor,
                school_id=school_id,
                pupil_id=nudge.pupil_id,
                guardian_ids=[nudge.guardian_id],
                subject=_("This week for %(child)s") % {"child": nudge.pupil.first_name},
                body=nudge.body,
                kind=ConversationKind.NUDGE,
            )[0]
    except (ContactRestricted, Refused):
        return False
    message = Message.objects.filter(conversation=conversation).first()
    nudge.message = message
    _add_opt_out_link(message, nudge, getattr(settings, "SITE_URL", "").rstrip("/"))
    return True


def nudge_decide(*, actor: Actor, batch: NudgeBatch, nudge_id: int, send: bool) -> bool:
    """A summary held back from an approved batch: send it now, or skip it. The batch and the
    summary are locked and the summary's state decides, so a second tab does nothing twice.
    Returns whether it went."""
    with transaction.atomic():
        locked = policy_for(NudgeBatch).get(
            actor, pk=batch.pk, action=APPROVE, queryset=NudgeBatch.objects.select_for_update()
        )
        if locked.status != NudgeBatchStatus.APPROVED:
            raise Invalid(_("Approve the rest of the week's summaries first."))
        nudge = (
            Nudge.objects.select_for_update()
            .select_related("guardian", "pupil")
            .filter(batch=locked, pk=nudge_id)
            .first()
        )
        if nudge is None:
            raise Invalid(_("That summary is not in this week's batch."))
        if nudge.message_id is not None or not nudge.held:
            raise AlreadyDone(_("That summary was already dealt with."), url=batch_url(locked))
        went = send and _send(actor, locked.school_id, nudge)
        nudge.held = False
        nudge.skipped = not went
        nudge.save(update_fields=["message", "held", "skipped"])
        audit_record(
            actor=actor,
            action="messaging.nudge_sent" if went else "messaging.nudge_skipped",
            target=locked,
            detail={"nudge_id": nudge.pk},
        )
    return went


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
    """The day in the language the summary is being written in."""
    return weekday_for_family(dt.date.fromisoformat(iso), translation.get_language() or "en")
