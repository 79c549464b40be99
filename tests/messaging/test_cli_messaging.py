"""The commands for scripts and operations, run for real: broadcast, worker, receive-email."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.messaging.outbox_support import SmtpSink, cli_env, prepare_database, run_cli

FAMILIES = 12


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    server = SmtpSink().start()
    yield server
    server.stop()


@pytest.fixture
def env(tmp_path: Path, sink: SmtpSink) -> Iterator[dict[str, str]]:
    environment = cli_env(tmp_path, sink.port, MESSAGING_REPLY_DOMAIN="reply.cli.example")
    environment["SCHOOL_URN"] = prepare_database(environment, FAMILIES)
    yield environment


def query(env: dict[str, str], sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite:///")) as db:
        return db.execute(sql).fetchall()


def test_broadcast_then_worker_until_idle_sends_to_every_family_and_replies_come_back(
    env: dict[str, str], sink: SmtpSink
) -> None:
    queued = run_cli(
        "broadcast",
        "--school",
        env["SCHOOL_URN"],
        "--audience",
        "all-guardians",
        "--subject",
        "Parents' evening",
        "--body",
        "Parents' evening is next Thursday from 4pm. Book a slot in School Window.",
        "--urgent",
        env=env,
    )
    assert queued.returncode == 0, queued.stderr.decode()
    assert f"Queued {FAMILIES} copies" in queued.stdout.decode()
    assert f"{FAMILIES} email" in queued.stdout.decode()

    worked = run_cli("worker", "--until-idle", env=env)
    assert worked.returncode == 0, worked.stderr.decode()
    assert f"outbox: {FAMILIES} sent" in worked.stdout.decode()
    received = sink.handler.by_recipient()
    assert set(received) == {f"parent{n}@families.example" for n in range(FAMILIES)}
    assert all(len(copies) == 1 for copies in received.values())
    assert query(env, "SELECT status, count(*) FROM messaging_delivery GROUP BY status") == [
        ("sent", FAMILIES)
    ]
    # The audit log names the system, sending for the school's leader.
    assert query(
        env, "SELECT actor_label FROM audit_auditevent WHERE action='messaging.broadcast_queued'"
    ) == [("system",)]

    # A family answers the email; the MTA pipes it into receive-email.
    original = received["parent3@families.example"][0].message
    reply = (
        f"From: parent3@families.example\r\nTo: {original['Reply-To']}\r\n"
        f"Subject: Re: {original['Subject']}\r\nMessage-ID: <cli-reply@families.example>\r\n"
        f"In-Reply-To: {original['Message-ID']}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "We'll come at 5pm.\r\n\r\n> Parents' evening is next Thursday\r\n"
    ).encode()
    piped = run_cli("messaging", "receive-email", env=env, stdin=reply)
    assert piped.returncode == 0, piped.stderr.decode()
    assert piped.stdout.decode().startswith("reply")
    again = run_cli("messaging", "receive-email", env=env, stdin=reply)
    assert again.returncode == 0
    assert query(
        env,
        "SELECT body FROM messaging_message WHERE author_guardian_id IS NOT NULL",
    ) == [("We'll come at 5pm.",)]
    # The leader who sent it is told (staff notices wait for working hours, so it may wait).
    statuses = dict(
        query(
            env,
            "SELECT status, count(*) FROM messaging_delivery WHERE staff_id IS NOT NULL "
            "GROUP BY status",
        )
    )
    assert sum(statuses.values()) in (0, 1)


def test_broadcast_refuses_what_it_cannot_do(env: dict[str, str]) -> None:
    unknown = run_cli(
        "broadcast", "--school", "000000", "--audience", "all-guardians",
        "--subject", "S", "--body", "B", env=env,
    )  # fmt: skip
    assert unknown.returncode == 2 and b"no school" in unknown.stderr
    bad_year = run_cli(
        "broadcast", "--school", env["SCHOOL_URN"], "--audience", "year:Year 12",
        "--subject", "S", "--body", "B", env=env,
    )  # fmt: skip
    assert bad_year.returncode == 2 and b"no year group" in bad_year.stderr
    bad_time = run_cli(
        "broadcast", "--school", env["SCHOOL_URN"], "--audience", "all-guardians",
        "--subject", "S", "--body", "B", "--at", "tomorrow", env=env,
    )  # fmt: skip
    assert bad_time.returncode == 2 and b"--at" in bad_time.stderr


def test_a_scheduled_broadcast_waits_for_its_time(env: dict[str, str], sink: SmtpSink) -> None:
    queued = run_cli(
        "broadcast", "--school", env["SCHOOL_URN"], "--audience", "all-guardians",
        "--subject", "Next year", "--body", "Term dates for next year.",
        "--at", "2099-01-05T08:00", env=env,
    )  # fmt: skip
    assert queued.returncode == 0, queued.stderr.decode()
    assert "for 2099-01-05T08:00:00" in queued.stdout.decode()
    worked = run_cli("worker", "--until-idle", env=env)
    assert worked.returncode == 0
    assert sink.handler.received == []


def test_receive_email_asks_the_mta_to_try_again_when_the_database_is_down(
    tmp_path: Path, sink: SmtpSink
) -> None:
    broken = cli_env(tmp_path, sink.port)
    broken["DATABASE_URL"] = f"sqlite:///{tmp_path / 'missing' / 'nowhere' / 'db.sqlite3'}"
    raw = b"From: a@example.org\r\nTo: reply+abcdefghij@x\r\nMessage-ID: <t@x>\r\n\r\nHi\r\n"
    result = run_cli("messaging", "receive-email", env=broken, stdin=raw)
    assert result.returncode == 75, result.stderr.decode()
    assert b"try again later" in result.stderr


def test_the_long_running_worker_sends_from_its_outbox_thread(
    env: dict[str, str], sink: SmtpSink
) -> None:
    import subprocess
    import sys
    import time

    from tests.messaging.outbox_support import ROOT

    process = subprocess.Popen(
        [sys.executable, "-m", "schoolwindow.cli", "worker", "--no-scheduler", "--interval", "0.2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        queued = run_cli(
            "broadcast", "--school", env["SCHOOL_URN"], "--audience", "all-guardians",
            "--subject", "Sports day", "--body", "Sports day is on Friday.", "--urgent", env=env,
        )  # fmt: skip
        assert queued.returncode == 0, queued.stderr.decode()
        deadline = time.monotonic() + 60
        while len(sink.handler.received) < FAMILIES and time.monotonic() < deadline:
            time.sleep(0.1)
        assert process.poll() is None
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
    assert len(sink.handler.received) == FAMILIES
    assert len(sink.handler.message_ids()) == FAMILIES
