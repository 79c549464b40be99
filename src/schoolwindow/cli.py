"""The `schoolwindow` command: demo, serve, worker, import, manage."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable, Sequence


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolwindow.config.settings")
    import django

    django.setup()


def migrate(quiet: bool = True) -> None:
    from django.conf import settings
    from django.core.management import call_command

    db_name = settings.DATABASES["default"]["NAME"]
    if str(settings.DATABASES["default"]["ENGINE"]).endswith("sqlite3"):
        from pathlib import Path

        Path(str(db_name)).parent.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0 if quiet else 1, interactive=False)


def cmd_demo(args: argparse.Namespace) -> int:
    setup_django()
    migrate()
    from schoolwindow.demo.builder import demo_build, demo_logins_text

    result = demo_build(stdout=sys.stdout)
    print(demo_logins_text(result))
    if args.no_serve:
        return 0
    worker = demo_worker_start()
    try:
        return serve(args.host, args.port, workers=args.workers, threads=args.threads)
    finally:
        worker.terminate()
        worker.wait(timeout=10)


def demo_worker_env(environ: dict[str, str]) -> dict[str, str]:
    """The demo's worker: without a configured mail server, emails are written to files."""
    from django.conf import settings

    env = dict(environ)
    if not env.get("EMAIL_HOST") and not env.get("EMAIL_BACKEND"):
        env["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
        env.setdefault("EMAIL_FILE_PATH", str(settings.EMAIL_FILE_PATH))
    return env


def demo_worker_start() -> subprocess.Popen[bytes]:
    """Send what staff write in the demo (emails to files, texts to the SMS file), beside the
    server. Without the daily clock: the demo's data is set on its own "today"."""
    from django.conf import settings

    env = demo_worker_env(dict(os.environ))
    print(
        "Messages to families are sent by a worker beside the server: emails are written to "
        f"{env.get('EMAIL_FILE_PATH', 'your mail server')}, texts to {settings.SMS_FILE_PATH}.",
        flush=True,
    )
    return subprocess.Popen(
        [sys.executable, "-m", "schoolwindow.cli", "worker", "--no-scheduler"],
        env=env,
        stdout=subprocess.DEVNULL,
    )


def cmd_serve(args: argparse.Namespace) -> int:
    setup_django()
    if not args.no_migrate:
        migrate()
    return serve(args.host, args.port, workers=args.workers, threads=args.threads)


def collect_static_files() -> None:
    """Gather the static files, compressed and content-named, where WhiteNoise serves them."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def serve(host: str, port: int, *, workers: int, threads: int) -> int:
    from gunicorn.app.wsgiapp import run

    collect_static_files()
    print(f"School Window is running at http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    sys.argv = [
        "gunicorn",
        "schoolwindow.config.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--access-logfile",
        "-" if os.environ.get("SCHOOLWINDOW_ACCESS_LOG") else "/dev/null",
    ]
    run()
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """The django-tasks database worker, the clock that enqueues the daily jobs, and the outbox."""
    setup_django()
    import threading

    from django.core.management import call_command

    from schoolwindow.core.scheduler import scheduler_thread, scheduler_tick
    from schoolwindow.messaging.delivery.outbox import outbox_drain, outbox_thread

    options: dict[str, object] = {"reload": False, "interval": args.interval}
    if args.until_idle:
        if not args.no_scheduler:
            scheduler_tick()
        call_command("db_worker", batch=True, **options)
        if not args.no_outbox:
            report = outbox_drain(until_idle=True)
            print(
                f"outbox: {report.sent} sent, {report.retrying} waiting to try again, "
                f"{report.failed} failed, {report.cancelled} cancelled",
                flush=True,
            )
        return 0
    stop = threading.Event()
    if not args.no_scheduler:
        scheduler_thread(stop).start()
    if not args.no_outbox:
        outbox_thread(stop, poll=args.interval).start()
    try:
        call_command("db_worker", **options)
    finally:
        stop.set()
    return 0


def with_django(
    handler: Callable[[argparse.Namespace], int],
) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        setup_django()
        return handler(args)

    return run


def cmd_import(args: argparse.Namespace) -> int:
    setup_django()
    from schoolwindow.connectors.commands import import_from_cli

    return import_from_cli(args)


def cmd_signals(args: argparse.Namespace) -> int:
    setup_django()
    from schoolwindow.engagement import commands

    handler = {
        "import": commands.signals_import_from_cli,
        "recompute": commands.signals_recompute_from_cli,
    }[args.action]
    return handler(args)


def cmd_flags(args: argparse.Namespace) -> int:
    setup_django()
    from schoolwindow.engagement import commands

    return commands.flags_evaluate_from_cli(args)


def cmd_risk(args: argparse.Namespace) -> int:
    setup_django()
    from schoolwindow.engagement.commands import risk_train_from_cli

    return risk_train_from_cli(args)


def cmd_digest(args: argparse.Namespace) -> int:
    setup_django()
    from schoolwindow.engagement import commands

    return commands.digest_from_cli(args)


def cmd_xapi_key(args: argparse.Namespace) -> int:
    setup_django()
    from schoolwindow.engagement import commands

    return commands.xapi_key_create_from_cli(args)


def cmd_backtest(args: argparse.Namespace) -> int:
    setup_django()
    from schoolwindow.engagement.backtest.cli import backtest_from_cli

    return backtest_from_cli(args)


def cmd_manage(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["schoolwindow manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="schoolwindow", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="build the demo trust if absent, then serve it")
    demo.add_argument("--no-serve", action="store_true", help="only build the demo data")
    add_server_options(demo)
    demo.set_defaults(func=cmd_demo)

    serve_parser = sub.add_parser("serve", help="run the web server")
    add_server_options(serve_parser)
    serve_parser.add_argument("--no-migrate", action="store_true")
    serve_parser.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run the background task worker")
    worker.add_argument("--until-idle", action="store_true", help="run what is queued, then exit")
    worker.add_argument("--interval", type=float, default=1.0)
    worker.add_argument(
        "--no-scheduler", action="store_true", help="do not enqueue the daily jobs from this worker"
    )
    worker.add_argument(
        "--no-outbox", action="store_true", help="do not send queued messages from this worker"
    )
    worker.set_defaults(func=cmd_worker)

    imp = sub.add_parser("import", help="import rosters")
    imp_sub = imp.add_subparsers(dest="format", required=True)
    oneroster = imp_sub.add_parser("oneroster", help="OneRoster 1.1/1.2 CSV folder or zip")
    oneroster.add_argument("path")
    oneroster.add_argument("--school", metavar="URN", help="import only this school")
    oneroster.add_argument("--dry-run", action="store_true", help="report changes, write nothing")
    oneroster.set_defaults(func=cmd_import)
    csv_parser = imp_sub.add_parser("csv", help="pupils and guardians CSV (docs/data-formats.md)")
    csv_parser.add_argument("path")
    csv_parser.add_argument("--school", metavar="URN", help="school URN if the file has no column")
    csv_parser.add_argument("--dry-run", action="store_true", help="report changes, write nothing")
    csv_parser.set_defaults(func=cmd_import)

    add_engagement_commands(sub)
    from schoolwindow.messaging.commands import add_messaging_commands

    add_messaging_commands(sub, with_django)

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def add_engagement_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    signals = sub.add_parser("signals", help="engagement signals: import and daily facts")
    signals_sub = signals.add_subparsers(dest="action", required=True)
    signals_import = signals_sub.add_parser("import", help="import one kind of signal from CSV")
    signals_import.add_argument(
        "kind",
        choices=["attendance", "activity", "homework", "messages"],
        help="docs/data-formats.md",
    )
    signals_import.add_argument("file")
    signals_import.add_argument("--school", metavar="URN", help="if the file has no school_urn")
    signals_import.add_argument("--dry-run", action="store_true")
    signals_import.set_defaults(func=cmd_signals)
    recompute = signals_sub.add_parser("recompute", help="rebuild daily facts and flags")
    recompute.add_argument("--school", metavar="URN")
    recompute.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    recompute.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    recompute.set_defaults(func=cmd_signals)

    flags = sub.add_parser("flags", help="evaluate the early-warning rules and risk score")
    flags_sub = flags.add_subparsers(dest="action", required=True)
    evaluate = flags_sub.add_parser("evaluate", help="raise, update and close flags for a day")
    evaluate.add_argument("--school", metavar="URN")
    evaluate.add_argument("--date", metavar="YYYY-MM-DD", help="default: today")
    evaluate.set_defaults(func=cmd_flags)

    risk = sub.add_parser("risk", help="the learned risk score")
    risk_sub = risk.add_subparsers(dest="action", required=True)
    train = risk_sub.add_parser("train", help="retrain on each school's last year of facts")
    train.add_argument("--school", metavar="URN")
    train.add_argument(
        "--date", metavar="YYYY-MM-DD", help="train on the year before; default today"
    )
    train.set_defaults(func=cmd_risk)

    digest = sub.add_parser("digest", help="send the morning digest now")
    digest.add_argument("--date", metavar="YYYY-MM-DD", help="default: today")
    digest.set_defaults(func=cmd_digest)

    xapi = sub.add_parser("xapi-key", help="keys for learning platforms sending xAPI")
    xapi_sub = xapi.add_subparsers(dest="action", required=True)
    create = xapi_sub.add_parser("create", help="create a key and print it once")
    create.add_argument("--school", metavar="URN", required=True)
    create.add_argument("name")
    create.set_defaults(func=cmd_xapi_key)

    backtest = sub.add_parser("backtest", help="how the early warning would have done")
    backtest.add_argument("--format", choices=["oulad", "school"], required=True)
    backtest.add_argument("--train", metavar="DIR", help="OULAD: folder of training CSVs")
    backtest.add_argument("--test", metavar="DIR", help="OULAD: folder of test CSVs")
    backtest.add_argument("--cutoff-day", type=int, help="OULAD: days from module start")
    backtest.add_argument("--school", metavar="URN", help="school format: which school")
    backtest.add_argument("--train-from", metavar="YYYY-MM-DD")
    backtest.add_argument("--train-to", metavar="YYYY-MM-DD")
    backtest.add_argument("--test-from", metavar="YYYY-MM-DD")
    backtest.add_argument("--test-to", metavar="YYYY-MM-DD")
    backtest.add_argument("--json", action="store_true", help="print one JSON object")
    backtest.set_defaults(func=cmd_backtest)


def add_server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    # Pages are CPU-bound: one single-threaded process per core gave the lowest latency
    # (docs/benchmarks.md). Put a buffering proxy in front so slow clients do not hold a worker.
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=1)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
