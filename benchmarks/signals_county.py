"""A county's half-term of engagement signals: ingest rate, daily facts, memory, the DuckDB floor.

    uv run python benchmarks/signals_county.py [--scale 1.0] [--postgres-url postgres://…]
                                               [--skip-sqlite] [--keep DIR] [--no-duckdb]

Generates, in a temporary folder (never in the repository), the signal CSVs of an English county
at --scale 1.0: 100 secondary schools, 150,000 pupils, a half-term of 60 school days (with a
half-term week in it), and about six signals per pupil per school day — two attendance marks,
three online-activity events, half a homework submission and half a message to home: ≈54 M
rows. --scale shrinks the number of schools (1,500 pupils each; `--scale 0.02` is two schools).

Then, for each database (a new SQLite file; an emptied PostgreSQL database when --postgres-url
is given), in a child process so that its peak memory is its own:

  (a) ingest: `signals_import` of each file (the command-line import, without the facts), the
      events per second over all four;
  (b) the full recompute of the daily facts (`pupil_days_recompute`, every school, the half-term);
  (c) the incremental update for one new day (`pupil_days_update`, every school, the last day);
  (d) peak resident memory of the child.

And (e) the floor: the same per-pupil-per-day counts computed by one DuckDB query over the same
events, already loaded into DuckDB tables (the load is not timed). It prints every figure with
the ratio recompute / DuckDB. Targets (issue 3): ingest ≥ 100k events/s on PostgreSQL, full
recompute under 5 min, one day under 30 s, peak memory under 2 GB.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
print = partial(print, flush=True)  # progress shows while it runs
SCHOOLS = 100
PUPILS_PER_SCHOOL = 1500
YEARS = 5
# 60 school days: 7 weeks, the half-term week off, 5 weeks.
FIRST_HALF = (dt.date(2025, 9, 1), dt.date(2025, 10, 17))
SECOND_HALF = (dt.date(2025, 10, 27), dt.date(2025, 11, 28))
KINDS = ("attendance", "activity", "homework", "messages")


# --- the county ----------------------------------------------------------------------------


def school_days() -> list[dt.date]:
    days = []
    for start, end in (FIRST_HALF, SECOND_HALF):
        day = start
        while day <= end:
            if day.weekday() < 5:
                days.append(day)
            day += dt.timedelta(days=1)
    return days


def county(scale: float) -> list[tuple[str, list[str]]]:
    """(URN, UPNs) of each school."""
    schools = max(1, round(SCHOOLS * scale))
    return [
        (
            f"{150000 + s}",
            [f"B{(s * PUPILS_PER_SCHOOL + p):012d}" for p in range(PUPILS_PER_SCHOOL)],
        )
        for s in range(schools)
    ]


def generate(folder: Path, scale: float) -> dict[str, int]:
    """Write one CSV per kind for the whole county; returns rows per kind."""
    rng = random.Random(2025)
    schools = county(scale)
    days = school_days()
    (folder / "county.json").write_text(json.dumps(schools))
    files = {kind: (folder / f"{kind}.csv").open("w", newline="") for kind in KINDS}
    writers = {kind: csv.writer(handle) for kind, handle in files.items()}
    writers["attendance"].writerow(["school_urn", "upn", "date", "session", "code"])
    writers["activity"].writerow(["school_urn", "upn", "occurred_at", "kind", "source"])
    writers["homework"].writerow(
        [
            "school_urn",
            "homework_id",
            "title",
            "subject",
            "set_on",
            "due_on",
            "max_score",
            "upn",
            "status",
            "submitted_at",
            "score",
        ]
    )
    writers["messages"].writerow(
        [
            "school_urn",
            "message_id",
            "upn",
            "sent_at",
            "delivered_at",
            "read_at",
            "replied_at",
            "needs_reply",
        ]
    )
    counts = dict.fromkeys(KINDS, 0)
    absent_codes = ("I", "I", "M", "N", "O", "C", "V", "B", "L", "U", "G", "D")
    activity_kinds = ("login", "login", "lesson", "launched", "completed")
    for urn, upns in schools:
        # Some pupils go quiet: 5 % have almost no online activity at all.
        quiet = {upn for upn in upns if rng.random() < 0.05}
        for n, day in enumerate(days):
            iso = day.isoformat()
            att, act = writers["attendance"].writerow, writers["activity"].writerow
            for upn in upns:
                for session, present in (("AM", "/"), ("PM", "\\")):
                    code = present if rng.random() < 0.93 else rng.choice(absent_codes)
                    att((urn, upn, iso, session, code))
                events = 0 if upn in quiet else rng.randint(1, 5)
                for _ in range(events):
                    minute = rng.randint(8 * 60, 21 * 60)
                    act(
                        (
                            urn,
                            upn,
                            f"{iso} {minute // 60:02d}:{minute % 60:02d}:{rng.randint(0, 59):02d}",
                            rng.choice(activity_kinds),
                            "Oak",
                        )
                    )
                counts["attendance"] += 2
                counts["activity"] += events
            counts["homework"] += _homework(writers["homework"], rng, urn, upns, days, n)
            counts["messages"] += _messages(writers["messages"], rng, urn, upns, day)
    for handle in files.values():
        handle.close()
    return counts


def _homework(
    writer: Any, rng: random.Random, urn: str, upns: list[str], days: list, n: int
) -> int:
    """Each year group has a piece due each day, set to half of its pupils (alternating)."""
    rows = 0
    per_year = len(upns) // YEARS
    due = days[n]
    set_on = days[max(0, n - 5)].isoformat()
    for year in range(YEARS):
        half = upns[year * per_year : (year + 1) * per_year][n % 2 :: 2]
        piece = (urn, f"H{urn}-{year}-{n}", f"Homework {n}", "Maths", set_on, due.isoformat(), "10")
        for upn in half:
            luck = rng.random()
            if luck < 0.8:
                status, at = "on_time", f"{due.isoformat()}T17:00:00"
            elif luck < 0.88:
                status, at = "late", f"{(due + dt.timedelta(days=1)).isoformat()}T09:00:00"
            else:
                status, at = "missing", ""
            writer.writerow((*piece, upn, status, at, rng.randint(0, 10) if at else ""))
            rows += 1
    return rows


def _messages(writer: Any, rng: random.Random, urn: str, upns: list[str], day: dt.date) -> int:
    rows = 0
    for upn in upns:
        if rng.random() >= 0.5:
            continue
        sent = dt.datetime.combine(day, dt.time(10)) + dt.timedelta(minutes=rng.randint(0, 400))
        read = sent + dt.timedelta(hours=rng.randint(1, 30)) if rng.random() < 0.6 else None
        replied = read + dt.timedelta(hours=2) if read and rng.random() < 0.3 else None
        writer.writerow(
            (
                urn,
                f"M{urn}-{day:%m%d}-{upn}",
                upn,
                sent.isoformat(),
                (sent + dt.timedelta(seconds=5)).isoformat(),
                read.isoformat() if read else "",
                replied.isoformat() if replied else "",
                "yes" if rng.random() < 0.2 else "no",
            )
        )
        rows += 1
    return rows


# --- one database, in a child process -------------------------------------------------------


def child(folder: Path, result_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolwindow.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from schoolwindow.engagement.facts import pupil_days_recompute, pupil_days_update
    from schoolwindow.engagement.signals import signals_import

    call_command("migrate", verbosity=0)
    school_ids = make_schools(json.loads((folder / "county.json").read_text()))
    days = school_days()
    result: dict[str, Any] = {"vendor": connection.vendor, "ingest": {}}

    for kind in KINDS:
        started = time.perf_counter()
        summary = signals_import(kind=kind, path=folder / f"{kind}.csv")
        seconds = time.perf_counter() - started
        rows = summary.rows_read
        result["ingest"][kind] = {"rows": rows, "seconds": seconds}
        print(f"  ingest {kind}: {rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f}/s)")
    result["rss_after_ingest_mib"] = peak_rss_mib()

    started = time.perf_counter()
    pupil_days = sum(
        pupil_days_recompute(school_id=school_id, start=days[0], end=days[-1])
        for school_id in school_ids
    )
    result["recompute"] = {"seconds": time.perf_counter() - started, "pupil_days": pupil_days}
    print(f"  full recompute: {pupil_days:,} pupil-days in {result['recompute']['seconds']:.1f} s")

    started = time.perf_counter()
    one_day = sum(pupil_days_update(school_id=school_id, date=days[-1]) for school_id in school_ids)
    result["one_day"] = {"seconds": time.perf_counter() - started, "pupil_days": one_day}
    print(f"  one new day: {one_day:,} pupil-days in {result['one_day']['seconds']:.2f} s")
    result["peak_rss_mib"] = peak_rss_mib()
    result_path.write_text(json.dumps(result))


def make_schools(schools: list[tuple[str, list[str]]]) -> list[int]:
    """The county's schools, calendars and pupils (not timed)."""
    from django.utils import timezone

    from schoolwindow.connectors.writing import insert_rows
    from schoolwindow.people.models import Pupil
    from schoolwindow.schools.models import AcademicYear, School, Term, Trust

    trust = Trust.objects.create(name="County", slug="county")
    ids = []
    for urn, upns in schools:
        school = School.objects.create(trust=trust, urn=urn, name=f"School {urn}")
        year = AcademicYear.objects.create(
            school=school, name="2025/26", start=dt.date(2025, 9, 1), end=dt.date(2026, 7, 31)
        )
        for name, (start, end) in (("Autumn 1", FIRST_HALF), ("Autumn 2", SECOND_HALF)):
            Term.objects.create(school=school, academic_year=year, name=name, start=start, end=end)
        now = timezone.now()
        insert_rows(
            Pupil,
            ["school", "upn", "legal_first_name", "legal_last_name", "updated_at"],
            [(school.pk, upn, "Pupil", upn, now) for upn in upns],
        )
        ids.append(school.pk)
    return ids


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(folder: Path, database_url: str) -> dict[str, Any]:
    result_path = folder / "result.json"
    env = {**os.environ, "DATABASE_URL": database_url, "SCHOOLWINDOW_VAR_DIR": str(folder)}
    command = [sys.executable, __file__, "--child", str(folder)]
    process = subprocess.Popen(command, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"the child failed (status {status})")
    result: dict[str, Any] = json.loads(result_path.read_text())
    result["child_peak_rss_mib"] = usage.ru_maxrss / 1024
    return result


