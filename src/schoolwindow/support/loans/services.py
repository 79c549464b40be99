"""Writes on kit and loans. Each service checks, locks what it checks, writes, audits and says
where the result is, in one transaction (docs/architecture.md, "Writes, reads and errors")."""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import (
    IMPORT_LOAN_INVENTORY,
    MANAGE_LOANS,
    OVERRIDE_LOAN_CHARGE,
)
from schoolwindow.core.errors import Invalid, Refused
from schoolwindow.core.once import AlreadyDone, once_claim, once_done
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.messaging import api as messaging
from schoolwindow.people.contact import guardians_contactable
from schoolwindow.people.models import Guardian, Pupil
from schoolwindow.support.loans.agreements import agreement_for, default_agreement
from schoolwindow.support.loans.models import (
    CONNECTIVITY,
    DAMAGE,
    AgreementTemplate,
    Condition,
    EventKind,
    Item,
    ItemEvent,
    ItemPhoto,
    ItemStatus,
    Kind,
    Loan,
    PhotoStage,
)
from schoolwindow.support.loans.photos import photo_clean
from schoolwindow.support.loans.policies import ACCEPT, MANAGE

# Not more than one reminder to sign an agreement, or about an overdue item, in this many days.
REMINDER_GAP_DAYS = 3
# How long after a loan another member of staff is told it happened "a moment ago".
MOMENT = dt.timedelta(minutes=10)


class AlreadyLent(Invalid):
    """The item is out on another loan: the one clear refusal a racing second lender gets."""


def actor_label(actor: Actor) -> str:
    if actor.user is None:
        return f"system ({actor.system_label})" if actor.system_label else "system"
    return actor.user.get_full_name() or actor.user.username


def event_add(
    item: Item,
    kind: str,
    actor: Actor,
    *,
    loan: Loan | None = None,
    condition: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> ItemEvent:
    return ItemEvent.objects.create(
        school_id=item.school_id,
        item=item,
        loan=loan,
        pupil_id=loan.pupil_id if loan is not None else None,
        kind=kind,
        at=at or timezone.now(),
        by_label=actor_label(actor)[:200],
        condition=condition,
        note=note,
    )


def tag_clean(raw: str) -> str:
    """Asset tags are compared as written on the label: trimmed, upper case."""
    return " ".join(raw.split()).upper()


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def item_url(item: Item) -> str:
    """The item's page as a phone camera opens it from the QR label."""
    return site_url(reverse("loans:item_detail", kwargs={"item_id": item.pk}))


# --- The inventory -----------------------------------------------------------------------------


def item_create(
    *,
    actor: Actor,
    school_id: int,
    asset_tag: str,
    kind: str,
    model_name: str = "",
    serial: str = "",
    condition: str = Condition.GOOD,
    data_plan: str = "",
    expires_on: dt.date | None = None,
    notes: str = "",
    once: uuid.UUID | None = None,
) -> Item:
    actor.require(MANAGE_LOANS, school_id)
    tag = tag_clean(asset_tag)
    if not tag:
        raise Invalid(_("Enter the asset tag written on the item."), field="asset_tag")
    if kind not in Kind.values:
        raise Invalid(_("Choose what kind of item this is."), field="kind")
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("This item was already added."))
        if Item.objects.filter(school_id=school_id, asset_tag=tag).exists():
            raise Invalid(
                _("Another item already has the tag %(tag)s.") % {"tag": tag}, field="asset_tag"
            )
        item = Item.objects.create(
            school_id=school_id,
            asset_tag=tag,
            kind=kind,
            model_name=model_name.strip(),
            serial=serial.strip(),
            condition=condition,
            data_plan=data_plan.strip(),
            expires_on=expires_on,
            notes=notes.strip(),
        )
        event_add(item, EventKind.ADDED, actor, condition=condition)
        audit_record(actor=actor, action="loans.item_added", target=item)
        once_done(claim, reverse("loans:item_detail", kwargs={"item_id": item.pk}))
    return item


def item_lock(actor: Actor, item_id: int) -> Item:
    """The item, locked for this transaction, if the actor may manage it."""
    policy_for(Item).get(actor, pk=item_id, action=MANAGE)
    return Item.objects.select_for_update().get(pk=item_id)


