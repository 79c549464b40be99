"""Reads for advocates: the register of vulnerable learners, each advocate's caseload with
the last contacts and what is due, and the school's coverage.

Every read costs a fixed number of queries whatever the number of pupils: the last contacts of
all the rows come from grouped queries (`last_contacts`), never one query a pupil.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwindow.core.capabilities import MANAGE_ADVOCACY, SEE_CASELOAD, Role
from schoolwindow.core.errors import NotFound, Refused
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.messaging import api as messaging
from schoolwindow.people.models import (
    AdvocateAssignment,
    Pupil,
    PupilStatus,
    SendStatus,
    Staff,
    StaffRole,
)
from schoolwindow.support.advocates.models import (
    AdvocacySettings,
    AdvocateContact,
    CaseloadLimit,
    PupilCadence,
    VulnerableDesignation,
)

PAGE_SIZE = 25


# --- Settings and cadence ---------------------------------------------------------------------


def settings_of(school_id: int) -> AdvocacySettings:
    """The school's choices, or the defaults (unsaved) when it has made none."""
    found = AdvocacySettings.objects.filter(school_id=school_id).first()
    return found or AdvocacySettings(school_id=school_id)


def settings_for(school_ids: Iterable[int]) -> dict[int, AdvocacySettings]:
    ids = set(school_ids)
    found = {s.school_id: s for s in AdvocacySettings.objects.filter(school_id__in=ids)}
    return {sid: found.get(sid) or AdvocacySettings(school_id=sid) for sid in ids}


@dataclass(frozen=True)
class Cadence:
    pupil_days: int
    family_days: int
    own: bool  # set for this pupil, rather than the school's


def cadences_for(
    pupil_ids: Sequence[int], settings: dict[int, AdvocacySettings], school_of: dict[int, int]
) -> dict[int, Cadence]:
    own = {c.pupil_id: c for c in PupilCadence.objects.filter(pupil_id__in=pupil_ids)}
    result = {}
    for pupil_id in pupil_ids:
        school = settings[school_of[pupil_id]]
        mine = own.get(pupil_id)
        result[pupil_id] = Cadence(
            pupil_days=(mine.pupil_every_days if mine and mine.pupil_every_days else None)
            or school.pupil_every_days,
            family_days=(mine.family_every_days if mine and mine.family_every_days else None)
            or school.family_every_days,
            own=mine is not None,
        )
    return result


def caseload_limit(staff: Staff, settings: AdvocacySettings) -> int:
    own = CaseloadLimit.objects.filter(school_id=staff.school_id, staff=staff).first()
    return own.limit if own else settings.caseload_limit


# --- The register -----------------------------------------------------------------------------


def designated(school_id: int, today: dt.date) -> QuerySet[VulnerableDesignation]:
    return VulnerableDesignation.objects.filter(school_id=school_id, starts__lte=today).filter(
        Q(ends__isnull=True) | Q(ends__gte=today)
    )


def vulnerable_q(settings: AdvocacySettings, today: dt.date) -> Q:
    """The pupils a school counts as vulnerable: its chosen categories, or a designation."""
    q = Q(pk__in=designated(settings.school_id, today).values("pupil_id"))
    if settings.counts_looked_after:
        q |= Q(looked_after=True)
    if settings.counts_safeguarding:
        q |= Q(safeguarding__child_in_need=True) | Q(safeguarding__child_protection=True)
    if settings.counts_ehcp:
        q |= Q(send_status=SendStatus.EHCP)
    if settings.counts_send_support:
        q |= Q(send_status=SendStatus.SUPPORT)
    if settings.counts_young_carer:
        q |= Q(young_carer=True)
    if settings.counts_disadvantaged:
        q |= Q(disadvantaged=True)
    return q


def vulnerable_pupils(settings: AdvocacySettings, today: dt.date) -> QuerySet[Pupil]:
    return Pupil.objects.filter(school_id=settings.school_id, status=PupilStatus.ACTIVE).filter(
        vulnerable_q(settings, today)
    )


def is_vulnerable(pupil: Pupil, today: dt.date) -> bool:
    settings = settings_of(pupil.school_id)
    return vulnerable_pupils(settings, today).filter(pk=pupil.pk).exists()


