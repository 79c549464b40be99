"""`schoolwindow backtest`: parse, run, print (one JSON object with --json, else a table)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from schoolwindow.core.cli_args import date_arg_required
from schoolwindow.engagement.backtest.oulad import REQUIRED_FILES, OuladFormatError

SCHOOL = "for --format school"


class UsageError(ValueError):
    pass


def backtest_from_cli(args: argparse.Namespace) -> int:
    try:
        result = _oulad(args) if args.format == "oulad" else _school(args)
    except (UsageError, OuladFormatError, ValueError) as error:
        print(f"schoolwindow backtest: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, sort_keys=False))
    else:
        print(result_table(result))
    return 0


def _folder(value: str | None, option: str) -> Path:
    if not value:
        raise UsageError(f"{option} DIR is required for --format oulad")
    path = Path(value)
    if not path.is_dir():
        raise UsageError(f"{option} {value}: not a folder")
    missing = [name for name in REQUIRED_FILES if not (path / name).exists()]
    if missing:
        raise UsageError(f"{option} {value}: missing {', '.join(missing)}")
    return path


def _oulad(args: argparse.Namespace) -> dict[str, Any]:
    from schoolwindow.engagement.backtest.oulad import oulad_load
    from schoolwindow.engagement.backtest.oulad_backtest import oulad_backtest

    train_dir = _folder(args.train, "--train")
    test_dir = _folder(args.test, "--test")
    if args.cutoff_day is None:
        raise UsageError("--cutoff-day N is required for --format oulad")
    cutoff = int(args.cutoff_day)
    train = oulad_load(train_dir, max_day=cutoff)
    test = oulad_load(test_dir, max_day=cutoff)
    result = oulad_backtest(train, test, cutoff_day=cutoff)
    return {"train": str(train_dir), "test": str(test_dir), **result}


def _school(args: argparse.Namespace) -> dict[str, Any]:
    from schoolwindow.engagement.backtest.school import school_backtest
    from schoolwindow.schools.models import School

    if not args.school:
        raise UsageError("--school URN is required for --format school")
    school = School.objects.filter(urn=args.school).first()
    if school is None:
        raise UsageError(f"--school {args.school}: no school with that URN")
    result = school_backtest(
        school_id=school.pk,
        train_from=date_arg_required(args.train_from, "--train-from", when=SCHOOL),
        train_to=date_arg_required(args.train_to, "--train-to", when=SCHOOL),
        test_from=date_arg_required(args.test_from, "--test-from", when=SCHOOL),
        test_to=date_arg_required(args.test_to, "--test-to", when=SCHOOL),
    )
    return {"school": school.urn, **result}


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def result_table(result: dict[str, Any]) -> str:
    """The report as plain text: the headline figures, then one line per rule."""
    lines: list[str] = []
    if result["format"] == "oulad":
        lines.append(
            f"OULAD backtest at day {result['cutoff_day']}: train {result['train']} "
            f"({result['n_train']} learners), test {result['test']} ({result['n_test']} learners)"
        )
    else:
        lines.append(
            f"School {result['school']} backtest: train {result['train_from']} to "
            f"{result['train_to']}"
            f" ({result['n_train']} pupil-weeks), test {result['test_from']} to {result['test_to']}"
            f" ({result['n_test']} pupil-weeks)"
        )
    lines.append(f"label: {result['label']}")
    lines.append(f"positive rate in test: {_fmt(result['test_positive_rate'])}")
    lines.append(f"ROC-AUC of the learned score: {_fmt(result['roc_auc'])}")
    lines.append("")
    width = max(len(name) for name in result["rules"]) + 2
    lines.append(f"{'flags':<{width}}{'precision':>10}{'recall':>10}{'flagged':>10}")
    for name, metrics in result["rules"].items():
        lines.append(
            f"{name:<{width}}{_fmt(metrics['precision']):>10}{_fmt(metrics['recall']):>10}"
            f"{_fmt(metrics['flagged_fraction']):>10}"
        )
    for key in ("combined_at_rule_precision", "combined_at_test_rule_precision"):
        point = result.get(key)
        if not point:
            continue
        lines.append("")
        lines.append(f"{key} (threshold chosen on {point['threshold_chosen_on']}):")
        lines.append(
            f"  rule '{point['rule']}': precision {_fmt(point['rule_precision'])}, "
            f"recall {_fmt(point['rule_recall'])}"
        )
        lines.append(
            f"  combined: threshold {_fmt(point['threshold'])}, precision "
            f"{_fmt(point['precision'])}, recall {_fmt(point['recall'])}, flagged "
            f"{_fmt(point['flagged_fraction'])}"
        )
    model = result.get("model", {})
    if model.get("clicks"):
        lines.append("")
        lines.append(f"clicks: {model['clicks']}")
    return "\n".join(lines)
