"""The learned risk score on a school's own history: train, store, score, explain."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import pytest

from schoolwindow.engagement.models import PupilDay, RiskModel
from schoolwindow.engagement.risk import (
    FEATURES,
    RiskScore,
    RiskTrainingError,
    fact_grid,
    risk_model_load,
    risk_model_train,
    risk_scores,
    school_features,
    went_quiet,
)
from schoolwindow.people.models import Pupil
from schoolwindow.schools.models import AcademicYear, School, Term
from tests.factories import PupilFactory, SchoolFactory

AUTUMN = (dt.date(2024, 9, 2), dt.date(2024, 12, 20))
SPRING = (dt.date(2025, 1, 6), dt.date(2025, 4, 4))


@dataclass
class History:
    school: School
    pupils: list[Pupil]
    slipping: dict[int, dt.date]  # pupil id → the day they began to go quiet


def school_days(start: dt.date, end: dt.date) -> list[dt.date]:
    days, day = [], start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def school_history(*, pupils: int = 48, seed: int = 7) -> History:
    """An autumn and a spring term of daily facts. About a third of the pupils start to slip at
    some point: for two weeks first a little (the warning signs), then clearly quiet."""
    rng = random.Random(seed)
    school = SchoolFactory()
    year = AcademicYear.objects.create(
        school=school, name="2024/25", start=dt.date(2024, 8, 1), end=dt.date(2025, 7, 31)
    )
    for name, (first, last) in (("Autumn", AUTUMN), ("Spring", SPRING)):
        Term.objects.create(school=school, academic_year=year, name=name, start=first, end=last)
    days = school_days(*AUTUMN) + school_days(*SPRING)
    people = [PupilFactory(school=school) for _ in range(pupils)]
    slipping: dict[int, dt.date] = {}
    rows: list[PupilDay] = []
    for pupil in people:
        start: dt.date | None = None
        if rng.random() < 0.35:
            start = rng.choice(days[25:-10])
            slipping[pupil.pk] = start
        uses_online = rng.random() < 0.9
        for day in days:
            phase = 0
            if start is not None and day >= start:
                phase = 1 if (day - start).days < 14 else 2
            attend = (0.97, 0.88, 0.6)[phase]
            online_p = (0.8, 0.4, 0.05)[phase] if uses_online else 0.0
            miss_p = (0.05, 0.3, 0.7)[phase]
            present = sum(rng.random() < attend for _ in range(2))
            absent = 2 - present
            unauthorised = sum(rng.random() < (0.3 if phase else 0.1) for _ in range(absent))
            due = 1 if day.weekday() in (0, 2) else 0
            missing = 1 if due and rng.random() < miss_p else 0
            late = 1 if due and not missing and rng.random() < 0.1 else 0
            online = rng.random() < online_p
            sent = 1 if day.weekday() == 4 and rng.random() < 0.5 else 0
            rows.append(
                PupilDay(
                    school=school,
                    pupil=pupil,
                    date=day,
                    sessions_possible=2,
                    sessions_present=present,
                    sessions_authorised=absent - unauthorised,
                    sessions_unauthorised=unauthorised,
                    logins=1 if online else 0,
                    lessons=1 if online and rng.random() < 0.5 else 0,
                    activities=1 if online and rng.random() < 0.5 else 0,
                    homework_due=due,
                    homework_on_time=due - missing - late,
                    homework_late=late,
                    homework_missing=missing,
                    messages_sent=sent,
                    messages_read=sent if rng.random() < (0.9 if not phase else 0.3) else 0,
                    messages_answered=0,
                )
            )
    PupilDay.objects.bulk_create(rows, batch_size=2000)
    return History(school, people, slipping)


@pytest.fixture
def history(db: None) -> History:
    return school_history()


def test_no_model_no_scores(history: History) -> None:
    assert risk_scores(school_id=history.school.pk, on_date=SPRING[0]) == {}


def test_train_then_score_with_reasons(history: History) -> None:
    model = risk_model_train(school_id=history.school.pk, train_from=AUTUMN[0], train_to=AUTUMN[1])

    assert isinstance(model, RiskModel)
    assert model.active
    assert model.feature_names == FEATURES
    assert model.n_train > 100
    assert model.metrics["roc_auc_out_of_fold"] > 0.75
    payload = risk_model_load(RiskModel.objects.get(pk=model.pk))
    assert payload["kind"] == "logistic"

    on_date = dt.date(2025, 3, 3)
    scores = risk_scores(school_id=history.school.pk, on_date=on_date)
    assert set(scores) == {pupil.pk for pupil in history.pupils}
    for score in scores.values():
        assert isinstance(score, RiskScore)
        assert 0.0 <= score.probability <= 1.0
        assert len(score.top_reasons) <= 3
    quiet = [
        pid for pid, start in history.slipping.items() if start + dt.timedelta(days=21) < on_date
    ]
    steady = [p.pk for p in history.pupils if p.pk not in history.slipping]
    assert quiet and steady
    assert (
        min(scores[pid].probability for pid in quiet)
        > max(scores[pid].probability for pid in steady) - 0.2
    )
    mean_quiet = sum(scores[pid].probability for pid in quiet) / len(quiet)
    mean_steady = sum(scores[pid].probability for pid in steady) / len(steady)
    assert mean_quiet > 0.7 > 0.3 > mean_steady
    reasons = " | ".join(reason for pid in quiet for reason in scores[pid].top_reasons)
    assert "in the last 4 weeks" in reasons
    assert "attendance" in reasons and "(usual" in reasons
    # Reasons carry the pupil's own figures.
    assert any(char.isdigit() for char in scores[quiet[0]].top_reasons[0])


def test_scores_use_only_days_before_the_date(history: History) -> None:
    risk_model_train(school_id=history.school.pk, train_from=AUTUMN[0], train_to=AUTUMN[1])
    on_date = dt.date(2025, 2, 3)
    pupil_ids = [p.pk for p in history.pupils[:5]]
    before = risk_scores(school_id=history.school.pk, on_date=on_date, pupil_ids=pupil_ids)
    PupilDay.objects.filter(school=history.school, date__gte=on_date).update(
        sessions_present=0, homework_missing=1, logins=0, lessons=0, activities=0
    )
    after = risk_scores(school_id=history.school.pk, on_date=on_date, pupil_ids=pupil_ids)
    assert set(before) == set(pupil_ids)
    assert before == after


def test_only_the_pupils_asked_for(history: History) -> None:
    risk_model_train(school_id=history.school.pk, train_from=AUTUMN[0], train_to=AUTUMN[1])
    wanted = [history.pupils[0].pk, history.pupils[3].pk]
    scores = risk_scores(school_id=history.school.pk, on_date=SPRING[0], pupil_ids=wanted)
    assert set(scores) == set(wanted)


def test_too_little_history(history: History) -> None:
    risk_model_train(school_id=history.school.pk, train_from=AUTUMN[0], train_to=AUTUMN[1])
    # The first week of the year: fewer than 10 school days of facts before it.
    assert risk_scores(school_id=history.school.pk, on_date=dt.date(2024, 9, 9)) == {}
    with pytest.raises(RiskTrainingError, match="too little history"):
        risk_model_train(
            school_id=history.school.pk, train_from=AUTUMN[0], train_to=dt.date(2024, 10, 1)
        )


def test_retraining_replaces_the_active_model(history: History) -> None:
    first = risk_model_train(school_id=history.school.pk, train_from=AUTUMN[0], train_to=AUTUMN[1])
    second = risk_model_train(
        school_id=history.school.pk, train_from=AUTUMN[0], train_to=dt.date(2024, 11, 29)
    )
    first.refresh_from_db()
    assert not first.active and second.active
    other = SchoolFactory()
    assert risk_scores(school_id=other.pk, on_date=SPRING[0]) == {}  # models are per school


def test_boosted_trees_explained_by_the_median_pupil(history: History) -> None:
    risk_model_train(
        school_id=history.school.pk, train_from=AUTUMN[0], train_to=AUTUMN[1], kind="boosting"
    )
    scores = risk_scores(school_id=history.school.pk, on_date=dt.date(2025, 3, 3))
    slipping = [pid for pid, start in history.slipping.items() if start < dt.date(2025, 2, 20)]
    assert any(scores[pid].top_reasons for pid in slipping)


def test_features_and_label(history: History) -> None:
    grid = fact_grid(school_id=history.school.pk, start=AUTUMN[0], end=SPRING[1])
    on_date = dt.date(2024, 11, 4)
    features = school_features(grid, on_date)
    assert features.names == FEATURES
    assert len(features.pupil_ids) == len(history.pupils)
    column = {name: n for n, name in enumerate(FEATURES)}
    attendance = features.X[:, column["attendance_recent"]]
    assert ((attendance >= 0) & (attendance <= 100)).all()
    label = went_quiet(grid, on_date, features.pupil_ids)
    for pupil_id, start in history.slipping.items():
        if on_date - dt.timedelta(days=7) <= start <= on_date + dt.timedelta(days=7):
            assert label[pupil_id] is True
    # Past the end of the facts there is no label.
    assert went_quiet(grid, dt.date(2025, 3, 24), features.pupil_ids) == {}


def test_the_weekly_retrain_replaces_the_model_and_keeps_it_when_it_cannot(
    history: History,
) -> None:
    from schoolwindow.engagement.risk import risk_models_retrain

    [trained] = risk_models_retrain(on_date=dt.date(2025, 1, 4))
    assert trained.model_id is not None
    model = RiskModel.objects.get(active=True)
    assert model.pk == trained.model_id
    assert model.train_to == dt.date(2025, 1, 3)
    # A week with no facts at all a year later: nothing to learn from, the model stays.
    [skipped] = risk_models_retrain(on_date=dt.date(2026, 9, 1))
    assert skipped.model_id is None and "too little history" in skipped.message
    assert RiskModel.objects.get(active=True).pk == model.pk


def test_risk_train_command(history: History, capsys: pytest.CaptureFixture[str]) -> None:
    from schoolwindow.cli import main

    assert main(["risk", "train", "--school", history.school.urn, "--date", "2025-01-04"]) == 0
    assert "out-of-fold ROC-AUC" in capsys.readouterr().out
    assert main(["risk", "train", "--school", "999999"]) == 2
