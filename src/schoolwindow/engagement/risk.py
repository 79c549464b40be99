"""The learned risk score: trained on a school's own history, calibrated, always with reasons.

    risk_model_train(*, school_id, train_from, train_to) -> RiskModel
    risk_scores(*, school_id, on_date, pupil_ids=None) -> dict[pupil_id, RiskScore]

What it learns. At a cut-off date (a morning), each pupil is described by the daily facts of the
school days *before* it (`school_features`, the one feature function shared with the school
backtest): attendance, unauthorised and authorised absence, online days and school days since the
last online activity, homework missing and late, messages to home unread, over the last 4 school
weeks (20 school days) and the pupil's own usual over the 8 school weeks (40 days) before those.
The label (`went_quiet`) looks at the 4 school weeks from the cut-off on: the pupil "went quiet"
if in those 20 school days

- attendance was below 90 % (of at least 10 possible sessions), or
- 3 or more pieces of homework were missing, or
- they had been online in the 12 weeks before and then went 10 school days in a row without any
  online activity (days away with permission for every session do not count).

Training takes a cut-off every school week in the training range whose label weeks end inside
the range. Pupil characteristics (disadvantage, SEND, EAL…) are deliberately not features: the
score is about what a pupil does, not who they are.

`risk_scores` returns {} when the school has no trained model or too little history before the
date: the rules work without it.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import math
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import joblib
import numpy as np
import numpy.typing as npt
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy
from django_tasks import task

from schoolwindow.engagement.backtest.metrics import roc_auc
from schoolwindow.engagement.backtest.model import ModelKind, model_fit
from schoolwindow.engagement.models import FACT_FIELDS, PupilDay, RiskModel
from schoolwindow.people.models import Pupil, PupilStatus
from schoolwindow.schools.calendar import school_days
from schoolwindow.schools.models import School

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

RECENT_DAYS = 20  # school days: 4 school weeks
BASELINE_DAYS = 40  # school days before those: the pupil's usual
LABEL_DAYS = 20  # school days from the cut-off on
STEP_DAYS = 5  # a training cut-off every school week
MIN_HISTORY_DAYS = 10  # school days of facts before a date, or no score
QUIET_ATTENDANCE = 0.90
QUIET_MIN_SESSIONS = 10
QUIET_HOMEWORK = 3
QUIET_ONLINE_DAYS = 10
LOOKBACK = dt.timedelta(days=200)  # calendar days that surely hold 60 school days
PAYLOAD_VERSION = 1
TOP_REASONS = 3


FEATURES = [
    "attendance_recent",
    "attendance_usual",
    "attendance_change",
    "unauthorised_recent",
    "authorised_recent",
    "online_days_a_week_recent",
    "online_days_a_week_usual",
    "online_change",
    "school_days_since_online",
    "homework_missing_recent",
    "homework_missing_share_recent",
    "homework_late_recent",
    "homework_missing_share_usual",
    "messages_unread_recent",
    "messages_unanswered_recent",
]

# Features explained together, as one plain-language reason.
REASON_GROUPS: dict[str, tuple[str, ...]] = {
    "attendance": ("attendance_recent", "attendance_usual", "attendance_change"),
    "unauthorised": ("unauthorised_recent",),
    "authorised": ("authorised_recent",),
    "online": (
        "online_days_a_week_recent",
        "online_days_a_week_usual",
        "online_change",
        "school_days_since_online",
    ),
    "homework_missing": (
        "homework_missing_recent",
        "homework_missing_share_recent",
        "homework_missing_share_usual",
    ),
    "homework_late": ("homework_late_recent",),
    "messages": ("messages_unread_recent", "messages_unanswered_recent"),
}


class RiskTrainingError(ValueError):
    """Not enough history (or not enough of both outcomes) to train a model."""


@dataclass(frozen=True)
class RiskScore:
    probability: float  # calibrated, 0 to 1
    top_reasons: list[str]  # plain words with the pupil's own figures, most important first


# --- Daily facts as a grid ------------------------------------------------------------------------


@dataclass
class FactGrid:
    """PupilDay facts of one school as arrays: field x pupil x school day (zero when no row)."""

    school_id: int
    days: list[dt.date]
    pupil_ids: list[int]
    values: npt.NDArray[np.int32]
    has_row: npt.NDArray[np.bool_]  # pupil x day: a PupilDay row exists (on roll, facts known)

    def get(self, name: str) -> npt.NDArray[np.int32]:
        row: npt.NDArray[np.int32] = self.values[FACT_FIELDS.index(name)]
        return row

    def index_of(self, on_date: dt.date) -> int:
        """How many grid days fall before `on_date`."""
        return int(
            np.searchsorted(np.array(self.days, dtype="datetime64[D]"), np.datetime64(on_date))
        )


def school_day_list(*, school_id: int, start: dt.date, end: dt.date) -> list[dt.date]:
    """The school's calendar days; the dates that have facts when there is no calendar."""
    days = school_days(school_id=school_id, start=start, end=end)
    if days:
        return days
    return sorted(
        set(
            PupilDay.objects.filter(school_id=school_id, date__range=(start, end))
            .values_list("date", flat=True)
            .distinct()
        )
    )


