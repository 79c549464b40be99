"""Train on one set of OULAD presentations, test on another, at one cut-off day."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from schoolwindow.engagement.backtest.metrics import (
    BoolArray,
    FloatArray,
    IntArray,
    flag_metrics,
    precision_of,
    roc_auc,
    threshold_for_precision,
)
from schoolwindow.engagement.backtest.model import model_fit
from schoolwindow.engagement.backtest.oulad import (
    CLICK_FILE,
    FeatureTable,
    OuladData,
    oulad_features,
)

RULE = "missing_due"  # the rule the combined flags are measured against
RULE_NAMES = {
    "missing_due": "has not handed in work already due",
    "low_score": "a score below 40 on work handed in",
    "no_activity_14_days": "no online activity in the last 14 days",
    "any_rule": "any of the rules above",
}


def oulad_filter(data: OuladData, presentations: set[str]) -> OuladData:
    """Only the learners of the given presentations (e.g. {"2013B"}), for in-memory splits."""
    return OuladData(
        learners=[learner for learner in data.learners if learner.key[1] in presentations],
        assessments=data.assessments,
        submissions=data.submissions,
        clicks=data.clicks,
        source=f"{data.source} [{', '.join(sorted(presentations))}]",
    )


def combined_flags(rule: BoolArray, probability: FloatArray, threshold: float) -> BoolArray:
    """The combined flags: the rule, or a learned score at or above the threshold."""
    return np.asarray(rule, dtype=bool) | (probability >= threshold)


def test_pr_point(
    rule: BoolArray, probability: FloatArray, y: IntArray
) -> dict[str, float | int | None]:
    """Where the combined flags stand at exactly the rule's precision on the test rows.

    A point on the test precision-recall curve (as ROC-AUC is a summary of that curve): it uses the
    test outcomes to read the curve, never to train or to choose the deployed threshold.
    """
    target = precision_of(rule, y)
    if np.isnan(target):
        return {"threshold": None, "precision": None, "recall": None, "flagged_fraction": None}
    threshold = threshold_for_precision(probability, y, target, always=rule)
    return {
        "threshold": round(threshold, 4),
        **_short(flag_metrics(combined_flags(rule, probability, threshold), y)),
    }


def _short(metrics: dict[str, float | int | None]) -> dict[str, float | int | None]:
    return {key: metrics[key] for key in ("precision", "recall", "flagged_fraction")}


def _by_presentation(table: FeatureTable, probability: FloatArray) -> dict[str, Any]:
    groups: dict[str, list[int]] = defaultdict(list)
    for row, key in enumerate(table.keys):
        groups[f"{key[0]}-{key[1]}"].append(row)
    out: dict[str, Any] = {}
    for name in sorted(groups):
        rows = np.array(groups[name])
        out[name] = {
            "n": len(rows),
            "positive_rate": round(float(table.y[rows].mean()), 4),
            "roc_auc": roc_auc(table.y[rows], probability[rows]),
        }
    return out


def oulad_backtest(train: OuladData, test: OuladData, *, cutoff_day: int) -> dict[str, Any]:
    """Fit on `train` as known on day N, score `test` as known on day N; the JSON-ready report."""
    uses_clicks = train.clicks is not None and test.clicks is not None
    train_table = oulad_features(train, cutoff_day, use_clicks=uses_clicks)
    test_table = oulad_features(test, cutoff_day, use_clicks=uses_clicks)
    if len(test_table.y) == 0:
        raise ValueError(f"no learner of the test data was still enrolled on day {cutoff_day}")
    fitted = model_fit(train_table.X, train_table.y, kind="boosting", method="sigmoid")
    probability = fitted.predict(test_table.X)

    # The deployed threshold: chosen on the training rows (out-of-fold scores) so that the
    # combined flags keep the rule's training precision.
    train_rule = train_table.rules[RULE]
    target = precision_of(train_rule, train_table.y)
    threshold = (
        threshold_for_precision(fitted.oof_probability, train_table.y, target, always=train_rule)
        if not np.isnan(target)
        else 1.0 + 1e-9
    )
    test_rule = test_table.rules[RULE]
    combined = combined_flags(test_rule, probability, threshold)
    combined_metrics = flag_metrics(combined, test_table.y)
    rule_metrics = flag_metrics(test_rule, test_table.y)

    rules: dict[str, Any] = {
        name: {"description": RULE_NAMES[name], **_short(flag_metrics(flags, test_table.y))}
        for name, flags in test_table.rules.items()
    }
    rules["combined"] = {
        "description": f"'{RULE_NAMES[RULE]}' or a learned score of {threshold:.2f} or more",
        **_short(combined_metrics),
    }
    at_test_precision = test_pr_point(test_rule, probability, test_table.y)
    clicks_note = (
        "used"
        if uses_clicks
        else f"not used: {CLICK_FILE} is not in both folders (the model uses registration, "
        "assessments and demographics)"
    )
    return {
        "format": "oulad",
        "cutoff_day": cutoff_day,
        "label": "final_result is Withdrawn or Fail",
        "scored": "learners registered by the cut-off and not unregistered on or before it",
        "n_train": len(train_table.y),
        "n_test": len(test_table.y),
        "train_positive_rate": round(float(train_table.y.mean()), 4),
        "test_positive_rate": round(float(test_table.y.mean()), 4),
        "roc_auc": roc_auc(test_table.y, probability),
        "threshold": round(threshold, 4),
        **_short(combined_metrics),
        "rules": rules,
        "combined_at_rule_precision": {
            "rule": RULE,
            "threshold_chosen_on": "training data (out-of-fold scores)",
            "train_rule_precision": None if np.isnan(target) else round(target, 4),
            "threshold": round(threshold, 4),
            "rule_precision": rule_metrics["precision"],
            "rule_recall": rule_metrics["recall"],
            **_short(combined_metrics),
        },
        "combined_at_test_rule_precision": {
            "rule": RULE,
            "threshold_chosen_on": "test outcomes (a point on the test precision-recall curve)",
            "rule_precision": rule_metrics["precision"],
            "rule_recall": rule_metrics["recall"],
            **at_test_precision,
            "higher_recall_than_rule": (
                at_test_precision["recall"] is not None
                and rule_metrics["recall"] is not None
                and float(at_test_precision["recall"]) > float(rule_metrics["recall"])
            ),
        },
        "model": {
            "kind": "HistGradientBoostingClassifier, calibrated (CalibratedClassifierCV, sigmoid)",
            "clicks": clicks_note,
            "features": train_table.names,
        },
        "by_presentation": _by_presentation(test_table, probability),
    }
