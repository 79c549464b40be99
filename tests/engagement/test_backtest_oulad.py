"""The OULAD backtest on a tiny synthetic fixture: the cut-off rule, who is scored, the report."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from schoolwindow.cli import main
from schoolwindow.engagement.backtest.oulad import (
    Learner,
    OuladData,
    Submission,
    enrolled_on,
    oulad_features,
    oulad_load,
)
from schoolwindow.engagement.backtest.oulad_backtest import oulad_backtest, oulad_filter
from schoolwindow.engagement.backtest.split import oulad_split

FIXTURE = Path(__file__).parent / "fixtures" / "oulad-mini"
TRAIN = FIXTURE / "train"
TEST = FIXTURE / "test"
DAY_28 = ["--cutoff-day", "28"]


def after_cutoff_changed(data: OuladData, n: int) -> OuladData:
    """The same data with everything after day n changed (and every outcome flipped)."""
    learners: list[Learner] = []
    for learner in data.learners:
        unregistration = learner.date_unregistration
        if unregistration > n:  # leaving later: a different day, still after n
            unregistration = n + 1 + (unregistration * 7) % 50
        elif np.isnan(unregistration):
            unregistration = float(n + 30)  # someone who stayed now leaves after n
        learners.append(
            replace(
                learner,
                date_unregistration=unregistration,
                final_result="Pass" if learner.final_result != "Pass" else "Withdrawn",
            )
        )
    submissions: dict[tuple[str, str, int], list[Submission]] = {}
    future_assessment = max((a.id for a in data.assessments.values() if a.date > n), default=None)
    for key, items in data.submissions.items():
        kept = [s for s in items if s.date_submitted <= n]
        changed = [
            replace(s, date_submitted=s.date_submitted + 3, score=100.0 - s.score)
            for s in items
            if s.date_submitted > n
        ]
        extra = []
        if future_assessment is not None:
            extra.append(Submission(future_assessment, n + 2, False, 1.0))
        submissions[key] = kept + changed + extra
    clicks = None
    if data.clicks is not None:
        clicks = {
            key: {day: (count if day <= n else count * 5 + 1) for day, count in per_day.items()}
            | {n + 1: 99}
            for key, per_day in data.clicks.items()
        }
    return OuladData(learners, data.assessments, submissions, clicks, data.source)


@pytest.mark.parametrize("cutoff", [28, 56])
def test_nothing_after_the_cutoff_is_used(cutoff: int) -> None:
    data = oulad_load(TEST)
    assert data.clicks is not None
    before = oulad_features(data, cutoff)
    after = oulad_features(after_cutoff_changed(data, cutoff), cutoff)

    assert before.keys == after.keys
    assert before.names == after.names
    np.testing.assert_array_equal(before.X, after.X)  # NaN in the same places too
    for name in before.rules:
        np.testing.assert_array_equal(before.rules[name], after.rules[name])
    assert not np.array_equal(before.y, after.y)  # only the outcomes changed


def test_data_after_the_cutoff_does_change_a_later_cutoff() -> None:
    # The check above would pass for a feature builder that ignores everything: this one shows
    # the same changes are seen once the cut-off has passed them.
    data = oulad_load(TEST)
    changed = after_cutoff_changed(data, 28)
    assert not np.array_equal(
        oulad_features(data, 70).X, oulad_features(changed, 70).X, equal_nan=True
    )


def test_only_learners_still_enrolled_on_the_cutoff_are_scored() -> None:
    data = oulad_load(TEST)
    keys28 = {key[2] for key in oulad_features(data, 28).keys}
    keys56 = {key[2] for key in oulad_features(data, 56).keys}

    assert 900001 not in keys28  # unregistered on day 10
    assert 900002 not in keys28  # unregistered on day 28 itself
    assert 900003 in keys28  # unregistered on day 40: still there on day 28…
    assert 900003 not in keys56  # …but gone by day 56
    assert 900004 not in keys28  # registered on day 35
    assert 900004 in keys56
    for learner in data.learners:
        assert (learner.key[2] in keys28) == enrolled_on(learner, 28) or (learner.key[1] != "2013J")


def test_missing_late_and_banked_work_is_counted_from_the_deadlines() -> None:
    data = oulad_load(TEST)
    table = oulad_features(data, 28)
    row = table.keys.index(("XXA", "2013J", 900005))
    assert table.column("banked")[row] == 1
    assert table.column("due_count")[row] == 1  # XXA's first deadline is day 19
    due = table.column("due_count")
    handled = table.column("on_time") + table.column("late") + table.column("missing_due")
    np.testing.assert_array_equal(due, handled)
    np.testing.assert_array_equal(table.rules["missing_due"], table.column("missing_due") > 0)


def test_backtest_report_has_every_key() -> None:
    result = oulad_backtest(oulad_load(TRAIN), oulad_load(TEST), cutoff_day=28)

    for key in ("roc_auc", "precision", "recall", "flagged_fraction", "n_test", "rules"):
        assert key in result
    assert result["n_test"] == 120
    assert set(result["rules"]) >= {
        "missing_due",
        "low_score",
        "no_activity_14_days",
        "any_rule",
        "combined",
    }
    for metrics in result["rules"].values():
        assert set(metrics) >= {"precision", "recall", "flagged_fraction"}
    point = result["combined_at_rule_precision"]
    assert set(point) >= {"precision", "recall", "threshold", "rule_precision", "rule_recall"}
    assert result["combined_at_test_rule_precision"]["recall"] >= point["rule_recall"]
    assert result["roc_auc"] > 0.8  # the fixture's learners at risk are easy to tell apart
    assert result["model"]["clicks"] == "used"


def test_without_a_click_log_in_both_folders_clicks_are_not_used(tmp_path: Path) -> None:
    test = tmp_path / "test"
    shutil.copytree(TEST, test)
    (test / "studentVle.csv").unlink()
    result = oulad_backtest(oulad_load(TRAIN), oulad_load(test), cutoff_day=28)

    assert "no_activity_14_days" not in result["rules"]
    assert result["model"]["clicks"].startswith("not used")
    assert not any("click" in name for name in result["model"]["features"])


def test_cli_json_prints_one_object(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "backtest",
            "--format",
            "oulad",
            "--train",
            str(TRAIN),
            "--test",
            str(TEST),
            "--cutoff-day",
            "56",
            "--json",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    result = json.loads(out)  # exactly one JSON document, nothing else
    assert result["cutoff_day"] == 56
    assert result["n_test"] > 0


def test_cli_table(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["backtest", "--format", "oulad", "--train", str(TRAIN), "--test", str(TEST), *DAY_28]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "ROC-AUC" in out
    assert "missing_due" in out
    assert "combined" in out


def test_cli_says_what_is_wrong(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["backtest", "--format", "oulad", "--train", str(tmp_path), "--test", str(TEST), *DAY_28]
    )
    assert code == 2
    assert "missing studentInfo.csv" in capsys.readouterr().err
    code = main(["backtest", "--format", "oulad", "--train", str(TRAIN), "--test", str(TEST)])
    assert code == 2
    assert "--cutoff-day" in capsys.readouterr().err


def test_split_and_filter_agree(tmp_path: Path) -> None:
    both = tmp_path / "both"
    both.mkdir()
    for name in ("studentInfo.csv", "studentRegistration.csv", "assessments.csv", "courses.csv"):
        lines = (TRAIN / name).read_text().splitlines()
        lines += (TEST / name).read_text().splitlines()[1:]
        (both / name).write_text("\n".join(lines) + "\n")
    lines = (TRAIN / "studentAssessment.csv").read_text().splitlines()
    lines += (TEST / "studentAssessment.csv").read_text().splitlines()[1:]
    (both / "studentAssessment.csv").write_text("\n".join(lines) + "\n")

    oulad_split(both, tmp_path / "j", {"2013J"})
    from_split = oulad_features(oulad_load(tmp_path / "j"), 28)
    from_filter = oulad_features(oulad_filter(oulad_load(both), {"2013J"}), 28)
    assert from_split.keys == from_filter.keys
    np.testing.assert_array_equal(from_split.X, from_filter.X)
