"""Two hundred parents booking one parents' evening at the same moment (the minute booking
opens), through the real HTTP stack: no slot booked twice, no 5xx, and how long until every
parent has an answer.

    uv run python benchmarks/events_booking_race.py [--parents 200] [--teachers 4] [--slots 10]
        [--workers 2] [--threads 4] [--database-url postgres://…]

Builds a fresh school (SQLite under a temporary folder, or the PostgreSQL given) with one Year 7
pupil and one signed-in parent per attempt, an evening with `--teachers` teachers of
`--slots` slots each (so several parents want each slot), starts `schoolwindow serve`, and has
every parent open the evening page, wait at a barrier, and press the button of slot
n % (teachers x slots) at once. Each parent who got the hold confirms it (a second request).
Prints how many held and booked, how many were told the time had just gone, any other answer,
the time from the barrier until the last parent was answered (hold and confirm), and checks the
database holds at most one live appointment per slot.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loans_race import NoRedirect, django_run
from page_latency import bench_env, database_name, serving

SETUP = """
import datetime as dt, json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from schoolwindow.core.models import AccountKind, User
from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import Guardian, GuardianLink, Pupil, Staff, StaffRole
from schoolwindow.portal.events import services
from schoolwindow.portal.events.models import Slot
from schoolwindow.schools.models import School, Trust, YearGroup
PARENTS, TEACHERS, SLOTS = {parents}, {teachers}, {slots}
trust = Trust.objects.create(name="Race trust", slug="race")
school = School.objects.create(trust=trust, name="Race Academy", urn="990002", phase="secondary")
year = YearGroup.objects.create(school=school, code="7", name="Year 7", ordinal=7)
Pupil.objects.bulk_create([
    Pupil(school=school, upn=f"E{{n:012d}}", legal_first_name=f"Pupil{{n}}",
          legal_last_name="Racer", year_group=year) for n in range(PARENTS)], batch_size=1000)
pupils = list(Pupil.objects.filter(school=school).order_by("pk"))
teachers = []
for n in range(TEACHERS):
    user = User.objects.create_user(username=f"teacher{{n}}@race.test", kind=AccountKind.STAFF)
    staff = Staff.objects.create(school=school, user=user, first_name="Teacher", last_name=str(n))
    StaffRole.objects.create(school=school, staff=staff, role="teacher")
    teachers.append(staff.pk)