def item_update(
    *,
    actor: Actor,
    item_id: int,
    model_name: str,
    serial: str,
    condition: str,
    data_plan: str = "",
    expires_on: dt.date | None = None,
    notes: str = "",
) -> Item:
    """Correct an item's details (its tag and kind stay: the label and the agreement hang on
    them). Only dongles and SIM cards keep a data plan and an expiry date."""
    if condition not in Condition.values:
        raise Invalid(_("Choose the item's condition."), field="condition")
    with transaction.atomic():
        item = item_lock(actor, item_id)
        if item.kind not in CONNECTIVITY and (data_plan.strip() or expires_on):
            raise Invalid(
                _("Only dongles and SIM cards have a data plan and an expiry date."),
                field="data_plan",
            )
        wanted = {
            "model_name": model_name.strip(),
            "serial": serial.strip(),
            "condition": condition,
            "data_plan": data_plan.strip(),
            "expires_on": expires_on,
            "notes": notes.strip(),
        }
        changed = sorted(name for name, value in wanted.items() if getattr(item, name) != value)
        if not changed:
            return item
        for name in changed:
            setattr(item, name, wanted[name])
        item.save(update_fields=[*changed, "updated_at"])
        event_add(
            item,
            EventKind.EDITED,
            actor,
            condition=condition if "condition" in changed else "",
        )
        audit_record(
            actor=actor, action="loans.item_edited", target=item, detail={"changed": changed}
        )
    return item


def item_status_set(*, actor: Actor, item_id: int, status: str, note: str = "") -> Item:
    if status not in ItemStatus.values or status == ItemStatus.ON_LOAN:
        raise Invalid(_("Choose a status."), field="status")
    with transaction.atomic():
        item = item_lock(actor, item_id)
        if item.status == ItemStatus.ON_LOAN:
            raise Invalid(_("This item is out on loan. Take it back first."), field="status")
        if item.status == status:
            return item
        before = item.status
        item.status = status
        item.save(update_fields=["status", "updated_at"])
        event_add(item, EventKind.STATUS, actor, note=note.strip())
        audit_record(
            actor=actor,
            action="loans.item_status",
            target=item,
            detail={"from": before, "to": status},
        )
    return item


def photo_store(
    *,
    actor: Actor,
    item: Item,
    upload: UploadedFile[bytes],
    stage: str,
    loan: Loan | None = None,
    field: str = "photo",
) -> ItemPhoto:
    """Write a cleaned photo in the caller's transaction."""
    content = photo_clean(upload, field=field)
    return ItemPhoto.objects.create(
        school_id=item.school_id,
        item=item,
        loan=loan,
        stage=stage,
        image=content,
        taken_by_id=actor.staff_ids.get(item.school_id),
    )


def item_photo_add(*, actor: Actor, item_id: int, upload: UploadedFile[bytes]) -> ItemPhoto:
    with transaction.atomic():
        item = item_lock(actor, item_id)
        photo = photo_store(actor=actor, item=item, upload=upload, stage=PhotoStage.ITEM)
        event_add(item, EventKind.PHOTO, actor)
        audit_record(actor=actor, action="loans.photo_added", target=item)
    return photo


# --- Lending -----------------------------------------------------------------------------------

LENT_JUST_NOW = {
    Kind.LAPTOP: lambda: _("This laptop was lent to %(name)s a moment ago."),
    Kind.TABLET: lambda: _("This tablet was lent to %(name)s a moment ago."),
    Kind.DONGLE: lambda: _("This dongle was lent to %(name)s a moment ago."),
    Kind.SIM: lambda: _("This SIM card was lent to %(name)s a moment ago."),
    Kind.INSTRUMENT: lambda: _("This instrument was lent to %(name)s a moment ago."),
    Kind.OTHER: lambda: _("This item was lent to %(name)s a moment ago."),
}


def lent_refusal(item: Item) -> AlreadyLent:
    """What a second lender is told: who has the item, and since when."""
    open_loan = (
        Loan.objects.filter(item_id=item.pk, returned_at__isnull=True)
        .select_related("pupil")
        .first()
    )
    if open_loan is None:
        return AlreadyLent(
            _("%(tag)s is %(status)s, so it cannot be lent.")
            % {"tag": item.asset_tag, "status": item.get_status_display()},
            field="item",
        )
    name = open_loan.pupil.display_name
    if timezone.now() - open_loan.lent_at <= MOMENT:
        return AlreadyLent(LENT_JUST_NOW[Kind(item.kind)]() % {"name": name}, field="item")
    return AlreadyLent(
        _("%(tag)s is already out on loan to %(name)s, since %(date)s.")
        % {
            "tag": item.asset_tag,
            "name": name,
            "date": timezone.localtime(open_loan.lent_at).strftime("%d/%m/%Y"),
        },
        field="item",
    )


