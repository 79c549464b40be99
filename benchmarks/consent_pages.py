"""Consent and trip forms at the scale of a whole secondary: CPU and queries per page.

    uv run python benchmarks/consent_pages.py [--var-dir DIR] [--repeat 10]

Builds the demo trust in DIR (unless it is there), then, inside a transaction that is rolled
back, asks the families of every pupil on roll at the secondary about a trip (about 1,100
pupils), has the first contactable holder of parental responsibility of two pupils in three
answer (one in ten "no", one yes in five with a note for the day, one place in four paid),
and renders as the office: the status page (first page, page 10, filtered to those waiting,
a name search), one pupil's page and the trip leader's list for the day. Prints CPU ms per
page (time.process_time), queries per page and the size of the answer; then times one press
of "remind" (a message to every family still waiting, through messaging's outbox).
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
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="sw-consent-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    build_demo(var_dir)
    setup(var_dir)

    import datetime as dt

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from schoolwindow.people.actors import actor_for
    from schoolwindow.people.contact import contactable_links
    from schoolwindow.people.models import Pupil, PupilStatus, Staff
    from schoolwindow.portal.consent import services
    from schoolwindow.portal.consent.models import ConsentAnswer, ConsentPupil

    office_user = "office@riverside.demo"
    with transaction.atomic():
        office = Staff.objects.filter(user__username=office_user, roles__role="office").first()
        assert office is not None and office.user is not None
        school_id = office.school_id
        actor = actor_for(office.user)
        pupils = list(
            Pupil.objects.filter(school_id=school_id, status=PupilStatus.ACTIVE)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        today = timezone.localdate()
        consent = services.consent_request_create(
            actor=actor,
            school_id=school_id,
            title="Whole-school trip to the coast",
            description="By coach, back by six.",
            deadline=today + dt.timedelta(days=10),
            event_date=today + dt.timedelta(days=14),
            audience="list",
            pupil_ids=pupils,
            cost_pence=1500,
            payment_link="https://pay.example.org/coast",
        )
        first_holder: dict[int, int] = {}
        for pupil_id, guardian_id in (
            contactable_links(school_id=school_id, parental_responsibility=True)
            .order_by("-contact_priority", "-guardian_id")
            .values_list("pupil_id", "guardian_id")
        ):
            first_holder[pupil_id] = guardian_id
        now = timezone.now()
        ConsentAnswer.objects.bulk_create(
            ConsentAnswer(
                school_id=school_id,
                request=consent,
                pupil_id=pupil_id,
                guardian_id=first_holder[pupil_id],
                answer="no" if n % 10 == 0 else "yes",
                note="Travel sickness tablet before we leave." if n % 5 == 1 else "",
                answered_at=now,
            )
            for n, pupil_id in enumerate(pupils)
            if n % 3 and pupil_id in first_holder
        )
        ConsentPupil.objects.filter(request=consent, pupil_id__in=pupils[::4]).update(paid_at=now)
        client = client_for(office_user)
        status = reverse("portal_consent:status", args=[consent.pk])
        pages = [
            ("status, first page", status),
            ("status, page 10", status + "?page=10"),
            ("status, waiting only", status + "?status=waiting"),
            ("status, name search", status + "?q=a"),
            ("one pupil", reverse("portal_consent:pupil", args=[consent.pk, pupils[1]])),
            ("list for the day", reverse("portal_consent:day", args=[consent.pk])),
        ]
        print(f"{len(pupils)} pupils asked; {args.repeat} renders of each page")
        print(f"{'page':<24} {'CPU ms':>8} {'queries':>8} {'KB':>8}")
        for label, url in pages:
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
            print(f"{label:<24} {cpu:>8.1f} {queries:>8} {size / 1024:>8.1f}")
        wall = time.perf_counter()
        result = services.consent_remind(actor=actor, request_id=consent.pk)
        pressed = time.perf_counter() - wall
        wall = time.perf_counter()
        queued = services.consent_reminders_send(request_id=consent.pk, sent_on=today)
        took = time.perf_counter() - wall
        print(
            f"remind: {result.sent} families counted and recorded in {pressed * 1000:.0f} ms "
            f"(the press); the task queued {queued} messages in {took:.1f} s "
            f"({took * 1000 / max(queued, 1):.1f} ms a family)"
        )
        again = services.consent_remind(actor=actor, request_id=consent.pk)
        print(f"remind again the same day: {again.sent} sent, {again.today} already today")
        transaction.set_rollback(True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
