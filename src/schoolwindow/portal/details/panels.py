"""What details contributes to pages other apps own: the parent's home (a reminder to check,
and a section while something waits for the office), the staff home (medical notes to read, for
the named staff) and the pupil page (dietary notes; medical notes only for staff who may)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.core.capabilities import DETAILS_REVIEW, DETAILS_SEE_MEDICAL
from schoolwindow.core.panels import HOME_TOP, ParentHomeSubject, WaitingItem
from schoolwindow.core.permissions import Actor
from schoolwindow.portal.details import selectors
from schoolwindow.portal.details.models import ChangeStatus, DetailsChange

RECENT = dt.timedelta(days=14)


def parent_waiting(actor: Actor, subject: ParentHomeSubject) -> list[WaitingItem]:
    """ "Check your details for <child>" when the school's round is due (never checked, or not
    within the school's period); nothing otherwise."""
    due = selectors.children_due_a_check(
        guardian_id=subject.guardian_id, children=list(subject.children), today=subject.today
    )
    url = reverse("portal_details:family")
    return [
        WaitingItem(
            text=_("Check your details for %(name)s") % {"name": child.display_name},
            url=f"{url}?child={child.pk}",
            pupil_id=child.pk,
            action=_("Check"),
        )
        for child in due
    ]


def parent_home_section(actor: Actor, subject: ParentHomeSubject) -> dict[str, Any] | None:
    """Shown only while a change waits for the office or was decided in the last two weeks."""
    since = timezone.now() - RECENT
    rows = list(
        DetailsChange.objects.filter(guardian_id=subject.guardian_id)
        .filter(Q(pupil__isnull=True) | Q(pupil_id=subject.child.pk))
        .filter(
            Q(status=ChangeStatus.WAITING)
            | Q(status__in=[ChangeStatus.ACCEPTED, ChangeStatus.REJECTED], decided_at__gte=since)
        )
        .order_by("-created_at", "-id")[:3]
    )
    if not rows:
        return None
    url = f"{reverse('portal_details:family')}?child={subject.child.pk}"
    return {"rows": rows, "url": url}


def home_details_waiting(actor: Actor, today: dt.date) -> dict[str, Any] | None:
    """For the office: how many changes families sent are waiting, the oldest first."""
    if not actor.is_staff_member or not actor.can_anywhere(DETAILS_REVIEW):
        return None
    found = selectors.office_queue(actor=actor)
    changes = list(found[:HOME_TOP])
    if not changes:
        return None
    count = found.count() if len(changes) == HOME_TOP else len(changes)
    return {"changes": changes, "count": count}


def home_medical_alerts(actor: Actor, today: dt.date) -> dict[str, Any] | None:
    if not actor.is_staff_member or not actor.can_anywhere(DETAILS_SEE_MEDICAL):
        return None
    found = selectors.alerts_unread(actor=actor)
    alerts = list(found[:HOME_TOP])
    if not alerts:
        return None
    count = found.count() if len(alerts) == HOME_TOP else len(alerts)
    return {"alerts": alerts, "count": count}


def pupil_details_panel(actor: Actor, pupil: Any) -> dict[str, Any] | None:
    """The notes the family gave (no query: they are on the pupil the page loaded). Medical
    notes only for staff who may see them; when the family last checked is on the office's
    list of confirmations."""
    medical = selectors.sees_medical(actor, pupil.school_id)
    if not (pupil.dietary_notes or (medical and pupil.medical_notes)):
        return None
    return {"pupil": pupil, "sees_medical": medical}
