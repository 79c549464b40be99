"""Parcels' pages with a year of parcels: CPU and queries per page.

    uv run python benchmarks/parcels_pages.py [--var-dir DIR] [--parcels 1500] [--repeat 20]

Builds the demo trust in DIR (unless it is there), then, inside a transaction that is rolled
back, adds `--parcels` parcels at the secondary spread over the year before the demo's today
(one pupil each, ten items each, most delivered on rounds of 30 stops, some still to do), and
renders as the office: the requests list (still to do, all, a later page, delivered, a search), a
parcel's page, the rounds list, a round's page, the driver's sheet and the driver's phone page.
Prints CPU ms per page (time.process_time), queries per page and the size of the answer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from page_cpu import build_demo, client_for, setup

STOPS = 30


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--var-dir", type=Path, default=None)
    parser.add_argument("--parcels", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="sw-parcels-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    build_demo(var_dir)
    setup(var_dir)

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from schoolwindow.people.models import Pupil, Staff
    from schoolwindow.support.parcels.links import driver_path, new_nonce
    from schoolwindow.support.parcels.models import (
        DeliveryRound,
        ParcelItem,
        ParcelPupil,
        ParcelRequest,
        ParcelStatus,
    )

    office_user = "office@riverside.demo"
    with transaction.atomic():
        office = Staff.objects.filter(user__username=office_user, roles__role="office").first()
        assert office is not None, "the demo has no office member of staff"
        school_id = office.school_id
        pupils = list(
            Pupil.objects.filter(school_id=school_id, household__isnull=False)
            .order_by("pk")
            .values_list("pk", "household_id", "guardian_links__guardian_id")[: args.parcels]
        )
        today = timezone.localdate()
        rounds = DeliveryRound.objects.bulk_create(
            DeliveryRound(
                school_id=school_id,
                day=today - dt.timedelta(days=365 - 7 * n),
                driver_name=f"Driver {n}",
                staff_contact=office,
                link_nonce=new_nonce(),
            )
            for n in range(args.parcels // STOPS + 1)
        )
        requests = []
        for n in range(args.parcels):
            _pupil, household_id, guardian_id = pupils[n % len(pupils)]
            on_round = n < args.parcels * 9 // 10
            requests.append(
                ParcelRequest(
                    school_id=school_id,
                    household_id=household_id,
                    contact_id=guardian_id,
                    kind="food" if n % 4 else "care",
                    reason="Money is short this month.",
                    status=ParcelStatus.DELIVERED if on_round else ParcelStatus.PACKED,
                    requested_by=office,
                    round=rounds[n // STOPS] if on_round else None,
                    stop_number=n % STOPS + 1 if on_round else None,
                )
            )
        made = ParcelRequest.objects.bulk_create(requests)
        ParcelPupil.objects.bulk_create(
            ParcelPupil(school_id=school_id, request=req, pupil_id=pupils[n % len(pupils)][0])
            for n, req in enumerate(made)
        )
        ParcelItem.objects.bulk_create(
            ParcelItem(school_id=school_id, request=req, position=i, name=f"Item {i}")
            for req in made
            for i in range(10)
        )
        busy = rounds[0]
        client = client_for(office_user)
        name = Pupil.objects.get(pk=pupils[0][0]).legal_last_name
        base = reverse("parcels:requests")
        pages = [
            ("requests, still to do", base),
            ("requests, all", base + "?status=all"),
            ("requests, all, page 20", base + "?status=all&page=20"),
            ("requests, delivered", base + "?status=delivered"),
            ("requests, search a name", base + f"?status=all&q={name}"),
            ("a parcel", reverse("parcels:request", kwargs={"request_id": made[0].pk})),
            ("rounds", reverse("parcels:rounds")),
            ("a round (30 stops)", reverse("parcels:round", kwargs={"round_id": busy.pk})),
            ("driver's sheet", reverse("parcels:sheet", kwargs={"round_id": busy.pk})),
            ("plan a round (150 waiting)", reverse("parcels:round_new")),
        ]
        total = ParcelRequest.objects.filter(school_id=school_id).count()
        print(f"{total} parcels at the school; {args.repeat} renders of each page")
        print(f"{'page':<28} {'CPU ms':>8} {'queries':>8} {'KB':>8}")
        anonymous = client.__class__()
        pages_with_client = [(n, u, client) for n, u in pages]
        pages_with_client.append(("driver's phone page", driver_path(busy), anonymous))
        DeliveryRound.objects.filter(pk=busy.pk).update(day=today)  # the link is open today
        for label, url, who in pages_with_client:
            who.get(url)  # warm
            started = time.process_time()
            queries = 0
            size = 0
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as captured:
                    response = who.get(url)
                assert response.status_code == 200, (url, response.status_code)
                queries = len(captured.captured_queries)
                size = len(response.content)
            cpu = (time.process_time() - started) * 1000 / args.repeat
            print(f"{label:<28} {cpu:>8.1f} {queries:>8} {size / 1024:>8.1f}")
        transaction.set_rollback(True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
