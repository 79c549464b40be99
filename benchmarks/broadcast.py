"""A broadcast to 10,000 guardians through a local SMTP server, sent by two workers.

    uv run python benchmarks/broadcast.py [--guardians 10000] [--workers 2]
                                          [--postgres-url postgres://…] [--skip-sqlite]

For each database (a new SQLite file in a temporary folder; a fresh PostgreSQL database beside
--postgres-url when given):

  (a) builds a school with N guardians, one child each, all reading email (bulk_create);
  (b) queues one broadcast with the real `schoolwindow broadcast` command (timed);
  (c) starts an SMTP sink (aiosmtpd) in its own process, counting messages by Message-ID;
  (d) runs --workers `schoolwindow worker --until-idle` processes at once and times them until
      both have exited, then reports delivered, duplicates and lost (from the sink's counts) and
      each worker's peak resident memory (ru_maxrss from wait4).

And (e) the floor: a bare loop sending the same N emails (same size, text + HTML) with smtplib
over one connection to a fresh sink of the same kind; the ratio workers / floor.
Target (issue 4): all delivered in under 2 minutes, 0 duplicates, 0 lost.
"""

from __future__ import annotations

import argparse
import asyncio
import email.policy
import json
import os
import re
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
print = partial(print, flush=True)  # progress shows while it runs
BODY = (
    "Dear families,\n\nThis week Year 7 visited the Science Museum, the choir sang at the town "
    "hall and our football team reached the county semi-final. Parents' evening is next "
    "Thursday from 4pm; please book a slot in School Window. The Christmas fair is on Friday "
    "12 December at 3pm in the hall — everyone is welcome.\n\nWith best wishes,\nMrs Head"
)
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>]+>)", re.IGNORECASE | re.MULTILINE)


# --- the SMTP sink, in its own process -----------------------------------------------------


def sink_main(port: int, state: Path) -> None:
    from aiosmtpd.controller import Controller

    counts: dict[bytes, int] = {}

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            content = envelope.original_content or envelope.content
            head = content.split(b"\r\n\r\n", 1)[0]
            match = MESSAGE_ID.search(head)
            key = match.group(1) if match else b"<none>"
            counts[key] = counts.get(key, 0) + 1
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    stopping = False

    def stop(*_args: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping:
            write_state(state, counts)
            time.sleep(0.25)
    finally:
        controller.stop()
        write_state(state, counts)


def write_state(state: Path, counts: dict[bytes, int]) -> None:
    snapshot = dict(counts)
    total = sum(snapshot.values())
    tmp = state.with_suffix(".tmp")
    tmp.write_text(
        json.dumps(
            {
                "received": total,
                "distinct": len(snapshot),
                "duplicated": sum(1 for n in snapshot.values() if n > 1),
            }
        )
    )
    tmp.replace(state)


class Sink:
    def __init__(self, folder: Path, name: str) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.state = folder / f"{name}.json"
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--sink", str(self.port), str(self.state)]
        )
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)

    def counts(self) -> dict[str, int]:
        try:
            return dict(json.loads(self.state.read_text()))
        except (OSError, ValueError):
            return {"received": 0, "distinct": 0, "duplicated": 0}

    def stop(self) -> dict[str, int]:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(30)
        return self.counts()


# --- the school, built in a child with Django set up ---------------------------------------


def seed_main(guardians: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolwindow.config.settings")
    import datetime as dt

    import django

    django.setup()
    from schoolwindow.messaging.models import MessagingSettings
    from schoolwindow.people.models import Guardian, GuardianLink, Pupil, Staff, StaffRole
    from schoolwindow.schools.models import School, Trust, YearGroup

    trust = Trust.objects.create(name="Benchmark Trust", slug="benchmark")
    school = School.objects.create(trust=trust, urn="198001", name="Benchmark Academy")
    MessagingSettings.objects.create(
        school=school, quiet_from=dt.time(0, 0), quiet_until=dt.time(0, 0)
    )
    leader = Staff.objects.create(school=school, first_name="Hana", last_name="Head")
    StaffRole.objects.create(school=school, staff=leader, role="leader")
    years = [
        YearGroup.objects.create(school=school, code=str(n), name=f"Year {n}", ordinal=n)
        for n in range(7, 12)
    ]
    pupils = Pupil.objects.bulk_create(
        (
            Pupil(
                school=school,
                upn=f"B{n:012d}",
                legal_first_name=f"Child{n}",
                legal_last_name="Bench",
                date_of_birth=dt.date(2013, 1, 1),
                year_group=years[n % len(years)],
            )
            for n in range(guardians)
        ),
        batch_size=2000,
    )
    people = Guardian.objects.bulk_create(
        (
            Guardian(
                trust=trust,
                first_name=f"Parent{n}",
                last_name="Bench",
                email=f"parent{n}@families.example",
            )
            for n in range(guardians)
        ),
        batch_size=2000,
    )
    GuardianLink.objects.bulk_create(
        (
            GuardianLink(school=school, pupil=p, guardian=g)
            for p, g in zip(pupils, people, strict=True)
        ),
        batch_size=2000,
    )


# --- the run -------------------------------------------------------------------------------


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "schoolwindow.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"schoolwindow {' '.join(args)} failed:\n{result.stderr}")
    return result


def run_database(folder: Path, database_url: str, guardians: int, workers: int) -> dict[str, Any]:
    sink = Sink(folder, "sink")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SCHOOLWINDOW_VAR_DIR": str(folder),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "EMAIL_USE_TLS": "false",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    try:
        print("  migrating…")
        cli("manage", "migrate", "--noinput", "-v", "0", env=env)
        print(f"  building a school with {guardians:,} guardians…")
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--seed", str(guardians)], env=env, check=True, cwd=ROOT
        )
        built = time.perf_counter() - started
        started = time.perf_counter()
        queued = cli(
            "broadcast", "--school", "198001", "--audience", "all-guardians",
            "--subject", "This week at Benchmark Academy", "--body", BODY, "--urgent",
            env=env,
        )  # fmt: skip
        queue_seconds = time.perf_counter() - started
        print(f"  {queued.stdout.strip()} ({queue_seconds:.1f} s)")
        print(f"  sending with {workers} workers…")
        started = time.perf_counter()
        processes = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "schoolwindow.cli",
                    "worker",
                    "--until-idle",
                    "--no-scheduler",
                ],
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(workers)
        ]
        rss = []
        outputs = []
        for process in processes:
            _pid, status, usage = os.wait4(process.pid, 0)
            if status != 0:
                raise SystemExit(f"a worker failed (status {status})")
            rss.append(usage.ru_maxrss / 1024)
            assert process.stdout is not None
            outputs.append(process.stdout.read().strip())
        seconds = time.perf_counter() - started
        time.sleep(0.5)  # the sink's last snapshot
    finally:
        counts = sink.stop()
    return {
        "guardians": guardians,
        "build_seconds": built,
        "queue_seconds": queue_seconds,
        "seconds": seconds,
        "per_second": counts["distinct"] / seconds if seconds else 0.0,
        "received": counts["received"],
        "delivered": counts["distinct"],
        "duplicates": counts["received"] - counts["distinct"],
        "lost": guardians - counts["distinct"],
        "worker_rss_mib": rss,
        "worker_outputs": outputs,
    }


