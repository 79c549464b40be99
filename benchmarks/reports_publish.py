"""Progress reports at scale: publishing a run of 1,500 reports, the run's status page, and
one report's PDF.

    uv run python benchmarks/reports_publish.py [--var-dir DIR] [--reports 1500]

Builds the demo trust in DIR (unless it is there), then, inside a transaction that is rolled
back: a run for every year group of the secondary, topped up with pupils (each with one parent
who may be contacted) until it holds `--reports` pupils, every report approved; publishes it
through the service (one transaction: every report published, every family told through
messaging's outbox, audited) and prints its wall and CPU time and queries; renders the leader's
run status page (all pupils, then "not acknowledged") with CPU ms and queries; and renders one
report's PDF with WeasyPrint (the first includes WeasyPrint's import and fonts; then the mean
of five).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from page_cpu import build_demo, client_for, setup


class Rollback(Exception):
    pass


def top_up(school_id: int, year_group_id: int, trust_id: int, wanted: int, have: int) -> None:
    from schoolwindow.people.models import Guardian, GuardianLink, Pupil

    extra = max(0, wanted - have)
    pupils = Pupil.objects.bulk_create(
        [
            Pupil(
                school_id=school_id,
                year_group_id=year_group_id,
                legal_first_name=f"Bench{n}",
                legal_last_name="Pupil",
            )
            for n in range(extra)
        ]
    )
    guardians = Guardian.objects.bulk_create(
        [
            Guardian(
                trust_id=trust_id,
                first_name=f"Parent{n}",
                last_name="Bench",
                email=f"bench{n}@example.org",
                preferred_channel="email",
            )
            for n in range(extra)
        ]
    )
    GuardianLink.objects.bulk_create(
        [
            GuardianLink(school_id=school_id, pupil=pupil, guardian=guardian)
            for pupil, guardian in zip(pupils, guardians, strict=True)
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--var-dir", type=Path, default=None)
    parser.add_argument("--reports", type=int, default=1500)
    parser.add_argument("--profile", action="store_true", help="print where publishing spends")
    args = parser.parse_args()
    var_dir = args.var_dir or Path(tempfile.gettempdir()) / "schoolwindow-bench-demo"
    var_dir.mkdir(parents=True, exist_ok=True)
    build_demo(var_dir)
    setup(var_dir)

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from schoolwindow.core.models import User
    from schoolwindow.people.actors import actor_for
    from schoolwindow.people.models import Staff
    from schoolwindow.portal.reports import pdf, services
    from schoolwindow.portal.reports.models import (
        PupilReport,
        ReportRun,
        ReportStatus,
        ReportTemplate,
    )
    from schoolwindow.schools.models import YearGroup

    username = "leader@riverside.demo"
    user = User.objects.get(username=username)
    staff = Staff.objects.select_related("school__trust").filter(user=user).first()
    assert staff is not None
    school = staff.school
    actor = actor_for(user)
    try:
        with transaction.atomic():
            template = ReportTemplate.objects.create(
                school=school,
                name="Bench template",
                subjects=["English", "Maths", "Science", "History", "Geography", "Art", "PE"],
                attainment_scale=["Working towards", "Expected", "Beyond"],
                effort_scale=["Could try harder", "Good", "Excellent"],
            )
            today = timezone.localdate()
            run = ReportRun.objects.create(
                school=school,
                template=template,
                name="Bench run",
                writing_opens=today,
                writing_closes=today,
                publish_on=today,
            )
            years = list(YearGroup.objects.filter(school=school).order_by("-ordinal"))
            run.year_groups.set(years)
            from schoolwindow.portal.reports.selectors import run_pupils

            have = run_pupils(run).count()
            top_up(school.pk, years[0].pk, school.trust_id, args.reports, have)
            pupil_ids = list(run_pupils(run).values_list("pk", flat=True)[: args.reports])
            lines = {
                subject: {"attainment": 2, "effort": 3, "comment": "Steady progress."}
                for subject in template.subjects
            }
            PupilReport.objects.bulk_create(
                [
                    PupilReport(
                        school=school,
                        run=run,
                        pupil_id=pupil_id,
                        lines=lines,
                        general_comment="A good half-term.",
                        status=ReportStatus.APPROVED,
                    )
                    for pupil_id in pupil_ids
                ],
                batch_size=500,
            )
            # The run holds exactly the pupils with a report: drop any beyond --reports.
            total = run_pupils(run).count()
            print(f"run of {total} pupils, {len(pupil_ids)} approved reports")
            if total != len(pupil_ids):
                raise SystemExit("the demo school has more pupils than --reports")
            wall, cpu = time.perf_counter(), time.process_time()
            profiler = cProfile.Profile() if args.profile else None
            with CaptureQueriesContext(connection) as captured:
                done = services.run_publish(actor=actor, run_id=run.pk)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(
                f"publish (the leader's request): {done.reports} reports: {wall:.2f} s wall, "
                f"{cpu:.2f} s CPU, {len(captured)} queries"
            )
            wall, cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            told = services.reports_tell(run_id=run.pk)
            if profiler:
                profiler.disable()
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(
                f"telling the families (the worker, batches of {services.TELL_BATCH}): "
                f"{told.told} told, {told.no_contact} with no contact: {wall:.1f} s wall, "
                f"{cpu:.1f} s CPU, {wall / max(told.told, 1) * 1000:.0f} ms a family"
            )
            client = client_for(username)
            base = reverse("portal_reports:run", kwargs={"run_id": run.pk})
            for label, url in (
                ("run status page", base),
                ("not acknowledged", base + "?reach=not_acknowledged"),
                ("not received", base + "?reach=not_received"),
            ):
                client.get(url)
                started = time.process_time()
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(url)
                ms = (time.process_time() - started) * 1000
                assert response.status_code == 200, response.status_code
                print(
                    f"{label}: {ms:.0f} ms CPU, {len(captured)} queries, "
                    f"{len(response.content) // 1024} KB"
                )
            report = PupilReport.objects.select_related(
                "pupil__school", "pupil__year_group", "run__template", "written_by"
            ).get(run=run, pupil_id=pupil_ids[0])
            started = time.perf_counter()
            body = pdf.report_pdf(report, language="pl")
            first = time.perf_counter() - started
            times = []
            for _ in range(5):
                started = time.perf_counter()
                pdf.report_pdf(report, language="pl")
                times.append(time.perf_counter() - started)
            print(
                f"one PDF: first {first * 1000:.0f} ms (with WeasyPrint's import), then "
                f"{sum(times) / len(times) * 1000:.0f} ms mean of 5, {len(body) // 1024} KB"
            )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
