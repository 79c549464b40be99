"""The parent's home: queries and CPU per page, p95 with 50 clients, bytes of the first load and
time to usable on emulated slow 3G in Chromium.

    uv run python benchmarks/parent_home.py [--var-dir DIR] [--seconds 20] [--connections 50]
                                            [--think-ms 1000] [--parents 50]

Builds the demo trust in DIR (a fresh temporary one by default), gives `--parents` of its
families a log-in (the demo has one), and then:

1. in-process (Django's test client, this process's CPU time): the home of a parent with two
   children at two schools, and of the same parent given four more children, with the queries
   of each — the count must not change;
2. under load (`schoolwindow serve`, wrk): every parent's home in turn, with `--connections`
   clients as fast as they can go (a closed loop, the worst case), and again with each client
   pausing `--think-ms` between pages (parents reading, the realistic case);
3. in Chromium (Debian's, through Playwright): a cold first load — bytes transferred
   (compressed), requests, requests to any other site — and then the same cold load on
   emulated slow 3G (Chromium's preset: 2 s latency per request, 50 kB/s each way), timing the
   first paint with content, DOMContentLoaded and load. "Usable" is the later of the first
   contentful paint and DOMContentLoaded: every link and form on the page works without script.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))

from page_latency import (
    Served,
    add_load_options,
    bench_env,
    ensure_wrk,
    load_line,
    serving,
    tree_cpu_seconds,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parent.parent

PREPARE = """
import json, time
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from schoolwindow.core.models import AccountKind, User
from schoolwindow.people.contact import contactable_links
from schoolwindow.people.models import Guardian, GuardianLink, Pupil
from django.conf import settings
settings.ALLOWED_HOSTS = ["*"]
# The test client asks for static names the live site has collected: serve as in tests.
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

