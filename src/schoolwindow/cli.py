"""The `schoolwindow` command: demo, serve, worker, import, manage."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence


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
    return serve(args.host, args.port, workers=args.workers, threads=args.threads)


def cmd_serve(args: argparse.Namespace) -> int:
    setup_django()
    if not args.no_migrate:
        migrate()
    return serve(args.host, args.port, workers=args.workers, threads=args.threads)


def serve(host: str, port: int, *, workers: int, threads: int) -> int:
    from gunicorn.app.wsgiapp import run

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
    setup_django()
    from django.core.management import call_command

    options: dict[str, object] = {"reload": False, "interval": args.interval}
    if args.until_idle:
        options["batch"] = True
    call_command("db_worker", **options)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    setup_django()
    from schoolwindow.connectors.commands import import_from_cli

    return import_from_cli(args)


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

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


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
