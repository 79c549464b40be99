"""Reads for the watchlist, a flag's page, the rule settings and the pupil's engagement timeline.

Who sees flags (decided here, tested in tests/engagement/test_watchlist_permissions.py):

- pastoral leads, school leaders, DSLs and family liaison officers: every flag of their school,
  and they may act on all of them (assign, note, snooze, resolve, reopen);
- advocates: the flags of the pupils on their caseload, and they may act on them;
- teachers: the flags of the pupils they teach, to read and to add a note or log a contact with
  the family (tutors often make that call) — but not to assign, snooze or resolve;
- office staff, trust officers, parents and pupils: never (the pages answer 403).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import (
    Case,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwindow.core.capabilities import (
    CHANGE_EARLY_WARNING,
    SEE_CASELOAD,
    USE_WATCHLIST,
    WHOLE_SCHOOL_PASTORAL,
)
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import Policy, policy_for
from schoolwindow.engagement import charts
from schoolwindow.engagement.facts import pupil_day_series
from schoolwindow.engagement.models import (
    FamilyMessage,
    Flag,
    FlagEvent,
    FlagEventKind,
    FlagOutcome,
    FlagStatus,
    PupilDay,
    RuleSetting,
)
from schoolwindow.engagement.rules import (
    RuleConfig,
    RuleDef,
    excused,
    online,
    reason_evidence,
    reason_text,
    risk_label,
    rule_config,
    rules_all,
)
from schoolwindow.people.models import (
    AdvocateAssignment,
    Enrolment,
    Pupil,
    StaffRole,
    TeachingAssignment,
)
from schoolwindow.people.selectors import FLAG_FILTERS
from schoolwindow.schools.models import Group, GroupKind, School, Term, YearGroup

PAGE_SIZE = 50
STATUSES = ("open", "snoozed", "resolved", "all")


def can_use_watchlist(actor: Actor) -> bool:
    return actor.can_anywhere(USE_WATCHLIST)


def can_change_rules(actor: Actor) -> bool:
    return actor.can_anywhere(CHANGE_EARLY_WARNING)


def flag_actor(actor: Actor) -> Actor:
    """The actor as far as flags go: staff roles that may see flags, nothing else."""
    roles = {
        school_id: held & USE_WATCHLIST.roles
        for school_id, held in actor.school_roles.items()
        if held & USE_WATCHLIST.roles
    }
    # A new Actor (request.actor is a lazy wrapper, which dataclasses.replace refuses).
    return Actor(
        user=actor.user,
        kind=actor.kind,
        school_roles=roles,
        staff_ids={sid: staff for sid, staff in actor.staff_ids.items() if sid in roles},
        ip_address=actor.ip_address,
        user_agent=actor.user_agent,
    )


def flag_scope(actor: Actor) -> Q:
    """A filter on Flag keeping exactly the flags this actor may see."""
    scoped = flag_actor(actor)
    whole = scoped.schools_where(WHOLE_SCHOOL_PASTORAL)
    scope = Q(school_id__in=whole) if whole else Q(pk__in=[])
    partial = {sid: roles for sid, roles in scoped.school_roles.items() if sid not in whole}
    if partial:
        narrow = dataclasses.replace(scoped, school_roles=partial)
        scope |= Q(
            school_id__in=list(partial),
            pupil_id__in=Pupil.objects.filter(policy_for(Pupil).scope(narrow)).values("pk"),
        )
    return scope


class FlagPolicy(Policy[Flag]):
    """Whole-school pastoral roles see every flag of their school; teachers and advocates the
    flags of pupils they may see. Triage is for whole-school roles and the pupil's advocate."""

    model = Flag

    def scope(self, actor: Actor) -> Q:
        return flag_scope(actor)

    def may(self, actor: Actor, action: str, record: Flag) -> bool:
        if action == TRIAGE:
            return can_triage(actor, record)
        if action == NOTE:
            return can_note(actor, record)
        return super().may(actor, action, record)