def fact_grid(
    *,
    school_id: int,
    start: dt.date,
    end: dt.date,
    pupil_ids: Iterable[int] | None = None,
) -> FactGrid:
    """Load the facts of school days start..end (inclusive) in one query."""
    days = school_day_list(school_id=school_id, start=start, end=end)
    rows = PupilDay.objects.filter(school_id=school_id, date__range=(start, end))
    wanted = None if pupil_ids is None else set(pupil_ids)
    if wanted is not None and len(wanted) < 500:
        rows = rows.filter(pupil_id__in=wanted)
    records = list(rows.values_list("pupil_id", "date", *FACT_FIELDS).iterator(chunk_size=10000))
    pupils = sorted({r[0] for r in records if wanted is None or r[0] in wanted})
    if wanted is not None:
        pupils = sorted(set(pupils) | wanted)
    pupil_index = {pid: n for n, pid in enumerate(pupils)}
    day_index = {day: n for n, day in enumerate(days)}
    values = np.zeros((len(FACT_FIELDS), len(pupils), len(days)), dtype=np.int32)
    has_row = np.zeros((len(pupils), len(days)), dtype=bool)
    for pupil_id, date, *facts in records:
        p = pupil_index.get(pupil_id)
        d = day_index.get(date)
        if p is None or d is None:
            continue
        values[:, p, d] = facts
        has_row[p, d] = True
    return FactGrid(school_id, days, pupils, values, has_row)


# --- Features and label (shared with the school backtest) ---------------------------------------


@dataclass
class SchoolFeatures:
    pupil_ids: list[int]
    names: list[str]
    X: FloatArray
    # Figures for the reasons that are not features themselves (e.g. possible sessions).
    extra: dict[str, FloatArray] = field(default_factory=dict)


def _rate(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / np.maximum(denominator, 1), np.nan)


