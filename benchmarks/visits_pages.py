"""Home visits' pages at the demo's scale, and with a year of visits: CPU and queries per page.

    uv run python benchmarks/visits_pages.py [--var-dir DIR] [--visits 1500] [--repeat 20]

Builds the demo trust in DIR (unless it is there), then, inside a transaction that is rolled
back, adds `--visits` home visits at the secondary spread over the school year before and after
the demo's today (the family liaison officer leads each, the pastoral lead goes too), and renders
as the family liaison officer: my visits (coming up and past), every visit of the school, the new
intake, a visit's page, the record form, and her iCalendar feed. Prints CPU ms per page
(time.process_time), queries per page and the size of the answer.
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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--var-dir", type=Path, default=None)
    parser.add_argument("--visits", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="sw-visits-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    build_demo(var_dir)
    setup(var_dir)

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from schoolwindow.people.models import Pupil, Staff, StaffRole
    from schoolwindow.support.visits.models import HomeVisit, VisitCalendar
    from schoolwindow.support.visits.services import visit_calendar_renew

    flo_user = "flo@riverside.demo"
    with transaction.atomic():
        flo = Staff.objects.filter(user__username=flo_user, roles__role="flo").first()
        assert flo is not None, "the demo has no family liaison officer"
        school_id = flo.school_id
        second = StaffRole.objects.filter(school_id=school_id, role="pastoral").first()
        pupils = list(
            Pupil.objects.filter(school_id=school_id).values_list("pk", "household_id")[
                : args.visits
            ]
        )
        now = timezone.now()
        HomeVisit.objects.bulk_create(
            HomeVisit(
                school_id=school_id,
                pupil_id=pupil_id,
                household_id=household_id,
                starts_at=now + dt.timedelta(hours=6 * (n - args.visits // 2)),
                lead=flo,
                second_id=second.staff_id if second else None,
                interpreter_name="" if second else "Interpreter",
                interpreter_language="" if second else "Polish",
            )
            for n, (pupil_id, household_id) in enumerate(
                pupils[n % len(pupils)] for n in range(args.visits)
            )
        )
        from schoolwindow.people.actors import actor_for

        calendar: VisitCalendar = visit_calendar_renew(
            actor=actor_for(flo.user), school_id=school_id
        )
        visit = HomeVisit.objects.filter(school_id=school_id).order_by("pk").first()
        assert visit is not None
        client = client_for(flo_user)
        pages = [
            ("my visits, coming up", reverse("visits:visits")),
            ("my visits, past", reverse("visits:visits") + "?when=past"),
            ("every visit of the school", reverse("visits:visits") + "?scope=school"),
            ("new intake", reverse("visits:intake") + f"?school={school_id}"),
            ("a visit", reverse("visits:visit", kwargs={"visit_id": visit.pk})),
            ("record form", reverse("visits:record", kwargs={"visit_id": visit.pk})),
            (
                "calendar feed",
                reverse("visits:feed", kwargs={"school_id": school_id, "token": calendar.token}),
            ),
        ]
        total = HomeVisit.objects.filter(school_id=school_id).count()
        print(f"{total} home visits at the school; {args.repeat} renders of each page")
        print(f"{'page':<28} {'CPU ms':>8} {'queries':>8} {'KB':>8}")
        for name, url in pages:
            client.get(url)  # warm
            started = time.process_time()
            queries = 0
            size = 0
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                queries = len(captured.captured_queries)
                size = len(response.content)
            cpu = (time.process_time() - started) * 1000 / args.repeat
            print(f"{name:<28} {cpu:>8.1f} {queries:>8} {size / 1024:>8.1f}")
        transaction.set_rollback(True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