TRIAGE = "triage"
NOTE = "note"


def flags_visible(*, actor: Actor) -> QuerySet[Flag]:
    return policy_for(Flag).visible(actor)


def advocate_staff_ids(flag: Flag | FlagInfo) -> set[int]:
    """The pupil's current advocates (from the prefetch the list and page selectors make)."""
    if getattr(flag.pupil, "current_advocates", None) is None:
        attach_row_extras([flag])
    advocates: dict[int, str] = getattr(flag.pupil, "current_advocates", None) or {}
    return set(advocates)


def can_triage(actor: Actor, flag: Flag | FlagInfo) -> bool:
    """Assign, snooze, resolve and reopen: whole-school roles, or the pupil's own advocate."""
    if actor.can(WHOLE_SCHOOL_PASTORAL, flag.school_id):
        return True
    if not actor.can(SEE_CASELOAD, flag.school_id):
        return False
    return actor.staff_ids.get(flag.school_id) in advocate_staff_ids(flag)


def can_note(actor: Actor, flag: Flag | FlagInfo) -> bool:
    """Add a note or log a contact: anyone who may see the flag (the view checked that)."""
    return actor.can(USE_WATCHLIST, flag.school_id)


# --- The watchlist -------------------------------------------------------------------------


@dataclass(frozen=True)
class WatchlistFilters:
    school_id: int | None = None
    year: str = ""
    group_id: int | None = None
    needs: tuple[str, ...] = ()
    status: str = "open"
    mine: bool = False
    new_only: bool = False


def last_contact_annotations() -> dict[str, Subquery]:
    messages = FamilyMessage.objects.filter(
        school_id=OuterRef("school_id"), pupil_id=OuterRef("pupil_id")
    )
    return {
        "last_reply": Subquery(
            messages.filter(replied_at__isnull=False)
            .order_by("-replied_at")
            .values("replied_at")[:1]
        ),
        "last_read": Subquery(
            messages.filter(read_at__isnull=False).order_by("-read_at").values("read_at")[:1]
        ),
        "last_contact": Subquery(
            FlagEvent.objects.filter(
                school_id=OuterRef("school_id"),
                flag__pupil_id=OuterRef("pupil_id"),
                kind=FlagEventKind.CONTACT,
            )
            .order_by("-at")
            .values("at")[:1]
        ),
    }


def attach_row_extras(flags: Sequence[Any], *, advocates: bool = True) -> None:
    """Give each flag's pupil their registration classes and (if asked) current advocates
    ({staff id: name}), for the whole page in one or two queries of plain values."""
    pupil_ids = [flag.pupil_id for flag in flags]
    classes: dict[int, list[str]] = {pupil_id: [] for pupil_id in pupil_ids}
    for pupil_id, name in (
        Enrolment.objects.filter(
            pupil_id__in=pupil_ids, active=True, group__kind=GroupKind.REGISTRATION
        )
        .order_by("group__name")
        .values_list("pupil_id", "group__name")
    ):
        classes[pupil_id].append(name)
    for flag in flags:
        flag.pupil.registration_classes = classes[flag.pupil_id]
    if not advocates:
        return
    found: dict[int, dict[int, str]] = {pupil_id: {} for pupil_id in pupil_ids}
    for pupil_id, staff_id, title, first, last in AdvocateAssignment.objects.filter(
        pupil_id__in=pupil_ids, ended__isnull=True, staff__active=True
    ).values_list("pupil_id", "staff_id", "staff__title", "staff__first_name", "staff__last_name"):
        found[pupil_id][staff_id] = " ".join(part for part in (title, first, last) if part)
    for flag in flags:
        flag.pupil.current_advocates = found[flag.pupil_id]