def session_for(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key

# Families with a log-in: the demo's parent, and more given one here.
wanted = int(PARENTS)
with_login = list(Guardian.objects.filter(user__isnull=False).values_list("pk", flat=True))
linked = contactable_links().values("guardian_id")
more = (Guardian.objects.filter(user__isnull=True, pk__in=linked)
        .order_by("pk")[: max(wanted - len(with_login), 0)])
for guardian in more:
    guardian.user = User.objects.create_user(
        username=f"bench-parent-{guardian.pk}@example.org", password="x",
        kind=AccountKind.GUARDIAN, language="en-gb")
    guardian.save(update_fields=["user"])
parents = list(Guardian.objects.filter(user__isnull=False).select_related("user")[:wanted])
cookies = [session_for(g.user) for g in parents]

demo_parent = Guardian.objects.get(user__username="parent@riverside.demo")

def figures(guardian, repeat=20):
    client = Client()
    client.force_login(guardian.user, backend="django.contrib.auth.backends.ModelBackend")
    client.get("/portal/")
    queries = []
    with connection.execute_wrapper(lambda run, sql, *rest: queries.append(sql) or run(sql, *rest)):
        client.get("/portal/")
    start = time.process_time()
    for _ in range(repeat):
        response = client.get("/portal/")
        assert response.status_code == 200
    cpu = (time.process_time() - start) * 1000 / repeat
    children = contactable_links(guardian_id=guardian.pk).count()
    return {"children": children, "queries": len(queries), "cpu_ms": round(cpu, 1),
            "kept": settings.PARENT_HOME_CACHE_SECONDS > 0,
            "html_bytes": len(response.content)}

# Every section built afresh (the short cache off), then as a parent reloading within 30 s.
settings.PARENT_HOME_CACHE_SECONDS = 0
inprocess = [figures(demo_parent)]
settings.PARENT_HOME_CACHE_SECONDS = 30
# Four more children (at both schools), then the same page again.
others = Pupil.objects.exclude(guardian_links__guardian=demo_parent).order_by("pk")[:4]
for pupil in others:
    GuardianLink.objects.get_or_create(school_id=pupil.school_id, pupil=pupil,
                                       guardian=demo_parent)
settings.PARENT_HOME_CACHE_SECONDS = 0
inprocess.append(figures(demo_parent))
settings.PARENT_HOME_CACHE_SECONDS = 30
inprocess.append(figures(demo_parent))
GuardianLink.objects.filter(guardian=demo_parent, pupil__in=list(others)).delete()

print(json.dumps({
    "cookies": cookies, "demo_cookie": session_for(demo_parent.user), "inprocess": inprocess,
    "sizes": {"pupils": Pupil.objects.count(), "guardians": Guardian.objects.count(),
              "parents_signed_in": len(cookies)},
}))
"""

WRK_SCRIPT = """
targets = {}
counter = 0
init = function(args)
  for line in io.lines(args[1]) do
    local cookie, path = line:match("^(%S+) (%S+)$")
    targets[#targets + 1] = {cookie, path}
  end
end
request = function()
  counter = counter + 1
  local pair = targets[(counter % #targets) + 1]
  return wrk.format("GET", pair[2], {["Cookie"] = "sessionid=" .. pair[1],
                                     ["Accept-Encoding"] = "gzip"})
end
THINK
done = function(summary, latency, requests)
  for _, p in pairs({50, 90, 95, 99}) do
    io.write(string.format("p%d %.2f\\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("requests %d\\nerrors %d\\nnon2xx %d\\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.timeout,
    summary.errors.status))
end
"""


def prepare(env: dict[str, str], parents: int) -> dict[str, object]:
    if not (Path(env["SCHOOLWINDOW_VAR_DIR"]) / "schoolwindow.sqlite3").exists() or env.get(
        "DATABASE_URL"
    ):
        subprocess.run(
            [sys.executable, "-m", "schoolwindow.cli", "demo", "--no-serve"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django;django.setup();PARENTS=" + str(parents) + "\n" + PREPARE,
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "schoolwindow.config.settings"},
        capture_output=True,
        text=True,
    )
    if out.returncode:
        sys.exit(out.stderr)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def wrk_run(
    wrk: str, base: str, lines: list[str], args: argparse.Namespace, workdir: Path, think: int
) -> dict[str, float]:
    script = workdir / f"parents-{think}.lua"
    delay = f"delay = function() return {think} end" if think else ""
    script.write_text(WRK_SCRIPT.replace("THINK", delay))
    targets = workdir / "targets.txt"
    targets.write_text("\n".join(lines) + "\n")
    result = subprocess.run(
        [
            wrk,
            f"-t{min(args.connections, 2)}",
            f"-c{args.connections}",
            f"-d{args.seconds}s",
            "--latency",
            "-s",
            str(script),
            base,
            "--",
            str(targets),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    figures: dict[str, float] = {}
    for line in result.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in {
            "p50",
            "p90",
            "p95",
            "p99",
            "requests",
            "errors",
            "non2xx",
        }:
            figures[parts[0]] = float(parts[1])
        if line.startswith("Requests/sec:"):
            figures["rps"] = float(line.split()[1])
    return figures


def cold_load(browser: Browser, base: str, cookie: str, *, slow: bool) -> dict[str, float]:
    """One first visit with an empty cache: bytes, requests, timings."""
    host = base.split("//", 1)[1].split(":")[0]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.add_cookies([{"name": "sessionid", "value": cookie, "domain": host, "path": "/"}])
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: dict[str, float] = {}
    urls: dict[str, str] = {}
    cdp.on(
        "Network.requestWillBeSent", lambda e: urls.update({e["requestId"]: e["request"]["url"]})
    )
    cdp.on(
        "Network.loadingFinished", lambda e: sizes.update({e["requestId"]: e["encodedDataLength"]})
    )
    if slow:
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": 2000,
                "downloadThroughput": 50_000,
                "uploadThroughput": 50_000,
            },
        )
    page.goto(f"{base}/portal/", wait_until="load")
    timing: dict[str, float] = page.evaluate(
        """() => {
          const nav = performance.getEntriesByType("navigation")[0];
          const fcp = performance.getEntriesByName("first-contentful-paint")[0];
          return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
                  fcp: fcp ? fcp.startTime : -1, ttfb: nav.responseStart};
        }"""
    )
    assert page.get_by_role("heading", level=1).is_visible()
    elsewhere = [u for u in urls.values() if u.startswith("http") and host not in u]
    context.close()
    return {
        "bytes": sum(sizes.values()),
        "requests": len(urls),
        "elsewhere": len(elsewhere),
        **timing,
    }


def browser_figures(base: str, cookie: str) -> dict[str, dict[str, float]]:
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        found = {
            "fast": cold_load(browser, base, cookie, slow=False),
            "slow3g": cold_load(browser, base, cookie, slow=True),
        }
        browser.close()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--var-dir", type=Path, default=None)
    parser.add_argument("--think-ms", type=int, default=1000)
    parser.add_argument("--parents", type=int, default=50)
    add_load_options(parser, port=8123)
    parser.set_defaults(connections=50)
    args = parser.parse_args()
    wrk = ensure_wrk()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.var_dir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        env = bench_env(workdir, args)
        data = prepare(env, args.parents)
        sizes = data["sizes"]
        print(f"data: {sizes}")
        for row in data["inprocess"]:  # type: ignore[attr-defined]
            print(
                f"in-process  parent with {row['children']} children"
                f"{' (sections kept)' if row['kept'] else ''}: {row['queries']} queries, "
                f"{row['cpu_ms']} ms CPU, {row['html_bytes']} bytes of HTML (uncompressed)"
            )
        cookies: list[str] = data["cookies"]  # type: ignore[assignment]
        lines = [f"{cookie} /portal/" for cookie in cookies]
        with serving(env, args) as base:
            print(f"load: {load_line(args)}")
            for think in (0, args.think_ms):
                cpu_before = tree_cpu_seconds(base.pid) if isinstance(base, Served) else 0.0
                figures = wrk_run(wrk, base, lines, args, workdir, think)
                cpu = tree_cpu_seconds(base.pid) - cpu_before if isinstance(base, Served) else 0.0
                cpu_ms = 1000 * cpu / max(figures.get("requests", 0.0), 1.0)
                kind = "as fast as they can" if not think else f"pausing {think} ms between pages"
                print(
                    f"wrk {args.connections} parents {kind}: {figures.get('rps', 0):.1f} req/s  "
                    f"p50 {figures.get('p50', 0):.1f} ms  p95 {figures.get('p95', 0):.1f} ms  "
                    f"p99 {figures.get('p99', 0):.1f} ms  server CPU {cpu_ms:.1f} ms/page  "
                    f"errors {int(figures.get('errors', 0))}  non-2xx {int(figures.get('non2xx', 0))}"
                )
            found = browser_figures(base, str(data["demo_cookie"]))
        fast, slow = found["fast"], found["slow3g"]
        print(
            f"first load (Chromium, cold): {fast['bytes'] / 1024:.1f} KB transferred in "
            f"{int(fast['requests'])} request(s), {int(fast['elsewhere'])} to other sites"
        )
        usable = max(slow["fcp"], slow["dcl"])
        print(
            "slow 3G (2 s latency, 50 kB/s): first byte {:.0f} ms, first contentful paint {:.0f} "
            "ms, DOMContentLoaded {:.0f} ms, load {:.0f} ms -> usable at {:.0f} ms; {:.1f} KB".format(
                slow["ttfb"],
                slow["fcp"],
                slow["dcl"],
                slow["load"],
                usable,
                slow["bytes"] / 1024,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
