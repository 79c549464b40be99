"""The backtest on a school's own history (`schoolwindow backtest --format school`)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from schoolwindow.cli import main
from schoolwindow.engagement.backtest.school import school_backtest
from tests.engagement.test_risk import AUTUMN, SPRING, History, school_history


@pytest.fixture
def history(db: None) -> History:
    return school_history()


def test_backtest_on_last_terms(history: History) -> None:
    result = school_backtest(
        school_id=history.school.pk,
        train_from=AUTUMN[0],
        train_to=AUTUMN[1],
        test_from=SPRING[0],
        test_to=SPRING[1],
    )

    for key in ("roc_auc", "precision", "recall", "flagged_fraction", "n_test", "rules"):
        assert key in result
    assert result["n_test"] > 200
    assert result["test_cutoffs"] >= 5
    assert result["roc_auc"] > 0.8
    assert {"attendance", "no_online", "homework_missing", "any_rule", "combined"} <= set(
        result["rules"]
    )
    assert "risk" not in result["rules"]  # the score is judged beside the rules, not as one
    for metrics in result["rules"].values():
        assert set(metrics) == {"precision", "recall", "flagged_fraction"}
    combined, any_rule = result["rules"]["combined"], result["rules"]["any_rule"]
    assert combined["recall"] >= any_rule["recall"]


def test_ranges_must_not_overlap(history: History) -> None:
    with pytest.raises(ValueError, match="must start after the training range ends"):
        school_backtest(
            school_id=history.school.pk,
            train_from=AUTUMN[0],
            train_to=SPRING[0],
            test_from=dt.date(2025, 1, 1),
            test_to=SPRING[1],
        )


def test_cli(history: History, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["backtest", "--format", "school", "--school", history.school.urn]
    args += ["--train-from", AUTUMN[0].isoformat(), "--train-to", AUTUMN[1].isoformat()]
    args += ["--test-from", SPRING[0].isoformat(), "--test-to", SPRING[1].isoformat()]

    assert main([*args, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["school"] == history.school.urn
    assert result["format"] == "school"

    assert main(args) == 0
    out = capsys.readouterr().out
    assert "ROC-AUC" in out and "any_rule" in out

    assert main([*args[:5], "--train-from", "2024-13-01"]) == 2
    assert "--train-from" in capsys.readouterr().err
    assert main(["backtest", "--format", "school", "--school", "000000"]) == 2
    assert "no school with that URN" in capsys.readouterr().err