def fresh_postgres(url: str, name: str = "signals_county_bench") -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


# --- the floor: DuckDB ----------------------------------------------------------------------


def duckdb_floor(folder: Path) -> dict[str, float]:
    """The same per-pupil-per-day counts in one DuckDB query over the loaded events."""
    import duckdb

    db = duckdb.connect()
    db.execute("SET TimeZone = 'Europe/London'")
    started = time.perf_counter()
    load = {
        "attendance": "SELECT upn, date::DATE AS day, code FROM read_csv('{}', all_varchar=true)",
        "activity": "SELECT upn, occurred_at::TIMESTAMP::DATE AS day, kind "
        "FROM read_csv('{}', all_varchar=true)",
        "homework": "SELECT upn, due_on::DATE AS day, status FROM read_csv('{}', all_varchar=true)",
        "messages": "SELECT upn, sent_at::TIMESTAMP::DATE AS sent, read_at::TIMESTAMP::DATE AS "
        "read, replied_at::TIMESTAMP::DATE AS replied FROM read_csv('{}', all_varchar=true)",
    }
    for kind, select in load.items():
        db.execute(f"CREATE TABLE {kind} AS {select.format(folder / f'{kind}.csv')}")
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    rows = db.execute(
        """
        CREATE TABLE facts AS
        SELECT upn, day, SUM(possible), SUM(present), SUM(auth), SUM(unauth), SUM(logins),
               SUM(lessons), SUM(activities), SUM(due), SUM(on_time), SUM(late), SUM(missing),
               SUM(sent), SUM(read), SUM(answered)
        FROM (
          SELECT upn, day,
            (code NOT IN ('D','X','Q','Y1','Y2','Y3','Y4','Y5','Y6','Y7','Z','#'))::INT possible,
            (code IN ('/','\\','L','K','V','P','W','B'))::INT present,
            (code IN ('C','C1','C2','E','I','J1','M','R','S','T'))::INT auth,
            (code IN ('G','N','O','U'))::INT unauth,
            0 logins, 0 lessons, 0 activities, 0 due, 0 on_time, 0 late, 0 missing,
            0 sent, 0 read, 0 answered FROM attendance
          UNION ALL SELECT upn, day, 0, 0, 0, 0, (kind = 'login')::INT, (kind = 'lesson')::INT,
            (kind IN ('launched', 'completed'))::INT, 0, 0, 0, 0, 0, 0, 0 FROM activity
          UNION ALL SELECT upn, day, 0, 0, 0, 0, 0, 0, 0, 1, (status = 'on_time')::INT,
            (status = 'late')::INT, (status = 'missing')::INT, 0, 0, 0 FROM homework
          UNION ALL SELECT upn, sent, 0,0,0,0,0,0,0,0,0,0,0, 1, 0, 0 FROM messages
          UNION ALL SELECT upn, read, 0,0,0,0,0,0,0,0,0,0,0, 0, 1, 0 FROM messages
            WHERE read IS NOT NULL
          UNION ALL SELECT upn, replied, 0,0,0,0,0,0,0,0,0,0,0, 0, 0, 1 FROM messages
            WHERE replied IS NOT NULL
        ) events GROUP BY upn, day
        """
    )
    seconds = time.perf_counter() - started
    count = db.execute("SELECT COUNT(*) FROM facts").fetchone()
    del rows
    return {"load_seconds": loaded, "seconds": seconds, "rows": float(count[0] if count else 0)}


