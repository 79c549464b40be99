"""The watchlist of a 1,500-pupil school with a term of data: p95 latency with 20 clients,
and the time of one full flags evaluation for that school.

    uv run python benchmarks/watchlist_latency.py [--seconds 20] [--connections 20] [--workers 2]
                                                  [--database-url postgres://…]

Builds, in a fresh SQLite database (or PostgreSQL with --database-url): one secondary school
with 1,500 pupils in years 7 to 11 and 50 tutor groups, staff with every role, an autumn term with
half-term, and daily facts (PupilDay) for every pupil on every school day up to Monday
23 November 2026 — about 11 % of pupils go quiet in different ways (stop logging in, miss
school, miss homework, stop reading messages), the rest have ordinary ups and downs. Then runs
`flags_evaluate` for that Monday (timed twice: the first run, which opens the flags, and a
re-run that changes nothing), starts `schoolwindow serve` and drives the watchlist pages with
wrk (page 1 to the last, plus filters by year, need and status), signed in as the pastoral lead.
Reuses the wrk helpers of benchmarks/page_latency.py.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from page_latency import (
    add_load_options,
    bench_env,
    database_name,
    ensure_wrk,
    load_line,
    serving,
    wrk_report,
)

PUPILS = 1500
ON_DATE = "2026-11-23"


def build(seed: int) -> dict[str, object]:
    """Create the school and its term of data; evaluate flags. Runs inside Django."""
    import datetime as dt

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from schoolwindow.core.models import AccountKind, User
    from schoolwindow.engagement.flags import flags_evaluate
    from schoolwindow.engagement.models import (
        FamilyMessage,
        Flag,
        Homework,
        HomeworkStatus,
        HomeworkSubmission,
        PupilDay,
    )
    from schoolwindow.people.models import (
        AdvocateAssignment,
        Enrolment,
        Pupil,
        Staff,
        StaffRole,
        TeachingAssignment,
    )
    from schoolwindow.schools.calendar import school_days
    from schoolwindow.schools.models import (
        AcademicYear,
        Group,
        GroupKind,
        School,
        Term,
        Trust,
        YearGroup,
    )

    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(seed)
    d = dt.date
    on_date = d.fromisoformat(ON_DATE)
    trust = Trust.objects.create(name="Benchmark Trust", slug="benchmark")
    school = School.objects.create(trust=trust, urn="999001", name="Benchmark Academy")
    year = AcademicYear.objects.create(
        school=school, name="2026/27", start=d(2026, 9, 1), end=d(2027, 8, 31)
    )
    Term.objects.create(
        school=school, academic_year=year, name="Autumn 1", start=d(2026, 9, 2), end=d(2026, 10, 23)
    )
    Term.objects.create(
        school=school,
        academic_year=year,
        name="Autumn 2",
        start=d(2026, 11, 2),
        end=d(2026, 12, 18),
    )
    years = [
        YearGroup.objects.create(school=school, code=str(n), name=f"Year {n}", ordinal=n)
        for n in range(7, 12)
    ]
    groups = [
        Group.objects.create(
            school=school,
            kind=GroupKind.REGISTRATION,
            name=f"{yg.code}{letter}",
            year_group=yg,
            source_id=f"g-{yg.code}{letter}",
        )
        for yg in years
        for letter in "ABCDEFGHIJ"
    ]

    def staff(username: str, role: str, first: str, last: str) -> Staff:
        user = User.objects.create_user(
            username=username, email=username, password="x", kind=AccountKind.STAFF
        )
        user.first_name, user.last_name = first, last
        user.save()
        TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        member = Staff.objects.create(school=school, user=user, first_name=first, last_name=last)
        StaffRole.objects.create(school=school, staff=member, role=role)
        return member

    lead = staff("pastoral@bench.example", "pastoral", "Pat", "Lead")
    for n, role in enumerate(["leader", "dsl", "flo", "pastoral", "pastoral"]):
        staff(f"{role}{n}@bench.example", role, "Staff", f"{role.title()} {n}")
    advocates = [
        staff(f"advocate{n}@bench.example", "advocate", "Adv", f"Ocate {n}") for n in range(8)
    ]
    for n, group in enumerate(groups):
        TeachingAssignment.objects.create(
            school=school,
            group=group,
            staff=staff(f"tutor{n}@bench.example", "teacher", "Tutor", f"Number {n}"),
        )

    pupils = Pupil.objects.bulk_create(
        Pupil(
            school=school,
            upn=f"B{900000000000 + n}",
            legal_first_name=rng.choice(["Ada", "Ben", "Cara", "Dev", "Ela", "Finn", "Gus"]),
            legal_last_name=f"Pupil{n:04d}",
            year_group=groups[n % len(groups)].year_group,
            disadvantaged=rng.random() < 0.25,
            send_status=rng.choice(["", "", "", "", "", "K", "E"]),
            eal=rng.random() < 0.2,
            young_carer=rng.random() < 0.03,
            looked_after=rng.random() < 0.01,
        )
        for n in range(PUPILS)
    )
    Enrolment.objects.bulk_create(
        Enrolment(school=school, group=groups[n % len(groups)], pupil=pupil)
        for n, pupil in enumerate(pupils)
    )
    AdvocateAssignment.objects.bulk_create(
        AdvocateAssignment(
            school=school, staff=advocates[n % len(advocates)], pupil=pupil, started=d(2026, 9, 1)
        )
        for n, pupil in enumerate(pupils[:80])
    )

    days = school_days(school_id=school.pk, start=d(2026, 9, 1), end=on_date - dt.timedelta(1))
    # Who goes quiet, and how (about 11 %): the rest are ordinary.
    kinds: dict[int, str] = {}
    for pupil in pupils:
        roll = rng.random()
        if roll < 0.04:
            kinds[pupil.pk] = "offline"
        elif roll < 0.07:
            kinds[pupil.pk] = "absent"
        elif roll < 0.09:
            kinds[pupil.pk] = "homework"
        elif roll < 0.11:
            kinds[pupil.pk] = "family"
    rows = []
    for pupil in pupils:
        kind = kinds.get(pupil.pk, "")
        online_rate = rng.uniform(0.5, 0.95)
        quiet_from = len(days) - rng.randint(5, 15)
        for n, day in enumerate(days):
            quiet = n >= quiet_from
            absent = rng.random() < (0.35 if kind == "absent" and quiet else 0.03)
            unauthorised = absent and rng.random() < 0.4
            online = rng.random() < (0.0 if kind == "offline" and quiet else online_rate)
            rows.append(
                PupilDay(
                    school=school,
                    pupil=pupil,
                    date=day,
                    sessions_possible=2,
                    sessions_present=0 if absent else 2,
                    sessions_authorised=2 if absent and not unauthorised else 0,
                    sessions_unauthorised=2 if unauthorised else 0,
                    logins=1 if online else 0,
                    lessons=1 if online and rng.random() < 0.3 else 0,
                    homework_due=1 if day.weekday() in (1, 3) else 0,
                    homework_on_time=1 if day.weekday() in (1, 3) else 0,
                )
            )
    PupilDay.objects.bulk_create(rows, batch_size=5000)

    homework = Homework.objects.bulk_create(
        Homework(
            school=school,
            title=f"Task {n}",
            subject=rng.choice(["Maths", "English", "Science", "History"]),
            set_on=day - dt.timedelta(days=7),
            due_on=day,
            source_id=f"hw-{n}",
        )
        for n, day in enumerate(days[-10:])
    )
    HomeworkSubmission.objects.bulk_create(
        HomeworkSubmission(
            school=school, homework=piece, pupil_id=pupil_id, status=HomeworkStatus.MISSING
        )
        for pupil_id, kind in kinds.items()
        if kind == "homework"
        for piece in homework[-4:]
    )
    sent = [dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC) for day in days[-8:-4]]
    FamilyMessage.objects.bulk_create(
        FamilyMessage(
            school=school,
            pupil_id=pupil.pk,
            sent_at=when,
            read_at=None if kinds.get(pupil.pk) == "family" else when + dt.timedelta(hours=3),
            source_id=f"m-{pupil.pk}-{n}",
        )
        for pupil in pupils
        for n, when in enumerate(sent[:2] if pupil.pk % 3 else sent)
    )

    # Import the learned score's libraries (scikit-learn) first: a once-per-process cost.
    started = time.perf_counter()
    with contextlib.suppress(ImportError):
        importlib.import_module("schoolwindow.engagement.risk")
    timings = {"import": round(time.perf_counter() - started, 3)}
    for label, day in (("first", on_date), ("again", on_date)):
        started = time.perf_counter()
        summary = flags_evaluate(school_id=school.pk, on_date=day)
        timings[label] = round(time.perf_counter() - started, 3)
        if label == "first":
            first = summary
    open_flags = Flag.objects.filter(school=school, status="open").count()

    session = SessionStore()
    user = lead.user
    assert user is not None
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would keep them
        cursor.execute("ANALYZE")
    return {
        "cookie": session.session_key,
        "open_flags": open_flags,
        "flags_evaluate_seconds": timings,
        "opened": first.opened,
        "pupils": PUPILS,
        "school_days": len(days),
        "pupil_days": len(rows),
        "years": [yg.code for yg in years],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    add_load_options(parser, port=8766)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolwindow.config.settings")
        import django

        django.setup()
        print(json.dumps(build(args.seed)))
        return 0

    wrk = ensure_wrk()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = bench_env(workdir, args)
        out = subprocess.run(
            [sys.executable, __file__, "--build", "--seed", str(args.seed)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        data = json.loads(out.strip().splitlines()[-1])
        pages = max(1, -(-int(data["open_flags"]) // 50))
        list_urls = [f"/watchlist/?page={n}" for n in range(1, pages + 1)]
        filter_urls = [f"/watchlist/?year={code}" for code in data["years"]] + [
            "/watchlist/?need=send",
            "/watchlist/?need=disadvantaged&need=eal",
            "/watchlist/?status=all",
            "/watchlist/?status=all&page=2",
        ]
        evaluate = data["flags_evaluate_seconds"]
        print(
            f"data: {data['pupils']} pupils, {data['school_days']} school days, "
            f"{data['pupil_days']} PupilDay rows, {data['open_flags']} open flags "
            f"({data['opened']} opened); database: "
            f"{database_name(args)}"
        )
        print(
            f"flags_evaluate for the school: first run {evaluate['first']:.2f} s, "
            f"re-run (nothing new) {evaluate['again']:.2f} s (importing scikit-learn for the "
            f"risk score once per process: {evaluate['import']:.2f} s more)"
        )
        with serving(env, args) as base:
            print(load_line(args))
            runs = [
                ("watchlist pages", data["cookie"], list_urls),
                ("watchlist filters", data["cookie"], filter_urls),
            ]
            wrk_report(wrk, base, runs, args, workdir, name_width=17, unit="urls", count_width=3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
