"""The Open University Learning Analytics Dataset (OULAD) as a backtest of the early warning.

A folder holds the dataset's own CSVs (studentInfo, studentRegistration, assessments,
studentAssessment, optionally the full studentVle click log). For a cut-off day N (days from
the module start) `oulad_features` builds one row per learner who was still enrolled on day N,
using only what was known on or before day N:

- registration date; an unregistration only when it happened on or before N, and such learners are
  not scored at all (they had already left);
- assessments whose deadline is on or before N: handed in on time, late (after the deadline but by
  N), or missing (deadline passed, nothing handed in by N); scores and banked flags of work handed
  in by N; work handed in early for later deadlines;
- clicks on or before N, only when a full ``studentVle.csv`` is in the folder;
- demographics, previous attempts and studied credits (known at registration).

The label is ``final_result`` in {Withdrawn, Fail}: it is never a feature.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

NAN = math.nan
AT_RISK_RESULTS = frozenset({"Withdrawn", "Fail"})
CLICK_FILE = "studentVle.csv"
REQUIRED_FILES = (
    "studentInfo.csv",
    "studentRegistration.csv",
    "assessments.csv",
    "studentAssessment.csv",
)
PASS_MARK = 40.0

EDUCATION = {
    "No Formal quals": 0.0,
    "Lower Than A Level": 1.0,
    "A Level or Equivalent": 2.0,
    "HE Qualification": 3.0,
    "Post Graduate Qualification": 4.0,
}
AGE = {"0-35": 0.0, "35-55": 1.0, "55<=": 2.0}

# (module, presentation, student)
LearnerKey = tuple[str, str, int]
# (module, presentation)
Presentation = tuple[str, str]


class OuladFormatError(ValueError):
    """A file is missing or a row cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Learner:
    key: LearnerKey
    gender: str
    region: str
    highest_education: str
    imd_band: str
    age_band: str
    num_of_prev_attempts: int
    studied_credits: int
    disability: str
    final_result: str
    date_registration: float  # NaN when unknown
    date_unregistration: float  # NaN when the learner never left


@dataclass(frozen=True)
class Assessment:
    id: int
    presentation: Presentation
    kind: str  # TMA, CMA, Exam
    date: float  # deadline in days from the start; NaN when not published (some exams)
    weight: float


@dataclass(frozen=True)
class Submission:
    assessment_id: int
    date_submitted: int
    is_banked: bool
    score: float  # NaN when not marked


@dataclass
class OuladData:
    learners: list[Learner]
    assessments: dict[int, Assessment]
    submissions: dict[LearnerKey, list[Submission]]
    # Per learner, clicks summed per day; None when the folder has no full click log.
    clicks: dict[LearnerKey, dict[int, int]] | None = None
    source: str = ""


@dataclass
class FeatureTable:
    """One row per learner scored at the cut-off."""

    keys: list[LearnerKey]
    names: list[str]
    X: npt.NDArray[np.float64]
    y: npt.NDArray[np.int_]
    # The explainable rules, each a boolean per row.
    rules: dict[str, npt.NDArray[np.bool_]] = field(default_factory=dict)
    uses_clicks: bool = False

    def column(self, name: str) -> npt.NDArray[np.float64]:
        return self.X[:, self.names.index(name)]


# --- Reading -----------------------------------------------------------------------------------


def _number(value: str) -> float:
    value = value.strip()
    if value in {"", "?"}:
        return NAN
    return float(value)


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    if not path.exists():
        raise OuladFormatError(f"{path}: file not found")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [name.strip() for name in next(reader, [])]
        missing = [name for name in columns if name not in header]
        if missing:
            raise OuladFormatError(f"{path.name}: missing column(s) {', '.join(missing)}")
        index = [header.index(name) for name in columns]
        for line, row in enumerate(reader, start=2):
            if not row:
                continue
            try:
                yield line, {name: row[i] for name, i in zip(columns, index, strict=True)}
            except IndexError:
                raise OuladFormatError(f"{path.name} line {line}: too few fields") from None


