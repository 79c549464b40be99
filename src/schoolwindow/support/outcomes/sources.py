"""Timeline sources for the kinds of help other support apps already keep.

Each source reads the app's own records (nothing is copied) and answers for any number of
pupils in a fixed number of queries: `pupil_ids=None` means the whole school, `since` keeps the
entries that started on or after that day. `on` is the day the help started, which "did it
work?" measures recovery from.

- VISIT: a home visit that happened (status "visited"), for the pupil it was planned for.
- LOAN: a loan handed over; `on` the hand-over, `due` the due date, under way until returned.
- STUDY_GROUP: joining a group; under way while the pupil is a member of an active group.
- ADVOCATE: each real contact the advocates app counts by the pupil's own advocate — time with
  the pupil (`AdvocateContact`), and a call, meeting or visit in messaging's contact log where
  the advocate spoke with the family while advocating for the pupil. (A parent's own message
  also counts for the advocate's cadence, but it is the family's act, not help given.)
- CALL (besides the calls recorded in `actions`): a call or meeting in messaging's contact log
  where someone other than the pupil's advocate spoke with the family.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.messaging import api as messaging
from schoolwindow.people.models import AdvocateAssignment, Staff
from schoolwindow.support.advocates.models import AdvocateContact, AdvocateContactKind
from schoolwindow.support.loans.models import Loan
from schoolwindow.support.studygroups.models import StudyGroupMember
from schoolwindow.support.timeline import EntryStatus, SupportEntry, SupportKind
from schoolwindow.support.visits.models import HomeVisit, VisitStatus

QS = TypeVar("QS", bound="QuerySet[Any]")


def start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day`, in the school's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# Reversing a URL costs more than the rest of an entry; a source reverses once and fills in
# each record's id.
SLOT = 987654321


def url_maker(name: str, key: str) -> Callable[[int], str]:
    pattern = reverse(name, kwargs={key: SLOT})
    return lambda pk: pattern.replace(str(SLOT), str(pk))


def name_of(staff: Staff | None) -> str:
    return f"{staff.first_name} {staff.last_name}" if staff is not None else ""


def for_pupils(rows: QS, pupil_ids: Collection[int] | None) -> QS:
    return rows if pupil_ids is None else rows.filter(pupil_id__in=list(pupil_ids))


def visit_entries(
    *, school_id: int, pupil_ids: Collection[int] | None = None, since: dt.date | None = None
) -> list[SupportEntry]:
    """Home visits that happened. One query."""
    rows = for_pupils(
        HomeVisit.objects.filter(school_id=school_id, status=VisitStatus.DONE), pupil_ids
    ).select_related("lead")
    if since is not None:
        rows = rows.filter(starts_at__gte=start_of(since))
    url = url_maker("visits:visit", "visit_id")
    return [
        SupportEntry(
            kind=SupportKind.VISIT,
            ref=f"visit:{visit.pk}",
            pupil_id=visit.pupil_id,
            on=timezone.localdate(visit.starts_at),
            title=_("Home visit"),
            owner=name_of(visit.lead),
            status=EntryStatus.DONE,
            flag_id=visit.flag_id,
            url=url(visit.pk),
        )
        for visit in rows
    ]


def loan_entries(
    *, school_id: int, pupil_ids: Collection[int] | None = None, since: dt.date | None = None
) -> list[SupportEntry]:
    """Kit handed over to a pupil. One query."""
    rows = for_pupils(Loan.objects.filter(school_id=school_id), pupil_ids).select_related(
        "item", "lent_by"
    )
    if since is not None:
        rows = rows.filter(lent_at__gte=start_of(since))
    url = url_maker("loans:loan_detail", "loan_id")
    entries = []
    for loan in rows:
        returned = loan.returned_at is not None
        entries.append(
            SupportEntry(
                kind=SupportKind.LOAN,
                ref=f"loan:{loan.pk}",
                pupil_id=loan.pupil_id,
                on=timezone.localdate(loan.lent_at),
                title=_("Lent: %(kind)s %(tag)s")
                % {"kind": loan.item.get_kind_display(), "tag": loan.item.asset_tag},
                owner=name_of(loan.lent_by),
                due=loan.due_on,
                status=EntryStatus.DONE if returned else EntryStatus.IN_PROGRESS,
                outcome=(
                    _("Returned on %(day)s")
                    % {"day": f"{timezone.localdate(loan.returned_at):%d/%m/%Y}"}
                    if loan.returned_at is not None
                    else ""
                ),
                url=url(loan.pk),
            )
        )
    return entries


def study_group_entries(
    *, school_id: int, pupil_ids: Collection[int] | None = None, since: dt.date | None = None
) -> list[SupportEntry]:
    """Joining a study group. One query."""
    rows = for_pupils(
        StudyGroupMember.objects.filter(school_id=school_id), pupil_ids
    ).select_related("group", "group__lead")
    if since is not None:
        rows = rows.filter(added_at__gte=start_of(since))
    url = url_maker("studygroups:group", "group_id")
    return [
        SupportEntry(
            kind=SupportKind.STUDY_GROUP,
            ref=f"study_group:{member.pk}",
            pupil_id=member.pupil_id,
            on=timezone.localdate(member.added_at),
            title=_("Joined the study group %(name)s") % {"name": member.group.name},
            owner=name_of(member.group.lead),
            status=EntryStatus.IN_PROGRESS if member.group.active else EntryStatus.DONE,
            url=url(member.group_id),
        )
        for member in rows
    ]


def advocate_entries(
    *, school_id: int, pupil_ids: Collection[int] | None = None, since: dt.date | None = None
) -> list[SupportEntry]:
    """Each real contact by the pupil's advocate. Three queries: the advocate's time with
    pupils, the assignments, and the family contacts the advocates logged."""
    met = for_pupils(AdvocateContact.objects.filter(school_id=school_id), pupil_ids)
    if since is not None:
        met = met.filter(happened_at__gte=start_of(since))
    url = url_maker("advocates:advocacy_pupil", "pupil_id")
    kinds = dict(AdvocateContactKind.choices)
    entries = [
        SupportEntry(
            kind=SupportKind.ADVOCATE,
            ref=f"advocate:{pk}",
            pupil_id=pupil_id,
            on=timezone.localdate(happened_at),
            title=str(kinds.get(kind, "")),
            owner=f"{first} {last}" if first or last else "",
            url=url(pupil_id),
        )
        # Plain rows: a school's contacts over a year run to thousands.
        for pk, pupil_id, kind, happened_at, first, last in met.values_list(
            "pk", "pupil_id", "kind", "happened_at", "staff__first_name", "staff__last_name"
        )
    ]
    assignments = for_pupils(AdvocateAssignment.objects.filter(school_id=school_id), pupil_ids)
    if since is not None:
        assignments = assignments.filter(Q(ended__isnull=True) | Q(ended__gte=since))
    by_pupil: dict[int, list[AdvocateAssignment]] = {}
    for assignment in assignments.select_related("staff"):
        by_pupil.setdefault(assignment.pupil_id, []).append(assignment)
    if not by_pupil:
        return entries
    spoken = messaging.family_contacts_spoken(
        school_id=school_id,
        pupil_ids=list(by_pupil),
        since=start_of(since) if since is not None else None,
        staff_ids={a.staff_id for rows in by_pupil.values() for a in rows},
    )
    for contact in spoken:
        day = timezone.localdate(contact.happened_at)
        advocate = next(
            (
                a
                for a in by_pupil.get(contact.pupil_id, [])
                if a.staff_id == contact.staff_id
                and a.started <= day
                and (a.ended is None or day <= a.ended)
            ),
            None,
        )
        if advocate is None:
            continue
        entries.append(
            SupportEntry(
                kind=SupportKind.ADVOCATE,
                ref=f"advocate-family:{contact.id}",
                pupil_id=contact.pupil_id,
                on=day,
                title=_("The advocate spoke with the family"),
                owner=name_of(advocate.staff),
                url=url(contact.pupil_id),
            )
        )
    return entries


def family_call_entries(
    *, school_id: int, pupil_ids: Collection[int] | None = None, since: dt.date | None = None
) -> list[SupportEntry]:
    """Calls and meetings with the family logged in messaging's contact log (where someone spoke
    with them) by anyone but the pupil's advocate of the day — the advocate's are advocate
    contacts, and a logged home visit is the visit's own record. Three queries."""
    spoken = [
        contact
        for contact in messaging.family_contacts_spoken(
            school_id=school_id,
            pupil_ids=pupil_ids,
            since=start_of(since) if since is not None else None,
        )
        if contact.kind in (messaging.ContactKind.CALL, messaging.ContactKind.MEETING)
    ]
    if not spoken:
        return []
    advocates: dict[int, list[tuple[int, dt.date, dt.date | None]]] = {}
    for pupil_id, staff_id, started, ended in AdvocateAssignment.objects.filter(
        school_id=school_id, pupil_id__in={c.pupil_id for c in spoken}
    ).values_list("pupil_id", "staff_id", "started", "ended"):
        advocates.setdefault(pupil_id, []).append((staff_id, started, ended))
    names = {
        pk: f"{first} {last}"
        for pk, first, last in Staff.objects.filter(
            pk__in={c.staff_id for c in spoken if c.staff_id}
        ).values_list("pk", "first_name", "last_name")
    }
    kinds = dict(messaging.ContactKind.choices)
    url = url_maker("pupil_detail", "pupil_id")
    entries = []
    for contact in spoken:
        day = timezone.localdate(contact.happened_at)
        if any(
            staff_id == contact.staff_id and started <= day and (ended is None or day <= ended)
            for staff_id, started, ended in advocates.get(contact.pupil_id, [])
        ):
            continue
        entries.append(
            SupportEntry(
                kind=SupportKind.CALL,
                ref=f"contact:{contact.id}",
                pupil_id=contact.pupil_id,
                on=day,
                title=_("%(kind)s: spoke with the family") % {"kind": kinds.get(contact.kind, "")},
                owner=names.get(contact.staff_id or 0, ""),
                url=url(contact.pupil_id),
            )
        )
    return entries