def school_features(grid: FactGrid, on_date: dt.date) -> SchoolFeatures:
    """Each pupil's features as known on the morning of `on_date` (facts of earlier days only).

    Pupils are scored when they have facts in the last 4 school weeks; nobody is scored when
    fewer than MIN_HISTORY_DAYS school days of facts lie before the date.
    """
    end = grid.index_of(on_date)
    empty = SchoolFeatures([], list(FEATURES), np.zeros((0, len(FEATURES))))
    if end < MIN_HISTORY_DAYS:
        return empty
    recent = slice(max(0, end - RECENT_DAYS), end)
    usual = slice(max(0, end - RECENT_DAYS - BASELINE_DAYS), max(0, end - RECENT_DAYS))
    on_roll = grid.has_row[:, recent].any(axis=1)
    if not on_roll.any():
        return empty
    rows = np.flatnonzero(on_roll)

    def total(name: str, window: slice) -> FloatArray:
        summed: FloatArray = grid.get(name)[rows, window].sum(axis=1).astype(np.float64)
        return summed

    possible = grid.get("sessions_possible")[rows]
    authorised = grid.get("sessions_authorised")[rows]
    excused = (possible > 0) & (authorised >= possible)
    expected = grid.has_row[rows] & ~excused  # days on which silence means something
    online = (
        grid.get("logins")[rows] + grid.get("lessons")[rows] + grid.get("activities")[rows]
    ) > 0

    def days_a_week(window: slice) -> FloatArray:
        active = (online[:, window] & expected[:, window]).sum(axis=1).astype(np.float64)
        return 5.0 * _rate(active, expected[:, window].sum(axis=1).astype(np.float64))

    attendance_recent = 100.0 * _rate(
        total("sessions_present", recent), total("sessions_possible", recent)
    )
    attendance_usual = 100.0 * _rate(
        total("sessions_present", usual), total("sessions_possible", usual)
    )
    online_recent = days_a_week(recent)
    online_usual = days_a_week(usual)

    # School days (expected ones) since the last online day, within the 60 days looked at.
    window = slice(max(0, end - RECENT_DAYS - BASELINE_DAYS), end)
    since = np.zeros(len(rows), dtype=np.float64)
    ever_online = online[:, window].any(axis=1)
    for n in range(len(rows)):
        count = 0
        for d in range(window.stop - 1, window.start - 1, -1):
            if online[n, d]:
                break
            if expected[n, d]:
                count += 1
        since[n] = count
    due_recent = total("homework_due", recent)
    missing_recent = total("homework_missing", recent)
    sent = total("messages_sent", recent)
    X = np.column_stack(
        [
            attendance_recent,
            attendance_usual,
            attendance_recent - attendance_usual,
            total("sessions_unauthorised", recent),
            total("sessions_authorised", recent),
            online_recent,
            online_usual,
            online_recent - online_usual,
            since,
            missing_recent,
            np.nan_to_num(_rate(missing_recent, due_recent), nan=0.0),
            total("homework_late", recent),
            _rate(total("homework_missing", usual), total("homework_due", usual)),
            np.maximum(sent - total("messages_read", recent), 0.0),
            np.maximum(sent - total("messages_answered", recent), 0.0),
        ]
    ).astype(np.float64)
    extra: dict[str, FloatArray] = {
        "sessions_possible_recent": total("sessions_possible", recent),
        "sessions_present_recent": total("sessions_present", recent),
        "homework_due_recent": due_recent,
        "messages_sent_recent": sent,
        "ever_online": np.asarray(ever_online, dtype=np.float64),
        "days_looked_at": np.full(len(rows), float(window.stop - window.start), dtype=np.float64),
    }
    return SchoolFeatures([grid.pupil_ids[r] for r in rows], list(FEATURES), X, extra)


def went_quiet(grid: FactGrid, on_date: dt.date, pupil_ids: Sequence[int]) -> dict[int, bool]:
    """The label: did each pupil go quiet in the LABEL_DAYS school days from `on_date` on?

    Only pupils with facts in those days get a label (the others had left); none at all when the
    grid does not reach LABEL_DAYS school days past the date.
    """
    start = grid.index_of(on_date)
    stop = start + LABEL_DAYS
    if stop > len(grid.days):
        return {}
    index = {pid: n for n, pid in enumerate(grid.pupil_ids)}
    history = slice(max(0, start - RECENT_DAYS - BASELINE_DAYS), start)
    out: dict[int, bool] = {}
    for pupil_id in pupil_ids:
        p = index[pupil_id]
        days = slice(start, stop)
        if not grid.has_row[p, days].any():
            continue
        possible = int(grid.get("sessions_possible")[p, days].sum())
        present = int(grid.get("sessions_present")[p, days].sum())
        if possible >= QUIET_MIN_SESSIONS and present < QUIET_ATTENDANCE * possible:
            out[pupil_id] = True
            continue
        if int(grid.get("homework_missing")[p, days].sum()) >= QUIET_HOMEWORK:
            out[pupil_id] = True
            continue
        online = (grid.get("logins")[p] + grid.get("lessons")[p] + grid.get("activities")[p]) > 0
        quiet = False
        if online[history].any():
            run = 0
            day_possible = grid.get("sessions_possible")[p]
            day_authorised = grid.get("sessions_authorised")[p]
            for d in range(start, stop):
                if online[d]:
                    run = 0
                elif grid.has_row[p, d] and not (
                    day_possible[d] > 0 and day_authorised[d] >= day_possible[d]
                ):
                    run += 1
                    if run >= QUIET_ONLINE_DAYS:
                        quiet = True
                        break
        out[pupil_id] = quiet
    return out


