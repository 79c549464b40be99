"""A member of staff's home visits as an iCalendar feed (RFC 5545), written by hand.

Written here rather than through a library so the few rules a calendar client is strict about
are visible in one place:

- lines end in CRLF and are folded at 75 octets (a continuation line starts with one space,
  and a multi-byte character is never split);
- TEXT values escape backslash, semicolon, comma and newline;
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
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from schoolwindow.support.visits.models import Agreement, HomeVisit, VisitStatus

CRLF = "\r\n"
LIMIT = 75


def escape_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets (RFC 5545 §3.1)."""
    pieces: list[str] = []
    current = ""
    size = 0
    limit = LIMIT
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size = " ", 1
            limit = LIMIT
        current += char
        size += width
    pieces.append(current)
    return CRLF.join(pieces)


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "schoolwindow"


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


def event_lines(visit: HomeVisit) -> list[str]:
    ends = visit.starts_at + dt.timedelta(minutes=visit.duration_minutes)
    url = settings.SITE_URL + reverse("visits:visit", kwargs={"visit_id": visit.pk})
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid_of(visit)}",
        f"SEQUENCE:{visit.sequence}",
        f"DTSTAMP:{utc(visit.updated_at)}",
        f"DTSTART:{utc(visit.starts_at)}",
        f"DTEND:{utc(ends)}",
        f"SUMMARY:{escape_text(summary_of(visit))}",
        f"STATUS:{status_of(visit)}",
        f"DESCRIPTION:{escape_text(who_of(visit))}",
        f"URL:{url}",
    ]
    location = location_of(visit)
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    lines.append("TRANSP:OPAQUE")
    lines.append("END:VEVENT")
    return lines


def calendar_text(visits: Iterable[HomeVisit]) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//School Window//Home visits//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(_('Home visits'))}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    for visit in visits:
        lines.extend(event_lines(visit))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
