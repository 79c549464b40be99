"""Reads for consent requests: the pupils a request goes to, each pupil's status worked out
from the answers of the holders of parental responsibility the school may ask, the office's
filtered list, the trip leader's list, and a parent's own requests.

Every list costs the same few queries whatever the number of pupils: the request's pupils,
the links of those pupils (contactable ones and whether any are restricted, asked of
people/contact.py), and the answers — then statuses are worked out in Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from schoolwindow.core.capabilities import CONSENT_MANAGE
from schoolwindow.core.errors import NotFound
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.people.contact import contactable_links, restricted_links
from schoolwindow.people.models import GuardianLink, Pupil, PupilStatus
from schoolwindow.portal.consent.models import (
    Answer,
    Audience,
    ConsentAnswer,
    ConsentPupil,
    ConsentReminder,
    ConsentRequest,
    Rule,
)
from schoolwindow.portal.consent.policies import askable_children


class Status:
    GIVEN = "given"
    REFUSED = "refused"
    WAITING = "waiting"
    NOT_ASKED = "not_asked"  # every holder of parental responsibility is under a restriction
    NO_ONE = "no_one"  # no holder of parental responsibility on record


STATUS_LABELS = {
    Status.GIVEN: _("Consent given"),
    Status.REFUSED: _("Consent refused"),
    Status.WAITING: _("Waiting for an answer"),
    Status.NOT_ASKED: _("Not asked: contact restriction"),
    Status.NO_ONE: _("No parent or carer to ask on record"),
}


def audience_pupils(
    *,
    school_id: int,
    audience: str,
    year_group_id: int | None = None,
    group_id: int | None = None,
    pupil_ids: Sequence[int] = (),
) -> QuerySet[Pupil]:
    """The pupils on roll a request goes to: a class or group (its active enrolments), a year
    group, or pupils chosen by name — the same choices as messaging's announcements."""
    pupils = Pupil.objects.filter(school_id=school_id, status=PupilStatus.ACTIVE)
    if audience == Audience.YEAR:
        return pupils.filter(year_group_id=year_group_id or 0)
    if audience == Audience.GROUP:
        return pupils.filter(enrolments__group_id=group_id or 0, enrolments__active=True).distinct()
    return pupils.filter(pk__in=list(pupil_ids))


def pupil_search(*, actor: Actor, school_id: int, words: str, limit: int = 20) -> list[Pupil]:
    """Pupils on roll whose name starts with what was typed, for choosing pupils by name."""
    query = Q()
    for word in words.split()[:3]:
        query &= (
            Q(legal_first_name__istartswith=word)
            | Q(legal_last_name__istartswith=word)
            | Q(preferred_first_name__istartswith=word)
        )
    if not query:
        return []
    return list(
        policy_for(Pupil)
        .visible(actor)
        .filter(query, school_id=school_id, status=PupilStatus.ACTIVE)
        .select_related("year_group")
        .order_by("legal_last_name", "legal_first_name", "id")[:limit]
    )


def manage_schools(actor: Actor) -> list[int]:
    return sorted(actor.schools_where(CONSENT_MANAGE))


def staff_requests(*, actor: Actor) -> QuerySet[ConsentRequest]:
    return (
        policy_for(ConsentRequest)
        .visible(actor)
        .filter(school_id__in=manage_schools(actor))
        .select_related("school")
        .annotate(pupil_count=Count("pupils"))
        .order_by("-deadline", "-id")
    )


def request_get(*, actor: Actor, request_id: int, action: str = "view") -> ConsentRequest:
    queryset = ConsentRequest.objects.select_related("school", "group", "year_group", "created_by")
    return policy_for(ConsentRequest).get(actor, pk=request_id, action=action, queryset=queryset)


# --- Statuses ----------------------------------------------------------------------------


@dataclass
class Asked:
    guardian_id: int
    name: str
    phone: str
    answer: ConsentAnswer | None = None


@dataclass
class PupilRow:
    pupil: Pupil
    status: str
    paid: bool
    asked: list[Asked] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    phone: str = ""  # a parent the school may call on the day
    phone_name: str = ""

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def pupil_status(rule: str, asked: Sequence[Asked], restricted: bool) -> str:
    """Refused if anyone asked refused; given when one (or, by the request's rule, every)
    holder asked agreed; otherwise waiting. Nobody to ask: not asked (a restriction) or no
    one on record."""
    if not asked:
        return Status.NOT_ASKED if restricted else Status.NO_ONE
    answers = [item.answer.answer for item in asked if item.answer is not None]
    if Answer.NO in answers:
        return Status.REFUSED
    if rule == Rule.ALL:
        return Status.GIVEN if len(answers) == len(asked) else Status.WAITING
    return Status.GIVEN if Answer.YES in answers else Status.WAITING


MEMBER_FIELDS = (
    "school_id",
    "request_id",
    "pupil_id",
    "paid_at",
    "pupil__school_id",
    "pupil__legal_first_name",
    "pupil__legal_last_name",
    "pupil__preferred_first_name",
    "pupil__preferred_last_name",
    "pupil__year_group__name",
)
LINK_FIELDS = (
    "pupil_id",
    "guardian_id",
    "parental_responsibility",
    "contact_priority",
    "guardian__title",
    "guardian__first_name",
    "guardian__last_name",
    "guardian__phone",
)