@dataclass
class TrainingTable:
    X: FloatArray
    y: npt.NDArray[np.int_]
    pupil_ids: list[int]
    dates: list[dt.date]  # the cut-off of each row
    cutoffs: list[dt.date]


def cutoff_dates(grid: FactGrid, start: dt.date, end: dt.date) -> list[dt.date]:
    """A cut-off every school week from `start` whose label weeks end on or before `end`."""
    first = max(grid.index_of(start), MIN_HISTORY_DAYS)
    last = grid.index_of(end + dt.timedelta(days=1)) - LABEL_DAYS  # label days all ≤ end
    return [grid.days[i] for i in range(first, last + 1, STEP_DAYS)]


def training_table(grid: FactGrid, start: dt.date, end: dt.date) -> TrainingTable:
    """One row per pupil per weekly cut-off in start..end, with the went-quiet label."""
    blocks: list[FloatArray] = []
    labels: list[int] = []
    pupils: list[int] = []
    dates: list[dt.date] = []
    cutoffs = cutoff_dates(grid, start, end)
    for cutoff in cutoffs:
        features = school_features(grid, cutoff)
        label = went_quiet(grid, cutoff, features.pupil_ids)
        keep = [n for n, pid in enumerate(features.pupil_ids) if pid in label]
        if not keep:
            continue
        blocks.append(features.X[keep])
        for n in keep:
            pid = features.pupil_ids[n]
            pupils.append(pid)
            labels.append(int(label[pid]))
            dates.append(cutoff)
    X = np.vstack(blocks) if blocks else np.zeros((0, len(FEATURES)))
    return TrainingTable(X, np.array(labels, dtype=np.int_), pupils, dates, cutoffs)


# --- Training and scoring -------------------------------------------------------------------------


def risk_model_train(
    *,
    school_id: int,
    train_from: dt.date,
    train_to: dt.date,
    kind: ModelKind = "logistic",
) -> RiskModel:
    """Train on the school's facts between the dates; becomes the school's active model."""
    if train_to <= train_from:
        raise RiskTrainingError("train_to must be after train_from")
    grid = fact_grid(school_id=school_id, start=train_from - LOOKBACK, end=train_to)
    table = training_table(grid, train_from, train_to)
    positives = int(table.y.sum())
    if len(table.cutoffs) < 2 or positives < 10 or len(table.y) - positives < 10:
        raise RiskTrainingError(
            f"too little history to train: {len(table.cutoffs)} weekly cut-offs, "
            f"{positives} pupils who went quiet and {len(table.y) - positives} who did not "
            "(at least 2 cut-offs and 10 of each are needed: about 6 school weeks of facts)"
        )
    fitted = model_fit(table.X, table.y, kind=kind)
    with warnings.catch_warnings():  # a feature nobody has a value for: median 0
        warnings.simplefilter("ignore", RuntimeWarning)
        medians = np.nan_to_num(np.nanmedian(table.X, axis=0))
    payload = {
        "version": PAYLOAD_VERSION,
        "kind": kind,
        "estimator": fitted.estimator,
        "feature_names": list(FEATURES),
        "medians": medians.tolist(),
    }
    buffer = io.BytesIO()
    joblib.dump(payload, buffer, compress=3)
    metrics: dict[str, Any] = {
        "kind": kind,
        "calibration": "sigmoid, 5 folds",
        "n_train": len(table.y),
        "pupils": len(set(table.pupil_ids)),
        "cutoffs": len(table.cutoffs),
        "positive_rate": round(float(table.y.mean()), 4),
        "roc_auc_out_of_fold": roc_auc(table.y, fitted.oof_probability),
        "label": LABEL_TEXT,
    }
    with transaction.atomic():
        RiskModel.objects.filter(school_id=school_id, active=True).update(active=False)
        model = RiskModel.objects.create(
            school_id=school_id,
            train_from=train_from,
            train_to=train_to,
            n_train=len(table.y),
            metrics=metrics,
            feature_names=list(FEATURES),
            payload=buffer.getvalue(),
            active=True,
        )
    return model


