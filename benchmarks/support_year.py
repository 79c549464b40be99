"""The support pages of a 1,500-pupil school with a year of support data: CPU and queries.

    uv run python benchmarks/support_year.py [--var-dir DIR] [--pages 20]

Builds the demo trust in DIR (or uses the demo database already there), copies its database to a
scratch folder (the demo itself is left as it was), and gives the secondary a year of help on top
of the demo's: 300 more items of kit lent four times each over the year (1,200 loans, the last
round still out), 400 home visits, an advocate's weekly contact with every pupil who has one,
3,000 calls and referrals, and a study group's check-ins on every school day. Then it renders,
in one process with Django's test client, the issue's pages: the needs board, an advocate's
caseload and every caseload, the loans out and the inventory, the support timeline of the pupil
with the most help, and "did it work?" over the year. For each it prints the CPU per page (the
process's CPU time), the queries per page and the HTML size, with the data's size.

The query counts are asserted in the test suite (they do not grow with the data); this prints
what a year of data costs in CPU. `page_latency.py` measures p95 under 20 clients.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import tempfile
from pathlib import Path

import page_cpu


def add_a_year(school_id: int, today: dt.date) -> dict[str, int]:
    """A year of help at one school, written in bulk (the services' checks are not the point
    here: the pages' reading of what the services would have written is)."""
    from django.utils import timezone

    from schoolwindow.people.models import AdvocateAssignment, Pupil, Staff
    from schoolwindow.support.models import (
        AdvocateContact,
        CheckIn,
        HomeVisit,
        Item,
        Loan,
        StudyGroup,
        StudyGroupMember,
        SupportAction,
    )

    rng = random.Random(11)
    pupils = list(Pupil.objects.filter(school_id=school_id).values_list("pk", "household_id"))
    staff = list(Staff.objects.filter(school_id=school_id).values_list("pk", flat=True))
    start = today - dt.timedelta(days=365)

    def at(day: dt.date, hour: int = 10) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))

    items = Item.objects.bulk_create(
        Item(school_id=school_id, asset_tag=f"YEAR-{n:04d}", kind="laptop", model_name="Y")
        for n in range(300)
    )
    loans = []
    for item in items:
        for turn in range(4):
            lent = start + dt.timedelta(days=turn * 90 + rng.randrange(5))
            out = turn == 3
            loans.append(
                Loan(
                    school_id=school_id,
                    item=item,
                    pupil_id=rng.choice(pupils)[0],
                    lent_by_id=rng.choice(staff),
                    lent_at=at(lent),
                    due_on=lent + dt.timedelta(days=80),
                    condition_out="good",
                    agreement_text="Look after it.",
                    accepted_at=at(lent, 18),
                    accepted_name="A Parent",
                    returned_at=None if out else at(lent + dt.timedelta(days=85)),
                    condition_in="" if out else "good",
                )
            )
    Loan.objects.bulk_create(loans, batch_size=500)
    visits = [
        HomeVisit(
            school_id=school_id,
            pupil_id=pupil,
            household_id=household,
            starts_at=at(start + dt.timedelta(days=rng.randrange(360)), 16),
            lead_id=rng.choice(staff),
            second_id=rng.choice(staff),
            status="done",
            agreement="agreed",
            recorded_at=timezone.now(),
            family_wellbeing="Fine.",
        )
        for pupil, household in rng.sample(pupils, 400)
    ]
    HomeVisit.objects.bulk_create(visits, batch_size=500)
    contacts = []
    for pupil_id, staff_id in AdvocateAssignment.objects.filter(school_id=school_id).values_list(
        "pupil_id", "staff_id"
    ):
        contacts += [
            AdvocateContact(
                school_id=school_id,
                pupil_id=pupil_id,
                staff_id=staff_id,
                kind="met",
                happened_at=at(start + dt.timedelta(weeks=week)),
            )
            for week in range(52)
        ]
    AdvocateContact.objects.bulk_create(contacts, batch_size=1000)
    actions = [
        SupportAction(
            school_id=school_id,
            pupil_id=rng.choice(pupils)[0],
            kind="call" if n % 4 else "referral",
            referral_type="" if n % 4 else "early_help",
            summary=f"Help {n}",
            on=start + dt.timedelta(days=rng.randrange(365)),
            owner_id=rng.choice(staff),
            status="done",
            outcome="Spoke with the family",
        )
        for n in range(3000)
    ]
    SupportAction.objects.bulk_create(actions, batch_size=1000)
    group = StudyGroup.objects.create(school_id=school_id, name="A year's group", lead_id=staff[0])
    members = rng.sample(pupils, 15)
    StudyGroupMember.objects.bulk_create(
        StudyGroupMember(school_id=school_id, group=group, pupil_id=pupil) for pupil, _ in members
    )
    days = [start + dt.timedelta(days=n) for n in range(365)]
    checkins = [
        CheckIn(school_id=school_id, group=group, pupil_id=pupil, day=day, answer="on_it")
        for day in days
        if day.weekday() < 5
        for pupil, _ in members
    ]
    CheckIn.objects.bulk_create(checkins, batch_size=1000)
    return {
        "pupils": len(pupils),
        "loans": len(loans),
        "visits": len(visits),
        "advocate contacts": len(contacts),
        "calls and referrals": len(actions),
        "check-ins": len(checkins),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var-dir", type=Path)
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args()
    demo = args.var_dir or Path(tempfile.mkdtemp(prefix="sw-support-year-demo-"))
    page_cpu.build_demo(demo)
    scratch = Path(tempfile.mkdtemp(prefix="sw-support-year-"))
    shutil.copy(demo / "schoolwindow.sqlite3", scratch / "schoolwindow.sqlite3")
    page_cpu.setup(scratch)
    from django.db.models import Count
    from django.utils import timezone

    from schoolwindow.people.models import StaffRole
    from schoolwindow.support.models import SupportAction

    lead = StaffRole.objects.select_related("staff").get(
        role="pastoral", staff__user__username="pastoral@riverside.demo"
    )
    school_id = lead.staff.school_id
    sizes = add_a_year(school_id, timezone.localdate())
    print("a year of help at the secondary: " + ", ".join(f"{v:,} {k}" for k, v in sizes.items()))
    busiest = (
        SupportAction.objects.filter(school_id=school_id)
        .values("pupil_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None
    n = args.pages
    staff = "pastoral@riverside.demo"
    board = f"/support/needs/?school={school_id}&state=all"
    runs = [
        ("floor: account", staff, ["/account/"] * n),
        ("needs board", staff, [f"{board}&page={k % 5 + 1}" for k in range(n)]),
        ("caseload (advocate)", "advocate@riverside.demo", ["/support/advocates/caseload/"] * n),
        (
            "all caseloads",
            staff,
            [f"/support/advocates/caseload/?page={k % 4 + 1}" for k in range(n)],
        ),
        ("loans out", "office@riverside.demo", [f"/loans/out/?page={k % 5 + 1}" for k in range(n)]),
        (
            "loans inventory",
            "office@riverside.demo",
            [f"/loans/?page={k % 5 + 1}" for k in range(n)],
        ),
        (
            f"support timeline ({busiest['n']} calls and more)",
            staff,
            [f"/support/pupils/{busiest['pupil_id']}/support/?page={k % 3 + 1}" for k in range(n)],
        ),
        (
            "did it work? (the year)",
            staff,
            [f"/support/outcomes/?school={school_id}&period=year"] * n,
        ),
    ]
    for name, username, urls in runs:
        client = page_cpu.client_for(username)
        cpu, queries, size = page_cpu.measure(client.get, urls)
        print(f"{name:40} CPU {cpu:6.1f} ms/page  {queries:5.1f} queries  {size / 1024:6.1f} KB")
    shutil.rmtree(scratch)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