lead_user = User.objects.create_user(username="leader@race.test", kind=AccountKind.STAFF)
lead = Staff.objects.create(school=school, user=lead_user, first_name="Lead", last_name="Er")
StaffRole.objects.create(school=school, staff=lead, role="leader")
day = timezone.localdate() + dt.timedelta(days=7)
evening = services.evening_create(
    actor=actor_for(lead_user), school_id=school.pk, title="Year 7 evening", date=day,
    starts=dt.time(16, 0), ends=dt.time(16 + SLOTS // 6, (SLOTS % 6) * 10),
    slot_minutes=10, opens_at=timezone.now() - dt.timedelta(minutes=1), close_minutes=60,
    staff_ids=teachers, year_group_ids=[year.pk])
slots = list(Slot.objects.filter(evening=evening).order_by("starts_at", "teacher_id")
             .values_list("pk", flat=True))
cookies = []
for n, pupil in enumerate(pupils):
    user = User.objects.create_user(username=f"parent{{n}}@race.test", kind=AccountKind.GUARDIAN)
    guardian = Guardian.objects.create(trust=trust, first_name="Parent", last_name=str(n), user=user)
    GuardianLink.objects.create(school=school, pupil=pupil, guardian=guardian)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    cookies.append(session.session_key)
print(json.dumps({{"cookies": cookies, "evening": evening.pk, "slots": slots,
  "pupils": [p.pk for p in pupils], "sizes": {{"pupils": Pupil.objects.count(),
  "slots": len(slots), "parents": Guardian.objects.count()}}}}))
"""

CHECK = """
import json
from django.db.models import Count
from schoolwindow.portal.events.models import LIVE, Appointment
live = Appointment.objects.filter(status__in=LIVE)
per_slot = list(live.values("slot").annotate(n=Count("id")).values_list("n", flat=True))
print(json.dumps({"live": live.count(), "booked": live.filter(status="booked").count(),
                  "most_per_slot": max(per_slot or [0])}))
"""


@dataclass
class Outcome:
    hold: int
    confirm: int
    seconds: float


def parent_attempt(
    base: str,
    cookie: str,
    evening: int,
    slot: int,
    pupil: int,
    barrier: threading.Barrier,
    outcomes: list[Outcome],
    lock: threading.Lock,
) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    opener.addheaders = [("Cookie", f"sessionid={cookie}")]
    page = opener.open(f"{base}/portal/events/evening/{evening}/?child={pupil}", timeout=60)
    text = page.read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
    once = re.search(r'name="once" value="([^"]+)"', text)
    assert csrf and once, "the evening page did not render its booking form"
    token = next(c.value for c in jar if c.name == "csrftoken")

    def post(url: str, fields: dict[str, object]) -> tuple[int, str, str]:
        request = urllib.request.Request(
            url, data=urllib.parse.urlencode(fields).encode(), method="POST"
        )
        request.add_header("Cookie", f"sessionid={cookie}; csrftoken={token}")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            response = urllib.request.build_opener(NoRedirect).open(request, timeout=120)
            return response.status, response.read().decode(), ""
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read().decode(), answer.headers.get("Location", "")

    barrier.wait()
    started = time.perf_counter()
    status, _body, location = post(
        f"{base}/portal/events/evening/{evening}/hold/",
        {"csrfmiddlewaretoken": csrf.group(1), "once": once.group(1), "slot": slot, "child": pupil},
    )
    confirm = 0
    if status == 302 and location:
        confirm, _body, _where = post(
            urllib.parse.urljoin(base, location),
            {"csrfmiddlewaretoken": csrf.group(1), "mode": "in_person"},
        )
    with lock:
        outcomes.append(Outcome(status, confirm, time.perf_counter() - started))


def race(args: argparse.Namespace) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="events-race-") as tmp:
        env = bench_env(Path(tmp), args)
        subprocess.run(
            [sys.executable, "-m", "schoolwindow.cli", "manage", "migrate", "-v", "0"],
            env=env,
            check=True,
        )
        setup = django_run(
            SETUP.format(parents=args.parents, teachers=args.teachers, slots=args.slots), env
        )
        cookies = list(setup["cookies"])  # type: ignore[call-overload]
        slots = list(setup["slots"])  # type: ignore[call-overload]
        pupils = list(setup["pupils"])  # type: ignore[call-overload]
        evening = int(setup["evening"])  # type: ignore[call-overload]
        with serving(env, args) as base:
            barrier = threading.Barrier(args.parents + 1)
            outcomes: list[Outcome] = []
            lock = threading.Lock()
            threads = [
                threading.Thread(
                    target=parent_attempt,
                    args=(
                        base,
                        cookies[n],
                        evening,
                        slots[n % len(slots)],
                        pupils[n],
                        barrier,
                        outcomes,
                        lock,
                    ),
                )
                for n in range(args.parents)
            ]
            for thread in threads:
                thread.start()
            barrier.wait()
            started = time.perf_counter()
            for thread in threads:
                thread.join(300)
            wall = time.perf_counter() - started
        check = django_run(CHECK, env)
    return {
        "database": database_name(args),
        "answered": len(outcomes),
        "held": sum(1 for o in outcomes if o.hold == 302),
        "booked": sum(1 for o in outcomes if o.confirm == 302),
        "gone": sum(1 for o in outcomes if o.hold == 409),
        "5xx": sum(1 for o in outcomes if o.hold >= 500 or o.confirm >= 500),
        "other": sum(1 for o in outcomes if o.hold not in (302, 409) or o.confirm not in (0, 302)),
        "wall_s": wall,
        "slowest_s": max((o.seconds for o in outcomes), default=0.0),
        "db": check,
        "sizes": setup["sizes"],
        "slots": len(slots),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parents", type=int, default=200)
    parser.add_argument("--teachers", type=int, default=4)
    parser.add_argument("--slots", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    result = race(args)
    print(
        f"{result['database']}: {args.parents} parents, {result['slots']} slots "
        f"({args.workers} workers × {args.threads} threads); data: {result['sizes']}"
    )
    print(
        f"  held {result['held']}, booked {result['booked']}, told the time had gone "
        f"{result['gone']}, other {result['other']}, 5xx {result['5xx']}; all answered in "
        f"{result['wall_s']:.2f} s (slowest parent {result['slowest_s']:.2f} s); "
        f"database: {result['db']}"
    )
    db = result["db"]
    assert isinstance(db, dict)
    slots = int(result["slots"])  # type: ignore[call-overload]
    expected = min(slots, args.parents)
    ok = (
        result["answered"] == args.parents
        and result["held"] == expected
        and result["booked"] == expected
        and result["gone"] == args.parents - expected
        and result["5xx"] == 0
        and db["most_per_slot"] == 1
        and db["booked"] == expected
    )
    print("  OK" if ok else "  FAILED")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
