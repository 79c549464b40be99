"""Writing iCalendar feeds (RFC 5545) by hand, shared by every feed the project publishes (home
visits, parents' evenings and events).

Written here rather than through a library so the few rules a calendar client is strict about
are visible in one place:

- lines end in CRLF and are folded at 75 octets (a continuation line starts with one space,
  and a multi-byte character is never split);
- TEXT values escape backslash, semicolon, comma and newline;
- each event has a UID that never changes and a SEQUENCE its owner raises on every change, so
  subscribed calendars replace their copy; a cancelled one stays with STATUS:CANCELLED so
  calendars remove it rather than keep a stale event;
- times are in UTC;
- the calendar asks to be fetched again every hour (REFRESH-INTERVAL, and X-PUBLISHED-TTL for
  the clients that only know that one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

CRLF = "\r\n"
LIMIT = 75
REFRESH = "PT1H"


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
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > LIMIT:
            pieces.append(current)
            current, size = " ", 1
        current += char
        size += width
    pieces.append(current)
    return CRLF.join(pieces)


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "schoolwindow"


@dataclass(frozen=True)
class CalendarEvent:
    """One VEVENT; `uid` is the stable part before the @ (never anything identifying)."""

    uid: str
    sequence: int
    stamp: dt.datetime
    starts_at: dt.datetime
    ends_at: dt.datetime
    summary: str
    status: str = "CONFIRMED"  # CONFIRMED, TENTATIVE or CANCELLED
    description: str = ""
    location: str = ""
    url: str = ""


def event_lines(event: CalendarEvent) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}@{site_host()}",
        f"SEQUENCE:{event.sequence}",
        f"DTSTAMP:{utc(event.stamp)}",
        f"DTSTART:{utc(event.starts_at)}",
        f"DTEND:{utc(event.ends_at)}",
        f"SUMMARY:{escape_text(event.summary)}",
        f"STATUS:{event.status}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    lines.append("TRANSP:OPAQUE")
    lines.append("END:VEVENT")
    return lines


def calendar_text(*, name: str, product: str, events: Iterable[CalendarEvent]) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//School Window//{product}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}",
        f"X-PUBLISHED-TTL:{REFRESH}",
    ]
    for event in events:
        lines.extend(event_lines(event))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