def oulad_load(folder: Path | str, *, max_day: int | None = None, clicks: bool = True) -> OuladData:
    """Read an OULAD folder. With `max_day`, click rows after that day are not even kept."""
    folder = Path(folder)
    registration: dict[LearnerKey, tuple[float, float]] = {}
    path = folder / "studentRegistration.csv"
    cols = ("code_module", "code_presentation", "id_student", "date_registration")
    for line, row in _rows(path, (*cols, "date_unregistration")):
        try:
            key = (row["code_module"], row["code_presentation"], int(row["id_student"]))
            registration[key] = (
                _number(row["date_registration"]),
                _number(row["date_unregistration"]),
            )
        except ValueError as error:
            raise OuladFormatError(f"{path.name} line {line}: {error}") from None

    learners: list[Learner] = []
    path = folder / "studentInfo.csv"
    info_cols = (
        "code_module",
        "code_presentation",
        "id_student",
        "gender",
        "region",
        "highest_education",
        "imd_band",
        "age_band",
        "num_of_prev_attempts",
        "studied_credits",
        "disability",
        "final_result",
    )
    for line, row in _rows(path, info_cols):
        try:
            key = (row["code_module"], row["code_presentation"], int(row["id_student"]))
            reg, unreg = registration.get(key, (NAN, NAN))
            learners.append(
                Learner(
                    key=key,
                    gender=row["gender"],
                    region=row["region"],
                    highest_education=row["highest_education"],
                    imd_band=row["imd_band"],
                    age_band=row["age_band"],
                    num_of_prev_attempts=int(row["num_of_prev_attempts"]),
                    studied_credits=int(row["studied_credits"]),
                    disability=row["disability"],
                    final_result=row["final_result"],
                    date_registration=reg,
                    date_unregistration=unreg,
                )
            )
        except ValueError as error:
            raise OuladFormatError(f"{path.name} line {line}: {error}") from None

    assessments: dict[int, Assessment] = {}
    path = folder / "assessments.csv"
    a_cols = ("code_module", "code_presentation", "id_assessment", "assessment_type", "date")
    for line, row in _rows(path, (*a_cols, "weight")):
        try:
            assessment = Assessment(
                id=int(row["id_assessment"]),
                presentation=(row["code_module"], row["code_presentation"]),
                kind=row["assessment_type"],
                date=_number(row["date"]),
                weight=_number(row["weight"]),
            )
        except ValueError as error:
            raise OuladFormatError(f"{path.name} line {line}: {error}") from None
        assessments[assessment.id] = assessment

    submissions: dict[LearnerKey, list[Submission]] = defaultdict(list)
    path = folder / "studentAssessment.csv"
    s_cols = ("id_assessment", "id_student", "date_submitted", "is_banked", "score")
    for line, row in _rows(path, s_cols):
        try:
            assessment_id = int(row["id_assessment"])
            found = assessments.get(assessment_id)
            if found is None:
                raise ValueError(f"unknown id_assessment {assessment_id}")
            module, presentation = found.presentation
            submissions[(module, presentation, int(row["id_student"]))].append(
                Submission(
                    assessment_id=assessment_id,
                    date_submitted=int(row["date_submitted"]),
                    is_banked=row["is_banked"].strip() == "1",
                    score=_number(row["score"]),
                )
            )
        except ValueError as error:
            raise OuladFormatError(f"{path.name} line {line}: {error}") from None

    data = OuladData(
        learners=learners,
        assessments=assessments,
        submissions=dict(submissions),
        source=str(folder),
    )
    if clicks and (folder / CLICK_FILE).exists():
        data.clicks = _load_clicks(folder / CLICK_FILE, max_day=max_day)
    return data


def _load_clicks(path: Path, *, max_day: int | None) -> dict[LearnerKey, dict[int, int]]:
    """Sum the click log per learner and day (10 million rows: a plain csv loop, ~20 s)."""
    clicks: dict[LearnerKey, dict[int, int]] = defaultdict(dict)
    limit = max_day if max_day is not None else 10**9
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [name.strip() for name in next(reader, [])]
        try:
            m, p, s, d, c = (
                header.index(name)
                for name in (
                    "code_module",
                    "code_presentation",
                    "id_student",
                    "date",
                    "sum_click",
                )
            )
        except ValueError:
            raise OuladFormatError(f"{path.name}: missing a column") from None
        for line, row in enumerate(reader, start=2):
            try:
                day = int(row[d])
                if day > limit:
                    continue
                per_day = clicks[(row[m], row[p], int(row[s]))]
                per_day[day] = per_day.get(day, 0) + int(row[c])
            except (ValueError, IndexError):
                raise OuladFormatError(f"{path.name} line {line}: cannot read the row") from None
    return dict(clicks)


# --- Features at the cut-off ---------------------------------------------------------------------


def registered_by(learner: Learner, cutoff_day: int) -> bool:
    return math.isnan(learner.date_registration) or learner.date_registration <= cutoff_day


def enrolled_on(learner: Learner, cutoff_day: int) -> bool:
    """Still on the module on day N: registered by then and not unregistered on or before N."""
    if not math.isnan(learner.date_registration) and learner.date_registration > cutoff_day:
        return False
    return math.isnan(learner.date_unregistration) or learner.date_unregistration > cutoff_day