def loan_create(
    *,
    actor: Actor,
    item_id: int,
    pupil_id: int,
    due_on: dt.date,
    condition: str,
    notes: str = "",
    photo: UploadedFile[bytes] | None = None,
    once: uuid.UUID | None = None,
) -> Loan:
    """Lend an item to a pupil. Two staff lending the same item at once: the item's row lock
    (PostgreSQL) or the write lock (SQLite) queues the second, which then finds it on loan; the
    partial unique index `loan_one_open_per_item` is the last word if anything slips past."""
    pupil = policy_for(Pupil).get(actor, pk=pupil_id)
    if condition not in Condition.values:
        raise Invalid(_("Choose the item's condition as it is handed over."), field="condition")
    if due_on < timezone.localdate():
        raise Invalid(_("The date it is due back cannot be in the past."), field="due_on")
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("This loan was already recorded."))
        item = item_lock(actor, item_id)
        if pupil.school_id != item.school_id:
            raise Invalid(_("This pupil is at another school."), field="pupil")
        if item.status != ItemStatus.AVAILABLE:
            raise lent_refusal(item)
        text, version = agreement_for(item.school_id, item.kind)
        now = timezone.now()
        try:
            with transaction.atomic():
                loan = Loan.objects.create(
                    school_id=item.school_id,
                    item=item,
                    pupil=pupil,
                    lent_by_id=actor.staff_ids.get(item.school_id),
                    lent_at=now,
                    due_on=due_on,
                    condition_out=condition,
                    notes_out=notes.strip(),
                    agreement_text=text,
                    agreement_version=version,
                )
        except IntegrityError:
            raise lent_refusal(item) from None
        item.status = ItemStatus.ON_LOAN
        item.condition = condition
        item.save(update_fields=["status", "condition", "updated_at"])
        if photo is not None:
            photo_store(actor=actor, item=item, upload=photo, stage=PhotoStage.OUT, loan=loan)
        event_add(item, EventKind.LENT, actor, loan=loan, condition=condition, note=notes.strip())
        audit_record(
            actor=actor,
            action="loans.lent",
            target=loan,
            detail={"item": item.asset_tag, "due_on": due_on.isoformat()},
        )
        if agreement_request(actor=actor, loan=loan, item=item):
            loan.agreement_reminded_at = now
            loan.save(update_fields=["agreement_reminded_at"])
        once_done(claim, reverse("loans:loan_detail", kwargs={"loan_id": loan.pk}))
    return loan


def family_write(
    *,
    actor: Actor,
    loan: Loan,
    subject: str,
    body: str,
    conversation: bool = False,
) -> int | None:
    """Write to the pupil's family through messaging, in the caller's transaction. Returns the
    conversation's id, or None when no one may be contacted (or messaging refused): the loan
    itself stands either way, and the page says the family was not told."""
    if not guardians_contactable(school_id=loan.school_id, pupil_id=loan.pupil_id).exists():
        return None
    try:
        with transaction.atomic():
            if conversation:
                started = messaging.conversation_start(
                    actor=actor,
                    school_id=loan.school_id,
                    pupil_id=loan.pupil_id,
                    subject=subject,
                    body=body,
                    needs_reply=True,
                )
                return int(started.pk)
            message = messaging.family_message_queue(
                actor=actor,
                school_id=loan.school_id,
                pupil_id=loan.pupil_id,
                subject=subject,
                body=body,
            )
            return int(message.conversation_id)
    except (PermissionDenied, ValueError):
        return None


def agreement_request(*, actor: Actor, loan: Loan, item: Item) -> bool:
    link = site_url(reverse("loans:my_loan", kwargs={"loan_id": loan.pk}))
    body = _(
        "We have lent %(pupil)s a %(kind)s (%(tag)s), due back on %(due)s. Please read the loan "
        "agreement and accept it here: %(link)s"
    ) % {
        "pupil": loan.pupil.first_name,
        "kind": item.get_kind_display().lower(),
        "tag": item.asset_tag,
        "due": loan.due_on.strftime("%d/%m/%Y"),
        "link": link,
    }
    return (
        family_write(actor=actor, loan=loan, subject=_("A loan from school"), body=body) is not None
    )


