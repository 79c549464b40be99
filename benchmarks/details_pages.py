"""Keeping details up to date at scale: CPU and queries per page, and accepting a change.

    uv run python benchmarks/details_pages.py [--var-dir DIR] [--changes 3000] [--repeat 20]

Builds the demo trust in DIR (unless it is there), then, inside a transaction that is rolled
back, adds `--changes` waiting changes at the secondary from its families (a phone number, a
postcode, a dietary or a medical note, in turn) and as many "nothing has changed" checks, and
renders as the office: the queue (first page and a later page), one change side by side, the
confirmations list and the office's home page; as the demo parent: their details page. Prints
CPU ms per page (time.process_time), queries per page and the size of the answer; then the time
to accept ten changes (the change, the record through people's service and two audit rows in
one transaction).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from page_cpu import build_demo, client_for, setup


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--var-dir", type=Path, default=None)
    parser.add_argument("--changes", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="sw-details-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    build_demo(var_dir)
    setup(var_dir)

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from schoolwindow.core.models import User
    from schoolwindow.people.actors import actor_for
    from schoolwindow.people.contact import contactable_links
    from schoolwindow.people.models import Staff
    from schoolwindow.portal.details import services
    from schoolwindow.portal.details.models import DetailsChange, DetailsCheck

    office_user = "office@riverside.demo"
    kinds = [
        ("phone", None, "07700 900{:03d}"),
        ("postcode", None, "RV{:d} 1AB"),
        ("dietary_notes", True, "No nuts ({:d})"),
        ("medical_notes", True, "Asthma, inhaler ({:d})"),
    ]
    with transaction.atomic():
        office = Staff.objects.filter(user__username=office_user, roles__role="office").first()
        assert office is not None, "the demo has no office member of staff"
        school_id = office.school_id
        links = list(
            contactable_links(school_id=school_id)
            .order_by("pupil_id", "guardian_id")
            .values_list("pupil_id", "guardian_id")
        )
        # One waiting change per guardian, child and field (the unique rule): spread them.
        rows: list[DetailsChange] = []
        seen: set[tuple[int, int | None, str]] = set(
            DetailsChange.objects.filter(status="waiting").values_list(
                "guardian_id", "pupil_id", "field"
            )
        )
        for n in range(args.changes * 3):
            if len(rows) >= args.changes:
                break
            pupil_id, guardian_id = links[n % len(links)]
            field, child, value = kinds[(n // len(links)) % len(kinds)]
            key = (guardian_id, pupil_id if child else None, field)
            if key in seen:
                continue
            seen.add(key)
            rows.append(
                DetailsChange(
                    school_id=school_id,
                    guardian_id=guardian_id,
                    pupil_id=pupil_id if child else None,
                    field=field,
                    old_value="",
                    new_value=value.format(n % 1000),
                )
            )
        DetailsChange.objects.bulk_create(rows)
        DetailsCheck.objects.bulk_create(
            DetailsCheck(
                school_id=school_id,
                guardian_id=links[n % len(links)][1],
                pupil_id=links[n % len(links)][0],
                kind="unchanged",
            )
            for n in range(args.changes)
        )
        first = DetailsChange.objects.filter(school_id=school_id).order_by("pk").first()
        assert first is not None
        office_client = client_for(office_user)
        parent_client = client_for("parent@riverside.demo")
        queue = reverse("portal_details:office")
        pages = [
            (office_client, "the office's queue", queue),
            (office_client, "the queue, page 30", queue + "?page=30"),
            (
                office_client,
                "a change side by side",
                reverse("portal_details:decide", args=[first.pk]),
            ),
            (office_client, "confirmations", reverse("portal_details:checked")),
            (office_client, "the office's home", reverse("home")),
            (parent_client, "the parent's details", reverse("portal_details:family")),
        ]
        waiting = DetailsChange.objects.filter(school_id=school_id, status="waiting").count()
        print(f"{waiting} changes waiting at the school; {args.repeat} renders of each page")
        print(f"{'page':<28} {'CPU ms':>8} {'queries':>8} {'KB':>8}")
        for client, label, url in pages:
            client.get(url)  # warm
            started = time.process_time()
            queries = size = 0
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                queries = len(captured.captured_queries)
                size = len(response.content)
            cpu = (time.process_time() - started) * 1000 / args.repeat
            print(f"{label:<28} {cpu:>8.1f} {queries:>8} {size / 1024:>8.1f}")

        actor = actor_for(User.objects.get(username=office_user))
        walls = []
        for change in DetailsChange.objects.filter(school_id=school_id, status="waiting").order_by(
            "pk"
        )[:10]:
            started_wall = time.perf_counter()
            services.details_decide(actor=actor, change_id=change.pk, accept=True)
            walls.append((time.perf_counter() - started_wall) * 1000)
        walls.sort()
        print(f"accept one change (10): median {walls[5]:.1f} ms wall, max {walls[-1]:.1f} ms")
        transaction.set_rollback(True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