# --- main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--postgres-url", help="an admin URL; a database is created beside it")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--no-duckdb", action="store_true")
    parser.add_argument("--keep", metavar="DIR", help="generate here and keep the files")
    parser.add_argument("--child", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child), Path(args.child) / "result.json")
        return

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="signals-county-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        counts = generate(folder, args.scale)
        total = sum(counts.values())
        size = sum((folder / f"{kind}.csv").stat().st_size for kind in KINDS) / 2**20
        pupils = sum(len(upns) for _, upns in county(args.scale))
        print(
            f"data: {len(county(args.scale))} schools, {pupils:,} pupils, {len(school_days())} "
            f"school days; {total:,} signal rows ({', '.join(f'{k} {v:,}' for k, v in counts.items())}"
            f"); {size:,.0f} MiB of CSV; generated in {time.perf_counter() - started:.0f} s"
        )
        results = {}
        if not args.skip_sqlite:
            print("SQLite:")
            results["sqlite"] = run_child(folder, f"sqlite:///{folder / 'bench.sqlite3'}")
            (folder / "bench.sqlite3").unlink(missing_ok=True)
        if args.postgres_url:
            print("PostgreSQL:")
            results["postgresql"] = run_child(folder, fresh_postgres(args.postgres_url))
        floor = None if args.no_duckdb else duckdb_floor(folder)
        if floor:
            print(
                f"DuckDB floor: {floor['rows']:,.0f} pupil-days in {floor['seconds']:.2f} s "
                f"(load, not timed: {floor['load_seconds']:.0f} s)"
            )
        report(results, floor)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def report(results: dict[str, dict[str, Any]], floor: dict[str, float] | None) -> None:
    print()
    print(
        "| database | ingest (events/s) | full recompute | one new day | peak RSS | ratio to DuckDB |"
    )
    print("|---|---|---|---|---|---|")
    for name, result in results.items():
        rows = sum(part["rows"] for part in result["ingest"].values())
        seconds = sum(part["seconds"] for part in result["ingest"].values())
        recompute = result["recompute"]["seconds"]
        ratio = f"{recompute / floor['seconds']:.0f}×" if floor else "–"
        print(
            f"| {name} | {rows / seconds:,.0f} ({rows:,} in {seconds:.0f} s) | "
            f"{recompute:.1f} s ({result['recompute']['pupil_days']:,} pupil-days) | "
            f"{result['one_day']['seconds']:.2f} s | {result['child_peak_rss_mib']:,.0f} MiB | "
            f"{ratio} |"
        )


if __name__ == "__main__":
    main()