# A school's model is retrained on its last year of facts: long enough to hold every season of
# the school year, recent enough to follow a change in the school's intake or platforms.
RETRAIN_SPAN = dt.timedelta(days=365)


@dataclass(frozen=True)
class RetrainResult:
    school_id: int
    model_id: int | None
    message: str


def risk_models_retrain(
    *, on_date: dt.date, school_ids: Iterable[int] | None = None
) -> list[RetrainResult]:
    """Train each school's model on the year before `on_date`; keep the old one if it can't."""
    schools = School.objects.order_by("name")
    if school_ids is not None:
        schools = schools.filter(pk__in=list(school_ids))
    results = []
    train_to = on_date - dt.timedelta(days=1)
    for school in schools:
        try:
            model = risk_model_train(
                school_id=school.pk, train_from=train_to - RETRAIN_SPAN, train_to=train_to
            )
        except RiskTrainingError as error:
            results.append(RetrainResult(school.pk, None, f"{school.name}: not trained: {error}"))
            continue
        auc = model.metrics.get("roc_auc_out_of_fold")
        results.append(
            RetrainResult(
                school.pk,
                model.pk,
                f"{school.name}: trained on {model.n_train} pupil-weeks "
                f"({model.train_from} to {model.train_to}), out-of-fold ROC-AUC {auc}",
            )
        )
        logger.info("risk model %s trained for %s", model.pk, school.name)
    return results


@task()
def risk_retrain_task(run_date: str) -> int:
    """The worker's weekly job: retrain every school's model."""
    results = risk_models_retrain(on_date=dt.date.fromisoformat(run_date))
    return sum(1 for result in results if result.model_id is not None)


LABEL_TEXT = (
    "went quiet in the next 4 school weeks: attendance below 90 %, or 3 or more pieces of "
    "homework missing, or (for a pupil who had been online) 10 school days in a row without "
    "online activity"
)


def risk_model_load(model: RiskModel) -> dict[str, Any]:
    payload: dict[str, Any] = joblib.load(io.BytesIO(bytes(model.payload)))
    return payload


