"""Absence reporting's office pages at scale: CPU and queries per page.

    uv run python benchmarks/absence_pages.py [--var-dir DIR] [--reports 1500] [--repeat 20]

Builds the demo trust in DIR (unless it is there), then, inside a transaction that is rolled
back, adds `--reports` absence reports at the secondary from families (today and the weeks
ahead, some still waiting from earlier days), and renders as the office: the reported absences
list (first page and a later page), one report's confirm page, and first-day calling (opened by
setting the calling time to midnight) over the whole roll. Prints CPU ms per page
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


def confirm_times(school_id: int, office_user: str, links: list[tuple[int, int]]) -> None:
    """Confirm ten reports on past school days (a week apart), replacing what the register had:
    the marks, the audit rows and the school's daily facts for that day, in one transaction."""
    from schoolwindow.core.models import User
    from schoolwindow.engagement.facts import signal_date_range
    from schoolwindow.engagement.marks import marks_taken
    from schoolwindow.people.actors import actor_for
    from schoolwindow.portal.absence import services
    from schoolwindow.portal.absence.models import AbsenceReport
    from schoolwindow.portal.absence.selectors import report_sessions

    actor = actor_for(User.objects.get(username=office_user))
    span = signal_date_range(school_id=school_id)
    assert span is not None
    walls, cpus = [], []
    for n, (pupil_id, guardian_id) in enumerate(links[:10]):
        day = span[1] - dt.timedelta(days=7 * n)
        report = AbsenceReport.objects.create(
            school_id=school_id,
            pupil_id=pupil_id,
            guardian_id=guardian_id,
            first_day=day,
            last_day=day,
            part="whole",
            reason="ill",
        )
        taken = marks_taken(
            school_id=school_id, pupil_id=pupil_id, sessions=report_sessions(report)
        )
        wall, cpu = time.perf_counter(), time.process_time()
        services.absence_confirm(
            actor=actor,
            report_id=report.pk,
            code="I",
            replace=[(mark.date, mark.session) for mark in taken],
        )
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    walls.sort()
    print(f"confirm one whole day (10): median {walls[5]:.0f} ms wall, max {walls[-1]:.0f} ms;")
    print(f"  CPU median {sorted(cpus)[5]:.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--var-dir", type=Path, default=None)
    parser.add_argument("--reports", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="sw-absence-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    build_demo(var_dir)
    setup(var_dir)

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from schoolwindow.people.contact import contactable_links
    from schoolwindow.people.models import Staff
    from schoolwindow.portal.absence.models import AbsenceReport, AbsenceSettings

    office_user = "office@riverside.demo"
    reasons = ["ill", "medical", "religious", "emergency", "other"]
    with transaction.atomic():
        office = Staff.objects.filter(user__username=office_user, roles__role="office").first()
        assert office is not None, "the demo has no office member of staff"
        school_id = office.school_id
        links = list(
            contactable_links(school_id=school_id)
            .order_by("pupil_id")
            .values_list("pupil_id", "guardian_id")
        )
        today = timezone.localdate()
        AbsenceReport.objects.bulk_create(
            AbsenceReport(
                school_id=school_id,
                pupil_id=links[n % len(links)][0],
                guardian_id=links[n % len(links)][1],
                first_day=today + dt.timedelta(days=n % 40 - 5),
                last_day=today + dt.timedelta(days=n % 40 - 5 + n % 3),
                part="whole" if n % 4 else "AM",
                reason=reasons[n % len(reasons)],
                detail="A few words from the family." if n % 2 else "",
            )
            for n in range(args.reports)
        )
        AbsenceSettings.objects.update_or_create(
            school_id=school_id, defaults={"calling_time": dt.time(0, 0)}
        )
        first = AbsenceReport.objects.filter(school_id=school_id).order_by("pk").first()
        assert first is not None
        client = client_for(office_user)
        base = reverse("portal_absence:office")
        pages = [
            ("reported absences", base),
            ("reported absences, page 10", base + "?page=10"),
            ("a report to confirm", reverse("portal_absence:confirm", args=[first.pk])),
            ("first-day calling", reverse("portal_absence:calling")),
            ("first-day calling, page 10", reverse("portal_absence:calling") + "?page=10"),
        ]
        total = AbsenceReport.objects.filter(school_id=school_id).count()
        print(f"{total} reports at the school; {args.repeat} renders of each page")
        print(f"{'page':<30} {'CPU ms':>8} {'queries':>8} {'KB':>8}")
        for label, url in pages:
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
            print(f"{label:<30} {cpu:>8.1f} {queries:>8} {size / 1024:>8.1f}")
        confirm_times(school_id, office_user, links)
        transaction.set_rollback(True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
