"""A member of staff's home visits as an iCalendar feed (RFC 5545), written by hand.

The writing itself (folding, escaping, UTC times, the calendar wrapper) is core/ical.py, shared
with the portal's feeds; this module says what a visit looks like in a calendar:

- each visit is one VEVENT whose UID (`visit-<id>@<site host>`) never changes, with the visit's
  SEQUENCE, raised by every change, so subscribed calendars replace their copy;
- a cancelled visit stays in the feed with STATUS:CANCELLED, so calendars remove it rather than
  keep a stale event; a visit the family declined is shown cancelled too (nobody goes);
- times are in UTC; DTSTAMP is when the visit last changed.

The SUMMARY says only "Home visit" and the family's initial; LOCATION is the home address,
which staff already see on the pupil page. No notes, no concern, nothing from the record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from schoolwindow.core.ical import CalendarEvent, escape_text, fold, site_host, utc
from schoolwindow.core.ical import calendar_text as write_calendar
from schoolwindow.support.visits.models import Agreement, HomeVisit, VisitStatus


def uid_of(visit: HomeVisit) -> str:
    return f"visit-{visit.pk}@{site_host()}"


def summary_of(visit: HomeVisit) -> str:
    name = visit.pupil.preferred_last_name or visit.pupil.legal_last_name
    initial = name[:1].upper()
    return _("Home visit (%(initial)s.)") % {"initial": initial} if initial else _("Home visit")


def status_of(visit: HomeVisit) -> str:
    if visit.status == VisitStatus.CANCELLED or (
        visit.status == VisitStatus.PLANNED and visit.agreement == Agreement.DECLINED
    ):
        return "CANCELLED"
    if visit.status == VisitStatus.PLANNED and visit.agreement == Agreement.NOT_YET:
        return "TENTATIVE"
    return "CONFIRMED"


def location_of(visit: HomeVisit) -> str:
    household = visit.household
    if household is None or not household.address.strip():
        return ""
    parts = [household.address.strip()]
    if household.postcode.strip():
        parts.append(household.postcode.strip())
    return ", ".join(parts)


def who_of(visit: HomeVisit) -> str:
    people = [visit.lead.display_name]
    if visit.second is not None:
        people.append(
            _("%(name)s (interpreting, %(language)s)")
            % {"name": visit.second.display_name, "language": visit.interpreter_language}
            if visit.second_interprets
            else visit.second.display_name
        )
    if visit.interpreter_name:
        people.append(
            _("%(name)s (interpreter, %(language)s)")
            % {"name": visit.interpreter_name, "language": visit.interpreter_language}
        )
    return _("Going: %(people)s") % {"people": "; ".join(people)}


def calendar_event(visit: HomeVisit) -> CalendarEvent:
    return CalendarEvent(
        uid=f"visit-{visit.pk}",
        sequence=visit.sequence,
        stamp=visit.updated_at,
        starts_at=visit.starts_at,
        ends_at=visit.starts_at + dt.timedelta(minutes=visit.duration_minutes),
        summary=summary_of(visit),
        status=status_of(visit),
        description=who_of(visit),
        location=location_of(visit),
        url=settings.SITE_URL + reverse("visits:visit", kwargs={"visit_id": visit.pk}),
    )


def calendar_text(visits: Iterable[HomeVisit]) -> str:
    return write_calendar(
        name=_("Home visits"),
        product="Home visits",
        events=(calendar_event(visit) for visit in visits),
    )


__all__ = ["calendar_text", "escape_text", "fold", "uid_of", "utc"]