def loan_lock(actor: Actor, loan_id: int, action: str = MANAGE) -> Loan:
    policy_for(Loan).get(actor, pk=loan_id, action=action)
    return Loan.objects.select_for_update().select_related("item", "pupil").get(pk=loan_id)


# --- The agreement -----------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case, accents and punctuation away: 'Żaneta O'Brien' ~ 'zaneta obrien'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(ch for ch in decomposed if ch.isalnum() or ch.isspace())
    return " ".join(kept.replace("ł", "l").split())


def name_matches(typed: str, guardian: Guardian) -> bool:
    """A typed signature matches reasonably when it holds the guardian's first or last name
    (families type "Maria K", "M. Kowalska", or a married name we hold as the first)."""
    words = set(fold(typed).split())
    names = set(fold(guardian.first_name).split()) | set(fold(guardian.last_name).split())
    return bool(words & names)


def shown_agreement(loan: Loan) -> str:
    """The agreement as the family is shown it: the standard text in the page's language
    until they accept (then what they accepted), a school's own text as the school wrote it."""
    if loan.agreement_version == 0 and not loan.agreement_settled:
        return default_agreement(loan.item.kind)
    return loan.agreement_text


def loan_agreement_accept(*, actor: Actor, loan_id: int, typed_name: str, agreed: bool) -> Loan:
    if actor.guardian_id is None:
        raise Refused
    typed = typed_name.strip()
    if not agreed:
        raise Invalid(_("Tick the box to say you accept the agreement."), field="agreed")
    if not typed:
        raise Invalid(_("Type your full name to sign."), field="typed_name")
    guardian = Guardian.objects.get(pk=actor.guardian_id)
    if not name_matches(typed, guardian):
        raise Invalid(
            _("Type your own name as the school has it (%(name)s).")
            % {"name": f"{guardian.first_name} {guardian.last_name}"},
            field="typed_name",
        )
    with transaction.atomic():
        loan = loan_lock(actor, loan_id, ACCEPT)
        if loan.agreement_settled:
            raise AlreadyDone(_("This agreement was already accepted."))
        if loan.agreement_version == 0:
            # The standard agreement is accepted in the language the parent read it in (the
            # page's); a school's own text (version 1 and on) is its own words, as written.
            loan.agreement_text = shown_agreement(loan)
        loan.accepted_at = timezone.now()
        # Exactly what was typed, spaces and all: it is the signature.
        loan.accepted_name = typed_name[:200]
        loan.accepted_by = guardian
        loan.save(update_fields=["accepted_at", "accepted_name", "accepted_by", "agreement_text"])
        event_add(loan.item, EventKind.AGREED, actor, loan=loan, note=typed[:200])
        audit_record(
            actor=actor,
            action="loans.agreement_accepted",
            target=loan,
            detail={
                "typed_name": typed_name[:200],
                "version": loan.agreement_version,
                "text_sha256": hashlib.sha256(loan.agreement_text.encode()).hexdigest(),
            },
        )
    return loan


def loan_agreement_paper(*, actor: Actor, loan_id: int, signed_on: dt.date) -> Loan:
    if signed_on > timezone.localdate():
        raise Invalid(_("The date it was signed cannot be in the future."), field="signed_on")
    with transaction.atomic():
        loan = loan_lock(actor, loan_id)
        if loan.agreement_settled:
            raise AlreadyDone(_("This agreement was already accepted."))
        if signed_on < timezone.localdate(loan.lent_at) - dt.timedelta(days=7):
            raise Invalid(
                _("The date it was signed is long before the item was lent."), field="signed_on"
            )
        loan.paper_signed_on = signed_on
        loan.paper_recorded_by_id = actor.staff_ids.get(loan.school_id)
        loan.save(update_fields=["paper_signed_on", "paper_recorded_by"])
        event_add(loan.item, EventKind.AGREED, actor, loan=loan, note=_("signed on paper"))
        audit_record(
            actor=actor,
            action="loans.agreement_paper",
            target=loan,
            detail={"signed_on": signed_on.isoformat()},
        )
    return loan