BASE_FEATURES = [
    "gender_male",
    "disability",
    "highest_education",
    "imd_band",
    "age_band",
    "num_of_prev_attempts",
    "studied_credits",
    "date_registration",
    "registration_vs_cohort",
    "due_count",
    "due_weight",
    "on_time",
    "late",
    "missing_due",
    "missing_due_fraction",
    "missing_due_weight",
    "missing_due_cohort_rate",
    "submitted_count",
    "submitted_vs_cohort",
    "submitted_early",
    "banked",
    "low_scores",
    "score_vs_cohort",
    "min_score_vs_cohort",
    "days_early_vs_cohort",
    "days_since_submission_vs_cohort",
    "days_to_next_deadline",
    "cohort_left_rate",
]
# Submission features are compared with the cohort, never used raw: "no score yet" means
# "handed nothing in" on a module with an early deadline and "nothing was due" on one without,
# and a model trained on one kind of module must not read the second as the first.
CLICK_FEATURES = [
    "log_clicks",
    "log_clicks_last_14_days",
    "active_days",
    "active_days_last_14_days",
    "days_since_last_click",
    "clicks_before_start",
    "clicks_vs_cohort",
    "active_days_vs_cohort",
]


def _imd(value: str) -> float:
    value = value.strip()
    if not value or value == "?":
        return NAN
    return float(value.split("-")[0]) / 10.0


def _learner_row(
    learner: Learner,
    data: OuladData,
    cutoff_day: int,
    due: list[Assessment],
    next_deadline: float,
) -> dict[str, float]:
    """The features of one learner from what was known on day N, before cohort comparison."""
    n = cutoff_day
    known = [s for s in data.submissions.get(learner.key, []) if s.date_submitted <= n]
    by_assessment = {s.assessment_id: s for s in known}
    on_time = late = missing = 0
    missing_weight = 0.0
    for assessment in due:
        submission = by_assessment.get(assessment.id)
        if submission is None:
            missing += 1
            missing_weight += 0.0 if math.isnan(assessment.weight) else assessment.weight
        elif submission.date_submitted <= assessment.date:
            on_time += 1
        else:
            late += 1
    due_ids = {a.id for a in due}
    # Scores and timing only of work that was due by N: work handed in early for a later
    # deadline is counted (submitted_early) but not compared, or a module whose first deadline
    # is still ahead would make every learner who has not (yet) handed in early look absent.
    due_work = [s for s in known if s.assessment_id in due_ids]
    scores = [s.score for s in due_work if not math.isnan(s.score)]
    early: list[float] = []
    for s in due_work:
        deadline = data.assessments[s.assessment_id].date
        if not s.is_banked:
            early.append(deadline - s.date_submitted)
    unbanked_dates = [s.date_submitted for s in due_work if not s.is_banked]
    return {
        "gender_male": 1.0 if learner.gender == "M" else 0.0,
        "disability": 1.0 if learner.disability == "Y" else 0.0,
        "highest_education": EDUCATION.get(learner.highest_education, NAN),
        "imd_band": _imd(learner.imd_band),
        "age_band": AGE.get(learner.age_band, NAN),
        "num_of_prev_attempts": float(learner.num_of_prev_attempts),
        "studied_credits": float(learner.studied_credits),
        "date_registration": learner.date_registration,
        "due_count": float(len(due)),
        "due_weight": float(sum(0.0 if math.isnan(a.weight) else a.weight for a in due)),
        "on_time": float(on_time),
        "late": float(late),
        "missing_due": float(missing),
        "missing_due_fraction": missing / len(due) if due else 0.0,
        "missing_due_weight": missing_weight,
        "submitted_count": float(len(due_work)),
        "submitted_early": float(sum(1 for s in known if s.assessment_id not in due_ids)),
        "banked": float(sum(1 for s in known if s.is_banked)),
        "mean_score": float(np.mean(scores)) if scores else NAN,
        "min_score": float(min(scores)) if scores else NAN,
        "low_scores": float(sum(1 for s in known if s.score < PASS_MARK)),
        "mean_days_early": float(np.mean(early)) if early else NAN,
        "days_since_last_submission": float(n - max(unbanked_dates)) if unbanked_dates else NAN,
        "days_to_next_deadline": next_deadline - n if not math.isnan(next_deadline) else NAN,
    }


def _click_row(per_day: dict[int, int], cutoff_day: int) -> dict[str, float]:
    days = {day: count for day, count in per_day.items() if day <= cutoff_day}
    recent = {day: count for day, count in days.items() if day > cutoff_day - 14}
    total = sum(days.values())
    return {
        "log_clicks": math.log1p(total),
        "log_clicks_last_14_days": math.log1p(sum(recent.values())),
        "active_days": float(sum(1 for day in days if day >= 0)),
        "active_days_last_14_days": float(len(recent)),
        "days_since_last_click": float(cutoff_day - max(days)) if days else NAN,
        "clicks_before_start": math.log1p(sum(c for day, c in days.items() if day < 0)),
    }


