"""Command-line entry points of the engagement app (called from schoolwindow/cli.py)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from schoolwindow.core.cli_args import date_arg, date_arg_or_today, exits_2_on_bad_arguments

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from schoolwindow.schools.models import School


def _schools_from_cli(args: argparse.Namespace) -> QuerySet[School] | None:
    """Every school by name, or the one `--school URN` names; None, said on stderr, when no
    school has that URN."""
    from schoolwindow.schools.models import School

    schools = School.objects.order_by("name")
    if getattr(args, "school", None):
        schools = schools.filter(urn=args.school)
        if not schools.exists():
            print(f"--school: no school with URN {args.school}", file=sys.stderr)
            return None
    return schools


@exits_2_on_bad_arguments
def flags_evaluate_from_cli(args: argparse.Namespace) -> int:
    """schoolwindow flags evaluate [--school URN] [--date YYYY-MM-DD]"""
    from schoolwindow.engagement.flags import flags_evaluate

    on_date = date_arg_or_today(getattr(args, "date", None), "--date")
    schools = _schools_from_cli(args)
    if schools is None:
        return 2
    for school in schools:
        summary = flags_evaluate(school_id=school.pk, on_date=on_date)
        print(
            f"{school.name} ({school.urn}) {on_date}: {summary.pupils} pupils, "
            f"{summary.with_reasons} with reasons; flags: {summary.opened} opened, "
            f"{summary.worsened} worse, {summary.woken} back from snooze, "
            f"{summary.cleared} cleared, {summary.live} live; {summary.seconds:.2f} s"
        )
    return 0


@exits_2_on_bad_arguments
def digest_from_cli(args: argparse.Namespace) -> int:
    """schoolwindow digest [--date YYYY-MM-DD]"""
    from schoolwindow.engagement.digest import digest_send

    on_date = date_arg_or_today(getattr(args, "date", None), "--date")
    sent = digest_send(on_date=on_date)
    print(f"{sent} digest email(s) sent for {on_date}")
    return 0


# --- Signals and xAPI keys (engagement.signals, engagement.facts, engagement.xapi) ------------

EXIT_BAD_DATA = 2


def signals_import_from_cli(args: argparse.Namespace) -> int:
    """schoolwindow signals import KIND FILE [--school URN] [--dry-run]

    Prints the summary and brings the daily facts of the days the file touched up to date;
    bad data prints `FILE:LINE: field 'X': message`, writes nothing and returns 2.
    """
    from pathlib import Path

    from schoolwindow.audit.services import audit_record
    from schoolwindow.connectors.errors import DataImportError
    from schoolwindow.core.db import database_analyze
    from schoolwindow.core.permissions import system_actor
    from schoolwindow.engagement.facts import pupil_days_recompute
    from schoolwindow.engagement.signals import signals_import
    from schoolwindow.schools.models import School

    try:
        summary = signals_import(
            kind=args.kind,
            path=Path(args.file),
            school_urn=args.school or None,
            dry_run=bool(args.dry_run),
        )
    except DataImportError as exc:
        print(f"{exc}", file=sys.stderr)
        print("Nothing was imported.", file=sys.stderr)
        return EXIT_BAD_DATA
    print(summary.as_text())
    if summary.dry_run:
        return 0
    names = dict(School.objects.filter(pk__in=summary.dates).values_list("pk", "name"))
    for school_id, span in summary.dates.items():
        rows = pupil_days_recompute(school_id=school_id, start=span.first, end=span.last)
        print(
            f"Daily facts: {rows:,} pupil-days of {names[school_id]}, {span.first} to {span.last}."
        )
        audit_record(
            actor=system_actor("command line"),
            action=f"import.signals.{summary.kind}",
            school_id=school_id,
            detail={
                "source": "command line",
                "file": summary.file,
                "counts": {label: vars(counts) for label, counts in summary.counts.items()},
            },
        )
    database_analyze()
    return 0


@exits_2_on_bad_arguments
def signals_recompute_from_cli(args: argparse.Namespace) -> int:
    """schoolwindow signals recompute [--school URN] [--from YYYY-MM-DD] [--to YYYY-MM-DD]

    Rebuilds the daily facts; without dates, over every day the school has signals for.
    """
    import time

    from schoolwindow.core.db import database_analyze
    from schoolwindow.engagement.facts import pupil_days_recompute, signal_date_range

    date_from = date_arg(args.date_from, "--from")
    date_to = date_arg(args.date_to, "--to")
    schools = _schools_from_cli(args)
    if schools is None:
        return EXIT_BAD_DATA
    for school in schools:
        known = signal_date_range(school_id=school.pk)
        start = date_from or (known[0] if known else None)
        end = date_to or (known[1] if known else None)
        if start is None or end is None:
            print(f"{school.name} ({school.urn}): no signals yet, nothing to compute")
            continue
        started = time.perf_counter()
        rows = pupil_days_recompute(school_id=school.pk, start=start, end=end)
        print(
            f"{school.name} ({school.urn}): {rows:,} pupil-days from {start} to {end} "
            f"in {time.perf_counter() - started:.1f} s"
        )
    database_analyze()
    return 0


def xapi_key_create_from_cli(args: argparse.Namespace) -> int:
    """schoolwindow xapi-key create --school URN NAME: prints the key id and secret, once."""
    from django.conf import settings
    from django.db import transaction

    from schoolwindow.audit.services import audit_record
    from schoolwindow.core.permissions import system_actor
    from schoolwindow.engagement.models import XapiSource
    from schoolwindow.engagement.xapi import XAPI_VERSION, xapi_source_create
    from schoolwindow.schools.models import School

    school = School.objects.filter(urn=args.school).first()
    if school is None:
        print(f"--school: no school with URN {args.school}", file=sys.stderr)
        return EXIT_BAD_DATA
    name = args.name.strip()
    if not name or len(name) > 120:
        print("NAME: give the platform a name of 1 to 120 characters", file=sys.stderr)
        return EXIT_BAD_DATA
    if XapiSource.objects.filter(school=school, name=name).exists():
        print(
            f"{school.name} already has a key named {name!r}: choose another name", file=sys.stderr
        )
        return EXIT_BAD_DATA
    with transaction.atomic():
        source, secret = xapi_source_create(school=school, name=name)
        audit_record(actor=system_actor("command line"), action="xapi.key_create", target=source)
    print(f"xAPI key for {name!r} at {school.name} ({school.urn})")
    print(f"  key id:  {source.key_id}")
    print(f"  secret:  {secret}")
    print("The secret is shown only now: School Window keeps a digest of it, not the secret.")
    print(
        f"The platform sends statements to {settings.SITE_URL}/xapi/statements with these as "
        f"HTTP Basic credentials and the header X-Experience-API-Version: {XAPI_VERSION}."
    )
    return 0


@exits_2_on_bad_arguments
def risk_train_from_cli(args: argparse.Namespace) -> int:
    """schoolwindow risk train [--school URN] [--date YYYY-MM-DD]"""
    from schoolwindow.engagement.risk import risk_models_retrain

    on_date = date_arg_or_today(getattr(args, "date", None), "--date")
    schools = _schools_from_cli(args)
    if schools is None:
        return 2
    school_ids = (
        list(schools.values_list("pk", flat=True)) if getattr(args, "school", None) else None
    )
    results = risk_models_retrain(on_date=on_date, school_ids=school_ids)
    for result in results:
        print(result.message)
    return 0 if all(result.model_id is not None for result in results) else 1
