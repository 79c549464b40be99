"""The loans pages under load at a 1,500-pupil school with a year of loans: p95 latency with 20
concurrent clients and the server's CPU per page.

    uv run python benchmarks/loans_latency.py [--seconds 20] [--connections 20] [--workers 2]
        [--database-url postgres://…]

Builds a fresh school (SQLite under a temporary folder, or the PostgreSQL given): 1,500 pupils,
1,200 items, a year of loans (each item lent about three times, most returned, 700 out now, 100
of them overdue) with their history, then starts `schoolwindow serve`, signs in an office
account and drives each page kind with wrk (apt-get install wrk): the loans out (first 20
pages), every loan (first 20 pages), the inventory with its stock levels (first 20 pages), 200
items' pages with their history, 200 loans' pages and 200 pupils' loan histories.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
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

SETUP = """
import datetime as dt, json, random
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from schoolwindow.core.db import database_analyze
from schoolwindow.core.models import AccountKind, User
from schoolwindow.people.models import Pupil, Staff, StaffRole
from schoolwindow.schools.models import School, Trust
from schoolwindow.support.loans.models import Item, ItemEvent, Kind, Loan
rng = random.Random(11)
trust = Trust.objects.create(name="Loans trust", slug="loans")
school = School.objects.create(trust=trust, name="Loans Academy", urn="990002", phase="secondary")
Pupil.objects.bulk_create([
    Pupil(school=school, upn=f"L{n:012d}", legal_first_name=f"Pupil{n}", legal_last_name="Lender")
    for n in range(1500)], batch_size=1000)
pupils = list(Pupil.objects.filter(school=school).values_list("pk", flat=True))
user = User.objects.create_user(username="office@loans.test", kind=AccountKind.STAFF,
                                first_name="Office", last_name="Staff")
staff = Staff.objects.create(school=school, user=user, first_name="Office", last_name="Staff")
StaffRole.objects.create(school=school, staff=staff, role="office")
kinds = [Kind.LAPTOP] * 6 + [Kind.TABLET] * 2 + [Kind.DONGLE, Kind.SIM]
Item.objects.bulk_create([
    Item(school=school, asset_tag=f"K-{n:05d}", kind=kinds[n % len(kinds)], model_name="Model")
    for n in range(1200)], batch_size=1000)
items = list(Item.objects.filter(school=school).order_by("pk"))
now = timezone.now()
loans = []
for index, item in enumerate(items):
    day = now - dt.timedelta(days=365)
    for turn in range(3):
        lent = day + dt.timedelta(days=rng.randrange(0, 30))
        due = (lent + dt.timedelta(days=90)).date()
        last = turn == 2
        out = last and index < 700
        if out:
            lent = now - dt.timedelta(days=rng.randrange(1, 80))
            due = (lent + dt.timedelta(days=90)).date()
            if index < 100:
                due = (now - dt.timedelta(days=rng.randrange(1, 20))).date()
        loans.append(Loan(
            school=school, item=item, pupil_id=rng.choice(pupils), lent_by=staff, lent_at=lent,
            due_on=due, condition_out="good", agreement_text="Standard agreement.",
            accepted_at=lent if rng.random() < 0.8 else None, accepted_name="A Parent",
            returned_at=None if out else lent + dt.timedelta(days=rng.randrange(20, 100)),
            condition_in="" if out else rng.choice(["good", "good", "fair", "damaged"])))
        day = lent + dt.timedelta(days=110)
    item.status = "on_loan" if index < 700 else "available"
Item.objects.bulk_update(items, ["status"], batch_size=1000)
Loan.objects.bulk_create(loans, batch_size=1000)
events = []
for loan in Loan.objects.filter(school=school).only("pk", "item_id", "pupil_id", "lent_at",
                                                     "returned_at"):
    events.append(ItemEvent(school=school, item_id=loan.item_id, loan_id=loan.pk,
                            pupil_id=loan.pupil_id, kind="lent", at=loan.lent_at, by_label="Office"))
    if loan.returned_at:
        events.append(ItemEvent(school=school, item_id=loan.item_id, loan_id=loan.pk,
                                pupil_id=loan.pupil_id, kind="returned", at=loan.returned_at,
                                by_label="Office"))
ItemEvent.objects.bulk_create(events, batch_size=2000)
database_analyze()
device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session["otp_device_id"] = device.persistent_id
session.save()
sample_loans = list(Loan.objects.filter(school=school).order_by("?").values_list("pk", flat=True)[:200])
borrowers = list(Loan.objects.filter(school=school).values_list("pupil_id", flat=True).distinct()[:200])
print(json.dumps({"cookie": session.session_key,
  "items": [item.pk for item in items[::6]][:200], "loans": sample_loans, "pupils": borrowers,
  "sizes": {"pupils": Pupil.objects.count(), "items": Item.objects.count(),
            "loans": Loan.objects.count(),
            "open": Loan.objects.filter(returned_at__isnull=True).count(),
            "history rows": ItemEvent.objects.count()}}))
"""


def prepare(env: dict[str, str]) -> dict[str, object]:
    subprocess.run(
        [sys.executable, "-m", "schoolwindow.cli", "manage", "migrate", "-v", "0"],
        env=env,
        check=True,
    )
    out = subprocess.run(
        [sys.executable, "-c", "import django;django.setup();" + SETUP],
        env={**env, "DJANGO_SETTINGS_MODULE": "schoolwindow.config.settings"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    data: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_load_options(parser, port=8766)
    args = parser.parse_args()
    wrk = ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="loans-latency-") as tmp:
        workdir = Path(tmp)
        env = bench_env(workdir, args)
        data = prepare(env)
        cookie = str(data["cookie"])
        ids = {key: list(data[key]) for key in ("items", "loans", "pupils")}  # type: ignore[call-overload]
        with serving(env, args) as base:
            print(f"data: {data['sizes']}; database: {database_name(args)}; {load_line(args)}")
            runs = [
                ("floor: account", cookie, ["/account/"]),
                ("loans out", cookie, [f"/loans/out/?page={n}" for n in range(1, 21)]),
                ("every loan", cookie, [f"/loans/out/?state=all&page={n}" for n in range(1, 21)]),
                ("inventory", cookie, [f"/loans/?page={n}" for n in range(1, 21)]),
                ("an item", cookie, [f"/loans/items/{pk}/" for pk in ids["items"]]),
                ("a loan", cookie, [f"/loans/out/{pk}/" for pk in ids["loans"]]),
                ("pupil's loans", cookie, [f"/loans/pupils/{pk}/" for pk in ids["pupils"]]),
            ]
            wrk_report(wrk, base, runs, args, workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