def risk_scores(
    *,
    school_id: int,
    on_date: dt.date,
    pupil_ids: Iterable[int] | None = None,
) -> dict[int, RiskScore]:
    """The calibrated probability of going quiet in the next 4 school weeks, with its reasons.

    Uses the facts of school days before `on_date` (as the morning rules do). {} when the school
    has no active model, when the model was trained on other features, or when there is too little
    history; pupils without facts in the last 4 school weeks are left out.
    """
    model = (
        RiskModel.objects.filter(school_id=school_id, active=True)
        .order_by("-trained_at", "-pk")
        .first()
    )
    if model is None or list(model.feature_names) != FEATURES:
        return {}
    payload = risk_model_load(model)
    if payload.get("version") != PAYLOAD_VERSION:
        return {}
    if pupil_ids is None:
        wanted = list(
            Pupil.objects.filter(school_id=school_id, status=PupilStatus.ACTIVE).values_list(
                "pk", flat=True
            )
        )
    else:
        wanted = list(pupil_ids)
    if not wanted:
        return {}
    grid = fact_grid(
        school_id=school_id,
        start=on_date - LOOKBACK,
        end=on_date - dt.timedelta(days=1),
        pupil_ids=wanted,
    )
    features = school_features(grid, on_date)
    keep = set(wanted)
    rows = [n for n, pid in enumerate(features.pupil_ids) if pid in keep]
    if not rows:
        return {}
    X = features.X[rows]
    extra = {name: values[rows] for name, values in features.extra.items()}
    estimator = payload["estimator"]
    probability = np.asarray(estimator.predict_proba(X)[:, 1], dtype=np.float64)
    medians = np.array(payload["medians"], dtype=np.float64)
    contributions = reason_contributions(
        estimator, X, kind=payload["kind"], medians=medians, base=probability
    )
    out: dict[int, RiskScore] = {}
    for n, row in enumerate(rows):
        pupil_id = features.pupil_ids[row]
        ranked = sorted(contributions.items(), key=lambda item: -item[1][n])
        reasons: list[str] = []
        for group, values in ranked:
            if values[n] <= 0 or len(reasons) >= TOP_REASONS:
                break
            text = reason_text(group, X[n], {k: v[n] for k, v in extra.items()})
            if text:
                reasons.append(text)
        out[pupil_id] = RiskScore(probability=round(float(probability[n]), 4), top_reasons=reasons)
    return out


# --- Reasons --------------------------------------------------------------------------------------


def reason_contributions(
    estimator: Any,
    X: FloatArray,
    *,
    kind: str,
    medians: FloatArray,
    base: FloatArray,
) -> dict[str, FloatArray]:
    """How much each group of features raises each pupil's risk (positive: raises it).

    Logistic regression: coefficient * (value - training mean) on the standardised features,
    averaged over the calibration folds (log-odds). Trees: the fall in predicted probability when
    the group's features are set to the school's median pupil.
    """
    index = {name: n for n, name in enumerate(FEATURES)}
    out: dict[str, FloatArray] = {}
    if kind == "logistic":
        per_feature = np.zeros_like(X)
        folds = estimator.calibrated_classifiers_
        for calibrated in folds:
            pipeline = calibrated.estimator
            imputed = pipeline.named_steps["impute"].transform(X)
            scaled = pipeline.named_steps["scale"].transform(imputed)
            coef = pipeline.named_steps["model"].coef_[0]
            per_feature += scaled * coef
        per_feature /= max(1, len(folds))
        for group, names in REASON_GROUPS.items():
            out[group] = per_feature[:, [index[name] for name in names]].sum(axis=1)
        return out
    for group, names in REASON_GROUPS.items():
        changed = X.copy()
        for name in names:
            changed[:, index[name]] = medians[index[name]]
        out[group] = base - np.asarray(estimator.predict_proba(changed)[:, 1], dtype=np.float64)
    return out


def _whole(value: float) -> int:
    return round(value)


# Reasons that are a count, or nothing when it is none; "n" picks the plural.
UNAUTHORISED_TEXT = ngettext_lazy(
    "%(n)d unauthorised absence (half day) in the last 4 weeks",
    "%(n)d unauthorised absences (half days) in the last 4 weeks",
    "n",
)
AUTHORISED_TEXT = ngettext_lazy(
    "%(n)d authorised absence (half day) in the last 4 weeks",
    "%(n)d authorised absences (half days) in the last 4 weeks",
    "n",
)
HOMEWORK_LATE_TEXT = ngettext_lazy(
    "%(n)d piece of homework handed in late in the last 4 weeks",
    "%(n)d pieces of homework handed in late in the last 4 weeks",
    "n",
)


def _counted(text: Any, value: float) -> str:
    n = _whole(value)
    return str(text % {"n": n}) if n else ""