# --- Rows: plain values, not model instances ----------------------------------------------
#
# The list shows 50 flags; building 150 model instances and decoding their JSON took most of
# the page's time. A row is loaded as values, and the words and the chart (the JSON fields)
# only for the rows that are not already drawn (see views.rows_html).

ROW_VALUES = (
    "id",
    "school_id",
    "pupil_id",
    "status",
    "opened_on",
    "last_evaluated_on",
    "severity",
    "risk",
    "worsened_on",
    "woken_on",
    "clear_since",
    "assigned_to_id",
    "snoozed_until",
    "outcome",
    "resolved_at",
    "updated_at",
    "pupil__legal_first_name",
    "pupil__legal_last_name",
    "pupil__preferred_first_name",
    "pupil__preferred_last_name",
    "pupil__updated_at",
    "pupil__year_group__name",
    "assigned_to__title",
    "assigned_to__first_name",
    "assigned_to__last_name",
    "last_reply",
    "last_read",
    "last_contact",
)
DETAIL_FIELDS = ("reasons", "trend", "risk_reasons")


@dataclass
class Person:
    display_name: str


@dataclass
class PupilInfo:
    pk: int
    school_id: int
    first_name: str
    last_name: str
    year_name: str
    updated_at: dt.datetime
    registration_classes: list[str] = field(default_factory=list)
    current_advocates: dict[int, str] | None = None

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class FlagInfo:
    """What a watchlist row needs of a flag, with the same names as on Flag."""

    pk: int
    school_id: int
    pupil_id: int
    pupil: PupilInfo
    status: str
    opened_on: dt.date
    last_evaluated_on: dt.date
    severity: int
    risk: float | None
    worsened_on: dt.date | None
    woken_on: dt.date | None
    clear_since: dt.date | None
    assigned_to_id: int | None
    assigned_to: Person | None
    snoozed_until: dt.date | None
    outcome: str
    resolved_at: dt.datetime | None
    updated_at: dt.datetime
    last_reply: dt.datetime | None
    last_read: dt.datetime | None
    last_contact: dt.datetime | None
    reasons: list[dict[str, Any]] = field(default_factory=list)
    trend: dict[str, Any] = field(default_factory=dict)
    risk_reasons: list[str] = field(default_factory=list)
    details_loaded: bool = False

    def get_status_display(self) -> str:
        return str(FlagStatus(self.status).label)

    def get_outcome_display(self) -> str:
        return str(FlagOutcome(self.outcome).label) if self.outcome else ""

    @classmethod
    def from_values(cls, v: dict[str, Any]) -> FlagInfo:
        assigned = None
        if v["assigned_to_id"] is not None:
            parts = (
                v["assigned_to__title"],
                v["assigned_to__first_name"],
                v["assigned_to__last_name"],
            )
            assigned = Person(" ".join(part for part in parts if part))
        pupil = PupilInfo(
            pk=v["pupil_id"],
            school_id=v["school_id"],
            first_name=v["pupil__preferred_first_name"] or v["pupil__legal_first_name"],
            last_name=v["pupil__preferred_last_name"] or v["pupil__legal_last_name"],
            year_name=v["pupil__year_group__name"] or "",
            updated_at=v["pupil__updated_at"],
        )
        return cls(
            pk=v["id"],
            school_id=v["school_id"],
            pupil_id=v["pupil_id"],
            pupil=pupil,
            status=v["status"],
            opened_on=v["opened_on"],
            last_evaluated_on=v["last_evaluated_on"],
            severity=v["severity"],
            risk=v["risk"],
            worsened_on=v["worsened_on"],
            woken_on=v["woken_on"],
            clear_since=v["clear_since"],
            assigned_to_id=v["assigned_to_id"],
            assigned_to=assigned,
            snoozed_until=v["snoozed_until"],
            outcome=v["outcome"],
            resolved_at=v["resolved_at"],
            updated_at=v["updated_at"],
            last_reply=v["last_reply"],
            last_read=v["last_read"],
            last_contact=v["last_contact"],
        )


