"""The demo's "did it work?": the watchlist as it would have run each Monday of this school
year, and help given to going-quiet pupils while they were on it.

The engagement part evaluates flags only on its last few mornings (three weeks back at most), so
no help given while flagged would have had its N school days yet. This part runs engagement's
own rules, read only (`rule_input` and `rules_run`, as `flags_evaluate` does), on the first
school day of each week of the year before those mornings, and writes the flags a watchlist
running all along would have had: opened on the first such morning with reasons, resolved
("re-engaged") on the second in a row without any. A spell still going when the engagement
part's flags begin is that pupil's live flag, which then shows the morning it really began.

Then some of the flagged pupils get help on a school day within their flag — a returned loan of
kit, a home visit, a place in a study group, time with their advocate — chosen by a
`random.Random` of the part's own, never by how their spell went. Whether the help worked is
computed by `support/outcomes` from PupilDay: nothing here writes an outcome.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.parts import DemoPart
from schoolwindow.engagement.flags import rule_input, school_rule_config
from schoolwindow.engagement.models import Flag, FlagEvent, FlagEventKind, FlagOutcome, FlagStatus
from schoolwindow.engagement.rules import rules_run, severity_of
from schoolwindow.people.models import AdvocateAssignment, Pupil, Staff
from schoolwindow.schools.calendar import school_days
from schoolwindow.schools.models import AcademicYear, School
from schoolwindow.support.advocates.models import AdvocateContact, AdvocateContactKind
from schoolwindow.support.loans.agreements import default_agreement
from schoolwindow.support.loans.models import Condition, EventKind, Item, ItemEvent, Kind, Loan
from schoolwindow.support.studygroups.models import StudyGroup, StudyGroupMember
from schoolwindow.support.visits.models import Agreement, HomeVisit, VisitStatus

SEED = 1111_2
# The share of flagged pupils given each kind of help (each drawn on its own).
SHARES = {"loan": 0.35, "visit": 0.15, "group": 0.12, "advocate": 0.6}
FIRST_WEEKS_SKIPPED = 2  # the rules need a fortnight of the year to look back on
CLEAR_MORNINGS = 2  # mornings in a row without reasons before a person would resolve the flag


def at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@dataclass
class Span:
    pupil_id: int
    opened_on: dt.date
    reasons: list[Any]
    resolved_on: dt.date | None = None
    clear: int = 0


def mornings(school_id: int, start: dt.date, before: dt.date) -> list[dt.date]:
    """The first school day of each week from start to the day before `before`."""
    firsts: dict[tuple[int, int], dt.date] = {}
    for day in school_days(school_id=school_id, start=start, end=before - dt.timedelta(days=1)):
        firsts.setdefault(day.isocalendar()[:2], day)
    return sorted(firsts.values())


def past_flags(school: School, today: dt.date) -> tuple[list[Span], dict[int, dt.date]]:
    """What a weekly watchlist would have flagged this year before the live flags begin: the
    spells that ended, and the morning each spell still going began (by pupil)."""
    live = dict(
        Flag.objects.filter(school=school)
        .order_by("opened_on")
        .values_list("pupil_id", "opened_on")
    )
    if not live:
        return [], {}
    begins = min(live.values())
    year = AcademicYear.objects.filter(school=school, start__lte=today).order_by("-start").first()
    if year is None:
        return [], {}
    days = mornings(school.pk, year.start, begins)[FIRST_WEEKS_SKIPPED:]
    config = school_rule_config(school_id=school.pk)
    spans: list[Span] = []
    open_now: dict[int, Span] = {}
    for day in days:
        data, _before = rule_input(school_id=school.pk, on_date=day, config=config)
        with translation.override(settings.LANGUAGE_CODE):
            found = rules_run(data, config)
        for pupil_id, span in list(open_now.items()):
            if found.get(pupil_id):
                span.clear = 0
                continue
            span.clear += 1
            if span.clear >= CLEAR_MORNINGS:
                span.resolved_on = day
                spans.append(span)
                del open_now[pupil_id]
        for pupil_id, reasons in found.items():
            if pupil_id in open_now or (pupil_id in live and live[pupil_id] <= day):
                continue
            open_now[pupil_id] = Span(pupil_id=pupil_id, opened_on=day, reasons=list(reasons))
    going = {pid: span.opened_on for pid, span in open_now.items() if pid in live}
    return spans, going


def live_flags_backdate(school: School, going: dict[int, dt.date]) -> int:
    """A live flag whose spell began on an earlier morning opened then."""
    moved = 0
    for pupil_id, opened_on in sorted(going.items()):
        moved += (
            Flag.objects.filter(school=school, pupil_id=pupil_id, opened_on__gt=opened_on)
            .exclude(status=FlagStatus.RESOLVED)
            .update(opened_on=opened_on)
        )
    return moved


def flags_write(school: School, spans: Sequence[Span]) -> list[tuple[int, dt.date, dt.date, int]]:
    """The resolved flags, with their opened and resolved events; (pupil, from, to, flag id)."""
    flags = [
        Flag(
            school=school,
            pupil_id=s.pupil_id,
            status=FlagStatus.RESOLVED,
            opened_on=s.opened_on,
            last_evaluated_on=s.resolved_on or s.opened_on,
            reasons=s.reasons,
            severity=severity_of(s.reasons),
            outcome=FlagOutcome.RE_ENGAGED,
            resolved_at=at(s.resolved_on or s.opened_on, 16),
        )
        for s in spans
    ]
    Flag.objects.bulk_create(flags)
    events = []
    for flag in flags:
        events.append(
            FlagEvent(
                school=school,
                flag=flag,
                kind=FlagEventKind.OPENED,
                detail={"on": f"{flag.opened_on:%Y-%m-%d}"},
            )
        )
        events.append(
            FlagEvent(
                school=school,
                flag=flag,
                kind=FlagEventKind.RESOLVED,
                note="Back in school and online most days.",
                detail={"on": f"{flag.last_evaluated_on:%Y-%m-%d}"},
            )
        )
    FlagEvent.objects.bulk_create(events)
    return [(f.pupil_id, f.opened_on, f.last_evaluated_on, f.pk) for f in flags]


def staff_with(school: School, role: str) -> Staff | None:
    return Staff.objects.filter(school=school, roles__role=role, active=True).order_by("pk").first()


def help_give(ctx: DemoContext, school: School, rng: random.Random) -> dict[str, int]:
    """Help for some flagged pupils (past and live flags), on a school day within the flag."""
    today = ctx.today
    rows = list(
        Flag.objects.filter(school=school)
        .order_by("opened_on", "pk")
        .values_list("pk", "pupil_id", "opened_on", "resolved_at")
    )
    days = school_days(school_id=school.pk, start=today - dt.timedelta(days=400), end=today)
    flo = staff_with(school, "flo") or staff_with(school, "pastoral")
    pastoral = staff_with(school, "pastoral")
    office = staff_with(school, "office")
    advocates: dict[int, list[AdvocateAssignment]] = {}
    for a in AdvocateAssignment.objects.filter(school=school):
        advocates.setdefault(a.pupil_id, []).append(a)
    # Kit no one has borrowed yet, lent and returned in turn (never two loans at once).
    free_from = {
        item.pk: dt.date.min
        for item in Item.objects.filter(
            school=school,
            kind__in=[Kind.LAPTOP, Kind.TABLET, Kind.DONGLE, Kind.SIM],
            loans__isnull=True,
        )
    }
    items = {item.pk: item for item in Item.objects.filter(pk__in=list(free_from))}
    # A "Back on track" group for each year, led by the family liaison officer, formed when
    # its first member joins.
    year_of = dict(
        Pupil.objects.filter(school=school, pk__in=[row[1] for row in rows]).values_list(
            "pk", "year_group_id"
        )
    )
    groups: dict[int | None, StudyGroup] = {}
    loans: list[Loan] = []
    visits: list[HomeVisit] = []
    members: list[StudyGroupMember] = []
    met: list[AdvocateContact] = []
    joined: list[tuple[int, dt.date]] = []
    for flag_id, pupil_id, opened_on, resolved_at in rows:
        until = timezone.localdate(resolved_at) if resolved_at is not None else today
        within = [d for d in days if opened_on <= d <= until and d < today]
        if not within:
            continue

        def pick(within: list[dt.date] = within) -> dt.date:
            # Within the flag's first week or so, as a school acts on a new flag.
            return within[min(len(within) - 1, rng.randrange(0, 6))]

        if rng.random() < SHARES["loan"] and items:
            day = pick()
            back = day + dt.timedelta(days=rng.randrange(28, 43))
            free = [pk for pk, since in sorted(free_from.items()) if since < day]
            if free and back < today:
                item = items[free[0]]
                free_from[item.pk] = back
                loans.append(
                    Loan(
                        school=school,
                        item=item,
                        pupil_id=pupil_id,
                        lent_by=office,
                        lent_at=at(day, 10),
                        due_on=day + dt.timedelta(days=42),
                        condition_out=Condition.GOOD,
                        agreement_text=default_agreement(item.kind),
                        agreement_version=1,
                        paper_signed_on=day,
                        paper_recorded_by=office,
                        returned_at=at(back, 15),
                        returned_to=office,
                        condition_in=Condition.GOOD,
                    )
                )
        if rng.random() < SHARES["visit"] and flo is not None:
            day = pick()
            visits.append(
                HomeVisit(
                    school=school,
                    pupil_id=pupil_id,
                    flag_id=flag_id,
                    starts_at=at(day, 16),
                    lead=flo,
                    second=pastoral if pastoral != flo else None,
                    interpreter_name="" if pastoral != flo else "Family friend",
                    status=VisitStatus.DONE,
                    agreement=Agreement.AGREED,
                    agreement_how="Phone call the day before",
                    family_wellbeing="Warm welcome; mum worried about mornings.",
                    reflection="Agreed a morning routine and a check-in call next week.",
                    recorded_at=at(day, 18),
                    recorded_by=flo,
                )
            )
        if rng.random() < SHARES["group"] and flo is not None:
            day = pick()
            year_id = year_of.get(pupil_id)
            if year_id not in groups:
                groups[year_id] = StudyGroup.objects.create(
                    school=school,
                    name="Back on track",
                    subjects="Any",
                    lead=flo,
                    year_group_id=year_id,
                )
                StudyGroup.objects.filter(pk=groups[year_id].pk).update(created_at=at(day, 9))
            members.append(
                StudyGroupMember(school=school, group=groups[year_id], pupil_id=pupil_id)
            )
            joined.append((pupil_id, day))
        assignment = next((a for a in advocates.get(pupil_id, []) if a.started <= within[0]), None)
        if assignment is not None and rng.random() < SHARES["advocate"]:
            met.append(
                AdvocateContact(
                    school=school,
                    pupil_id=pupil_id,
                    staff_id=assignment.staff_id,
                    kind=AdvocateContactKind.MET,
                    happened_at=at(pick(), 13),
                    notes="Talked about what makes mornings hard.",
                )
            )
    Loan.objects.bulk_create(loans)
    ItemEvent.objects.bulk_create(
        [
            ItemEvent(
                school=school,
                item=loan.item,
                loan=loan,
                pupil_id=loan.pupil_id,
                kind=kind,
                at=when,
                by_label="Office",
                condition=Condition.GOOD,
            )
            for loan in loans
            for kind, when in (
                (EventKind.LENT, loan.lent_at),
                (EventKind.RETURNED, loan.returned_at),
            )
            if when is not None
        ]
    )
    HomeVisit.objects.bulk_create(visits)
    # A pupil joins once; the day they joined is the day the help began.
    seen: set[int] = set()
    unique = []
    for member, (pupil_id, day) in zip(members, joined, strict=True):
        if pupil_id not in seen:
            seen.add(pupil_id)
            unique.append((member, day))
    StudyGroupMember.objects.bulk_create([m for m, _ in unique])
    for member, day in unique:
        StudyGroupMember.objects.filter(pk=member.pk).update(added_at=at(day, 12))
    AdvocateContact.objects.bulk_create(met)
    return {"loans": len(loans), "visits": len(visits), "group": len(unique), "advocate": len(met)}


def outcomes_demo_build(ctx: DemoContext) -> None:
    ctx.say("Did it work?: the watchlist's earlier weeks, and help given while flagged…")
    rng = random.Random(SEED)
    totals = {"flags": 0, "earlier": 0, "loans": 0, "visits": 0, "group": 0, "advocate": 0}
    for school in (ctx.primary, ctx.secondary):
        spans, going = past_flags(school, ctx.today)
        flags_write(school, spans)
        totals["flags"] += len(spans)
        totals["earlier"] += live_flags_backdate(school, going)
        for key, value in help_give(ctx, school, rng).items():
            totals[key] += value
    ctx.say(
        f"  {totals['flags']} earlier flags, resolved; {totals['earlier']} live flags began "
        f"earlier; help while flagged: {totals['loans']} "
        f"loans, {totals['visits']} home visits, {totals['group']} joined a study group, "
        f"{totals['advocate']} times with an advocate"
    )
    ctx.counts["earlier flags"] = totals["flags"]
    ctx.counts["help given while flagged"] = (
        totals["loans"] + totals["visits"] + totals["group"] + totals["advocate"]
    )


PART = DemoPart(name="support.outcomes", build=outcomes_demo_build, history=True)