def reminder_gap_left(last: dt.datetime | None, now: dt.datetime) -> dt.date | None:
    """The day the next reminder may go, or None if it may go now."""
    if last is None:
        return None
    allowed = timezone.localdate(last) + dt.timedelta(days=REMINDER_GAP_DAYS)
    return allowed if timezone.localdate(now) < allowed else None


def loan_agreement_remind(*, actor: Actor, loan_id: int) -> Loan:
    """Remind the family to accept the agreement: counted, and not more than one every
    REMINDER_GAP_DAYS days, however many staff press the button."""
    now = timezone.now()
    with transaction.atomic():
        loan = loan_lock(actor, loan_id)
        if not loan.is_open or loan.agreement_settled:
            raise Invalid(_("This family has nothing left to sign."))
        next_day = reminder_gap_left(loan.agreement_reminded_at, now)
        if next_day is not None:
            raise Invalid(
                _("The family was reminded recently. The next reminder can go on %(day)s.")
                % {"day": next_day.strftime("%d/%m/%Y")}
            )
        if not agreement_reminder_send(actor=actor, loan=loan, now=now):
            raise Invalid(_("Nobody in this family can be contacted, so no reminder was sent."))
        audit_record(
            actor=actor,
            action="loans.agreement_reminded",
            target=loan,
            detail={"count": loan.agreement_reminders},
        )
    return loan


def agreement_reminder_send(*, actor: Actor, loan: Loan, now: dt.datetime) -> bool:
    link = site_url(reverse("loans:my_loan", kwargs={"loan_id": loan.pk}))
    body = _(
        "A reminder: please read and accept the agreement for the %(kind)s we lent %(pupil)s "
        "(%(tag)s): %(link)s . If you would rather sign on paper, ask the school office."
    ) % {
        "kind": loan.item.get_kind_display().lower(),
        "pupil": loan.pupil.first_name,
        "tag": loan.item.asset_tag,
        "link": link,
    }
    sent = family_write(
        actor=actor, loan=loan, subject=_("The loan agreement is waiting"), body=body
    )
    if sent is None:
        return False
    loan.agreement_reminders += 1
    loan.agreement_reminded_at = now
    loan.save(update_fields=["agreement_reminders", "agreement_reminded_at"])
    return True


def overdue_reminder_send(*, actor: Actor, loan: Loan, today: dt.date) -> bool:
    body = _(
        "The %(kind)s we lent %(pupil)s (%(tag)s) was due back on %(due)s. Please bring it to "
        "the school office, or reply to tell us when you can. If there is a problem, tell us: "
        "we will help."
    ) % {
        "kind": loan.item.get_kind_display().lower(),
        "pupil": loan.pupil.first_name,
        "tag": loan.item.asset_tag,
        "due": loan.due_on.strftime("%d/%m/%Y"),
    }
    sent = family_write(actor=actor, loan=loan, subject=_("A loan is due back"), body=body)
    if sent is None:
        return False
    loan.overdue_reminders += 1
    loan.overdue_reminded_on = today
    loan.save(update_fields=["overdue_reminders", "overdue_reminded_on"])
    return True


# --- Taking it back ----------------------------------------------------------------------------


def loan_return(
    *,
    actor: Actor,
    loan_id: int,
    condition: str,
    notes: str = "",
    photos: list[UploadedFile[bytes]] | None = None,
) -> Loan:
    """Take an item back with a condition check. Damage is reported to the family as a
    conversation they can answer; the item goes for repair."""
    if condition not in Condition.values:
        raise Invalid(_("Choose the condition the item came back in."), field="condition")
    with transaction.atomic():
        loan = loan_lock(actor, loan_id)
        if not loan.is_open:
            raise AlreadyDone(
                _("This item was already taken back."),
                url=reverse("loans:loan_detail", kwargs={"loan_id": loan.pk}),
            )
        item = Item.objects.select_for_update().get(pk=loan.item_id)
        loan.returned_at = timezone.now()
        loan.returned_to_id = actor.staff_ids.get(loan.school_id)
        loan.condition_in = condition
        loan.notes_in = notes.strip()
        for upload in photos or []:
            photo_store(actor=actor, item=item, upload=upload, stage=PhotoStage.BACK, loan=loan)
        damaged = condition in DAMAGE
        item.status = ItemStatus.IN_REPAIR if damaged else ItemStatus.AVAILABLE
        item.condition = condition
        item.save(update_fields=["status", "condition", "updated_at"])
        event_add(item, EventKind.RETURNED, actor, loan=loan, condition=condition, note=notes)
        if damaged:
            loan.damage_conversation_id = damage_report(actor=actor, loan=loan, item=item)
            event_add(
                item,
                EventKind.DAMAGE,
                actor,
                loan=loan,
                note=""
                if loan.damage_conversation_id
                else _("no one in the family can be contacted"),
            )
        loan.save()
        audit_record(
            actor=actor,
            action="loans.returned",
            target=loan,
            detail={"condition": condition, "family_told": bool(loan.damage_conversation_id)},
        )
    return loan