def row_queryset(flags: QuerySet[Flag]) -> QuerySet[Flag, dict[str, Any]]:
    """Everything a row shows but its words and chart, with the last contact with the family,
    in one query."""
    rows: QuerySet[Flag, dict[str, Any]] = flags.annotate(**last_contact_annotations()).values(
        *ROW_VALUES
    )
    return rows


def load_row_details(flags: Sequence[FlagInfo]) -> None:
    """The reasons, the six-week trend and the score's reasons of these rows: one query."""
    wanted = {flag.pk: flag for flag in flags if not flag.details_loaded}
    if not wanted:
        return
    for pk, reasons, trend, risk_reasons in Flag.objects.filter(pk__in=list(wanted)).values_list(
        "pk", *DETAIL_FIELDS
    ):
        flag = wanted[pk]
        flag.reasons, flag.trend, flag.risk_reasons = reasons, trend or {}, risk_reasons or []
        flag.details_loaded = True


# A flag is urgent when the learned score gives even odds or worse, or its reasons weigh as much
# as attendance at its second level (rules.SEVERITY): those come first, and among them the ones
# nobody has picked up yet.
URGENT_RISK = 0.5
URGENT_SEVERITY = 5
URGENCY = Case(
    When(Q(risk__gte=URGENT_RISK) | Q(severity__gte=URGENT_SEVERITY), then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
)


def watchlist(*, actor: Actor, filters: WatchlistFilters) -> QuerySet[Flag, dict[str, Any]]:
    """The flags the actor may see, filtered: the urgent first, and among equally urgent flags
    the unassigned first, then by risk and the weight of reasons."""
    flags = watchlist_flags(actor=actor, filters=filters)
    if filters.status == "resolved":
        order: Sequence[Any] = ("-resolved_at", "pk")
    else:
        order = (
            "-urgency",
            F("assigned_to_id").asc(nulls_first=True),
            F("risk").desc(nulls_last=True),
            "-severity",
            "pupil__legal_last_name",
            "pupil__legal_first_name",
            "pk",
        )
    return row_queryset(flags.annotate(urgency=URGENCY)).order_by(*order)


def new_since_last_school_day(today: dt.date | None = None) -> Q:
    """Open flags raised, worse or back from snooze since the last weekday (the rows marked
    "New"; on a Monday, since Friday)."""
    since = previous_weekday(today or timezone.localdate())
    return Q(status=FlagStatus.OPEN) & (
        Q(opened_on__gt=since) | Q(worsened_on__gt=since) | Q(woken_on__gt=since)
    )


def new_since_count(flags: QuerySet[Flag], *, today: dt.date | None = None) -> int:
    return flags.filter(new_since_last_school_day(today)).count()


def watchlist_flags(*, actor: Actor, filters: WatchlistFilters) -> QuerySet[Flag]:
    """The flags the actor may see, with the watchlist's filters applied, unordered."""
    flags = flags_visible(actor=actor)
    if filters.status in {"open", "snoozed", "resolved"}:
        flags = flags.filter(status=filters.status)
    if filters.school_id is not None:
        flags = flags.filter(school_id=filters.school_id)
    if filters.year:
        flags = flags.filter(pupil__year_group__code=filters.year)
    if filters.group_id is not None:
        flags = flags.filter(
            pupil_id__in=Enrolment.objects.filter(group_id=filters.group_id, active=True).values(
                "pupil_id"
            )
        )
    needs = [FLAG_FILTERS[need] for need in filters.needs if need in FLAG_FILTERS]
    if needs:
        pupils = Pupil.objects.all()
        for need in needs:
            pupils = pupils.filter(need)
        flags = flags.filter(pupil_id__in=pupils.values("pk"))
    if filters.mine:
        flags = flags.filter(assigned_to_id__in=list(actor.staff_ids.values()))
    if filters.new_only:
        flags = flags.filter(new_since_last_school_day())
    return flags


@dataclass(frozen=True)
class Contact:
    kind: str
    at: dt.datetime


@dataclass
class WatchRow:
    """One pupil on the list. What is cheap is computed at once (it makes the row's cache key);
    the words and the chart only when the row is drawn."""

    flag: FlagInfo
    pupil: PupilInfo
    is_new: bool
    contact: Contact | None
    classes: list[str]
    can_triage: bool
    can_note: bool
    assign_choices: list[tuple[int, str]] = field(default_factory=list)
    school_name: str = ""
    message: str = ""
    message_ok: bool = True

    @property
    def new_label(self) -> str:
        flag = self.flag
        changed = change_date(flag)
        if flag.opened_on == changed:
            return str(_("New"))
        if flag.worsened_on == changed:
            return str(_("New reason"))
        return str(_("Back from snooze"))

    @cached_property
    def reasons(self) -> list[str]:
        """The rules' reasons; the learned score has its own line (risk_label, risk_reasons)."""
        return [
            reason_text(reason)
            for reason in self.flag.reasons
            if reason.get("rule") != "risk" or self.flag.risk is None
        ]

    @property
    def risk_label(self) -> str:
        return risk_label(self.flag.risk) if self.flag.risk is not None else ""

    @property
    def risk_reasons(self) -> list[str]:
        return list(self.flag.risk_reasons or [])

    def cache_key(self, *, language: str, show_school: bool) -> str:
        """Everything the row shows, hashed: a row drawn once is reused until any of it changes."""
        flag, pupil = self.flag, self.pupil
        parts = [
            language,
            flag.pk,
            flag.updated_at.isoformat(),
            pupil.updated_at.isoformat(),
            pupil.year_name,
            "|".join(self.classes),
            self.contact.kind if self.contact else "",
            self.contact.at.isoformat() if self.contact else "",
            flag.assigned_to.display_name if flag.assigned_to else "",
            self.school_name if show_school else "",
            self.is_new,
            self.can_triage,
            self.can_note,
        ]
        return hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=16).hexdigest()


