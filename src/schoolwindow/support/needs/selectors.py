"""Reads: each pupil's needs (from their current home-learning profile and the school's rules)
and whether real records show them helped; the board's counts and its list of pupils.

A whole school is read in a fixed number of queries whatever its size: the pupils, every answer
about them, and each kind of help in one query each; the rules run in Python over the rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.cache import cache
from django.db.models import Count as SqlCount
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from schoolwindow.core.capabilities import (
    CHANGE_NEED_RULES,
    LEAD_STUDY_GROUPS,
    MANAGE_ADVOCACY,
    MANAGE_LOANS,
    SEE_NEEDS,
)
from schoolwindow.core.errors import Refused
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.homelife.models import ProfileAnswer
from schoolwindow.homelife.profile import chosen
from schoolwindow.homelife.selectors import stale_before
from schoolwindow.people.models import AdvocateAssignment, GuardianLink, Pupil, PupilStatus
from schoolwindow.people.selectors import language_name
from schoolwindow.schools.models import YearGroup
from schoolwindow.support.loans.models import Kind, Loan
from schoolwindow.support.needs.models import NeedMet, NeedRule
from schoolwindow.support.needs.rules import (
    BY_KEY,
    CONNECTION,
    DEVICE,
    HELP,
    KEYS,
    LANGUAGE,
    NEEDS,
    QUIET,
    Need,
    needs_from,
)
from schoolwindow.support.studygroups.models import StudyGroupMember

PAGE_SIZE = 25

# How a need was met, from the records that meet it.
BY_LOAN = "loan"
BY_ADVOCATE = "advocate"
BY_LANGUAGE = "language"
BY_MARK = "met"
BY_GROUP = "group"

HELPED_BY: dict[str, str | Promise] = {
    BY_LOAN: _("on loan"),
    BY_ADVOCATE: _("has an advocate"),
    BY_LANGUAGE: _("family's language set"),
    BY_MARK: _("marked as met"),
    BY_GROUP: _("in a study group"),
}

DEVICE_KINDS = frozenset({Kind.LAPTOP, Kind.TABLET})
CONNECTION_KINDS = frozenset({Kind.DONGLE, Kind.SIM})

WAITING = "waiting"
HELPED = "helped"

DISADVANTAGED = "disadvantaged"
SEND = "send"
EAL = "eal"
GROUPS: tuple[tuple[str, str | Promise], ...] = (
    (DISADVANTAGED, _("Disadvantaged")),
    (SEND, _("SEND")),
    (EAL, _("EAL")),
)


def in_group(pupil: Pupil, group: str) -> bool:
    if group == DISADVANTAGED:
        return pupil.disadvantaged
    if group == SEND:
        return bool(pupil.send_status)
    if group == EAL:
        return pupil.eal
    return True


@dataclass(frozen=True)
class PupilNeed:
    need: Need
    helped_by: str = ""  # empty while waiting

    @property
    def helped(self) -> bool:
        return bool(self.helped_by)

    @property
    def helped_label(self) -> str:
        return str(HELPED_BY.get(self.helped_by, ""))


@dataclass
class PupilNeeds:
    pupil: Pupil
    needs: list[PupilNeed]

    @property
    def waiting(self) -> list[PupilNeed]:
        return [n for n in self.needs if not n.helped]


def enabled_rules(school_id: int) -> frozenset[str]:
    """The rules the school uses: all of them, but those switched off."""
    off = set(
        NeedRule.objects.filter(school_id=school_id, enabled=False).values_list("need", flat=True)
    )
    return frozenset(key for key in KEYS if key not in off)


def needs_of(
    *,
    school_id: int,
    pupils: QuerySet[Pupil] | list[Pupil],
    today: dt.date,
    enabled: frozenset[str] | None = None,
    found: dict[int, ProfileNeeds] | None = None,
) -> list[PupilNeeds]:
    """Each pupil's needs under the school's enabled rules, each with what met it (if
    anything); pupils with no needs are left out. At most nine queries for any number of
    pupils, and one for pupils with no profile at all (the pupil page's panel). `found`, when
    given, is what the profiles already showed (the board's cached reading of the school)."""
    if enabled is None:
        enabled = enabled_rules(school_id)
    if found is None:
        if isinstance(pupils, list):
            about: Any = [(pupil.pk, pupil.household_id) for pupil in pupils]
        else:
            about = pupils.values_list("pk", "household_id")
        found = profile_needs(school_id=school_id, pupils=about, enabled=enabled)
    if not found:
        return []
    rows = [pupil for pupil in pupils if pupil.pk in found]
    if not rows:
        return []
    helped, family_languages = helped_records([pupil.pk for pupil in rows], today)
    for pupil in rows:
        keys, home = found[pupil.pk]
        chosen_languages = family_languages.get(pupil.pk, set())
        if (
            LANGUAGE in keys
            and (pupil.pk, LANGUAGE) not in helped
            and speaks_home_language(home, chosen_languages)
        ):
            helped[(pupil.pk, LANGUAGE)] = BY_LANGUAGE
    return [
        PupilNeeds(
            pupil=pupil,
            needs=[
                PupilNeed(BY_KEY[key], helped.get((pupil.pk, key), ""))
                for key in found[pupil.pk][0]
            ],
        )
        for pupil in rows
    ]


# What a pupil's current profile shows: the needs' keys in order, and the home language.
ProfileNeeds = tuple[tuple[str, ...], str]


def profile_needs(
    *,
    school_id: int,
    pupils: Iterable[tuple[int, int | None]],
    enabled: frozenset[str],
    cutoff: dt.datetime | None = None,
) -> dict[int, ProfileNeeds]:
    """pupil → the needs their current home-learning profile shows, for the pupils given as
    (pupil id, household id); pupils whose profile shows none are left out. Two queries."""
    about = list(pupils)
    if not about:
        return {}
    ids = [pk for pk, _household in about]
    households = [household for _pk, household in about if household]
    # Plain rows, not model instances: a school has thousands of answers, and `chosen` reads
    # only their source, time, value and detail.
    answers = [
        Answer(*row)
        for row in ProfileAnswer.objects.filter(
            Q(pupil_id__in=ids) | Q(household_id__in=households, pupil__isnull=True)
        )
        .order_by("-recorded_at", "-id")
        .values_list(
            "question", "value", "detail", "source", "recorded_at", "pupil_id", "household_id"
        )
    ]
    if not answers:
        return {}
    by_household: dict[int, dict[str, list[Answer]]] = {}
    by_pupil: dict[int, dict[str, list[Answer]]] = {}
    for answer in answers:
        if answer.pupil_id is not None:
            by_pupil.setdefault(answer.pupil_id, {}).setdefault(answer.question, []).append(answer)
        elif answer.household_id is not None:
            by_household.setdefault(answer.household_id, {}).setdefault(answer.question, []).append(
                answer
            )
    if cutoff is None:
        cutoff = stale_before(school_id)
    found: dict[int, ProfileNeeds] = {}
    for pk, household in about:
        values = {
            **current_values(by_household.get(household or 0, {}), cutoff),
            **current_values(by_pupil.get(pk, {}), cutoff),
        }
        keys = needs_from(values, enabled)
        if keys:
            found[pk] = (tuple(keys), values.get("languages", ("", ""))[0])
    return found


# How long the board keeps a school's reading of the profiles while nothing changed. The key
# holds every input (the rules on, the answers' and pupils' last change, the stale line to the
# minute), so a new answer, a pupil moving house or a rule switched off is seen at once.
BOARD_CACHE_SECONDS = 300


def school_profile_needs(*, school_id: int, enabled: frozenset[str]) -> dict[int, ProfileNeeds]:
    """Every pupil on roll's needs from the profiles, cached per school: reading a thousand
    pupils' thousands of answers is most of the board's cost, and they change rarely. Three
    queries when cached, five when not."""
    on_roll = Pupil.objects.filter(school_id=school_id, status=PupilStatus.ACTIVE)
    pupils_changed = on_roll.aggregate(last=Max("updated_at"), n=SqlCount("pk"))
    last_answer = ProfileAnswer.objects.aggregate(last=Max("pk"))["last"]
    cutoff = stale_before(school_id).replace(second=0, microsecond=0)
    key = "needs:{}:{}:{}:{}:{}:{}".format(
        school_id,
        ",".join(sorted(enabled)),
        last_answer,
        pupils_changed["n"],
        pupils_changed["last"].isoformat() if pupils_changed["last"] else "",
        cutoff.isoformat(),
    )
    found = cast(dict[int, ProfileNeeds] | None, cache.get(key))
    if found is None:
        found = profile_needs(
            school_id=school_id,
            pupils=on_roll.values_list("pk", "household_id"),
            enabled=enabled,
            cutoff=cutoff,
        )
        cache.set(key, found, BOARD_CACHE_SECONDS)
    return found


def speaks_home_language(home: str, codes: set[str]) -> bool:
    """Whether one of the family's chosen languages (codes: "pl", "ur") is among the languages
    the family named at home ("Polish and English"), by its English name."""
    words = set(re.split(r"[^\w]+", home.lower()))
    with translation.override("en"):
        names = {language_name(code.split("-")[0]).lower() for code in codes}
    return any(name in words or name in home.lower() for name in names if name)


@dataclass(frozen=True)
class Answer:
    """One answer row, as `homelife.profile.chosen` reads it."""

    question: str
    value: str
    detail: str
    source: str
    recorded_at: dt.datetime
    pupil_id: int | None
    household_id: int | None


def current_values(
    by_question: dict[str, list[Answer]], cutoff: dt.datetime
) -> dict[str, tuple[str, str]]:
    """question → (value, detail) of the answer that counts, by homelife's one rule (a visit
    outranks a later survey tick while it is not out of date, else the newest)."""
    found = {}
    for key, rows in by_question.items():
        # `chosen` is duck-typed over the fields above; the rows come newest first.
        answer, _outranked = chosen(cast(Any, rows), stale_before=cutoff)
        found[key] = (answer.value, answer.detail)
    return found


def helped_records(
    pupil_ids: Any, today: dt.date
) -> tuple[dict[tuple[int, str], str], dict[int, set[str]]]:
    """(pupil, need) → how it was met, from the real records: an open loan of the right kind,
    a current advocate, a place in an active study group, or a need marked as met; and each
    pupil's guardians' chosen languages other than English (the language need is met when one
    is the home language). Five queries."""
    helped: dict[tuple[int, str], str] = {}
    for pupil_id, need in NeedMet.objects.filter(pupil_id__in=pupil_ids).values_list(
        "pupil_id", "need"
    ):
        helped[(pupil_id, need)] = BY_MARK
    for pupil_id, kind in Loan.objects.filter(
        pupil_id__in=pupil_ids, returned_at__isnull=True
    ).values_list("pupil_id", "item__kind"):
        if kind in DEVICE_KINDS:
            helped[(pupil_id, DEVICE)] = BY_LOAN
        elif kind in CONNECTION_KINDS:
            helped[(pupil_id, CONNECTION)] = BY_LOAN
    for pupil_id in (
        AdvocateAssignment.objects.filter(pupil_id__in=pupil_ids)
        .filter(Q(ended__isnull=True) | Q(ended__gte=today), started__lte=today)
        .values_list("pupil_id", flat=True)
    ):
        helped[(pupil_id, HELP)] = BY_ADVOCATE
    for pupil_id in StudyGroupMember.objects.filter(
        pupil_id__in=pupil_ids, group__active=True
    ).values_list("pupil_id", flat=True):
        helped.setdefault((pupil_id, QUIET), BY_GROUP)
    languages: dict[int, set[str]] = {}
    for pupil_id, code in (
        GuardianLink.objects.filter(pupil_id__in=pupil_ids, contact_restricted=False)
        .exclude(guardian__preferred_language__in=("", "en"))
        .exclude(guardian__preferred_language__startswith="en-")
        .values_list("pupil_id", "guardian__preferred_language")
    ):
        languages.setdefault(pupil_id, set()).add(code)
    return helped, languages


# --- The board -------------------------------------------------------------------------------


def needs_schools(actor: Actor) -> list[int]:
    return actor.schools_where(SEE_NEEDS)


def rules_schools(actor: Actor) -> list[int]:
    return actor.schools_where(CHANGE_NEED_RULES)


def school_pupils(actor: Actor, school_id: int) -> QuerySet[Pupil]:
    if not actor.can(SEE_NEEDS, school_id):
        raise Refused
    return (
        policy_for(Pupil)
        .visible(actor)
        .filter(school_id=school_id, status=PupilStatus.ACTIVE)
        .select_related("year_group")
        # Only what the rules, the counts and the list read: a school has a thousand pupils.
        .only(*PUPIL_FIELDS)
        .order_by("year_group__ordinal", "legal_last_name", "legal_first_name", "pk")
    )


PUPIL_FIELDS = (
    "id",
    "school_id",
    "household_id",
    "status",
    "legal_first_name",
    "preferred_first_name",
    "legal_last_name",
    "preferred_last_name",
    "disadvantaged",
    "send_status",
    "eal",
    "year_group__id",
    "year_group__name",
    "year_group__ordinal",
)


@dataclass
class Count:
    pupils: int = 0
    helped: int = 0

    @property
    def waiting(self) -> int:
        return self.pupils - self.helped


@dataclass
class SplitRow:
    label: str
    counts: list[Count]  # in NEEDS order (of the enabled rules)
    needs: list[Need] = field(default_factory=list)

    @property
    def cells(self) -> list[tuple[Need, Count]]:
        """Each count with its need, so a phone's card names what each number counts."""
        return list(zip(self.needs, self.counts, strict=True))


@dataclass
class Board:
    needs: list[Need]
    totals: list[Count]
    by_year: list[SplitRow]
    by_group: list[SplitRow]
    rows: list[PupilNeeds]
    years: list[YearGroup]
    pupils_with_needs: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def board_get(*, actor: Actor, school_id: int, today: dt.date) -> Board:
    """The school's needs: how many pupils lack what, helped and waiting, by year and group."""
    enabled = enabled_rules(school_id)
    shown = [need for need in NEEDS if need.key in enabled]
    found = school_profile_needs(school_id=school_id, enabled=enabled)
    rows = needs_of(
        school_id=school_id,
        pupils=school_pupils(actor, school_id).filter(pk__in=list(found)),
        today=today,
        enabled=enabled,
        found=found,
    )
    years = list(YearGroup.objects.filter(school_id=school_id).order_by("ordinal", "pk"))

    def tally(subset: Iterable[PupilNeeds]) -> list[Count]:
        counts = {need.key: Count() for need in shown}
        for row in subset:
            for item in row.needs:
                count = counts[item.need.key]
                count.pupils += 1
                count.helped += item.helped
        return [counts[need.key] for need in shown]

    by_year = [
        SplitRow(year.name, tally(r for r in rows if r.pupil.year_group_id == year.pk), shown)
        for year in years
    ]
    by_group = [
        SplitRow(str(label), tally(r for r in rows if in_group(r.pupil, key)), shown)
        for key, label in GROUPS
    ]
    return Board(
        needs=shown,
        totals=tally(rows),
        by_year=by_year,
        by_group=by_group,
        rows=rows,
        years=years,
        pupils_with_needs=len(rows),
    )


def board_rows(
    board: Board, *, need: str, year_id: int | None, group: str, state: str
) -> list[PupilNeeds]:
    """The board's pupils, filtered: those with `need` (any, when empty) in `state`."""
    found = []
    for row in board.rows:
        if year_id is not None and row.pupil.year_group_id != year_id:
            continue
        if group and not in_group(row.pupil, group):
            continue
        matching = [n for n in row.needs if not need or n.need.key == need]
        if state == WAITING:
            matching = [n for n in matching if not n.helped]
        elif state == HELPED:
            matching = [n for n in matching if n.helped]
        if matching:
            found.append(row)
    return found


@dataclass(frozen=True)
class Action:
    label: str
    url: str


def action_for(actor: Actor, pupil: Pupil, need: str) -> Action | None:
    """The one click from a need to what meets it, for someone who may take that action."""
    if need in (DEVICE, CONNECTION) and actor.can(MANAGE_LOANS, pupil.school_id):
        kind = Kind.LAPTOP if need == DEVICE else Kind.DONGLE
        query = urlencode({"kind": str(kind), "status": "available", "for": str(pupil.pk)})
        return Action(str(BY_KEY[need].action), reverse("loans:inventory") + "?" + query)
    if need == HELP and actor.can(MANAGE_ADVOCACY, pupil.school_id):
        url = reverse("advocates:advocacy_pupil", kwargs={"pupil_id": pupil.pk}) + "#assign"
        return Action(str(BY_KEY[need].action), url)
    if need == QUIET and actor.can(LEAD_STUDY_GROUPS, pupil.school_id):
        return Action(str(_("Find a study group")), reverse("studygroups:index"))
    if need == LANGUAGE:
        url = reverse("pupil_detail", kwargs={"pupil_id": pupil.pk})
        return Action(str(_("See the family's contacts")), url)
    return None


def pupil_needs(*, actor: Actor, pupil: Pupil, today: dt.date) -> PupilNeeds | None:
    """One pupil's needs, for the panel on their page; None for someone who may not see needs."""
    if not actor.can(SEE_NEEDS, pupil.school_id):
        return None
    found = needs_of(school_id=pupil.school_id, pupils=[pupil], today=today)
    return found[0] if found else PupilNeeds(pupil=pupil, needs=[])
