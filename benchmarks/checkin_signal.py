"""What the missed-check-ins signal costs the morning's flags evaluation, at real scale.

    uv run python benchmarks/checkin_signal.py [--groups 30] [--members 10] [--runs 3]
                                               [--database-url postgres://…]

Builds the 1,500-pupil school of benchmarks/watchlist_latency.py (a term of daily facts up to
Monday 23 November 2026, flags opened), adds study groups (by default 30 groups of 10 pupils,
300 members, formed on 2 November) with a fortnight of check-ins — most days answered, one
pupil in five silent for the last week — then times `flags_evaluate` for that Monday with the
study groups' rule switched off (the rules as before) and on, re-runs that change nothing, and
counts the queries of each.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from page_latency import bench_env, database_name
from watchlist_latency import ON_DATE, build


def measure(groups: int, members: int, runs: int) -> dict[str, object]:
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from schoolwindow.engagement.flags import flags_evaluate
    from schoolwindow.engagement.models import Flag, RuleSetting
    from schoolwindow.people.models import Pupil, Staff
    from schoolwindow.schools.calendar import school_days
    from schoolwindow.support.studygroups.models import CheckIn, StudyGroup, StudyGroupMember
    from schoolwindow.support.studygroups.signal import KEY

    build(7)
    rng = random.Random(11)
    on_date = dt.date.fromisoformat(ON_DATE)
    pupil = Pupil.objects.order_by("pk").first()
    assert pupil is not None
    school_id = pupil.school_id
    lead = Staff.objects.filter(school_id=school_id).order_by("pk").first()
    assert lead is not None
    formed = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
    pupil_ids = list(
        Pupil.objects.filter(school_id=school_id).order_by("?").values_list("pk", flat=True)
    )[: groups * members]
    days = school_days(
        school_id=school_id, start=dt.date(2026, 11, 9), end=on_date - dt.timedelta(days=1)
    )
    checkins = []
    for g in range(groups):
        group = StudyGroup.objects.create(school_id=school_id, name=f"Group {g}", lead=lead)
        ids = pupil_ids[g * members : (g + 1) * members]
        StudyGroupMember.objects.bulk_create(
            StudyGroupMember(school_id=school_id, group=group, pupil_id=pid) for pid in ids
        )
        for index, pid in enumerate(ids):
            silent = index % 5 == 0
            for day in days:
                if (silent and day >= days[-5]) or rng.random() < 0.1:
                    continue
                checkins.append(
                    CheckIn(school_id=school_id, group=group, pupil_id=pid, day=day, answer="on_it")
                )
    StudyGroupMember.objects.update(added_at=formed)
    CheckIn.objects.bulk_create(checkins, batch_size=1000)

    def timed(enabled: bool) -> tuple[list[float], int]:
        RuleSetting.objects.update_or_create(
            school_id=school_id, rule=KEY, defaults={"enabled": enabled, "params": {}}
        )
        flags_evaluate(school_id=school_id, on_date=on_date)  # settle: opens what it opens
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            flags_evaluate(school_id=school_id, on_date=on_date)
            seconds.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as queries:
            flags_evaluate(school_id=school_id, on_date=on_date)
        return seconds, len(queries)

    from schoolwindow.engagement.rules import SignalContext
    from schoolwindow.support.studygroups.signal import RULE, missed_checkins

    context = SignalContext(
        school_id=school_id,
        on_date=on_date,
        school_days=days,
        pupil_ids=list(Pupil.objects.filter(school_id=school_id).values_list("pk", flat=True)),
        params=RULE.defaults,
    )
    loads = []
    for _ in range(runs):
        started = time.perf_counter()
        missed_checkins(context)
        loads.append(time.perf_counter() - started)
    # Off and on in turn, so a busy moment on a shared machine lands on both.
    off: list[float] = []
    on: list[float] = []
    off_queries = on_queries = 0
    for _ in range(2):
        seconds, off_queries = timed(False)
        off += seconds
        seconds, on_queries = timed(True)
        on += seconds
    reasons = sum(
        1
        for reasons in Flag.objects.filter(school_id=school_id).values_list("reasons", flat=True)
        for reason in reasons
        if reason["rule"] == KEY
    )
    return {
        "pupils": Pupil.objects.filter(school_id=school_id).count(),
        "members": groups * members,
        "checkins": len(checkins),
        "load_median": statistics.median(loads),
        "off_median": statistics.median(off),
        "on_median": statistics.median(on),
        "off_queries": off_queries,
        "on_queries": on_queries,
        "missed_reasons": reasons,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=30)
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolwindow.config.settings")
        import django

        django.setup()
        print(json.dumps(measure(args.groups, args.members, args.runs)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        env = bench_env(Path(tmp), args)
        command = [sys.executable, __file__, "--measure", "--groups", str(args.groups)]
        command += ["--members", str(args.members), "--runs", str(args.runs)]
        out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    data = json.loads(out.strip().splitlines()[-1])
    print(
        f"{data['pupils']} pupils, {data['members']} study-group members, "
        f"{data['checkins']} check-ins; database: {database_name(args)}"
    )
    print(
        f"flags_evaluate re-run, median of {2 * args.runs}: rule off {data['off_median']:.2f} s "
        f"({data['off_queries']} queries), rule on {data['on_median']:.2f} s "
        f"({data['on_queries']} queries); {data['missed_reasons']} missed-check-ins reasons"
    )
    print(f"the signal's own load (two queries and the count): {data['load_median'] * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
