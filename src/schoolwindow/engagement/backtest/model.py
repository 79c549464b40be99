"""The learned risk score: a classifier calibrated on held-out folds of the training data.

Shared by the OULAD backtest, the school backtest and the live score (`engagement.risk`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from sklearn.base import ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

ModelKind = Literal["boosting", "logistic"]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int_]


def base_estimator(
    kind: ModelKind, *, n_rows: int = 10_000, random_state: int = 0
) -> ClassifierMixin:
    if kind == "boosting":
        # Small trees and many rows per leaf: chosen by leave-one-presentation-out on OULAD 2013,
        # where deeper trees did no better on a presentation they had not seen.
        small = n_rows < 2000  # a tiny history: fewer, bolder steps (and a quicker fit)
        return HistGradientBoostingClassifier(
            max_iter=100 if small else 300,
            learning_rate=0.1 if small else 0.05,
            max_leaf_nodes=8,
            min_samples_leaf=max(5, min(100, n_rows // 50)),
            l2_regularization=1.0,
            random_state=random_state,
        )
    return Pipeline(
        [
            ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
            ("scale", StandardScaler()),
            ("model", LogisticRegression(C=0.5, max_iter=5000)),
        ]
    )


@dataclass
class FittedModel:
    estimator: CalibratedClassifierCV
    kind: ModelKind
    # Calibrated probabilities for the training rows from the fold model that did not see them:
    # what thresholds are chosen on, so a threshold is not tuned on memorised rows.
    oof_probability: FloatArray

    def predict(self, X: FloatArray) -> FloatArray:
        return np.asarray(self.estimator.predict_proba(X)[:, 1], dtype=np.float64)


def model_fit(
    X: FloatArray,
    y: IntArray,
    *,
    kind: ModelKind = "boosting",
    method: Literal["sigmoid", "isotonic"] = "sigmoid",
    folds: int = 5,
    random_state: int = 0,
) -> FittedModel:
    """Fit `folds` models, each calibrated on the fold it did not see; predictions average them."""
    y = np.asarray(y, dtype=np.int_)
    minority = int(min(y.sum(), len(y) - y.sum()))
    if minority < 2:
        raise ValueError("need at least two learners of each outcome to train a model")
    folds = max(2, min(folds, minority))
    splits = list(
        StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state).split(X, y)
    )
    estimator = CalibratedClassifierCV(
        base_estimator(kind, n_rows=len(y), random_state=random_state),
        method=method,
        cv=splits,
        ensemble=True,
    )
    # One thread: the trees are small, and OpenMP threads that spin-wait on a busy machine (a
    # web server, a worker, CI) made a 3-second fit take 12.
    with threadpool_limits(limits=1, user_api="openmp"):
        estimator.fit(X, y)
    oof = np.zeros(len(y), dtype=np.float64)
    for calibrated, (_, held_out) in zip(estimator.calibrated_classifiers_, splits, strict=True):
        oof[held_out] = calibrated.predict_proba(X[held_out])[:, 1]
    return FittedModel(estimator=estimator, kind=kind, oof_probability=oof)