def previous_weekday(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def change_date(flag: Flag | FlagInfo) -> dt.date:
    return max(d for d in (flag.opened_on, flag.worsened_on, flag.woken_on) if d is not None)


def is_new(flag: Flag | FlagInfo, *, since: dt.date) -> bool:
    """Raised, worse or back from snooze after `since`, the last weekday before today: "new
    since yesterday" (on a Monday, since Friday)."""
    return flag.status == FlagStatus.OPEN and change_date(flag) > since


CONTACT_LABELS = (
    ("last_contact", gettext_lazy("Contact logged")),
    ("last_reply", gettext_lazy("Replied to a message")),
    ("last_read", gettext_lazy("Read a message")),
)


def latest_contact(
    flag: FlagInfo, labels: Sequence[tuple[str, str]] | None = None
) -> Contact | None:
    """The most recent sign of contact with the family: a logged contact, a reply, a read."""
    best: Contact | None = None
    for attribute, label in labels or CONTACT_LABELS:
        at = getattr(flag, attribute, None)
        if at is not None and (best is None or at > best.at):
            best = Contact(str(label), at)
    return best


def assignable_staff(school_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """Per school, the people a flag may be assigned to (besides the pupil's advocates)."""
    out: dict[int, dict[int, str]] = {}
    for role in (
        StaffRole.objects.filter(
            school_id__in=list(school_ids), role__in=list(WHOLE_SCHOOL_PASTORAL), staff__active=True
        )
        .select_related("staff")
        .order_by("staff__last_name", "staff__first_name", "staff_id")
    ):
        out.setdefault(role.school_id, {})[role.staff_id] = role.staff.display_name
    return {school_id: list(staff.items()) for school_id, staff in out.items()}


def watch_rows(
    *,
    actor: Actor,
    flags: Sequence[dict[str, Any]] | Sequence[FlagInfo],
    today: dt.date | None = None,
    school_names: dict[int, str] | None = None,
) -> list[WatchRow]:
    """Turn a page of the list (row values) into what it shows: one query (the pupils'
    classes), and one more (their advocates) when the actor is an advocate, who may act only
    for their own caseload."""
    today = today or timezone.localdate()
    infos = [f if isinstance(f, FlagInfo) else FlagInfo.from_values(f) for f in flags]
    if not infos:
        return []
    partial = any(not actor.can(WHOLE_SCHOOL_PASTORAL, flag.school_id) for flag in infos)
    attach_row_extras(infos, advocates=partial)
    labels = [(attribute, str(label)) for attribute, label in CONTACT_LABELS]
    since = previous_weekday(today)
    names = school_names or {}
    return [
        WatchRow(
            flag=flag,
            pupil=flag.pupil,
            is_new=is_new(flag, since=since),
            contact=latest_contact(flag, labels),
            classes=flag.pupil.registration_classes,
            can_triage=can_triage(actor, flag),
            can_note=can_note(actor, flag),
            school_name=names.get(flag.school_id, ""),
        )
        for flag in infos
    ]


def assign_choices(flag: FlagInfo) -> list[tuple[int, str]]:
    """Who a flag may be given to: whole-school roles at its school, and the pupil's advocates."""
    if flag.pupil.current_advocates is None:
        attach_row_extras([flag])
    choices = assignable_staff([flag.school_id]).get(flag.school_id, [])
    known = {pk for pk, _name in choices}
    advocate = str(_("advocate"))
    advocates = flag.pupil.current_advocates or {}
    return choices + [
        (pk, f"{name} ({advocate})") for pk, name in advocates.items() if pk not in known
    ]


def watch_row_get(*, actor: Actor, flag_id: int, today: dt.date | None = None) -> WatchRow:
    """One row of the list, drawn fresh, as HTMX swaps it in after an action."""
    values = row_queryset(flags_visible(actor=actor)).filter(pk=flag_id).first()
    if values is None:
        raise Http404
    row = watch_rows(actor=actor, flags=[values], today=today)[0]
    load_row_details([row.flag])
    if row.can_triage:
        row.assign_choices = assign_choices(row.flag)
    return row


def flag_get(*, actor: Actor, flag_id: int) -> Flag:
    flag = (
        flags_visible(actor=actor).select_related("pupil", "assigned_to").filter(pk=flag_id).first()
    )
    if flag is None:
        raise Http404
    return flag


@dataclass(frozen=True)
class ReasonView:
    text: str
    evidence: list[str]
    rule: str
    level: int


@dataclass(frozen=True)
class EventView:
    event: FlagEvent
    who: str
    label: str
    lines: list[str]


@dataclass
class FlagPage:
    row: WatchRow
    reasons: list[ReasonView]
    history: list[EventView]
    other_flags: list[Flag] = field(default_factory=list)


def event_lines(event: FlagEvent) -> list[str]:
    detail = event.detail or {}
    lines: list[str] = []
    if event.kind in (FlagEventKind.OPENED, FlagEventKind.WORSENED):
        lines.extend(detail.get("reasons", []))
    elif event.kind == FlagEventKind.ASSIGNED:
        lines.append(
            _("Assigned to %(name)s") % {"name": detail["to"]}
            if detail.get("to")
            else _("No longer assigned")
        )
    elif event.kind == FlagEventKind.SNOOZED and detail.get("until"):
        lines.append(
            _("Until %(day)s") % {"day": date_format(dt.date.fromisoformat(detail["until"]))}
        )
    elif event.kind == FlagEventKind.WOKEN:
        lines.append(
            _("A new or worse reason appeared")
            if detail.get("because") == "worse"
            else _("The snooze date arrived")
        )
    elif event.kind == FlagEventKind.RESOLVED and detail.get("outcome"):
        lines.append(str(FlagOutcome(detail["outcome"]).label))
    elif event.kind == FlagEventKind.SUGGESTION:
        lines.append(
            _("No reasons for %(n)s school days: this flag may be ready to close, if you agree.")
            % {"n": detail.get("school_days", 10)}
        )
    elif event.kind == FlagEventKind.CLEARED:
        lines.append(_("None of the rules finds a reason any more."))
    return lines


def flag_page_get(*, actor: Actor, flag_id: int, today: dt.date | None = None) -> FlagPage:
    row = watch_row_get(actor=actor, flag_id=flag_id, today=today)
    flag = row.flag
    reasons = [
        ReasonView(
            text=reason_text(reason),
            evidence=reason_evidence(reason),
            rule=str(reason["rule"]),
            level=int(reason.get("level", 1)),
        )
        for reason in flag.reasons
        if reason.get("rule") != "risk" or flag.risk is None  # the score has its own section
    ]
    history = [
        EventView(
            event=event,
            who=(
                (event.actor.get_full_name() or event.actor.username)
                if event.actor
                else str(_("School Window"))
            ),
            label=str(event.get_kind_display()),
            lines=event_lines(event),
        )
        for event in FlagEvent.objects.filter(flag_id=flag.pk)
        .select_related("actor")
        .order_by("-at", "-pk")
    ]
    others = list(
        Flag.objects.filter(school_id=flag.school_id, pupil_id=flag.pupil_id)
        .exclude(pk=flag.pk)
        .order_by("-opened_on")[:10]
    )
    return FlagPage(row=row, reasons=reasons, history=history, other_flags=others)


@dataclass(frozen=True)
class WatchlistOptions:
    schools: list[tuple[int, str]]
    school_id: int | None
    years: list[tuple[str, str]]
    groups: list[tuple[int, str]]


def latest_data_day(*, school_ids: Iterable[int]) -> dt.date | None:
    """The last school day these schools' daily facts reach: what the pages' figures are "as of".

    Pages say it next to their figures, so that on a Saturday, in a holiday, or when the data
    stopped coming, nobody reads Friday's (or July's) figures as today's."""
    ids = list(school_ids)
    if not ids:
        return None
    day: dt.date | None = PupilDay.objects.filter(school_id__in=ids).aggregate(last=Max("date"))[
        "last"
    ]
    return day


def watchlist_options(*, actor: Actor, school_id: int | None) -> WatchlistOptions:
    """Filter choices: the actor's schools, their year groups, and the classes they may use —
    every registration class for whole-school roles, otherwise the groups they teach."""
    scoped = flag_actor(actor)
    schools = list(
        School.objects.filter(pk__in=list(scoped.school_ids))
        .order_by("name")
        .values_list("pk", "name")
    )
    ids = [pk for pk, _name in schools]
    if school_id not in ids:
        school_id = None
    in_schools = [school_id] if school_id is not None else ids
    years: dict[str, str] = {}
    for code, name in (
        YearGroup.objects.filter(school_id__in=in_schools)
        .order_by("ordinal", "code")
        .values_list("code", "name")
    ):
        years.setdefault(code, name)
    whole = [sid for sid in scoped.schools_where(WHOLE_SCHOOL_PASTORAL) if sid in in_schools]
    taught = TeachingAssignment.objects.filter(
        school_id__in=in_schools, staff_id__in=list(scoped.staff_ids.values())
    ).values("group_id")
    many = len(in_schools) > 1
    groups = [
        (pk, f"{name} ({school})" if many else name)
        for pk, name, school in Group.objects.filter(
            Q(school_id__in=whole, kind=GroupKind.REGISTRATION) | Q(pk__in=taught),
            school_id__in=in_schools,
            active=True,
        )
        .order_by("school__name", "name")
        .values_list("pk", "name", "school__name")
    ]
    return WatchlistOptions(
        schools=schools, school_id=school_id, years=list(years.items()), groups=groups
    )


# --- Rule settings -------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleSettingView:
    rule: RuleDef
    config: RuleConfig
    customised: bool


def rule_settings_schools(*, actor: Actor) -> list[School]:
    return list(School.objects.filter(pk__in=actor.schools_where(CHANGE_EARLY_WARNING)))


def rule_settings_get(*, actor: Actor, school_id: int) -> list[RuleSettingView]:
    if not actor.can(CHANGE_EARLY_WARNING, school_id):
        raise Http404
    stored = {
        rule: (enabled, params)
        for rule, enabled, params in RuleSetting.objects.filter(school_id=school_id).values_list(
            "rule", "enabled", "params"
        )
    }
    config = rule_config(stored)
    return [
        RuleSettingView(rule=rule, config=config[rule.key], customised=rule.key in stored)
        for rule in rules_all()
    ]


# --- The pupil's engagement timeline (pupil profile) ---------------------------------------


@dataclass
class Timeline:
    term_name: str
    start: dt.date
    end: dt.date
    weeks: list[charts.TimelineWeek]
    description: str
    pupil_id: int
    flag: Flag | None = None


def timeline_weeks(series: Sequence[Any]) -> list[charts.TimelineWeek]:
    """Every week from the first with data to the last with data. A week between them with no
    school days (half-term) is kept, empty, so that the chart draws a gap and the table says
    "no school"; weeks after the data ends are not drawn at all."""
    buckets: dict[dt.date, list[Any]] = {}
    for day in series:
        buckets.setdefault(day.date - dt.timedelta(days=day.date.weekday()), []).append(day)
    if not buckets:
        return []
    weeks = []
    start, last = min(buckets), max(buckets)
    starts = [start + dt.timedelta(weeks=n) for n in range((last - start).days // 7 + 1)]
    for start in starts:
        days = buckets.get(start, [])
        expected = [d for d in days if not excused(d)]
        weeks.append(
            charts.TimelineWeek(
                start=start,
                school_days=len(days),
                possible=sum(d.sessions_possible for d in days),
                present=sum(d.sessions_present for d in days),
                expected_days=len(expected),
                online_days=sum(1 for d in expected if online(d)),
                logins=sum(d.logins for d in days),
                homework_due=sum(d.homework_due for d in days),
                handed_in=sum(d.homework_on_time + d.homework_late for d in days),
                late=sum(d.homework_late for d in days),
                missing=sum(d.homework_missing for d in days),
            )
        )
    return weeks


def pupil_timeline_get(
    *, actor: Actor, pupil: Pupil, today: dt.date | None = None
) -> Timeline | None:
    """Weekly attendance, online activity and homework over the current term, up to yesterday.

    For a pupil the actor may already see (the profile checked); a fixed number of queries.
    """
    today = today or timezone.localdate()
    term = (
        Term.objects.filter(school_id=pupil.school_id, start__lt=today)
        .order_by("-start")
        .only("name", "start", "end")
        .first()
    )
    if term is None:
        return None
    series = pupil_day_series(
        school_id=pupil.school_id,
        pupil_ids=[pupil.pk],
        start=term.start,
        end=min(today - dt.timedelta(days=1), term.end),
    )[pupil.pk]
    # "Up to" is the data's last day (a Friday on a Saturday, July in the summer), not yesterday.
    end = series[-1].date if series else term.start
    weeks = timeline_weeks(series)
    flag = None
    if can_use_watchlist(actor):
        flag = (
            flags_visible(actor=actor)
            .filter(pupil_id=pupil.pk, status__in=[FlagStatus.OPEN, FlagStatus.SNOOZED])
            .first()
        )
    return Timeline(
        term_name=term.name,
        start=term.start,
        end=end,
        weeks=weeks,
        description=charts.timeline_description(weeks),
        pupil_id=pupil.pk,
        flag=flag,
    )
