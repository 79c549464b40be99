"""Server CPU per page, in one process, and where it goes.

    uv run python benchmarks/page_cpu.py [--var-dir DIR] [--pages 200] [--profile 15]

Builds the demo trust in DIR (a fresh temporary folder unless DIR already holds a demo
database), signs in the pastoral lead and the first parent with Django's test client (no
network, no other process), and renders pages in turn: the signed-in account page (the floor),
pupil profiles, class lists, the watchlist, the staff inbox, the weekly summaries' approval page
and positive notes at the secondary, home-learning profiles and the survey round's families, an
advocate's caseload, every caseload and the advocates' coverage page, the needs board, "did it
work?", the support timeline of the pupils with calls and referrals and their flags' pages, the
loans inventory and loans out (the office), and the parent inbox. For each kind
it prints the CPU time per page (time.process_time, so other jobs on the machine barely move it),
the database queries per page, the HTML size and the ratio to the floor. With --profile N it also
prints the N functions where each kind spends most of its time (cProfile, cumulative).

The figure is the in-process cost of a page; `page_latency.py` measures the same pages under
load through gunicorn, where the HTTP server adds its own.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Django is imported once the settings are chosen
    from django.test import Client


def build_demo(var_dir: Path) -> None:
    if (var_dir / "schoolwindow.sqlite3").exists():  # the demo's database: built already
        return
    subprocess.run(
        [sys.executable, "-m", "schoolwindow.cli", "demo", "--no-serve"],
        env={**os.environ, "SCHOOLWINDOW_VAR_DIR": str(var_dir)},
        check=True,
        stdout=subprocess.DEVNULL,
    )


def setup(var_dir: Path) -> None:
    os.environ["SCHOOLWINDOW_VAR_DIR"] = str(var_dir)
    (var_dir / "static").mkdir(exist_ok=True)  # static files come from the apps here
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolwindow.config.settings")
    os.environ["DJANGO_DEBUG"] = "false"
    import django

    django.setup()
    from django.conf import settings

    # The test client asks for hosts and static names the live site does not: serve as in tests.
    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def client_for(username: str) -> Client:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def page_sets(pages: int) -> list[tuple[str, str, list[str]]]:
    from schoolwindow.homelife.models import SurveyRound
    from schoolwindow.messaging.models import NudgeBatch
    from schoolwindow.people.models import Pupil, StaffRole
    from schoolwindow.schools.models import Group
    from schoolwindow.support.models import SupportAction

    role = StaffRole.objects.select_related("staff__school").get(
        role="pastoral", staff__user__username="pastoral@riverside.demo"
    )
    school = role.staff.school
    pupils = list(Pupil.objects.filter(school=school).values_list("pk", flat=True)[:pages])
    groups = list(Group.objects.filter(school=school).values_list("pk", flat=True)[:pages])
    staff, parent = "pastoral@riverside.demo", "parent@riverside.demo"
    helped_rows = SupportAction.objects.filter(school=school, flag__isnull=False).order_by("pk")
    helped = list(dict.fromkeys(helped_rows.values_list("pupil_id", flat=True)))
    helped_flags = list(dict.fromkeys(helped_rows.values_list("flag_id", flat=True)))
    # The bulk messaging screens at the secondary (the pastoral lead approves its summaries).
    batch = NudgeBatch.objects.filter(school=school).order_by("-week_starting").first()
    nudge_urls = (
        [f"/families/nudges/{batch.pk}/?page={n % 20 + 1}" for n in range(50)] if batch else []
    )
    positive_urls = [f"/families/positive/?school={school.pk}&page={n % 20 + 1}" for n in range(50)]
    # Home learning at the secondary: profiles with their history, and the survey's round
    # (every year, and the families not answered yet), page by page.
    survey_round = SurveyRound.objects.filter(school=school).order_by("-opened_on").first()
    round_urls = (
        [
            f"/home-learning/surveys/{survey_round.pk}/?page={n % 20 + 1}"
            + ("&answered=not" if n % 2 else "")
            for n in range(50)
        ]
        if survey_round
        else []
    )
    return [
        ("floor: account", staff, ["/account/"] * min(pages, 100)),
        ("pupil profile", staff, [f"/pupils/{pk}/" for pk in pupils]),
        ("class list", staff, [f"/schools/classes/{pk}/" for pk in groups]),
        ("watchlist", staff, ["/watchlist/"] * min(pages, 50)),
        ("staff inbox", staff, ["/messages/"] * min(pages, 50)),
        ("nudge approval", staff, nudge_urls[: min(pages, 50)]),
        ("positive notes", staff, positive_urls[: min(pages, 50)]),
        ("home profile", staff, [f"/home-learning/pupils/{pk}/" for pk in pupils]),
        ("survey round", staff, round_urls[: min(pages, 50)]),
        # Advocates (issue 11): the demo advocate's own caseload, every caseload of the school
        # as the pastoral lead sees it, and the coverage page with its chart.
        ("caseload", "advocate@riverside.demo", ["/support/advocates/caseload/"] * min(pages, 50)),
        (
            "all caseloads",
            staff,
            [f"/support/advocates/caseload/?page={n % 4 + 1}" for n in range(min(pages, 50))],
        ),
        ("coverage", staff, [f"/support/advocates/coverage/?school={school.pk}"] * min(pages, 50)),
        # Needs (issue 11): the board with its counts and a filtered page of its list.
        (
            "needs board",
            staff,
            [
                f"/support/needs/?school={school.pk}&state=all&page={n % 5 + 1}"
                + ("&need=device" if n % 2 else "")
                for n in range(min(pages, 50))
            ],
        ),
        # Loans (issue 11): the inventory and the loans out, as the office sees them.
        (
            "loans inventory",
            "office@riverside.demo",
            [f"/loans/?page={n % 3 + 1}" for n in range(min(pages, 50))],
        ),
        ("loans out", "office@riverside.demo", ["/loans/out/"] * min(pages, 50)),
        # Did it work? (issue 11): each kind of help against flagged pupils without it, this
        # term and this year, and the list of the pupils counted for loans.
        (
            "did it work?",
            staff,
            [
                f"/support/outcomes/?school={school.pk}&period={('term', 'year')[n % 2]}"
                + ("&kind=loan&page=2" if n % 3 == 2 else "")
                for n in range(min(pages, 30))
            ],
        ),
        # The support timeline (issue 11): the pupils with calls and referrals, every kind of
        # help on one page, and their flags' pages with "Help since this flag opened".
        (
            "support timeline",
            staff,
            [f"/support/pupils/{pk}/support/" for pk in helped][: min(pages, 50)],
        ),
        ("flag page", staff, [f"/watchlist/flags/{pk}/" for pk in helped_flags][: min(pages, 50)]),
        ("parent floor", parent, ["/account/"] * min(pages, 50)),
        ("parent inbox", parent, ["/messages/"] * min(pages, 50)),
    ]


def measure(get: Callable[[str], object], urls: list[str]) -> tuple[float, float, int]:
    """CPU ms per page, queries per page and HTML bytes per page over `urls`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in urls[:3]:  # warm caches and imports, as a running server would have
        get(url)
    size = queries = 0
    started = time.process_time()
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            response = get(url)
        status = getattr(response, "status_code", 0)
        if status != 200:
            raise SystemExit(f"{url}: status {status}")
        queries += len(captured)
        size += len(getattr(response, "content", b""))
    cpu = time.process_time() - started
    return 1000 * cpu / len(urls), queries / len(urls), size // len(urls)


def profile(get: Callable[[str], object], urls: list[str], top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for url in urls:
        get(url)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var-dir", type=Path)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--only", default="", help="comma-separated page kinds, e.g. 'needs board'")
    args = parser.parse_args()
    var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="sw-page-cpu-"))
    build_demo(var_dir)
    setup(var_dir)
    from schoolwindow.people.models import Guardian, Pupil

    print(
        f"data: {Pupil.objects.count():,} pupils, {Guardian.objects.count():,} guardians "
        f"(the demo trust in {var_dir}); in-process, Django test client"
    )
    floor: dict[str, float] = {}
    for name, username, urls in page_sets(args.pages):
        if not urls or (args.only and name not in args.only.split(",")):
            continue
        client = client_for(username)
        cpu, queries, size = measure(client.get, urls)
        floor.setdefault(username, cpu)
        ratio = cpu / floor[username]
        print(
            f"{name:15} {len(urls):4} pages  CPU {cpu:6.1f} ms/page  {queries:5.1f} queries  "
            f"{size / 1024:6.1f} KB  × floor {ratio:4.1f}"
        )
        if args.profile:
            print(profile(client.get, urls[:50], args.profile))
    return 0


if __name__ == "__main__":
    sys.exit(main())
