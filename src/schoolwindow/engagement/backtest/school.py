"""The backtest on a school's own history: how the rules and the learned score would have done.

Every school week of the test range is a cut-off (a morning). At each, the school's rules (with
its own thresholds, `engagement.rules`) and the learned score (trained on the training range
only, `engagement.risk`) see the facts of the school days before it; the outcome is whether the
pupil went quiet in the 4 school weeks that followed (`risk.went_quiet`). A row is one pupil at
one cut-off ("pupil-weeks").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np

from schoolwindow.engagement.backtest.metrics import (
    BoolArray,
    flag_metrics,
    precision_of,
    roc_auc,
    threshold_for_precision,
)
from schoolwindow.engagement.backtest.model import model_fit
from schoolwindow.engagement.flags import rule_input, school_rule_config
from schoolwindow.engagement.risk import (
    LABEL_TEXT,
    LOOKBACK,
    FactGrid,
    TrainingTable,
    fact_grid,
    training_table,
)
from schoolwindow.engagement.rules import RuleConfig, rules_run


def rule_flags_at(
    *, school_id: int, cutoffs: Sequence[dt.date], rows: TrainingTable
) -> dict[str, BoolArray]:
    """Which rows each of the school's rules flagged at its cut-off (the learned score left out)."""
    config = dict(school_rule_config(school_id=school_id))
    if "risk" in config:
        config["risk"] = RuleConfig(enabled=False, params=config["risk"].params)
    by_cutoff: dict[dt.date, dict[int, set[str]]] = {}
    for cutoff in cutoffs:
        data, _ = rule_input(school_id=school_id, on_date=cutoff, config=config)
        data.risk = {}
        found = rules_run(data, config)
        by_cutoff[cutoff] = {
            pupil_id: {str(reason["rule"]) for reason in reasons}
            for pupil_id, reasons in found.items()
        }
    names = [key for key, value in config.items() if value.enabled and key != "risk"]
    flags = {name: np.zeros(len(rows.y), dtype=bool) for name in names}
    for n, (pupil_id, cutoff) in enumerate(zip(rows.pupil_ids, rows.dates, strict=True)):
        for rule in by_cutoff.get(cutoff, {}).get(pupil_id, set()):
            if rule in flags:
                flags[rule][n] = True
    any_rule = np.zeros(len(rows.y), dtype=bool)
    for values in flags.values():
        any_rule |= values
    flags["any_rule"] = any_rule
    return flags


def _short(metrics: dict[str, Any]) -> dict[str, Any]:
    return {key: metrics[key] for key in ("precision", "recall", "flagged_fraction")}


def school_backtest(
    *,
    school_id: int,
    train_from: dt.date,
    train_to: dt.date,
    test_from: dt.date,
    test_to: dt.date,
) -> dict[str, Any]:
    """Train on train_from..train_to, test on test_from..test_to; the JSON-ready report."""
    if not (train_from < train_to and test_from < test_to):
        raise ValueError("each range must end after it starts")
    if test_from <= train_to:
        raise ValueError(
            "the test range must start after the training range ends "
            f"(training ends {train_to}, test starts {test_from})"
        )
    grid: FactGrid = fact_grid(school_id=school_id, start=train_from - LOOKBACK, end=test_to)
    train = training_table(grid, train_from, train_to)
    test = training_table(grid, test_from, test_to)
    for name, table, start, end in (
        ("training", train, train_from, train_to),
        ("test", test, test_from, test_to),
    ):
        if len(table.y) == 0:
            raise ValueError(
                f"no {name} rows between {start} and {end}: a range needs facts for at least "
                "4 school weeks after its first cut-off (and 2 school weeks of history before it)"
            )
    if len(set(train.y.tolist())) < 2:
        raise ValueError(
            "the training range has only one outcome: nobody (or everybody) went quiet"
        )

    fitted = model_fit(train.X, train.y, kind="logistic")
    probability = fitted.predict(test.X)
    train_rules = rule_flags_at(school_id=school_id, cutoffs=train.cutoffs, rows=train)
    test_rules = rule_flags_at(school_id=school_id, cutoffs=test.cutoffs, rows=test)

    # The combined flags: any rule, or a score at or above a threshold chosen on the training
    # rows (out-of-fold) to keep the rules' training precision.
    target = precision_of(train_rules["any_rule"], train.y)
    threshold = (
        1.0 + 1e-9
        if np.isnan(target)
        else threshold_for_precision(
            fitted.oof_probability, train.y, target, always=train_rules["any_rule"]
        )
    )
    combined = test_rules["any_rule"] | (probability >= threshold)
    combined_metrics = flag_metrics(combined, test.y)
    any_rule_metrics = flag_metrics(test_rules["any_rule"], test.y)
    rules = {name: _short(flag_metrics(values, test.y)) for name, values in test_rules.items()}
    rules["combined"] = _short(combined_metrics)
    return {
        "format": "school",
        "train_from": train_from.isoformat(),
        "train_to": train_to.isoformat(),
        "test_from": test_from.isoformat(),
        "test_to": test_to.isoformat(),
        "label": LABEL_TEXT,
        "n_train": len(train.y),
        "n_test": len(test.y),
        "train_cutoffs": len(train.cutoffs),
        "test_cutoffs": len(test.cutoffs),
        "train_positive_rate": round(float(train.y.mean()), 4),
        "test_positive_rate": round(float(test.y.mean()), 4),
        "roc_auc": roc_auc(test.y, probability),
        "threshold": round(threshold, 4),
        **_short(combined_metrics),
        "rules": rules,
        "combined_at_rule_precision": {
            "rule": "any_rule",
            "threshold_chosen_on": "training data (out-of-fold scores)",
            "train_rule_precision": None if np.isnan(target) else round(target, 4),
            "threshold": round(threshold, 4),
            "rule_precision": any_rule_metrics["precision"],
            "rule_recall": any_rule_metrics["recall"],
            **_short(combined_metrics),
        },
        "model": {
            "kind": "LogisticRegression, calibrated (CalibratedClassifierCV, sigmoid)",
            "roc_auc_out_of_fold_on_training": roc_auc(train.y, fitted.oof_probability),
        },
    }