def damage_report(*, actor: Actor, loan: Loan, item: Item) -> int | None:
    body = _(
        "The %(kind)s %(pupil)s borrowed (%(tag)s) came back %(condition)s. %(notes)s"
        "Nobody is in trouble: accidents happen. If you can tell us what happened, please "
        "reply here, so we can put it right and keep %(pupil)s learning."
    ) % {
        "kind": item.get_kind_display().lower(),
        "pupil": loan.pupil.first_name,
        "tag": item.asset_tag,
        "condition": Condition(loan.condition_in).label,
        "notes": f"{loan.notes_in} " if loan.notes_in else "",
    }
    return family_write(
        actor=actor,
        loan=loan,
        subject=_("About the %(kind)s we lent") % {"kind": item.get_kind_display().lower()},
        body=body,
        conversation=True,
    )


def pupil_is_disadvantaged(pupil: Pupil) -> bool:
    return pupil.disadvantaged or pupil.pupil_premium


def loan_charge_set(*, actor: Actor, loan_id: int, pence: int, override_reason: str = "") -> Loan:
    """Record a charge for damage. A disadvantaged family is never charged unless a leader
    overrides it, and the override is audited with its reason."""
    if pence <= 0:
        raise Invalid(_("Enter an amount above zero."), field="amount")
    reason = override_reason.strip()
    with transaction.atomic():
        loan = loan_lock(actor, loan_id)
        if loan.is_open or loan.condition_in not in DAMAGE:
            raise Invalid(_("Only damage found when an item comes back can be charged."))
        overriding = pupil_is_disadvantaged(loan.pupil)
        if overriding:
            if not actor.can(OVERRIDE_LOAN_CHARGE, loan.school_id):
                raise Refused(
                    _(
                        "This family is not charged: %(name)s is disadvantaged. Only a school "
                        "leader may decide otherwise, with a reason."
                    )
                    % {"name": loan.pupil.first_name}
                )
            if not reason:
                raise Invalid(
                    _("Say why this family is charged although the pupil is disadvantaged."),
                    field="override_reason",
                )
        loan.charge_pence = pence
        loan.charge_override_reason = reason if overriding else ""
        loan.save(update_fields=["charge_pence", "charge_override_reason"])
        event_add(loan.item, EventKind.CHARGE, actor, loan=loan, note=f"£{pence / 100:.2f}")
        audit_record(
            actor=actor,
            action="loans.charge_override" if overriding else "loans.charge",
            target=loan,
            detail={"pence": pence, "reason": reason} if overriding else {"pence": pence},
        )
    return loan


# --- The school's agreements -------------------------------------------------------------------


def agreement_template_save(
    *, actor: Actor, school_id: int, kind: str, text: str
) -> AgreementTemplate:
    actor.require(IMPORT_LOAN_INVENTORY, school_id)
    text = text.strip()
    if kind not in Kind.values:
        raise Invalid(_("Choose what kind of item this is."), field="kind")
    if len(text) < 20:
        raise Invalid(_("Write the agreement: a few sentences at least."), field="text")
    with transaction.atomic():
        template = (
            AgreementTemplate.objects.select_for_update()
            .filter(school_id=school_id, kind=kind)
            .first()
        )
        if template is None:
            template = AgreementTemplate.objects.create(
                school_id=school_id,
                kind=kind,
                text=text,
                version=1,
                updated_by_id=actor.staff_ids.get(school_id),
            )
        elif template.text != text:
            template.text = text
            template.version += 1
            template.updated_by_id = actor.staff_ids.get(school_id)
            template.save()
        else:
            return template
        audit_record(
            actor=actor,
            action="loans.agreement_edited",
            school_id=school_id,
            target=template,
            detail={"kind": kind, "version": template.version},
        )
    return template
