"""What a parent still has to do about events and evenings, across all their children, in a
fixed number of queries: evenings open for booking with a child still to book, and invitations
not answered."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.core.panels import ParentHomeSubject, WaitingItem
from schoolwindow.core.permissions import Actor
from schoolwindow.people.models import Pupil
from schoolwindow.portal.events.models import Appointment, AppointmentStatus, Evening, Event, Rsvp
from schoolwindow.portal.events.policies import event_audience

SOON = 60  # days ahead an invitation is worth answering on the home page


def waiting_for_parent(actor: Actor, subject: ParentHomeSubject) -> list[WaitingItem]:
    now = timezone.now()
    children = [child.pk for child in subject.children]
    if not children:
        return []
    pupils = Pupil.objects.filter(pk__in=children)
    items: list[WaitingItem] = []
    # Evenings open now, for a year one of the children is in.
    years = {child.year_group_id: child for child in subject.children if child.year_group_id}
    through = Evening.year_groups.through.objects.filter(yeargroup_id__in=list(years))
    evenings = (
        Evening.objects.filter(
            pk__in=through.values("evening_id"),
            cancelled=False,
            opens_at__lte=now,
            date__gte=subject.today,
        )
        .prefetch_related("year_groups")
        .order_by("date")[:5]
    )
    booked = set(
        Appointment.objects.filter(
            evening__in=[evening.pk for evening in evenings],
            pupil_id__in=children,
            status=AppointmentStatus.BOOKED,
        ).values_list("evening_id", "pupil_id")
    )
    for evening in evenings:
        closes = dt.datetime.combine(
            evening.date, evening.starts, tzinfo=timezone.get_current_timezone()
        )
        closes -= dt.timedelta(minutes=evening.close_minutes)
        if closes <= now:
            continue
        for year in evening.year_groups.all():
            child = years.get(year.pk)
            if (
                child is None
                or child.school_id != evening.school_id
                or (evening.pk, child.pk) in booked
            ):
                continue
            items.append(
                WaitingItem(
                    text=_("Book your appointments for %(evening)s by %(date)s")
                    % {
                        "evening": evening.title,
                        "date": timezone.localtime(closes).strftime("%d.%m.%Y"),
                    },
                    url=reverse("portal_events:family_evening", kwargs={"evening_id": evening.pk})
                    + f"?child={child.pk}",
                    pupil_id=child.pk,
                    due=timezone.localtime(closes).date(),
                    action=_("Book"),
                )
            )
    answered = Rsvp.objects.filter(event=OuterRef("pk"), guardian_id=subject.guardian_id)
    events = (
        Event.objects.filter(event_audience(pupils), cancelled=False, starts_at__gte=now)
        .filter(starts_at__lte=now + dt.timedelta(days=SOON))
        .exclude(Exists(answered))
        .order_by("starts_at")[:5]
    )
    for event in events:
        items.append(
            WaitingItem(
                text=_("Reply to the invitation to %(event)s") % {"event": event.title},
                url=reverse("portal_events:family_event", kwargs={"event_id": event.pk}),
                due=timezone.localtime(event.starts_at).date(),
                action=_("Reply"),
            )
        )
    return items
