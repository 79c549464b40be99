"""The OULAD backtest on the real 2013 presentations (../shared/data/oulad-2013).

Trains on one presentation, tests on the other, at days 28 and 56. The floors are a little under
what was measured (docs/backtest.md): a regression shows up, a tiny change of sklearn does not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from schoolwindow.engagement.backtest.oulad import OuladData, oulad_load
from schoolwindow.engagement.backtest.oulad_backtest import oulad_backtest, oulad_filter

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "oulad-2013"

pytestmark = pytest.mark.skipif(
    not (DATA / "studentInfo.csv").exists(),
    reason=f"real OULAD data not found at {DATA} (a clone without ../shared)",
)

# (train, test, day): the measured ROC-AUC minus about 0.02
FLOORS = {
    ("2013B", "2013J", 28): 0.72,
    ("2013J", "2013B", 28): 0.77,
    ("2013B", "2013J", 56): 0.79,
    ("2013J", "2013B", 56): 0.81,
}


@pytest.fixture(scope="module")
def data() -> OuladData:
    return oulad_load(DATA)


@pytest.mark.parametrize(("train", "test", "day"), list(FLOORS))
def test_real_2013(data: OuladData, train: str, test: str, day: int) -> None:
    result = oulad_backtest(oulad_filter(data, {train}), oulad_filter(data, {test}), cutoff_day=day)

    assert result["roc_auc"] >= FLOORS[(train, test, day)]
    point = result["combined_at_test_rule_precision"]
    # At the precision of "has not handed in work already due", the combined flags catch more.
    assert point["precision"] >= point["rule_precision"]
    assert point["recall"] > point["rule_recall"]
    assert point["higher_recall_than_rule"] is True
    assert result["model"]["clicks"].startswith("not used")  # only a 5,000-row sample here
