"""Shared by the delivery-engine tests: a real SMTP server (aiosmtpd) that records what it
accepts, and helpers to run the real `schoolwindow` command against a file SQLite database."""

from __future__ import annotations

import email
import email.policy
import os
import socket
import subprocess
import sys
import threading
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message_id: str
    raw: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(parsed, email.message.EmailMessage)
        return parsed


def body_of(message: email.message.EmailMessage, kind: str) -> str:
    """The message's "plain" or "html" body, which every message the outbox sends has."""
    part = message.get_body(preferencelist=(kind,))
    assert part is not None, f"no {kind} body"
    return str(part.get_content())


@dataclass
class SinkHandler:
    """Accepts every message (or refuses the listed recipients) and remembers it."""

    received: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    # Called at MAIL FROM with the number of messages accepted so far.
    on_mail: Callable[[int], Any] | None = None
    # Called in DATA before the message is recorded and answered.
    on_data: Callable[[int], Any] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.on_mail is not None:
            self.on_mail(len(self.received))
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.on_data is not None and self.on_data(len(self.received)) == "drop":
            return "451 4.3.0 try again later"
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        with self.lock:
            self.received.append(
                Received(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    str(parsed.get("Message-ID", "")),
                    raw,
                )
            )
        return "250 2.0.0 Message accepted"

    def by_recipient(self) -> dict[str, list[Received]]:
        found: dict[str, list[Received]] = defaultdict(list)
        for item in self.received:
            for rcpt in item.rcpt_tos:
                found[rcpt].append(item)
        return found

    def message_ids(self) -> Counter[str]:
        return Counter(item.message_id for item in self.received)


class SmtpSink:
    """aiosmtpd on 127.0.0.1 on a free port; stop() and start() again on the same port."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.handler = SinkHandler()
        self.controller: Controller | None = None

    def start(self) -> SmtpSink:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


# --- The real command against a file database -----------------------------------------------


def cli_env(tmp: Path, smtp_port: int, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'schoolwindow.sqlite3'}",
            "SCHOOLWINDOW_VAR_DIR": str(tmp),
            "DJANGO_SETTINGS_MODULE": "schoolwindow.config.settings",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "false",
            "SMS_PROVIDER": "file",
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
        }
    )
    env.update(extra)
    return env


def run_cli(
    *args: str, env: dict[str, str], stdin: bytes | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "schoolwindow.cli", *args],
        env=env,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        timeout=timeout,
    )


def worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "schoolwindow.cli", "worker", "--until-idle", "--no-scheduler"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def stderr_of(process: subprocess.Popen[bytes]) -> str:
    """What a finished worker wrote to its error stream, which worker() always pipes."""
    assert process.stderr is not None
    return process.stderr.read().decode()


SEED = """
import django, sys
django.setup()
from tests.messaging.outbox_support import seed_school
print(seed_school(int(sys.argv[1])))
"""


def seed_school(families: int) -> str:
    """A school with a leader and `families` pupils, each with one guardian who reads email.

    Runs inside a subprocess with Django set up; returns the school's URN."""
    import datetime as dt

    from schoolwindow.messaging.models import MessagingSettings
    from schoolwindow.people.models import Guardian, GuardianLink, Pupil, Staff, StaffRole
    from schoolwindow.schools.models import School, Trust

    trust = Trust.objects.create(name="Kill Test Trust", slug="kill-test")
    school = School.objects.create(trust=trust, urn="199001", name="Kill Test School")
    # No quiet hours, whatever time the test runs.
    MessagingSettings.objects.create(
        school=school, quiet_from=dt.time(0, 0), quiet_until=dt.time(0, 0)
    )
    leader = Staff.objects.create(school=school, first_name="Hana", last_name="Head")
    StaffRole.objects.create(school=school, staff=leader, role="leader")
    pupils = Pupil.objects.bulk_create(
        Pupil(
            school=school,
            upn=f"K{n:012d}",
            legal_first_name=f"Child{n}",
            legal_last_name="Test",
            date_of_birth=dt.date(2014, 1, 1),
        )
        for n in range(families)
    )
    guardians = Guardian.objects.bulk_create(
        Guardian(
            trust=trust,
            first_name=f"Parent{n}",
            last_name="Test",
            email=f"parent{n}@families.example",
        )
        for n in range(families)
    )
    GuardianLink.objects.bulk_create(
        GuardianLink(school=school, pupil=p, guardian=g)
        for p, g in zip(pupils, guardians, strict=True)
    )
    return school.urn


def prepare_database(env: dict[str, str], families: int) -> str:
    migrated = run_cli("manage", "migrate", "--noinput", "-v", "0", env=env)
    assert migrated.returncode == 0, migrated.stderr.decode()
    seeded = subprocess.run(
        [sys.executable, "-c", SEED, str(families)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    assert seeded.returncode == 0, seeded.stderr.decode()
    return seeded.stdout.decode().strip().splitlines()[-1]
