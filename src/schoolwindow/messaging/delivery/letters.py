"""Letters for families with no working channel: one printable PDF of every copy waiting.

Each letter is one A4 page in the family's language (right to left where the language is), with
the school's name, the date, the guardian's name and address and how to reply. Printing marks the
copies printed, in one transaction with its audit record, so a letter is printed once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import PRINT_LETTERS
from schoolwindow.core.permissions import Actor
from schoolwindow.messaging.delivery.services import family_signal_sync
from schoolwindow.messaging.models import Delivery, DeliveryStatus
from schoolwindow.messaging.translation.services import base_language, is_rtl
from schoolwindow.schools.models import School

# Who may print letters and see the families we can't reach.
# Interface languages with translations of the letter's fixed lines.
TRANSLATED_UI = {"pl"}


@dataclass(frozen=True)
class Letter:
    delivery: Delivery
    language: str
    rtl: bool
    reply_line: str
    greeting: str
    # The language of the fixed lines (the greeting, how to reply): the family's when the
    # interface is translated into it, English otherwise.
    fixed_language: str


def letters_waiting(school_id: int) -> list[Delivery]:
    return list(
        Delivery.objects.filter(school_id=school_id, status=DeliveryStatus.LETTER)
        .select_related("guardian", "pupil", "message")
        .order_by("guardian__last_name", "guardian__first_name", "guardian_id", "id")
    )


def letters_count(school_id: int) -> int:
    return Delivery.objects.filter(school_id=school_id, status=DeliveryStatus.LETTER).count()


def _fixed_lines(language: str) -> tuple[str, str, str]:
    ui = language if language in TRANSLATED_UI else "en-gb"
    with translation.override(ui):
        return (
            _("Please reply by calling the school office or in School Window."),
            _("Dear %(name)s,"),
            base_language(ui),
        )


def letters_html(school: School, deliveries: list[Delivery]) -> str:
    letters = []
    for delivery in deliveries:
        language = base_language(delivery.language)
        reply_line, greeting, fixed_language = _fixed_lines(language)
        name = delivery.guardian.display_name if delivery.guardian else ""
        letters.append(
            Letter(
                delivery=delivery,
                language=language,
                rtl=is_rtl(language),
                reply_line=reply_line,
                greeting=greeting % {"name": name},
                fixed_language=fixed_language,
            )
        )
    return render_to_string(
        "messaging/delivery/letters_pdf.html",
        {"school": school, "letters": letters, "today": timezone.localdate()},
    )


def letters_pdf(school: School, deliveries: list[Delivery]) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=letters_html(school, deliveries)).write_pdf()
    return pdf


def letters_print(*, actor: Actor, school_id: int) -> tuple[bytes, int]:
    """The PDF of every letter waiting, which are then marked printed (audited).

    Returns the PDF and how many letters it holds; no letters → PermissionDenied is not raised,
    the caller checks the count first.
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
        deliveries = (
            list(
                Delivery.objects.filter(pk__in=waiting)
                .select_related("guardian", "pupil", "message")
                .order_by("guardian__last_name", "guardian__first_name", "guardian_id", "id")
            )
            if waiting
            else []
        )
        if not deliveries:
            return b"", 0
        pdf = letters_pdf(school, deliveries)
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
    return pdf, len(deliveries)
