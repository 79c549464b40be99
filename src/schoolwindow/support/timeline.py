"""One timeline of support per pupil, across every kind of help.

Each kind of help keeps its own records (a visit in `visits`, a loan in `loans`, a membership in
`studygroups`, a contact in `advocates`, a parcel in `parcels`, a call or referral in `actions`).
None of them is copied into a shared table: each registers a *source* here in its app's
`ready()`, and the timeline, the flag's "what was done" and "did it work?" ask every source.

A source answers for many pupils at once in a fixed number of queries (never one per pupil):
`source(school_id=…, pupil_ids=…, since=…)` returns the entries of those pupils (all pupils of
the school when `pupil_ids` is None) that started on or after `since` (all when None).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class SupportKind(models.TextChoices):
    """Every kind of help, in the words a timeline and "did it work?" use."""

    CALL = "call", _("Call")
    VISIT = "visit", _("Home visit")
    LOAN = "loan", _("Loan")
    STUDY_GROUP = "study_group", _("Study group")
    ADVOCATE = "advocate", _("Advocate contact")
    PARCEL = "parcel", _("Care package or food parcel")
    REFERRAL = "referral", _("Referral")


class EntryStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("Under way")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


@dataclass(frozen=True)
class SupportEntry:
    """One piece of help for one pupil, as the timeline shows it.

    `ref` is unique within the kind (e.g. "loan:42"), so a flag can be linked to the entry
    whatever app keeps it. `on` is the day the help started (a visit's day, a loan's hand-over,
    joining a group), which "did it work?" measures recovery from.
    """

    kind: str  # a SupportKind value
    ref: str
    pupil_id: int
    on: dt.date
    title: str
    owner: str = ""  # the person responsible, in words ("" when nobody is named)
    due: dt.date | None = None
    status: str = EntryStatus.DONE  # an EntryStatus value
    outcome: str = ""
    flag_id: int | None = None  # the watchlist flag it answers, when known
    url: str = ""  # where a member of staff sees the record ("" when there is no page)


TimelineSource = Callable[..., Iterable[SupportEntry]]

_SOURCES: dict[str, TimelineSource] = {}


def register_timeline_source(name: str, source: TimelineSource) -> None:
    """Called once per app in `ready()`; the name keeps re-registration idempotent."""
    _SOURCES[name] = source


def support_entries(
    *, school_id: int, pupil_ids: Collection[int] | None = None, since: dt.date | None = None
) -> list[SupportEntry]:
    """Every registered kind's entries for these pupils, newest first."""
    entries: list[SupportEntry] = []
    for name in sorted(_SOURCES):
        entries.extend(_SOURCES[name](school_id=school_id, pupil_ids=pupil_ids, since=since))
    entries.sort(key=lambda entry: (entry.on, entry.kind, entry.ref), reverse=True)
    return entries


def pupil_support_entries(pupil: Any) -> list[SupportEntry]:
    """All of one pupil's help, newest first, asked of the sources once per pupil instance: the
    panels of one pupil page share the instance the page loaded, so the second panel that wants
    the pupil's help asks no source again."""
    found: list[SupportEntry] | None = getattr(pupil, "_support_entries", None)
    if found is None:
        found = support_entries(school_id=pupil.school_id, pupil_ids=[pupil.pk])
        pupil._support_entries = found
    return found