def reasons_of(
    pupil: Pupil, settings: AdvocacySettings, *, designated_ids: set[int], safeguarding: bool
) -> list[str]:
    """Why a pupil is on the register, in plain words (the safeguarding category is never
    told apart: child in need and a protection plan read the same)."""
    reasons = []
    if settings.counts_looked_after and pupil.looked_after:
        reasons.append(_("looked after"))
    if settings.counts_safeguarding and safeguarding:
        reasons.append(_("known to the safeguarding lead"))
    if settings.counts_ehcp and pupil.send_status == SendStatus.EHCP:
        reasons.append(_("education, health and care plan"))
    if settings.counts_send_support and pupil.send_status == SendStatus.SUPPORT:
        reasons.append(_("SEN support"))
    if settings.counts_young_carer and pupil.young_carer:
        reasons.append(_("young carer"))
    if settings.counts_disadvantaged and pupil.disadvantaged:
        reasons.append(_("disadvantaged"))
    if pupil.pk in designated_ids:
        reasons.append(_("designated by staff"))
    return reasons


# --- Last contacts and what is due ------------------------------------------------------------


@dataclass(frozen=True)
class LastContacts:
    pupil: dt.datetime | None
    family: dt.datetime | None


def last_contacts(school_id: int, pupil_ids: Sequence[int]) -> dict[int, LastContacts]:
    """Three queries however many pupils: time with the pupil (this app's record), and the
    family's last real contact (messaging's contact log and the family's own messages)."""
    met = dict(
        AdvocateContact.objects.filter(school_id=school_id, pupil_id__in=pupil_ids)
        .values("pupil_id")
        .annotate(at=Max("happened_at"))
        .values_list("pupil_id", "at")
    )
    family = messaging.family_contact_last(school_id=school_id, pupil_ids=pupil_ids)
    return {pid: LastContacts(pupil=met.get(pid), family=family.get(pid)) for pid in pupil_ids}


def due_from(last: dt.datetime | None, started: dt.date, every_days: int) -> dt.date:
    """The next contact is due `every_days` after the last one, or after the advocate started."""
    since = last.date() if last is not None else started
    return max(since, started) + dt.timedelta(days=every_days)


@dataclass(frozen=True)
class CaseRow:
    assignment_id: int
    pupil_id: int
    pupil_name: str
    year_name: str
    advocate_name: str
    advocate_id: int
    started: dt.date
    cadence: Cadence
    last_pupil: dt.datetime | None
    last_family: dt.datetime | None
    pupil_due: dt.date
    family_due: dt.date
    today: dt.date

    @property
    def pupil_overdue(self) -> bool:
        return self.pupil_due < self.today

    @property
    def family_overdue(self) -> bool:
        return self.family_due < self.today

    @property
    def overdue(self) -> bool:
        return self.pupil_overdue or self.family_overdue

    @property
    def pupil_late_days(self) -> int:
        return max(0, (self.today - self.pupil_due).days)

    @property
    def family_late_days(self) -> int:
        return max(0, (self.today - self.family_due).days)

    @property
    def most_late(self) -> int:
        return max(self.pupil_late_days, self.family_late_days)


def assignments_current() -> QuerySet[AdvocateAssignment]:
    return AdvocateAssignment.objects.filter(
        ended__isnull=True, pupil__status=PupilStatus.ACTIVE
    ).select_related("pupil", "pupil__year_group", "staff")


def case_rows(
    assignments: Sequence[AdvocateAssignment],
    today: dt.date,
    *,
    settings: dict[int, AdvocacySettings] | None = None,
) -> list[CaseRow]:
    """Each assignment with its last contacts and what is due: a settings query, a cadence
    query, and three a school, however many rows."""
    if not assignments:
        return []
    school_ids = {a.school_id for a in assignments}
    settings = settings or settings_for(school_ids)
    school_of = {a.pupil_id: a.school_id for a in assignments}
    pupil_ids = list(school_of)
    cadences = cadences_for(pupil_ids, settings, school_of)
    last: dict[int, LastContacts] = {}
    for sid in sorted(school_ids):
        last.update(last_contacts(sid, [p for p, s in school_of.items() if s == sid]))
    rows = []
    for a in assignments:
        cadence = cadences[a.pupil_id]
        contacts = last[a.pupil_id]
        rows.append(
            CaseRow(
                assignment_id=a.pk,
                pupil_id=a.pupil_id,
                pupil_name=a.pupil.display_name,
                year_name=a.pupil.year_group.name if a.pupil.year_group else "",
                advocate_name=a.staff.display_name,
                advocate_id=a.staff_id,
                started=a.started,
                cadence=cadence,
                last_pupil=contacts.pupil,
                last_family=contacts.family,
                pupil_due=due_from(contacts.pupil, a.started, cadence.pupil_days),
                family_due=due_from(contacts.family, a.started, cadence.family_days),
                today=today,
            )
        )
    return rows


# --- Caseloads --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caseload:
    rows: list[CaseRow]
    whole_school: bool  # a manager's view of every advocate's caseload
    school_ids: list[int]


