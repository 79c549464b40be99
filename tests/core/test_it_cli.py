"""The README's first command, end to end: build the demo, serve it, sign in as printed."""

from __future__ import annotations

import base64
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django_otp.oath import TOTP


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "schoolwindow.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        # A guard against a hung command, not a speed test (benchmarks/demo_build.py times the
        # build): on a busy two-core machine the full demo takes a few minutes.
        timeout=600,
    )


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    var = tmp_path_factory.mktemp("demo-var")
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update({"SCHOOLWINDOW_VAR_DIR": str(var), "DJANGO_DEBUG": "false"})
    return env


@pytest.fixture(scope="module")
def demo_output(demo_env: dict[str, str]) -> str:
    result = run_cli("demo", "--no-serve", env=demo_env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(demo_env: dict[str, str], demo_output: str) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "schoolwindow.cli", "serve", "--port", str(port), "--no-migrate"],
        env=demo_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(10)


def printed_login(output: str, role: str) -> tuple[str, str]:
    """The username and TOTP key printed for a role (the table names roles in words)."""
    from schoolwindow.demo.logins import ROLE_WORDS

    words = ROLE_WORDS[role]
    line = next(line for line in output.splitlines() if line.strip().startswith(words + " "))
    username = re.search(r"\S+@\S+", line)
    assert username is not None
    key = re.search(r"((?:[A-Z2-7]{4} ){7}[A-Z2-7]{4})", line)
    return username.group(0), key.group(1).replace(" ", "") if key else ""


def current_code(base32_key: str, *, offset: int = 0) -> str:
    padded = base32_key + "=" * (-len(base32_key) % 8)
    totp = TOTP(base64.b32decode(padded))
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


class Browser:
    """Just enough of a browser: cookies, CSRF tokens and forms."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str, str]:
        response = self.opener.open(self.base + path, timeout=10)
        return response.status, response.geturl(), response.read().decode()

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str, str]:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(
            self.base + path, data=data, headers={"Referer": self.base + path}
        )
        response = self.opener.open(request, timeout=10)
        return response.status, response.geturl(), response.read().decode()


def test_the_built_demo_has_planner_statistics_and_an_empty_write_ahead_log(
    demo_env: dict[str, str], demo_output: str
) -> None:
    """Runs first in this module: nothing has written since the build."""
    import sqlite3

    path = Path(demo_env["SCHOOLWINDOW_VAR_DIR"]) / "schoolwindow.sqlite3"
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    with sqlite3.connect(path) as db:
        [(tables,)] = db.execute("SELECT count(DISTINCT tbl) FROM sqlite_stat1").fetchall()
    assert tables > 10


def test_demo_prints_a_log_in_for_every_role(demo_output: str) -> None:
    for role in ("leader", "pastoral", "teacher", "advocate", "flo", "dsl", "office"):
        username, key = printed_login(demo_output, role)
        assert username.endswith("@riverside.demo") and len(key) == 32
    for role in ("trust officer", "parent", "pupil"):
        assert printed_login(demo_output, role)[0]
    # Every hint can be pasted as printed.
    assert "  uv run schoolwindow manage demo_code " in demo_output
    assert "school-window-demo" in demo_output


def test_demo_is_idempotent(demo_env: dict[str, str], demo_output: str) -> None:
    again = run_cli("demo", "--no-serve", env=demo_env)
    assert again.returncode == 0
    assert "nothing to build" in again.stdout
    assert printed_login(again.stdout, "dsl") == printed_login(demo_output, "dsl")


@pytest.mark.parametrize("role", ["teacher", "dsl", "parent"])
def test_printed_details_sign_in_to_the_served_demo(
    server: str, demo_output: str, role: str
) -> None:
    username, key = printed_login(demo_output, role)
    browser = Browser(server)
    browser.get("/login/")
    status, url, body = browser.post(
        "/login/", {"username": username, "password": "school-window-demo"}
    )
    if key:
        assert url.endswith("/login/verify/")
        status, url, body = browser.post("/login/verify/", {"code": current_code(key)})
    assert status == 200 and "Sign out" in body
    if role == "parent":
        assert url.endswith("/portal/")
        assert "Riverside Primary School" in body and "Riverside Academy" in body


def test_demo_code_prints_the_current_code(demo_env: dict[str, str], demo_output: str) -> None:
    username, key = printed_login(demo_output, "office")
    result = run_cli("manage", "demo_code", username, env=demo_env)
    assert result.returncode == 0
    # The code may roll over between the two calls.
    nearby = {current_code(key, offset=offset) for offset in (-30, 0, 30)}
    assert result.stdout.strip()[-6:] in nearby


def test_worker_runs_what_is_queued_and_exits(demo_env: dict[str, str], demo_output: str) -> None:
    result = run_cli("worker", "--until-idle", env=demo_env)
    assert result.returncode == 0, result.stderr


def test_migrations_leave_an_sqlite_database_in_wal_mode(
    demo_env: dict[str, str], demo_output: str
) -> None:
    import sqlite3

    path = Path(demo_env["SCHOOLWINDOW_VAR_DIR"]) / "schoolwindow.sqlite3"
    assert path.exists()
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_the_demo_worker_sends_emails_to_files(
    demo_env: dict[str, str], demo_output: str, tmp_path: Path
) -> None:
    from schoolwindow.cli import demo_worker_env

    emails = tmp_path / "emails"
    env = demo_worker_env({**demo_env, "EMAIL_FILE_PATH": str(emails)})
    assert env["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    # With a mail server configured, the demo's worker uses it.
    assert "EMAIL_BACKEND" not in demo_worker_env({**demo_env, "EMAIL_HOST": "mail.example"})
    found = run_cli(
        "manage",
        "shell",
        "-c",
        "from schoolwindow.schools.models import Group; "
        "g = Group.objects.filter(kind='registration', school__phase='secondary').first(); "
        "print(g.school.urn, g.name)",
        env=demo_env,
    )
    urn, group = found.stdout.split()[-2:]
    queued = run_cli(
        "broadcast",
        "--school",
        urn,
        "--audience",
        f"group:{group}",
        "--subject",
        "Tomorrow",
        "--body",
        "Hello families",
        "--urgent",
        env=env,
    )
    assert queued.returncode == 0, queued.stderr
    sent = run_cli("worker", "--until-idle", "--no-scheduler", env=env)
    assert sent.returncode == 0, sent.stderr
    written = list(emails.iterdir())
    assert written and "Subject: Tomorrow" in written[0].read_text()
