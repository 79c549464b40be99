"""Fifty members of staff lending the same ten laptops at the same moment, through the real
HTTP stack: exactly ten loans, every other attempt refused cleanly, no 5xx.

    uv run python benchmarks/loans_race.py [--attempts 50] [--items 10] [--pupils 1500]
        [--workers 2] [--threads 4] [--database-url postgres://…]

Builds a fresh school (SQLite under a temporary folder, or the PostgreSQL given) with
`--pupils` pupils, an inventory of 60 items and one signed-in office account per attempt,
starts `schoolwindow serve`, and has every client open its lend form (for its own pupil, on
item n % items), wait at a barrier, and post at once. Prints how many were lent, refused and
failed, the time from the barrier to the last answer, and the data size; then checks the
database holds exactly one open loan per raced item.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
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

from page_latency import bench_env, database_name, serving

SETUP = """
import datetime as dt, json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp.plugins.otp_totp.models import TOTPDevice
from schoolwindow.core.models import AccountKind, User
from schoolwindow.people.models import Pupil, Staff, StaffRole
from schoolwindow.schools.models import School, Trust
from schoolwindow.support.loans.models import Item, Kind
ATTEMPTS, ITEMS, PUPILS = {attempts}, {items}, {pupils}
trust = Trust.objects.create(name="Race trust", slug="race")
school = School.objects.create(trust=trust, name="Race Academy", urn="990001", phase="secondary")
Pupil.objects.bulk_create([
    Pupil(school=school, upn=f"R{{n:012d}}", legal_first_name=f"Pupil{{n}}",
          legal_last_name="Racer") for n in range(PUPILS)], batch_size=1000)
pupils = list(Pupil.objects.filter(school=school).order_by("pk").values_list("pk", flat=True))
kinds = [Kind.LAPTOP] * 30 + [Kind.TABLET] * 10 + [Kind.DONGLE] * 10 + [Kind.INSTRUMENT] * 10
Item.objects.bulk_create([
    Item(school=school, asset_tag=f"RACE-{{n:03d}}", kind=kinds[n % len(kinds)])
    for n in range(60)])
items = list(Item.objects.filter(school=school, kind=Kind.LAPTOP).order_by("asset_tag")
             .values_list("pk", flat=True))[:ITEMS]
