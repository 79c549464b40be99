"""Positive notes: praise home in one tap, and which families have not heard anything good lately.

A positive contact is a staff message written in the positive tone that reached the guardian
(any copy that was not cancelled), or a call, meeting or visit logged with the positive tone for
that guardian (or for the child, when no one guardian was named). Concern contacts are counted the
same way, so each family's balance of good news to worries can be seen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.utils import timezone

from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.messaging.delivery.quiet import settings_for
from schoolwindow.messaging.models import (
    ContactLog,
    Delivery,
    DeliveryStatus,
    Tone,
)
from schoolwindow.people.contact import contactable_links
from schoolwindow.people.models import Enrolment, Guardian, Pupil, PupilStatus
from schoolwindow.schools.calendar import school_days
from schoolwindow.schools.models import GroupKind, School, Term

DEFAULT_GAP_SCHOOL_DAYS = 20


def praised_today(pupil_ids: Iterable[int], *, school_id: int) -> set[int]:
    """Pupils whose families got praise today (one query)."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return set(
        Delivery.objects.filter(
            school_id=school_id,
            pupil_id__in=list(pupil_ids),
            message__tone=Tone.POSITIVE,
            message__author_staff__isnull=False,
            queued_at__gte=start,
        ).values_list("pupil_id", flat=True)
    )


# --- The balance per family -----------------------------------------------------------------


@dataclass
class FamilyBalance:
    guardian: Guardian
    pupils: list[Pupil] = field(default_factory=list)
    positive: int = 0
    concern: int = 0
    last_positive: dt.datetime | None = None

    @property
    def ratio_label(self) -> str:
        return f"{self.positive}:{self.concern}"

    @property
    def mostly_concern(self) -> bool:
        return self.concern > self.positive


def gap_cutoff(*, school_id: int, school_days_count: int, today: dt.date) -> dt.date:
    """The first day of the last `school_days_count` school days up to today.

    A school with no terms recorded has no calendar to count in: weekdays stand in for school
    days, so the list still works before the calendar is imported.
    """
    lookback = today - dt.timedelta(days=school_days_count * 2 + 70)
    days = school_days(school_id=school_id, start=lookback, end=today)
    if len(days) >= school_days_count:
        return days[-school_days_count]
    if days or Term.objects.filter(school_id=school_id).exists():
        return days[0] if days else today
    day = today
    counted = 0
    while True:
        if day.weekday() < 5:
            counted += 1
            if counted == school_days_count:
                return day
        day -= dt.timedelta(days=1)


def _families(school_id: int, pupil_ids: Iterable[int] | None) -> dict[int, FamilyBalance]:
    """Every guardian who may be contacted about an active pupil here (one query)."""
    links = (
        contactable_links(
            school_id=school_id,
            pupil__status=PupilStatus.ACTIVE,
        )
        .defer("restriction_reason")
        .select_related("guardian", "pupil")
        .order_by("guardian__last_name", "guardian__first_name", "guardian_id", "pupil_id")
    )
    if pupil_ids is not None:
        links = links.filter(pupil_id__in=pupil_ids)
    families: dict[int, FamilyBalance] = {}
    for link in links:
        family = families.setdefault(link.guardian_id, FamilyBalance(guardian=link.guardian))
        family.pupils.append(link.pupil)
    return families


