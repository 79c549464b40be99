"""Pupil profile, class list and the bulk messaging screens under load: p95 latency with 20
concurrent clients.

    uv run python benchmarks/page_latency.py [--seconds 20] [--connections 20] [--workers 2]

Builds the demo trust in a fresh SQLite database (or PostgreSQL with --database-url), starts
`schoolwindow serve`, signs in a pastoral lead (whole-school view) and drives every pupil profile
and class list page in turn with wrk (apt-get install wrk), then the first 20 pages of the
weekly summaries' approval and of positive notes at the same school (the secondary), and the
advocates' caseloads and coverage page, the needs board, pupils' support timelines, the loans
out and "did it work?". Prints requests/s, latency
percentiles and the server's CPU time per page for each page kind, with the data size; the
account page, signed in, is the floor the others are compared with.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRK_SCRIPT = """
paths = {}
counter = 0
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
end
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
done = function(summary, latency, requests)
  for _, p in pairs({50, 90, 95, 99}) do
    io.write(string.format("p%d %.2f\\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("requests %d\\nerrors %d\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
        wrk = shutil.which("wrk")
    assert wrk is not None
    return wrk


def prepare(
    env: dict[str, str],
) -> tuple[str, list[str], list[str], dict[str, int], dict[str, list[str]]]:
    """Build the demo, then return a session cookie and the URLs to fetch (run in a subprocess)."""
    code = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp.plugins.otp_totp.models import TOTPDevice
from schoolwindow.people.models import Pupil, StaffRole, Enrolment, Guardian
from schoolwindow.schools.models import Group
roles = StaffRole.objects.filter(role="pastoral", staff__user__username="pastoral@riverside.demo")
role = roles.select_related("staff__user").first()
user = role.staff.user
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
session.save()
school = role.staff.school
from schoolwindow.messaging.models import NudgeBatch
batch = NudgeBatch.objects.filter(school=school).order_by("-week_starting").first()
pupils = list(Pupil.objects.filter(school=school).values_list("pk", flat=True))
groups = list(Group.objects.filter(school=school).values_list("pk", flat=True))
from schoolwindow.support.models import SupportAction
helped = list(SupportAction.objects.filter(school=school).values_list("pupil_id", flat=True)
  .distinct()[:20])
print(json.dumps({"cookie": session.session_key, "pupils": pupils, "groups": groups,
  "helped": helped,
  "school": school.pk, "batch": batch.pk if batch else None,
  "sizes": {"pupils": Pupil.objects.count(), "guardians": Guardian.objects.count(),
            "enrolments": Enrolment.objects.count(), "groups": Group.objects.count()}}))
"""
    subprocess.run(
        [sys.executable, "-m", "schoolwindow.cli", "demo", "--no-serve"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    out = subprocess.run(
        [sys.executable, "-c", "import django;django.setup();" + code],
        env={**env, "DJANGO_SETTINGS_MODULE": "schoolwindow.config.settings"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    import json

    data = json.loads(out.strip().splitlines()[-1])
    pupil_urls = [f"/pupils/{pk}/" for pk in data["pupils"]]
    group_urls = [f"/schools/classes/{pk}/" for pk in data["groups"]]
    bulk = {
        "positive notes": [
            f"/families/positive/?school={data['school']}&page={n}" for n in range(1, 21)
        ],
        "nudge approval": [f"/families/nudges/{data['batch']}/?page={n}" for n in range(1, 21)]
        if data["batch"]
        else [],
        # Advocates (issue 11): every caseload of both schools, and the secondary's coverage.
        "all caseloads": [f"/support/advocates/caseload/?page={n}" for n in range(1, 6)],
        "coverage": [f"/support/advocates/coverage/?school={data['school']}"],
        # Support (issue 11): the timelines of the pupils with calls and referrals, the loans
        # out, and "did it work?" this term.
        "support timeline": [f"/support/pupils/{pk}/support/" for pk in data["helped"]],
        "loans out": [f"/loans/out/?page={n}" for n in range(1, 6)],
        "did it work?": [f"/support/outcomes/?school={data['school']}&period=term"],
        # Needs (issue 11): the board, its pages of pupils and a filter.
        "needs board": [
            f"/support/needs/?school={data['school']}&state=all&page={n}"
            + ("&need=device" if n % 2 else "")
            for n in range(1, 11)
        ],
    }
    return data["cookie"], pupil_urls, group_urls, data["sizes"], bulk


def run_wrk(
    wrk: str, base: str, cookie: str, urls: list[str], args: argparse.Namespace, workdir: Path
) -> dict[str, float]:
    paths = workdir / "paths.txt"
    paths.write_text("\n".join(urls) + "\n")
    script = workdir / "rotate.lua"
    script.write_text(WRK_SCRIPT)
    out = subprocess.run(
        [
            wrk,
            "-t2",
            f"-c{args.connections}",
            f"-d{args.seconds}s",
            "--timeout",
            "10s",
            "-H",
            f"Cookie: sessionid={cookie}",
            "-s",
            str(script),
            base,
            "--",
            str(paths),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    figures = {
        key: float(value)
        for key, value in re.findall(r"^(p\d+|requests|errors) ([\d.]+)$", out, re.M)
    }
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    figures["rps"] = float(rps.group(1)) if rps else 0.0
    return figures


def start_server(env: dict[str, str], args: argparse.Namespace) -> subprocess.Popen[bytes]:
    """`schoolwindow serve` with the benchmark's port, workers and threads."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "schoolwindow.cli",
            "serve",
            "--port",
            str(args.port),
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--no-migrate",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_until_up(base: str, attempts: int = 100) -> None:
    for _ in range(attempts):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server at {base} did not start")


def add_load_options(parser: argparse.ArgumentParser, *, port: int) -> None:
    """The options every wrk benchmark takes: load, server size, port and database."""
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--database-url", default="")


def bench_env(workdir: Path, args: argparse.Namespace) -> dict[str, str]:
    """The environment of the build and the server: data in workdir, no debug, the database."""
    env = {**os.environ, "SCHOOLWINDOW_VAR_DIR": str(workdir), "DJANGO_DEBUG": "false"}
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    return env


def database_name(args: argparse.Namespace) -> str:
    return "postgres" if args.database_url else "sqlite"


def load_line(args: argparse.Namespace) -> str:
    return (
        f"{args.connections} clients, {args.seconds} s each, "
        f"{args.workers} server workers with {args.threads} thread(s) each"
    )


class Served(str):
    """The base URL of a running server, knowing the server's process id."""

    pid: int


def tree_cpu_seconds(root: int) -> float:
    """CPU time (user + system) used so far by a process and all its descendants, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        used[pid] = int(fields[11]) + int(fields[12])
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += used.get(pid, 0)
        stack.extend(child for child, parent in parents.items() if parent == pid)
    return total / ticks


@contextlib.contextmanager
def serving(env: dict[str, str], args: argparse.Namespace) -> Iterator[str]:
    """A running `schoolwindow serve`, answering at the base URL yielded; stopped afterwards."""
    server = start_server(env, args)
    base = Served(f"http://127.0.0.1:{args.port}")
    base.pid = server.pid
    try:
        wait_until_up(base)
        yield base
    finally:
        server.terminate()
        server.wait(10)


def wrk_report(
    wrk: str,
    base: str,
    runs: Iterable[tuple[str, str, list[str]]],
    args: argparse.Namespace,
    workdir: Path,
    *,
    name_width: int = 14,
    unit: str = "pages",
    count_width: int = 5,
) -> None:
    """Drive each (name, session cookie, URLs) with wrk in turn and print a line of figures."""
    for name, cookie, urls in runs:
        cpu_before = tree_cpu_seconds(base.pid) if isinstance(base, Served) else 0.0
        figures = run_wrk(wrk, base, cookie, urls, args, workdir)
        cpu = tree_cpu_seconds(base.pid) - cpu_before if isinstance(base, Served) else 0.0
        # Server CPU per page is what one page costs whatever else shares the machine: p95
        # under load moves with the other jobs on the cores, this barely does.
        cpu_ms = 1000 * cpu / max(figures.get("requests", 0.0), 1.0)
        print(
            f"{name:{name_width}} {len(urls):{count_width}} {unit}  {figures['rps']:7.1f} req/s  "
            f"p50 {figures['p50']:.1f} ms  p95 {figures['p95']:.1f} ms  "
            f"p99 {figures['p99']:.1f} ms  CPU {cpu_ms:.1f} ms/page  errors {int(figures['errors'])}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    add_load_options(parser, port=8765)
    args = parser.parse_args()
    wrk = ensure_wrk()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = bench_env(workdir, args)
        cookie, pupil_urls, group_urls, sizes, bulk = prepare(env)
        with serving(env, args) as base:
            print(f"data: {sizes}; database: {database_name(args)}; {load_line(args)}")
            # The floor: a signed-in page with the menu and two small forms, on the same stack.
            runs = [
                ("floor: account", cookie, ["/account/"]),
                ("pupil profile", cookie, pupil_urls),
                ("class list", cookie, group_urls),
                *((name, cookie, urls) for name, urls in bulk.items() if urls),
            ]
            wrk_report(wrk, base, runs, args, workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