def _reason_attendance(x: dict[str, float], extra: dict[str, float]) -> str:
    if math.isnan(x["attendance_recent"]):
        return ""
    if math.isnan(x["attendance_usual"]):
        return _("attendance %(rate)d %% in the last 4 weeks") % {
            "rate": _whole(x["attendance_recent"])
        }
    return _("attendance %(rate)d %% in the last 4 weeks (usual %(usual)d %%)") % {
        "rate": _whole(x["attendance_recent"]),
        "usual": _whole(x["attendance_usual"]),
    }


def _reason_unauthorised(x: dict[str, float], extra: dict[str, float]) -> str:
    return _counted(UNAUTHORISED_TEXT, x["unauthorised_recent"])


def _reason_authorised(x: dict[str, float], extra: dict[str, float]) -> str:
    return _counted(AUTHORISED_TEXT, x["authorised_recent"])


def _reason_online(x: dict[str, float], extra: dict[str, float]) -> str:
    since = _whole(x["school_days_since_online"])
    usual = x["online_days_a_week_usual"]
    if not extra.get("ever_online"):
        return _("no online activity in the last %(weeks)d weeks") % {
            "weeks": max(1, _whole(extra.get("days_looked_at", 0) / 5))
        }
    if since >= 3:
        text = ngettext(
            "no online activity for %(n)d school day",
            "no online activity for %(n)d school days",
            since,
        ) % {"n": since}
    else:
        recent = x["online_days_a_week_recent"]
        if math.isnan(recent):
            return ""
        text = _("online %(n).1f days a week in the last 4 weeks") % {"n": recent}
    if not math.isnan(usual):
        text += " " + _("(usually %(n).1f days a week)") % {"n": usual}
    return text


def _reason_homework_missing(x: dict[str, float], extra: dict[str, float]) -> str:
    n = _whole(x["homework_missing_recent"])
    due = _whole(extra.get("homework_due_recent", 0))
    if n == 0:
        share = x["homework_missing_share_usual"]
        if math.isnan(share):
            return ""
        return _("%(pct)d %% of homework missing in the 8 weeks before") % {
            "pct": _whole(100 * share)
        }
    return ngettext(
        "%(n)d of %(due)d piece of homework missing in the last 4 weeks",
        "%(n)d of %(due)d pieces of homework missing in the last 4 weeks",
        due,
    ) % {"n": n, "due": due}


def _reason_homework_late(x: dict[str, float], extra: dict[str, float]) -> str:
    return _counted(HOMEWORK_LATE_TEXT, x["homework_late_recent"])


def _reason_messages(x: dict[str, float], extra: dict[str, float]) -> str:
    sent = _whole(extra.get("messages_sent_recent", 0))
    unread = _whole(x["messages_unread_recent"])
    if unread:
        return ngettext(
            "%(n)d of %(sent)d message to home unread in the last 4 weeks",
            "%(n)d of %(sent)d messages to home unread in the last 4 weeks",
            sent,
        ) % {"n": unread, "sent": sent}
    unanswered = _whole(x["messages_unanswered_recent"])
    if not unanswered:
        return ""
    return ngettext(
        "%(n)d of %(sent)d message to home not answered in the last 4 weeks",
        "%(n)d of %(sent)d messages to home not answered in the last 4 weeks",
        sent,
    ) % {"n": unanswered, "sent": sent}


REASON_TEXT: dict[str, Callable[[dict[str, float], dict[str, float]], str]] = {
    "attendance": _reason_attendance,
    "unauthorised": _reason_unauthorised,
    "authorised": _reason_authorised,
    "online": _reason_online,
    "homework_missing": _reason_homework_missing,
    "homework_late": _reason_homework_late,
    "messages": _reason_messages,
}


def reason_text(group: str, row: FloatArray, extra: dict[str, float]) -> str:
    """One reason in plain words, with the pupil's own figures."""
    values = {name: float(row[n]) for n, name in enumerate(FEATURES)}
    return REASON_TEXT[group](values, extra)