def caseload_get(
    *, actor: Actor, today: dt.date, overdue_only: bool = False, staff_id: int | None = None
) -> Caseload:
    """An advocate's own caseload; for those who manage advocacy, every current assignment of
    their schools (or one advocate's, with `staff_id`)."""
    managed = actor.schools_where(MANAGE_ADVOCACY)
    own = {sid: actor.staff_ids[sid] for sid in actor.schools_where(SEE_CASELOAD)}
    if not managed and not own:
        raise Refused
    scope = Q(school_id__in=managed) | Q(staff_id__in=list(own.values()))
    assignments = assignments_current().filter(scope)
    if staff_id is not None:
        assignments = assignments.filter(staff_id=staff_id)
    elif not managed:
        assignments = assignments.filter(staff_id__in=list(own.values()))
    ordered = list(assignments.order_by("pupil__legal_last_name", "pupil__legal_first_name", "pk"))
    rows = case_rows(ordered, today)
    if overdue_only:
        rows = sorted((r for r in rows if r.overdue), key=lambda r: -r.most_late)
    return Caseload(rows=rows, whole_school=bool(managed), school_ids=managed or list(own))


def my_overdue(
    actor: Actor, school_ids: Sequence[int], today: dt.date, *, own: bool
) -> list[CaseRow]:
    """Overdue rows, most overdue first: the actor's own caseload, or every one at the schools."""
    assignments = assignments_current().filter(school_id__in=school_ids)
    if own:
        assignments = assignments.filter(staff_id__in=[actor.staff_ids[s] for s in school_ids])
    rows = case_rows(list(assignments), today)
    return sorted((r for r in rows if r.overdue), key=lambda r: (-r.most_late, r.pupil_name))


# --- One pupil --------------------------------------------------------------------------------


def pupil_for_advocacy(*, actor: Actor, pupil_id: int) -> Pupil:
    """A pupil the actor may see (else 404) and may act for as advocate or manager (else 403)."""
    pupil = (
        policy_for(Pupil)
        .visible(actor)
        .filter(pk=pupil_id)
        .select_related("year_group", "school")
        .distinct()
        .first()
    )
    if pupil is None:
        raise NotFound
    if not may_act_for(actor, pupil):
        raise Refused
    return pupil


def may_act_for(actor: Actor, pupil: Pupil) -> bool:
    if actor.can(MANAGE_ADVOCACY, pupil.school_id):
        return True
    staff_id = actor.staff_ids.get(pupil.school_id)
    return (
        staff_id is not None
        and actor.can(SEE_CASELOAD, pupil.school_id)
        and (
            AdvocateAssignment.objects.filter(
                school_id=pupil.school_id, staff_id=staff_id, pupil=pupil, ended__isnull=True
            ).exists()
        )
    )


def pupil_case_row(*, pupil: Pupil, today: dt.date) -> CaseRow | None:
    """The pupil's current advocate with cadence and last contacts (six queries), or None."""
    assignment = assignments_current().filter(pupil=pupil).order_by("-started", "-pk").first()
    return case_rows([assignment], today)[0] if assignment else None


@dataclass(frozen=True)
class PupilAdvocacy:
    pupil: Pupil
    vulnerable: bool
    reasons: list[str]
    row: CaseRow | None  # the current advocate, cadence and contacts
    cadence: Cadence
    last: LastContacts
    designations: list[VulnerableDesignation]


def pupil_advocacy(*, pupil: Pupil, today: dt.date, with_designations: bool) -> PupilAdvocacy:
    settings = settings_of(pupil.school_id)
    active = set(
        designated(pupil.school_id, today).filter(pupil=pupil).values_list("pupil_id", flat=True)
    )
    safeguarding = Pupil.objects.filter(
        Q(safeguarding__child_in_need=True) | Q(safeguarding__child_protection=True), pk=pupil.pk
    ).exists()
    reasons = reasons_of(pupil, settings, designated_ids=active, safeguarding=safeguarding)
    assignment = assignments_current().filter(pupil=pupil).order_by("-started", "-pk").first()
    row = (
        case_rows([assignment], today, settings={pupil.school_id: settings})[0]
        if assignment
        else None
    )
    cadence = (
        row.cadence
        if row
        else cadences_for([pupil.pk], {pupil.school_id: settings}, {pupil.pk: pupil.school_id})[
            pupil.pk
        ]
    )
    last = (
        LastContacts(pupil=row.last_pupil, family=row.last_family)
        if row
        else last_contacts(pupil.school_id, [pupil.pk])[pupil.pk]
    )
    designations = (
        list(VulnerableDesignation.objects.filter(pupil=pupil).select_related("designated_by")[:10])
        if with_designations
        else []
    )
    return PupilAdvocacy(
        pupil=pupil,
        vulnerable=bool(reasons),
        reasons=reasons,
        row=row,
        cadence=cadence,
        last=last,
        designations=designations,
    )