cookies = []
for n in range(ATTEMPTS):
    user = User.objects.create_user(username=f"office{{n}}@race.test", kind=AccountKind.STAFF,
                                    first_name="Office", last_name=str(n))
    staff = Staff.objects.create(school=school, user=user, first_name="Office", last_name=str(n))
    StaffRole.objects.create(school=school, staff=staff, role="office")
    device = TOTPDevice.objects.create(user=user, name="race", confirmed=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["otp_device_id"] = device.persistent_id
    session.save()
    cookies.append(session.session_key)
print(json.dumps({{"cookies": cookies, "items": items, "pupils": pupils[:ATTEMPTS],
  "sizes": {{"pupils": Pupil.objects.count(), "items": Item.objects.count(),
             "staff": Staff.objects.count()}}}}))
"""

CHECK = """
import json
from django.db.models import Count
from schoolwindow.support.loans.models import Loan
open_loans = Loan.objects.filter(returned_at__isnull=True)
per_item = list(open_loans.values("item").annotate(n=Count("id")).values_list("n", flat=True))
print(json.dumps({"loans": Loan.objects.count(), "open": open_loans.count(),
                  "most_per_item": max(per_item or [0])}))
"""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Outcome:
    status: int
    text: str
    seconds: float


def django_run(code: str, env: dict[str, str]) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", "import django;django.setup();" + code],
        env={**env, "DJANGO_SETTINGS_MODULE": "schoolwindow.config.settings"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    data: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return data


def client_attempt(
    base: str,
    cookie: str,
    item_id: int,
    pupil_id: int,
    barrier: threading.Barrier,
    outcomes: list[Outcome],
    lock: threading.Lock,
) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    opener.addheaders = [("Cookie", f"sessionid={cookie}")]
    url = f"{base}/loans/items/{item_id}/lend/"
    form = opener.open(f"{url}?pupil={pupil_id}", timeout=30).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    once = re.search(r'name="once" value="([^"]+)"', form)
    due = re.search(r'name="due_on" value="([^"]+)"', form)
    assert csrf and once and due, "the lend form did not render"
    csrf_cookie = next(c.value for c in jar if c.name == "csrftoken")
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": csrf.group(1),
            "once": once.group(1),
            "pupil": pupil_id,
            "due_on": due.group(1),
            "condition": "good",
        }
    ).encode()
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Cookie", f"sessionid={cookie}; csrftoken={csrf_cookie}")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    barrier.wait()
    started = time.perf_counter()
    try:
        response = urllib.request.build_opener(NoRedirect).open(request, timeout=60)
        status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as answer:
        status, text = answer.code, answer.read().decode()
    with lock:
        outcomes.append(Outcome(status, text, time.perf_counter() - started))


def race(args: argparse.Namespace) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="loans-race-") as tmp:
        workdir = Path(tmp)
        env = bench_env(workdir, args)
        subprocess.run(
            [sys.executable, "-m", "schoolwindow.cli", "manage", "migrate", "-v", "0"],
            env=env,
            check=True,
        )
        setup = django_run(
            SETUP.format(attempts=args.attempts, items=args.items, pupils=args.pupils), env
        )
        cookies = list(setup["cookies"])  # type: ignore[call-overload]
        items = list(setup["items"])  # type: ignore[call-overload]
        pupils = list(setup["pupils"])  # type: ignore[call-overload]
        with serving(env, args) as base:
            barrier = threading.Barrier(args.attempts + 1)
            outcomes: list[Outcome] = []
            lock = threading.Lock()
            threads = [
                threading.Thread(
                    target=client_attempt,
                    args=(
                        base,
                        cookies[n],
                        items[n % len(items)],
                        pupils[n],
                        barrier,
                        outcomes,
                        lock,
                    ),
                )
                for n in range(args.attempts)
            ]
            for thread in threads:
                thread.start()
            barrier.wait()
            started = time.perf_counter()
            for thread in threads:
                thread.join(120)
            wall = time.perf_counter() - started
        check = django_run(CHECK, env)
    lent = [o for o in outcomes if o.status == 302]
    refused = [
        o
        for o in outcomes
        if o.status == 400 and ("a moment ago" in o.text or "already out on loan" in o.text)
    ]
    server_errors = [o for o in outcomes if o.status >= 500]
    return {
        "database": database_name(args),
        "attempts": args.attempts,
        "answered": len(outcomes),
        "lent": len(lent),
        "refused": len(refused),
        "other": len(outcomes) - len(lent) - len(refused) - len(server_errors),
        "5xx": len(server_errors),
        "wall_s": wall,
        "slowest_s": max((o.seconds for o in outcomes), default=0.0),
        "db": check,
        "sizes": setup["sizes"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attempts", type=int, default=50)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--pupils", type=int, default=1500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    result = race(args)
    sizes = result["sizes"]
    print(
        f"{result['database']}: {result['attempts']} attempts on {args.items} items "
        f"({args.workers} workers × {args.threads} threads); data: {sizes}"
    )
    print(
        f"  lent {result['lent']}, refused cleanly {result['refused']}, other "
        f"{result['other']}, 5xx {result['5xx']}; all answered in {result['wall_s']:.2f} s "
        f"(slowest {result['slowest_s']:.2f} s); database: {result['db']}"
    )
    db = result["db"]
    assert isinstance(db, dict)
    ok = (
        result["lent"] == args.items
        and result["refused"] == args.attempts - args.items
        and result["5xx"] == 0
        and db["open"] == args.items
        and db["most_per_item"] == 1
    )
    print("  OK" if ok else "  FAILED")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
