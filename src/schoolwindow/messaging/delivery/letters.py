"""Letters for families with no working channel: one printable PDF of every copy waiting.

Each letter is one A4 page in the family's language (right to left where the language is): the
school's name, postal address and phone; the date in the family's language; the guardian's name
and postal address with the postcode; one greeting; the message; how to reply.

Downloading the PDF does not post anything: the letters stay waiting (marked downloaded) until
someone says they were posted, which marks exactly the letters downloaded before that page was
drawn as printed, in one transaction with its audit record. A lost PDF can be downloaded again,
and a second "posted" (a double tap, a second tab) finds nothing left to mark.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import PRINT_LETTERS
from schoolwindow.core.once import AlreadyDone, once_claim, once_done
from schoolwindow.core.permissions import Actor
from schoolwindow.messaging.delivery.services import family_signal_sync
from schoolwindow.messaging.models import Delivery, DeliveryStatus
from schoolwindow.messaging.translation.services import base_language, date_for_family, is_rtl
from schoolwindow.schools.models import School

# Interface languages with translations of the letter's fixed lines.
TRANSLATED_UI = {"pl"}

# A message that opens with its own greeting ("Dear Parent/Carer,", "Szanowni Państwo,") is not
# given a second one: the first short line, starting with a greeting word of a phrasebook language.
_GREETING = re.compile(
    r"^\s*(dear|hello|hi|good (morning|afternoon|evening)|to the (parents?|famil|carers?)"
    r"|szanown|drodz|drog|witam|dzień dobry|stimat|dragă|dragi|bună"
    r"|عزيز|السلام|مرحب|محترم|پیارے|ਪਿਆਰੇ|ਸਤਿ ਸ੍ਰੀ|ਸਤਿ ਸ੍ਰੀ|প্রিয়|নমস্কার)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Letter:
    delivery: Delivery
    language: str
    rtl: bool
    reply_line: str
    greeting: str  # empty when the message brings its own
    phone_label: str
    address_lines: list[str]
    # The language of the fixed lines (the greeting, how to reply): the family's when the
    # interface is translated into it, English otherwise.
    fixed_language: str
    # The date, in the family's own language (Django knows month names in more languages than
    # our interface has, and their grammar: "5 grudnia", not "5 grudzień").
    date: str
    family_language: str
    family_rtl: bool


def opens_with_greeting(body: str) -> bool:
    first = next((line for line in body.splitlines() if line.strip()), "")
    return len(first) <= 80 and _GREETING.match(first) is not None


def letters_waiting(school_id: int) -> list[Delivery]:
    return list(
        Delivery.objects.filter(school_id=school_id, status=DeliveryStatus.LETTER)
        .select_related("guardian__household", "pupil", "message")
        .order_by("guardian__last_name", "guardian__first_name", "guardian_id", "id")
    )


def letters_count(school_id: int) -> int:
    """Letters waiting that nobody has downloaded yet."""
    return Delivery.objects.filter(
        school_id=school_id, status=DeliveryStatus.LETTER, letter_downloaded_at__isnull=True
    ).count()


def letters_downloaded_count(school_id: int) -> int:
    """Letters downloaded and not yet said to be posted."""
    return Delivery.objects.filter(
        school_id=school_id, status=DeliveryStatus.LETTER, letter_downloaded_at__isnull=False
    ).count()


def _fixed_lines(language: str, phone: str) -> tuple[str, str, str, str]:
    ui = language if language in TRANSLATED_UI else "en-gb"
    with translation.override(ui):
        reply = (
            _("Please reply by calling the school office on %(phone)s or in School Window.")
            % {"phone": phone}
            if phone
            else _("Please reply by calling the school office or in School Window.")
        )
        return reply, _("Dear %(name)s,"), _("Phone"), base_language(ui)


def letter_for(school: School, delivery: Delivery, today: dt.date) -> Letter:
    language = base_language(delivery.language)
    guardian = delivery.guardian
    # The frame is in the family's language even when the message could not be translated.
    family = base_language(guardian.preferred_language if guardian else language)
    reply_line, greeting, phone_label, fixed_language = _fixed_lines(family, school.phone)
    name = guardian.display_name if guardian else ""
    return Letter(
        delivery=delivery,
        language=language,
        rtl=is_rtl(language),
        reply_line=reply_line,
        greeting="" if opens_with_greeting(delivery.body) else greeting % {"name": name},
        phone_label=phone_label,
        address_lines=guardian.postal_lines if guardian else [],
        fixed_language=fixed_language,
        date=date_for_family(today, family),
        family_language=family,
        family_rtl=is_rtl(family),
    )


def letters_html(school: School, deliveries: list[Delivery]) -> str:
    today = timezone.localdate()
    letters = [letter_for(school, delivery, today) for delivery in deliveries]
    return render_to_string(
        "messaging/delivery/letters_pdf.html", {"school": school, "letters": letters}
    )


def letters_pdf(school: School, deliveries: list[Delivery]) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=letters_html(school, deliveries)).write_pdf()
    return pdf


def letters_download(*, actor: Actor, school_id: int) -> tuple[bytes, int]:
    """The PDF of every letter waiting (downloaded before or not), and how many it holds.

    The letters are marked downloaded, not printed: they are posted when someone says so
    (`letters_mark_posted`). No letters → (b"", 0); the caller says there are none.
    """
    if not actor.can(PRINT_LETTERS, school_id):
        raise PermissionDenied
    school = School.objects.get(pk=school_id)
    with transaction.atomic():
        waiting = list(
            Delivery.objects.select_for_update()
            .filter(school_id=school_id, status=DeliveryStatus.LETTER)
            .values_list("pk", flat=True)
        )
        if not waiting:
            return b"", 0
        deliveries = list(
            Delivery.objects.filter(pk__in=waiting)
            .select_related("guardian__household", "pupil", "message")
            .order_by("guardian__last_name", "guardian__first_name", "guardian_id", "id")
        )
        pdf = letters_pdf(school, deliveries)
        Delivery.objects.filter(pk__in=waiting, letter_downloaded_at__isnull=True).update(
            letter_downloaded_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="messaging.letters_downloaded",
            school_id=school_id,
            detail={"count": len(deliveries), "delivery_ids": waiting},
        )
    return pdf, len(deliveries)


def letters_mark_posted(
    *, actor: Actor, school_id: int, downloaded_by: dt.datetime, once: uuid.UUID | None = None
) -> int:
    """Mark the letters downloaded up to `downloaded_by` (when the page with the button was
    drawn) as printed and posted; a letter downloaded later is left for its own confirmation.

    AlreadyDone when there is nothing left to mark: the same form sent twice, or another tab.
    """
    if not actor.can(PRINT_LETTERS, school_id):
        raise PermissionDenied
    repeated = _("These letters were already marked as posted.")
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=repeated)
        deliveries = list(
            Delivery.objects.select_for_update().filter(
                school_id=school_id,
                status=DeliveryStatus.LETTER,
                letter_downloaded_at__isnull=False,
                letter_downloaded_at__lte=downloaded_by,
            )
        )
        if not deliveries:
            raise AlreadyDone(repeated)
        now = timezone.now()
        for delivery in deliveries:
            delivery.status = DeliveryStatus.PRINTED
            delivery.sent_at = delivery.sent_at or now
        Delivery.objects.bulk_update(deliveries, ["status", "sent_at"])
        family_signal_sync(deliveries)
        audit_record(
            actor=actor,
            action="messaging.letters_printed",
            school_id=school_id,
            detail={"count": len(deliveries), "delivery_ids": [d.pk for d in deliveries]},
        )
        once_done(claim, "")
    return len(deliveries)
