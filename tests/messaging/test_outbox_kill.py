"""Nothing lost, nothing twice: the real worker process killed mid-broadcast, then restarted.

The broadcast is queued with the real `schoolwindow broadcast` command and sent by the real
`schoolwindow worker --until-idle`, against a file SQLite database and a real SMTP server
(aiosmtpd) in this process. The SMTP server SIGKILLs the worker at chosen moments.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.messaging.outbox_support import (
    SmtpSink,
    cli_env,
    prepare_database,
    run_cli,
    stderr_of,
    worker,
)

FAMILIES = 60


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    server = SmtpSink().start()
    yield server
    server.stop()


@pytest.fixture
def queued(tmp_path: Path, sink: SmtpSink) -> dict[str, str]:
    """A file database with a school of FAMILIES families and one urgent broadcast queued."""
    env = cli_env(tmp_path, sink.port)
    urn = prepare_database(env, FAMILIES)
    result = run_cli(
        "broadcast",
        "--school",
        urn,
        "--audience",
        "all-guardians",
        "--subject",
        "Snow day",
        "--body",
        "School is closed tomorrow because of snow.",
        "--urgent",
        env=env,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert f"Queued {FAMILIES} copies" in result.stdout.decode()
    return env


def statuses(env: dict[str, str]) -> dict[str, int]:
    path = env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        return dict(
            db.execute("SELECT status, count(*) FROM messaging_delivery GROUP BY status").fetchall()
        )


def expected_addresses() -> set[str]:
    return {f"parent{n}@families.example" for n in range(FAMILIES)}


def test_killed_between_two_messages_and_restarted_every_family_gets_exactly_one(
    queued: dict[str, str], sink: SmtpSink
) -> None:
    kill_after = 25
    victim: dict[str, int] = {}

    def kill_at_the_next_mail(accepted: int) -> None:
        # MAIL FROM of message 26: message 25 was accepted and its row committed as sent.
        if accepted == kill_after and "pid" in victim:
            os.kill(victim.pop("pid"), signal.SIGKILL)

    sink.handler.on_mail = kill_at_the_next_mail
    first = worker(queued)
    victim["pid"] = first.pid
    first.wait(120)
    assert first.returncode == -signal.SIGKILL, stderr_of(first)
    assert len(sink.handler.received) == kill_after
    assert statuses(queued).get("sent") == kill_after

    second = worker(queued)
    _out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err.decode()

    received = sink.handler.by_recipient()
    assert set(received) == expected_addresses()
    assert all(len(copies) == 1 for copies in received.values())
    assert len(sink.handler.received) == FAMILIES
    assert len(sink.handler.message_ids()) == FAMILIES
    assert statuses(queued) == {"sent": FAMILIES}


@pytest.mark.parametrize("seed", [1, 2])
def test_killed_at_random_moments_nothing_is_lost_and_each_family_has_one_message_id(
    queued: dict[str, str], sink: SmtpSink, seed: int
) -> None:
    chance = random.Random(seed)
    victim: dict[str, int] = {}
    lock = threading.Lock()

    def kill() -> None:
        with lock:
            pid = victim.pop("pid", None)
        if pid is not None:
            os.kill(pid, signal.SIGKILL)

    # Three kills, each at a random point: before a message, while the server holds one it
    # has not yet answered (the client never hears it was accepted), or at a random time.
    moments = sorted(chance.sample(range(3, FAMILIES - 3), 3))

    def at_mail(accepted: int) -> None:
        if moments and accepted >= moments[0] and chance.random() < 0.5:
            moments.pop(0)
            kill()

    def at_data(accepted: int) -> None:
        if moments and accepted >= moments[0]:
            moments.pop(0)
            kill()  # the message is still recorded: the server "accepted" it

    sink.handler.on_mail = at_mail
    sink.handler.on_data = at_data
    runs = 0
    while True:
        runs += 1
        assert runs < 10, "the worker never finished"
        process = worker(queued)
        with lock:
            victim["pid"] = process.pid
        timer = threading.Timer(chance.uniform(0.5, 3.0), kill) if runs == 2 else None
        if timer is not None:
            timer.start()
        process.wait(120)
        if timer is not None:
            timer.cancel()
        if process.returncode == 0:
            break
        assert process.returncode == -signal.SIGKILL, stderr_of(process)
    assert runs >= 2

    received = sink.handler.by_recipient()
    assert set(received) == expected_addresses()  # nothing lost
    for copies in received.values():
        # A copy may arrive twice only if the server accepted it just before the kill, and
        # then it is the same message: the same Message-ID.
        assert len({copy.message_id for copy in copies}) == 1
    assert len(sink.handler.message_ids()) == FAMILIES
    assert statuses(queued) == {"sent": FAMILIES}
