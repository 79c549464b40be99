"""Reads: the pupil's support timeline across every kind, the help since a flag opened, and
which help was linked to which flags. Each is a fixed number of queries however many entries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import QuerySet

from schoolwindow.core.capabilities import SUPPORT_ACTIONS
from schoolwindow.core.errors import NotFound
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import VIEW, policy_for
from schoolwindow.engagement.models import Flag, FlagStatus
from schoolwindow.engagement.selectors import FlagInfo
from schoolwindow.people.models import Pupil, Staff
from schoolwindow.support.actions.models import FlagLink, SupportAction
from schoolwindow.support.timeline import (
    EntryStatus,
    SupportEntry,
    SupportKind,
    pupil_support_entries,
    support_entries,
)

# Help given in the week before a flag opened counts towards it: a call on Friday about a
# pupil flagged on Monday was help for the same worry.
BEFORE_FLAG = dt.timedelta(days=7)

OPEN_STATUSES = (EntryStatus.PLANNED, EntryStatus.IN_PROGRESS)


@dataclass(frozen=True)
class TimelineRow:
    entry: SupportEntry
    kind_label: str
    status_label: str
    flag_id: int | None  # the flag it answers: its own, or the one it was linked to
    flag_opened_on: dt.date | None
    overdue: bool


def may_see_support(actor: Actor, school_id: int) -> bool:
    return actor.is_staff_member and actor.can(SUPPORT_ACTIONS, school_id)


def staff_choices(*, school_id: int) -> QuerySet[Staff]:
    return Staff.objects.filter(school_id=school_id, active=True).order_by(
        "last_name", "first_name", "pk"
    )


def action_get(*, actor: Actor, action_id: int, action: str = VIEW) -> SupportAction:
    queryset = SupportAction.objects.select_related("pupil", "owner", "flag")
    return policy_for(SupportAction).get(actor, pk=action_id, action=action, queryset=queryset)


def live_flag(*, pupil: Pupil) -> Flag | None:
    """The pupil's flag that is on the watchlist now (open or snoozed), if any."""
    return (
        Flag.objects.filter(school_id=pupil.school_id, pupil=pupil)
        .exclude(status=FlagStatus.RESOLVED)
        .first()
    )


def linked_refs(flag_ids: Collection[int]) -> dict[int, set[str]]:
    """The refs of the help linked to each flag when it was resolved, in one query (for
    "did it work?"). Flags with nothing linked are absent."""
    found: dict[int, set[str]] = defaultdict(set)
    for flag_id, ref in FlagLink.objects.filter(flag_id__in=list(flag_ids)).values_list(
        "flag_id", "ref"
    ):
        found[flag_id].add(ref)
    return dict(found)


def timeline_rows(
    *,
    school_id: int,
    pupil_id: int,
    entries: list[SupportEntry],
    today: dt.date,
    flags: bool = True,
) -> list[TimelineRow]:
    """Entries with the flag each answers, in two queries whatever their number: the pupil's
    flags (for their dates) and the links made when flags were resolved. `flags=False` (the
    pupil page's short list) leaves the flags out and costs nothing."""
    opened: dict[int, dt.date] = {}
    linked: dict[str, int] = {}
    if flags:
        opened = dict(
            Flag.objects.filter(school_id=school_id, pupil_id=pupil_id).values_list(
                "pk", "opened_on"
            )
        )
        linked = dict(
            FlagLink.objects.filter(school_id=school_id, flag__pupil_id=pupil_id)
            .order_by("at")
            .values_list("ref", "flag_id")
        )
    kinds = dict(SupportKind.choices)
    statuses = dict(EntryStatus.choices)
    rows = []
    for entry in entries:
        flag_id = entry.flag_id if entry.flag_id in opened else linked.get(entry.ref)
        rows.append(
            TimelineRow(
                entry=entry,
                kind_label=str(kinds.get(entry.kind, entry.kind)),
                status_label=str(statuses.get(entry.status, entry.status)),
                flag_id=flag_id,
                flag_opened_on=opened.get(flag_id) if flag_id is not None else None,
                overdue=entry.status in OPEN_STATUSES
                and entry.due is not None
                and entry.due < today,
            )
        )
    return rows


def pupil_entries(*, pupil: Pupil, kind: str = "") -> list[SupportEntry]:
    """The pupil's help of every kind (or one), newest first (the caller checked who may see
    it): one query per kind of help."""
    entries = pupil_support_entries(pupil)
    return [entry for entry in entries if entry.kind == kind] if kind else entries


def pupil_timeline(
    *,
    pupil: Pupil,
    today: dt.date,
    kind: str = "",
    limit: int | None = None,
    flags: bool = True,
) -> list[TimelineRow]:
    """The pupil's help as rows (the first `limit`), with the flags each answers."""
    entries = pupil_entries(pupil=pupil, kind=kind)
    if limit is not None:
        entries = entries[:limit]
    return timeline_rows(school_id=pupil.school_id, pupil_id=pupil.pk, entries=entries, today=today)


def help_since_flag(*, flag: Flag | FlagInfo, today: dt.date) -> list[TimelineRow]:
    """The pupil's help since the flag opened (and the week before), newest first."""
    entries = support_entries(
        school_id=flag.school_id, pupil_ids=[flag.pupil_id], since=flag.opened_on - BEFORE_FLAG
    )
    return timeline_rows(
        school_id=flag.school_id, pupil_id=flag.pupil_id, entries=entries, today=today
    )


def flag_for_support(*, actor: Actor, flag_id: int) -> Flag:
    """A flag the actor may see, of a pupil whose support they may see (else not found)."""
    flag = (
        policy_for(Flag)
        .visible(actor)
        .select_related("pupil", "pupil__school", "pupil__year_group")
        .filter(pk=flag_id)
        .first()
    )
    if flag is None or not may_see_support(actor, flag.school_id):
        raise NotFound
    if not policy_for(Pupil).visible(actor).filter(pk=flag.pupil_id).exists():
        raise NotFound
    return flag


def my_due(*, actor: Actor, today: dt.date) -> QuerySet[SupportAction]:
    """The actor's own open calls and referrals due today or before, most overdue first. Only
    those the policy still lets them see: an advocate whose caseload moved on does not keep a
    pupil's call on their home."""
    schools = actor.schools_where(SUPPORT_ACTIONS)
    owners = [staff_id for school_id, staff_id in actor.staff_ids.items() if school_id in schools]
    return (
        policy_for(SupportAction)
        .visible(actor)
        .filter(owner_id__in=owners, status__in=OPEN_STATUSES, due__lte=today)
        .select_related("pupil")
        .order_by("due", "pk")
    )
