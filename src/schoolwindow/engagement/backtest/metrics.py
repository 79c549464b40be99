"""How a set of flags did against what happened: precision, recall and how many were flagged."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from sklearn.metrics import roc_auc_score

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int_]


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def flag_metrics(flags: BoolArray, y: IntArray) -> dict[str, float | int | None]:
    """precision (None when nobody is flagged), recall, flagged_fraction, flagged count."""
    flags = np.asarray(flags, dtype=bool)
    positives = np.asarray(y, dtype=bool)
    hits = int((flags & positives).sum())
    return {
        "precision": _ratio(hits, int(flags.sum())),
        "recall": _ratio(hits, int(positives.sum())),
        "flagged_fraction": _ratio(int(flags.sum()), len(flags)),
        "flagged": int(flags.sum()),
    }


def roc_auc(y: IntArray, probability: FloatArray) -> float | None:
    """ROC-AUC, or None when the test set has only one outcome."""
    if len(set(np.asarray(y).tolist())) < 2:
        return None
    return round(float(roc_auc_score(y, probability)), 4)


def precision_of(flags: BoolArray, y: IntArray) -> float:
    flagged = int(np.asarray(flags).sum())
    return float(np.asarray(y)[np.asarray(flags, dtype=bool)].mean()) if flagged else math.nan


def threshold_for_precision(
    probability: FloatArray,
    y: IntArray,
    target: float,
    *,
    always: BoolArray | None = None,
) -> float:
    """The lowest threshold t at which flags `always | (probability >= t)` keep precision ≥ target.

    Chosen on training rows (out-of-fold probabilities), then applied unchanged to the test rows.
    When no threshold reaches the target, 1.0 + a hair: the score then flags nobody extra.
    """
    probability = np.asarray(probability, dtype=np.float64)
    positives = np.asarray(y, dtype=bool)
    base = np.zeros(len(probability), dtype=bool) if always is None else np.asarray(always)
    base_hits, base_count = int((base & positives).sum()), int(base.sum())
    # Candidates in falling order of probability among rows the base flags do not already cover.
    extra = ~base
    order = np.argsort(-probability[extra], kind="stable")
    scores = probability[extra][order]
    hits = base_hits + np.cumsum(positives[extra][order])
    counts = base_count + np.arange(1, len(scores) + 1)
    best = math.inf
    # Only cut between distinct scores: rows with equal probability are flagged together.
    last_of_value = np.r_[scores[1:] != scores[:-1], True] if len(scores) else np.array([], bool)
    ok = (hits / counts >= target) & last_of_value
    if ok.any():
        best = float(scores[np.flatnonzero(ok)[-1]])
    return best if math.isfinite(best) else 1.0 + 1e-9