def family_balances(
    *,
    school_id: int,
    since: dt.datetime,
    pupil_ids: Iterable[int] | None = None,
) -> list[FamilyBalance]:
    """Each family's positive and concern contacts since `since`, in four queries."""
    families = _families(school_id, pupil_ids)
    if not families:
        return []
    guardian_ids = list(families)
    tones = (Tone.POSITIVE, Tone.CONCERN)
    messages = (
        Delivery.objects.filter(
            school_id=school_id,
            guardian_id__in=guardian_ids,
            message__author_staff__isnull=False,
            message__tone__in=tones,
            queued_at__gte=since,
        )
        .exclude(status=DeliveryStatus.CANCELLED)
        # A fallback copy is the same message again: count the message once.
        .filter(fallback_of__isnull=True)
        .values("guardian_id", "message__tone")
        .annotate(n=Count("message_id", distinct=True), last=Max("queued_at"))
    )
    for row in messages:
        _count(families[row["guardian_id"]], row["message__tone"], row["n"], row["last"])
    logs = (
        ContactLog.objects.filter(school_id=school_id, tone__in=tones, happened_at__gte=since)
        .filter(Q(guardian_id__in=guardian_ids) | Q(guardian__isnull=True, pupil__isnull=False))
        .values("guardian_id", "pupil_id", "tone")
        .annotate(n=Count("id"), last=Max("happened_at"))
    )
    guardians_of: dict[int, list[int]] = {}
    for family in families.values():
        for pupil in family.pupils:
            guardians_of.setdefault(pupil.pk, []).append(family.guardian.pk)
    for log in logs:
        targets = (
            [log["guardian_id"]]
            if log["guardian_id"] is not None
            else guardians_of.get(log["pupil_id"], [])
        )
        for guardian_id in targets:
            if guardian_id in families:
                _count(families[guardian_id], log["tone"], log["n"], log["last"])
    return list(families.values())


def _count(family: FamilyBalance, tone: str, n: int, last: dt.datetime | None) -> None:
    if tone == Tone.POSITIVE:
        family.positive += n
        if last is not None and (family.last_positive is None or last > family.last_positive):
            family.last_positive = last
    else:
        family.concern += n


@dataclass(frozen=True)
class PositiveOverview:
    school: School
    gap_days: int
    since: dt.date
    without_positive: list[FamilyBalance]
    balances: list[FamilyBalance]


def gap_days_for(school_id: int) -> int:
    return settings_for(school_id).positive_gap_school_days or DEFAULT_GAP_SCHOOL_DAYS


def families_without_positive(
    school_id: int,
    school_days: int | None = None,
    *,
    today: dt.date | None = None,
    pupil_ids: Iterable[int] | None = None,
) -> list[FamilyBalance]:
    """Guardians with no positive contact in the last N school days (the school's setting)."""
    count = school_days or gap_days_for(school_id)
    today = today or timezone.localdate()
    cutoff = gap_cutoff(school_id=school_id, school_days_count=count, today=today)
    since = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
    return [
        family
        for family in family_balances(school_id=school_id, since=since, pupil_ids=pupil_ids)
        if family.positive == 0
    ]


def positive_overview(
    *, actor: Actor, school: School, today: dt.date | None = None
) -> PositiveOverview:
    """The page's data for the families of the pupils this actor may see."""
    today = today or timezone.localdate()
    count = gap_days_for(school.pk)
    cutoff = gap_cutoff(school_id=school.pk, school_days_count=count, today=today)
    since = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
    visible = (
        policy_for(Pupil).visible(actor).filter(school_id=school.pk).values_list("pk", flat=True)
    )
    balances = family_balances(school_id=school.pk, since=since, pupil_ids=visible)
    return PositiveOverview(
        school=school,
        gap_days=count,
        since=cutoff,
        without_positive=[family for family in balances if family.positive == 0],
        balances=balances,
    )


# --- The positive notes page: every pupil, as cards, paged and filtered ----------------------

DAYS_CHOICES = (14, 30, 60)
NEVER = "never"


@dataclass(frozen=True)
class PositiveFilters:
    group_id: int | None = None
    year_group_id: int | None = None
    days: int | None = None  # no positive contact in this many days
    never: bool = False  # no positive contact recorded at all
    search: str = ""


@dataclass(frozen=True)
class PupilCard:
    pupil: Pupil
    year: str
    form: str
    guardians: list[str]
    last_positive: dt.datetime | None
    days_since: int | None
    sent_today: bool


