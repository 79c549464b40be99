"""The morning digest: each pastoral lead gets their school's new and worsening flags, each
advocate those of their caseload — on school days only, at most once a day, in their language.

What counts as news: a flag raised, given a new or worse reason, or back from snooze since the
previous school day (flags.py sets opened_on, worsened_on and woken_on). What a person was
already told (DigestSent.items) is not repeated. Teachers, office staff and families get
nothing. Nobody gets an empty email.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from schoolwindow.core.capabilities import MORNING_DIGEST
from schoolwindow.engagement.models import DigestSent, Flag, FlagStatus
from schoolwindow.engagement.rules import reason_text, risk_label
from schoolwindow.people.models import AdvocateAssignment, Staff, StaffRole
from schoolwindow.schools.calendar import school_days
from schoolwindow.schools.models import School

logger = logging.getLogger(__name__)
LOOK_BACK = dt.timedelta(days=28)


@dataclass(frozen=True)
class Change:
    flag: Flag
    kind: str  # "new", "worse" or "back"
    on: dt.date

    @property
    def key(self) -> str:
        return f"{self.flag.pk}:{self.kind}:{self.on.isoformat()}"


def change_of(flag: Flag, *, after: dt.date, on_date: dt.date) -> Change | None:
    """The latest thing that happened to the flag in (after, on_date], if any."""
    options = [
        (flag.opened_on, "new"),
        (flag.worsened_on, "worse"),
        (flag.woken_on, "back"),
    ]
    recent = [(day, kind) for day, kind in options if day is not None and after < day <= on_date]
    if not recent:
        return None
    day, kind = max(recent, key=lambda item: item[0])
    return Change(flag=flag, kind=kind, on=day)


def staff_email(staff: Staff) -> str:
    if staff.email:
        return staff.email
    user = staff.user
    return user.email if user is not None and user.is_active else ""


def staff_language(staff: Staff) -> str:
    user = staff.user
    return (user.language if user is not None else "") or settings.LANGUAGE_CODE


def digest_message(
    *, staff: Staff, school: School, changes: list[Change]
) -> EmailMultiAlternatives:
    """The email, written in the recipient's language."""
    with translation.override(staff_language(staff)):
        items = [
            {
                "name": change.flag.pupil.display_name,
                "year": change.flag.pupil.year_group.name if change.flag.pupil.year_group else "",
                "kind": {
                    "new": _("New on the list"),
                    "worse": _("New reason"),
                    "back": _("Back from snooze"),
                }[change.kind],
                "reasons": [
                    reason_text(reason)
                    for reason in change.flag.reasons
                    if reason.get("rule") != "risk" or change.flag.risk is None
                ],
                "risk": risk_label(change.flag.risk) if change.flag.risk is not None else "",
                "risk_reasons": list(change.flag.risk_reasons or [])[:3],
                "url": settings.SITE_URL
                + reverse("flag_detail", kwargs={"flag_id": change.flag.pk}),
            }
            for change in changes
        ]
        context = {
            "staff": staff,
            "school": school,
            "items": items,
            "watchlist_url": settings.SITE_URL + reverse("watchlist"),
        }
        subject = ngettext(
            "%(school)s: %(n)d pupil to look at this morning",
            "%(school)s: %(n)d pupils to look at this morning",
            len(items),
        ) % {"school": school.name, "n": len(items)}
        text = render_to_string("engagement/digest_email.txt", context)
        html = render_to_string("engagement/digest_email.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[staff_email(staff)]
    )
    message.attach_alternative(html, "text/html")
    return message


def school_digest_send(*, school: School, on_date: dt.date, previous: dt.date) -> int:
    flags = list(
        Flag.objects.filter(school=school, status=FlagStatus.OPEN)
        .filter(
            Q(opened_on__gt=previous, opened_on__lte=on_date)
            | Q(worsened_on__gt=previous, worsened_on__lte=on_date)
            | Q(woken_on__gt=previous, woken_on__lte=on_date)
        )
        .select_related("pupil", "pupil__year_group")
        .order_by("-severity", "pupil__legal_last_name", "pk")
    )
    changes = [c for c in (change_of(f, after=previous, on_date=on_date) for f in flags) if c]
    if not changes:
        return 0
    by_pupil = {change.flag.pupil_id: change for change in changes}
    pastoral = set(
        StaffRole.objects.filter(
            school=school, role__in=list(MORNING_DIGEST), staff__active=True
        ).values_list("staff_id", flat=True)
    )
    caseloads: dict[int, set[int]] = {}
    for staff_id, pupil_id in AdvocateAssignment.objects.filter(
        Q(ended__isnull=True) | Q(ended__gte=on_date),
        school=school,
        pupil_id__in=list(by_pupil),
        staff__active=True,
    ).values_list("staff_id", "pupil_id"):
        caseloads.setdefault(staff_id, set()).add(pupil_id)
    recipients = pastoral | set(caseloads)
    done = set(
        DigestSent.objects.filter(school=school, date=on_date).values_list("staff_id", flat=True)
    )
    told: dict[int, set[str]] = {}
    for staff_id, items in DigestSent.objects.filter(
        school=school, staff_id__in=list(recipients), date__gte=previous, date__lt=on_date
    ).values_list("staff_id", "items"):
        told.setdefault(staff_id, set()).update(items or [])
    sent = 0
    for staff in Staff.objects.filter(pk__in=list(recipients - done)).select_related("user"):
        if not staff_email(staff):
            continue
        mine = (
            changes
            if staff.pk in pastoral
            else [by_pupil[pid] for pid in caseloads.get(staff.pk, ()) if pid in by_pupil]
        )
        mine = [change for change in mine if change.key not in told.get(staff.pk, set())]
        if not mine:
            continue
        mine.sort(key=lambda change: changes.index(change))
        message = digest_message(staff=staff, school=school, changes=mine)
        try:
            record = DigestSent.objects.create(
                school=school,
                staff=staff,
                date=on_date,
                flag_count=len(mine),
                items=[change.key for change in mine],
            )
        except IntegrityError:
            continue  # another worker got there first
        try:
            message.send()
        except Exception:
            record.delete()  # so that a retry sends it
            logger.exception("digest to staff %s failed", staff.pk)
            continue
        sent += 1
    return sent


def digest_send(*, on_date: dt.date) -> int:
    """Send the morning digests for on_date. Returns how many emails went out."""
    sent = 0
    for school in School.objects.order_by("pk"):
        days = school_days(school_id=school.pk, start=on_date - LOOK_BACK, end=on_date)
        if not days or days[-1] != on_date:
            continue  # not a school day here
        previous = days[-2] if len(days) > 1 else on_date - dt.timedelta(days=1)
        sent += school_digest_send(school=school, on_date=on_date, previous=previous)
    return sent