def status_rows(
    request: ConsentRequest, *, pupil_ids: Iterable[int] | None = None
) -> list[PupilRow]:
    """Every pupil of the request (or of `pupil_ids`) with their status, in four queries."""
    # Only the columns the lists show: at a whole school, building full rows is most of the cost.
    members = (
        ConsentPupil.objects.filter(request=request)
        .select_related("pupil__year_group")
        .only(*MEMBER_FIELDS)
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pupil_id")
    )
    if pupil_ids is not None:
        members = members.filter(pupil_id__in=list(pupil_ids))
    members_list = list(members)
    ids = [member.pupil_id for member in members_list]
    in_request = {"school_id": request.school_id, "pupil_id__in": ids}
    links: dict[int, list[GuardianLink]] = {}
    for link in (
        contactable_links(**in_request)
        .select_related("guardian")
        .only(*LINK_FIELDS)
        .order_by("contact_priority", "guardian_id")
    ):
        links.setdefault(link.pupil_id, []).append(link)
    restricted = set(restricted_links(**in_request).values_list("pupil_id", flat=True))
    answers = {
        (answer.pupil_id, answer.guardian_id): answer
        for answer in ConsentAnswer.objects.filter(request=request, pupil_id__in=ids)
    }
    rows = []
    for member in members_list:
        asked = [
            Asked(
                guardian_id=link.guardian_id,
                name=link.guardian.display_name,
                phone=link.guardian.phone,
                answer=answers.get((member.pupil_id, link.guardian_id)),
            )
            for link in links.get(member.pupil_id, [])
            if link.parental_responsibility
        ]
        callable_ = next(
            (link for link in links.get(member.pupil_id, []) if link.guardian.phone), None
        )
        rows.append(
            PupilRow(
                pupil=member.pupil,
                status=pupil_status(request.rule, asked, member.pupil_id in restricted),
                paid=member.paid_at is not None,
                asked=asked,
                notes=[item.answer.note for item in asked if item.answer and item.answer.note],
                phone=callable_.guardian.phone if callable_ else "",
                phone_name=callable_.guardian.display_name if callable_ else "",
            )
        )
    return rows


@dataclass
class Summary:
    counts: dict[str, int]
    paid: int
    total: int


def summarise(rows: Sequence[PupilRow]) -> Summary:
    counts = dict.fromkeys(STATUS_LABELS, 0)
    for row in rows:
        counts[row.status] += 1
    return Summary(counts=counts, paid=sum(row.paid for row in rows), total=len(rows))


def filter_rows(
    rows: Sequence[PupilRow], *, status: str = "", paid: str = "", words: str = ""
) -> list[PupilRow]:
    chosen = list(rows)
    if status in STATUS_LABELS:
        chosen = [row for row in chosen if row.status == status]
    if paid in ("yes", "no"):
        chosen = [row for row in chosen if row.paid == (paid == "yes")]
    for word in words.lower().split()[:3]:
        chosen = [
            row
            for row in chosen
            if word in row.pupil.display_name.lower() or word in row.pupil.legal_last_name.lower()
        ]
    return chosen


def reminder_counts(request: ConsentRequest) -> dict[str, int]:
    """Reminders sent about the request so far, and those messaging could not send."""
    counts = ConsentReminder.objects.filter(request=request).aggregate(
        sent=Count("id"), failed=Count("id", filter=Q(failed=True))
    )
    return {"sent": counts["sent"] or 0, "failed": counts["failed"] or 0}


# --- Families ----------------------------------------------------------------------------


@dataclass
class FamilyItem:
    request: ConsentRequest
    pupil: Pupil
    mine: ConsentAnswer | None
    status: str
    is_open: bool


def family_items(
    *, actor: Actor, today: dt.date, pupil_ids: Iterable[int] | None = None
) -> list[FamilyItem]:
    """The requests about this parent's children (asked ones only), newest deadline first,
    with their own answer and the child's status, in three queries."""
    if not actor.is_guardian:
        return []
    members = ConsentPupil.objects.filter(askable_children(actor.guardian_id)).select_related(
        "request__school", "pupil"
    )
    if pupil_ids is not None:
        members = members.filter(pupil_id__in=list(pupil_ids))
    members_list = list(members.order_by("-request__deadline", "-request_id", "pupil_id")[:200])
    if not members_list:
        return []
    request_ids = {member.request_id for member in members_list}
    pupils = {member.pupil_id for member in members_list}
    holders: dict[int, list[int]] = {}
    for pupil_id, guardian_id in contactable_links(
        pupil_id__in=pupils, parental_responsibility=True
    ).values_list("pupil_id", "guardian_id"):
        holders.setdefault(pupil_id, []).append(guardian_id)
    answers = {
        (answer.request_id, answer.pupil_id, answer.guardian_id): answer
        for answer in ConsentAnswer.objects.filter(request_id__in=request_ids, pupil_id__in=pupils)
    }
    items = []
    for member in members_list:
        asked = [
            Asked(
                guardian_id=guardian_id,
                name="",
                phone="",
                answer=answers.get((member.request_id, member.pupil_id, guardian_id)),
            )
            for guardian_id in holders.get(member.pupil_id, [])
        ]
        items.append(
            FamilyItem(
                request=member.request,
                pupil=member.pupil,
                mine=answers.get((member.request_id, member.pupil_id, actor.guardian_id or 0)),
                status=pupil_status(member.request.rule, asked, restricted=False),
                is_open=member.request.deadline >= today,
            )
        )
    return items


def family_item(*, actor: Actor, request_id: int, pupil_id: int, today: dt.date) -> FamilyItem:
    """One request about one of this parent's children; not found for anyone else."""
    items = [
        item
        for item in family_items(actor=actor, today=today, pupil_ids=[pupil_id])
        if item.request.pk == request_id
    ]
    if not items:
        raise NotFound
    return items[0]