@dataclass(frozen=True)
class AdvocateChoice:
    staff_id: int
    name: str
    caseload: int
    limit: int

    @property
    def full(self) -> bool:
        return self.caseload >= self.limit


def advocate_choices(school_id: int) -> list[AdvocateChoice]:
    """The school's advocates with their caseloads and limits, in three queries."""
    settings = settings_of(school_id)
    staff = list(
        Staff.objects.filter(
            school_id=school_id,
            active=True,
            pk__in=StaffRole.objects.filter(school_id=school_id, role=Role.ADVOCATE).values(
                "staff_id"
            ),
        )
    )
    counts = dict(
        AdvocateAssignment.objects.filter(school_id=school_id, ended__isnull=True)
        .values("staff_id")
        .annotate(n=Count("pk"))
        .values_list("staff_id", "n")
    )
    limits = dict(
        CaseloadLimit.objects.filter(school_id=school_id).values_list("staff_id", "limit")
    )
    return [
        AdvocateChoice(
            staff_id=s.pk,
            name=s.display_name,
            caseload=counts.get(s.pk, 0),
            limit=limits.get(s.pk, settings.caseload_limit),
        )
        for s in staff
    ]


def own_limits(school_id: int) -> dict[int, int]:
    return dict(CaseloadLimit.objects.filter(school_id=school_id).values_list("staff_id", "limit"))


# --- Coverage ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageGroup:
    label: str
    vulnerable: int
    with_advocate: int
    on_track: int

    @property
    def with_advocate_pct(self) -> float | None:
        return 100.0 * self.with_advocate / self.vulnerable if self.vulnerable else None

    @property
    def on_track_pct(self) -> float | None:
        return 100.0 * self.on_track / self.vulnerable if self.vulnerable else None


GROUPS = (
    ("disadvantaged", gettext_lazy("Disadvantaged")),
    ("send", gettext_lazy("SEND")),
    ("eal", gettext_lazy("EAL")),
    ("looked_after", gettext_lazy("Looked after")),
)


def coverage_school_ids(actor: Actor) -> list[int]:
    schools = actor.schools_where(MANAGE_ADVOCACY)
    if not schools:
        raise Refused
    return schools


def coverage(*, actor: Actor, school_id: int, today: dt.date) -> list[CoverageGroup]:
    """The share of the school's vulnerable learners with an advocate, and with contact on
    track (an advocate, and neither the pupil's nor the family's contact overdue), for all of
    them, each year and each pupil group. A fixed number of queries."""
    actor.require(MANAGE_ADVOCACY, school_id)
    settings = settings_of(school_id)
    pupils = list(
        vulnerable_pupils(settings, today)
        .select_related("year_group")
        .only(
            "id",
            "year_group__name",
            "year_group__ordinal",
            "disadvantaged",
            "send_status",
            "eal",
            "looked_after",
        )
    )
    assignments = list(
        assignments_current().filter(school_id=school_id, pupil_id__in=[p.pk for p in pupils])
    )
    rows = {r.pupil_id: r for r in case_rows(assignments, today, settings={school_id: settings})}

    def group(label: str, members: list[Pupil]) -> CoverageGroup:
        return CoverageGroup(
            label=label,
            vulnerable=len(members),
            with_advocate=sum(1 for p in members if p.pk in rows),
            on_track=sum(1 for p in members if p.pk in rows and not rows[p.pk].overdue),
        )

    groups = [group(_("All vulnerable learners"), pupils)]
    years: dict[tuple[int, str], list[Pupil]] = {}
    for p in pupils:
        if p.year_group is not None:
            years.setdefault((p.year_group.ordinal, p.year_group.name), []).append(p)
    groups += [group(name, members) for (_o, name), members in sorted(years.items())]
    tests = {
        "disadvantaged": lambda p: p.disadvantaged,
        "send": lambda p: p.send_status != SendStatus.NONE,
        "eal": lambda p: p.eal,
        "looked_after": lambda p: p.looked_after,
    }
    for key, label in GROUPS:
        groups.append(group(str(label), [p for p in pupils if tests[key](p)]))
    return groups


def without_advocate(*, actor: Actor, school_id: int, today: dt.date) -> QuerySet[Pupil]:
    """Vulnerable learners with no current advocate, by name (paged by the page)."""
    actor.require(MANAGE_ADVOCACY, school_id)
    settings = settings_of(school_id)
    current = AdvocateAssignment.objects.filter(school_id=school_id, ended__isnull=True)
    return (
        vulnerable_pupils(settings, today)
        .exclude(pk__in=current.values("pupil_id"))
        .select_related("year_group")
        .order_by("legal_last_name", "legal_first_name", "pk")
    )