def floor(folder: Path, guardians: int) -> dict[str, Any]:
    """The same emails, built beforehand, sent by a bare smtplib loop over one connection."""
    sink = Sink(folder, "floor")
    messages = []
    for n in range(guardians):
        message = EmailMessage()
        message["Subject"] = "This week at Benchmark Academy"
        message["From"] = "Benchmark Academy <no-reply@schoolwindow.local>"
        message["To"] = f"parent{n}@families.example"
        message["Message-ID"] = f"<floor{n:08d}@schoolwindow>"
        message.set_content(
            BODY + "\n\nRead and reply in School Window: https://x/messages/r/t\n",
            cte="quoted-printable",
        )
        message.add_alternative(
            f"<html><body><p>{BODY}</p></body></html>", subtype="html", cte="quoted-printable"
        )
        messages.append((message["To"], message.as_bytes(policy=email.policy.SMTP)))
    try:
        started = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
            for to, raw in messages:
                smtp.sendmail("bounce@schoolwindow.local", [to], raw)
        seconds = time.perf_counter() - started
        time.sleep(0.5)
    finally:
        counts = sink.stop()
    return {"seconds": seconds, "delivered": counts["distinct"]}


def fresh_postgres(url: str, name: str = "broadcast_bench") -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--guardians", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--postgres-url", help="an admin URL; a database is created beside it")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--sink", nargs=2, metavar=("PORT", "STATE"), help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sink:
        asyncio.set_event_loop(asyncio.new_event_loop())
        sink_main(int(args.sink[0]), Path(args.sink[1]))
        return
    if args.seed:
        seed_main(args.seed)
        return
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="broadcast-bench-") as tmp:
        folder = Path(tmp)
        if not args.skip_sqlite:
            print("SQLite:")
            sqlite_folder = folder / "sqlite"
            sqlite_folder.mkdir()
            results["sqlite"] = run_database(
                sqlite_folder,
                f"sqlite:///{sqlite_folder / 'bench.sqlite3'}",
                args.guardians,
                args.workers,
            )
        if args.postgres_url:
            print("PostgreSQL:")
            pg_folder = folder / "postgres"
            pg_folder.mkdir()
            results["postgresql"] = run_database(
                pg_folder, fresh_postgres(args.postgres_url), args.guardians, args.workers
            )
        print("Floor (bare smtplib loop):")
        floor_folder = folder / "floor"
        floor_folder.mkdir()
        bare = floor(floor_folder, args.guardians)
    report(results, bare, args.workers)


def report(results: dict[str, dict[str, Any]], bare: dict[str, Any], workers: int) -> None:
    print()
    print(
        f"| database | guardians | queue (s) | {workers} workers until all delivered (s) "
        "| msgs/s | delivered | duplicates | lost | worker peak RSS (MiB) | × floor |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for name, r in results.items():
        rss = " / ".join(f"{value:.0f}" for value in r["worker_rss_mib"])
        print(
            f"| {name} | {r['guardians']:,} | {r['queue_seconds']:.1f} | {r['seconds']:.1f} "
            f"| {r['per_second']:.0f} | {r['delivered']:,} | {r['duplicates']} | {r['lost']} "
            f"| {rss} | {r['seconds'] / bare['seconds']:.1f} |"
        )
    print(
        f"\nFloor: a bare smtplib loop sent {bare['delivered']:,} prepared emails over one "
        f"connection in {bare['seconds']:.1f} s ({bare['delivered'] / bare['seconds']:.0f}/s)."
    )
    for name, r in results.items():
        verdict = (
            "meets" if r["seconds"] < 120 and not r["duplicates"] and not r["lost"] else ("MISSES")
        )
        print(f"{name}: {verdict} the target (under 2 minutes, 0 duplicates, 0 lost).")
        for output in r["worker_outputs"]:
            print(f"  worker: {output}")
    print(json.dumps({"results": results, "floor": bare}, default=str))


if __name__ == "__main__":
    main()