def last_positive_by_pupil(school_id: int) -> dict[int, dt.datetime]:
    """When each child's family last had good news from school: a positive message about the
    child that reached them, or a positive call, meeting or visit logged for the child or one
    of their carers. Three grouped queries for the whole school."""
    last: dict[int, dt.datetime] = {}

    def keep(pupil_id: int | None, when: dt.datetime | None) -> None:
        if (
            pupil_id is not None
            and when is not None
            and (pupil_id not in last or when > last[pupil_id])
        ):
            last[pupil_id] = when

    for row in (
        Delivery.objects.filter(
            school_id=school_id,
            pupil__isnull=False,
            message__author_staff__isnull=False,
            message__tone=Tone.POSITIVE,
            fallback_of__isnull=True,
        )
        .exclude(status=DeliveryStatus.CANCELLED)
        .values("pupil_id")
        .annotate(last=Max("queued_at"))
    ):
        keep(row["pupil_id"], row["last"])
    by_guardian: dict[int, dt.datetime] = {}
    for row in (
        ContactLog.objects.filter(school_id=school_id, tone=Tone.POSITIVE)
        .values("pupil_id", "guardian_id")
        .annotate(last=Max("happened_at"))
    ):
        if row["pupil_id"] is not None:
            keep(row["pupil_id"], row["last"])
        elif row["guardian_id"] is not None:
            by_guardian[row["guardian_id"]] = max(
                row["last"], by_guardian.get(row["guardian_id"], row["last"])
            )
    if by_guardian:
        for guardian_id, pupil_id in contactable_links(
            school_id=school_id, guardian_id__in=list(by_guardian)
        ).values_list("guardian_id", "pupil_id"):
            keep(pupil_id, by_guardian[guardian_id])
    return last


def positive_pupil_ids(
    *, actor: Actor, school: School, filters: PositiveFilters, now: dt.datetime | None = None
) -> tuple[list[int], dict[int, dt.datetime]]:
    """The ids of the active pupils this actor may see here that match the filters, in name
    order, and each one's last positive contact. Ids only: the page loads twenty of them."""
    pupils = policy_for(Pupil).visible(actor).filter(school_id=school.pk, status=PupilStatus.ACTIVE)
    if filters.year_group_id is not None:
        pupils = pupils.filter(year_group_id=filters.year_group_id)
    if filters.group_id is not None:
        pupils = pupils.filter(
            pk__in=Enrolment.objects.filter(
                school_id=school.pk, group_id=filters.group_id, active=True
            ).values("pupil_id")
        )
    for word in filters.search.split()[:4]:
        pupils = pupils.filter(
            Q(legal_first_name__icontains=word)
            | Q(legal_last_name__icontains=word)
            | Q(preferred_first_name__icontains=word)
            | Q(preferred_last_name__icontains=word)
        )
    ids = list(
        dict.fromkeys(
            pupils.order_by("legal_last_name", "legal_first_name", "pk").values_list(
                "pk", flat=True
            )
        )
    )
    last = last_positive_by_pupil(school.pk)
    if filters.never:
        ids = [pk for pk in ids if pk not in last]
    elif filters.days is not None:
        cutoff = (now or timezone.now()) - dt.timedelta(days=filters.days)
        ids = [pk for pk in ids if pk not in last or last[pk] < cutoff]
    return ids, last


def pupil_cards(
    *, school_id: int, pupil_ids: list[int], last: dict[int, dt.datetime]
) -> list[PupilCard]:
    """One page's cards, in four queries whatever the page's size."""
    pupils = Pupil.objects.filter(pk__in=pupil_ids).select_related("year_group").in_bulk()
    forms = dict(
        Enrolment.objects.filter(
            school_id=school_id,
            pupil_id__in=pupil_ids,
            active=True,
            group__kind=GroupKind.REGISTRATION,
        )
        .order_by("pupil_id", "group__name")
        .values_list("pupil_id", "group__name")
    )
    guardians: dict[int, list[str]] = {}
    for link in (
        contactable_links(school_id=school_id, pupil_id__in=pupil_ids)
        .select_related("guardian")
        .only(
            "pupil_id",
            "guardian__title",
            "guardian__first_name",
            "guardian__last_name",
        )
        .order_by("contact_priority", "guardian_id")
    ):
        guardians.setdefault(link.pupil_id, []).append(link.guardian.display_name)
    praised = praised_today(pupil_ids, school_id=school_id)
    today = timezone.localdate()
    cards = []
    for pk in pupil_ids:
        pupil = pupils[pk]
        when = last.get(pk)
        cards.append(
            PupilCard(
                pupil=pupil,
                year=pupil.year_group.name if pupil.year_group else "",
                form=forms.get(pk, ""),
                guardians=guardians.get(pk, []),
                last_positive=when,
                days_since=(today - timezone.localtime(when).date()).days if when else None,
                sent_today=pk in praised,
            )
        )
    return cards