def oulad_features(
    data: OuladData, cutoff_day: int, *, use_clicks: bool | None = None
) -> FeatureTable:
    """One row per learner still enrolled on day `cutoff_day`, from what was known by then.

    `use_clicks` defaults to whether the data has a click log; the training and test tables must
    agree, so the backtest passes it explicitly.
    """
    n = cutoff_day
    with_clicks = data.clicks is not None if use_clicks is None else use_clicks
    if with_clicks and data.clicks is None:
        raise OuladFormatError(f"{data.source}: no {CLICK_FILE}, cannot use clicks")
    names = BASE_FEATURES + (CLICK_FEATURES if with_clicks else [])

    by_presentation: dict[Presentation, list[Assessment]] = defaultdict(list)
    for assessment in data.assessments.values():
        by_presentation[assessment.presentation].append(assessment)

    cohorts: dict[Presentation, list[Learner]] = defaultdict(list)
    registered: dict[Presentation, int] = defaultdict(int)
    for learner in data.learners:
        presentation: Presentation = (learner.key[0], learner.key[1])
        if registered_by(learner, n):
            registered[presentation] += 1
        if enrolled_on(learner, n):
            cohorts[presentation].append(learner)

    keys: list[LearnerKey] = []
    rows: list[list[float]] = []
    labels: list[int] = []
    for presentation in sorted(cohorts):
        members = cohorts[presentation]
        dated = [a for a in by_presentation.get(presentation, []) if not math.isnan(a.date)]
        due = [a for a in dated if a.date <= n]
        upcoming = [a.date for a in dated if a.date > n]
        next_deadline = min(upcoming) if upcoming else NAN
        features = [_learner_row(learner, data, n, due, next_deadline) for learner in members]
        if with_clicks:
            assert data.clicks is not None
            for learner, row in zip(members, features, strict=True):
                row.update(_click_row(data.clicks.get(learner.key, {}), n))
        left_rate = 1.0 - len(members) / registered[presentation]
        _add_cohort_features(features, with_clicks, left_rate=left_rate)
        for learner, row in zip(members, features, strict=True):
            keys.append(learner.key)
            rows.append([row[name] for name in names])
            labels.append(1 if learner.final_result in AT_RISK_RESULTS else 0)

    X = np.array(rows, dtype=np.float64).reshape(len(rows), len(names))
    table = FeatureTable(
        keys=keys,
        names=names,
        X=X,
        y=np.array(labels, dtype=np.int_),
        uses_clicks=with_clicks,
    )
    table.rules = oulad_rules(table)
    return table


def _add_cohort_features(
    rows: list[dict[str, float]], with_clicks: bool, *, left_rate: float
) -> None:
    """Compare each learner with the others on the same module presentation on the same day.

    A difference is 0 when nobody in the cohort has a value yet (nothing to compare with), and
    NaN when others have one and this learner has not.
    """
    if not rows:
        return

    def versus(name: str, target: str) -> None:
        values = [row[name] for row in rows if not math.isnan(row[name])]
        centre = float(np.mean(values)) if values else NAN
        for row in rows:
            row[target] = 0.0 if not values else row[name] - centre

    versus("mean_score", "score_vs_cohort")
    versus("min_score", "min_score_vs_cohort")
    versus("mean_days_early", "days_early_vs_cohort")
    versus("days_since_last_submission", "days_since_submission_vs_cohort")
    versus("date_registration", "registration_vs_cohort")
    versus("submitted_count", "submitted_vs_cohort")
    missing_rate = float(np.mean([row["missing_due"] > 0 for row in rows]))
    for row in rows:
        row["cohort_left_rate"] = left_rate
        row["missing_due_cohort_rate"] = missing_rate
    if with_clicks:
        clicks_median = float(np.median([row["log_clicks"] for row in rows]))
        days_median = float(np.median([row["active_days"] for row in rows]))
        for row in rows:
            row["clicks_vs_cohort"] = row["log_clicks"] - clicks_median
            row["active_days_vs_cohort"] = row["active_days"] - days_median


# --- The explainable rules ------------------------------------------------------------------------


def oulad_rules(table: FeatureTable) -> dict[str, npt.NDArray[np.bool_]]:
    """The rules a tutor could apply by hand on day N, as flags per learner."""
    rules: dict[str, npt.NDArray[np.bool_]] = {
        "missing_due": table.column("missing_due") > 0,
        "low_score": table.column("low_scores") > 0,
    }
    if table.uses_clicks:
        rules["no_activity_14_days"] = table.column("active_days_last_14_days") == 0
    any_rule = np.zeros(len(table.keys), dtype=bool)
    for flags in rules.values():
        any_rule |= flags
    rules["any_rule"] = any_rule
    return rules
