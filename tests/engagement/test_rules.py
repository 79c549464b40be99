"""Each rule at its thresholds, the school-day logic, and per-school settings."""

from __future__ import annotations

import datetime as dt

import pytest

from schoolwindow.engagement.models import RuleSetting
from schoolwindow.engagement.rules import RULES, reason_evidence, reason_text, rule_config
from schoolwindow.people.models import Pupil
from schoolwindow.schools.models import School
from tests.engagement.helpers_flags import (
    AUTUMN_1,
    MONDAY,
    calendar_school,
    close,
    days_of,
    facts,
    good_term,
    message,
    missing,
    reasons_for,
)
from tests.factories import PupilFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


D = dt.date


@pytest.fixture
def school() -> School:
    return calendar_school()


@pytest.fixture
def pupil(school: School) -> Pupil:
    """A pupil with a good term so far (up to the Friday before MONDAY)."""
    pupil = PupilFactory(school=school, legal_first_name="Ada")
    busy = PupilFactory(school=school, legal_first_name="Busy")
    good_term([pupil, busy], until=D(2026, 11, 20))
    return pupil


def test_a_good_term_gives_no_reasons(pupil: Pupil) -> None:
    assert reasons_for(pupil, MONDAY) == {}


def test_defaults_are_the_documented_ones() -> None:
    config = rule_config()
    assert config["attendance"].params == {
        "persistent_pct": 10,
        "severe_pct": 50,
        "min_sessions": 20,
    }
    assert config["unauthorised"].params == {"sessions": 10, "weeks": 10}
    assert config["no_online"].params == {"days": 5}
    assert config["homework_missing"].params == {"pieces": 3, "weeks": 2}
    assert config["family"].params == {"messages": 2, "days": 3}
    assert all(config[rule.key].enabled for rule in RULES)


def test_out_of_range_settings_fall_back_to_the_default() -> None:
    config = rule_config({"no_online": (True, {"days": 0}), "family": (False, {"days": "x"})})
    assert config["no_online"].params["days"] == 5
    assert config["family"].enabled is False


# --- No online activity ----------------------------------------------------------------------


def test_five_school_days_without_a_log_in(pupil: Pupil) -> None:
    facts(pupil, days_of(pupil.school, D(2026, 11, 16), D(2026, 11, 20)), logins=0)
    reason = reasons_for(pupil, MONDAY)["no_online"]
    assert reason["args"]["days"] == 5
    assert reason_text(reason) == (
        "No log-in or online work since Fri 13 Nov — 5 school days; usually online 5 days a week"
    )


def test_a_pupil_never_seen_online_is_not_going_quiet_by_this_measure(school: School) -> None:
    """No account, or a child who learns on paper: silence from them is not a change."""
    offline, busy = PupilFactory(school=school), PupilFactory(school=school)
    good_term([busy], until=D(2026, 11, 20))
    facts(offline, days_of(school, AUTUMN_1[0], D(2026, 11, 20)), logins=0)
    assert "no_online" not in reasons_for(offline, MONDAY)


def test_a_pupil_rarely_online_is_not_flagged_for_a_quiet_week(school: School) -> None:
    rare, busy = PupilFactory(school=school), PupilFactory(school=school)
    good_term([busy], until=D(2026, 11, 20))
    term = days_of(school, AUTUMN_1[0], D(2026, 11, 20))
    facts(rare, term, logins=0)
    facts(rare, term[-30:-5:15], logins=1)  # twice in six weeks, then a quiet week
    assert "no_online" not in reasons_for(rare, MONDAY)


def test_four_days_is_not_yet_silence(pupil: Pupil) -> None:
    facts(pupil, days_of(pupil.school, D(2026, 11, 17), D(2026, 11, 20)), logins=0)
    assert "no_online" not in reasons_for(pupil, MONDAY)


def test_today_is_not_counted_before_its_facts_are_in(pupil: Pupil) -> None:
    """Evaluated on the morning of Monday: Monday itself has no facts yet and is not silence."""
    facts(pupil, days_of(pupil.school, D(2026, 11, 17), D(2026, 11, 20)), logins=0)
    assert "no_online" not in reasons_for(pupil, MONDAY)


def test_a_holiday_week_is_not_silence(school: School) -> None:
    pupil, busy = PupilFactory(school=school), PupilFactory(school=school)
    good_term([pupil, busy], until=AUTUMN_1[1])  # last log-in Fri 23 Oct, then half-term
    facts(pupil, days_of(school, D(2026, 11, 2), D(2026, 11, 5)), logins=0)
    facts(busy, days_of(school, D(2026, 11, 2), D(2026, 11, 5)))
    # Thirteen calendar days since the last log-in, but only four school days.
    assert "no_online" not in reasons_for(pupil, D(2026, 11, 6))
    facts(pupil, [D(2026, 11, 6)], logins=0)
    reason = reasons_for(pupil, D(2026, 11, 9))["no_online"]
    assert reason["args"]["days"] == 5
    assert reason["args"]["last_active"] == "2026-10-23"


def test_a_closure_day_is_not_silence(pupil: Pupil) -> None:
    close(pupil.school, D(2026, 11, 16))
    facts(pupil, days_of(pupil.school, D(2026, 11, 16), D(2026, 11, 20)), logins=0)
    assert "no_online" not in reasons_for(pupil, MONDAY)


def test_an_authorised_absence_day_is_not_silence(pupil: Pupil) -> None:
    facts(pupil, days_of(pupil.school, D(2026, 11, 16), D(2026, 11, 20)), logins=0)
    facts(
        pupil,
        [D(2026, 11, 18), D(2026, 11, 19)],
        logins=0,
        sessions_present=0,
        sessions_authorised=2,
    )
    assert "no_online" not in reasons_for(pupil, MONDAY)
    # With a lower threshold the two days are shown as not counted.
    RuleSetting.objects.create(school=pupil.school, rule="no_online", params={"days": 3})
    reason = reasons_for(pupil, MONDAY)["no_online"]
    assert reason["args"]["days"] == 3
    assert reason["args"]["excused_days"] == ["2026-11-18", "2026-11-19"]
    assert "Not counted (authorised absence): Thu 19 Nov, Wed 18 Nov" in reason_evidence(reason)


def test_a_school_setting_changes_the_outcome(pupil: Pupil) -> None:
    facts(pupil, days_of(pupil.school, D(2026, 11, 17), D(2026, 11, 20)), logins=0)
    assert "no_online" not in reasons_for(pupil, MONDAY)
    RuleSetting.objects.create(school=pupil.school, rule="no_online", params={"days": 4})
    assert reasons_for(pupil, MONDAY)["no_online"]["args"]["days"] == 4
    RuleSetting.objects.filter(school=pupil.school).update(enabled=False)
    assert "no_online" not in reasons_for(pupil, MONDAY)


def test_twice_the_threshold_is_level_two(pupil: Pupil) -> None:
    facts(pupil, days_of(pupil.school, D(2026, 11, 9), D(2026, 11, 20)), logins=0)
    reason = reasons_for(pupil, MONDAY)["no_online"]
    assert (reason["args"]["days"], reason["level"]) == (10, 2)


def test_no_rule_fires_when_the_school_sends_no_online_activity(school: School) -> None:
    pupil = PupilFactory(school=school)
    facts(pupil, days_of(school, AUTUMN_1[0], D(2026, 11, 20)), logins=0)
    assert reasons_for(pupil, MONDAY) == {}


# --- Attendance ------------------------------------------------------------------------------


def attendance_pupil(school: School, missed_sessions: int, *, unauthorised: bool = False) -> Pupil:
    """20 school days (40 sessions), 19 Oct to 20 Nov across half-term, the last ones missed."""
    pupil = PupilFactory(school=school)
    days = days_of(school, D(2026, 10, 19), D(2026, 11, 20))
    assert len(days) == 20
    facts(pupil, days)
    field = "sessions_unauthorised" if unauthorised else "sessions_authorised"
    for day in days[-((missed_sessions + 1) // 2) :]:
        missed = min(2, missed_sessions)
        missed_sessions -= missed
        facts(pupil, [day], sessions_present=2 - missed, **{field: missed})
    return pupil


@pytest.mark.parametrize(
    ("missed", "expected"),
    [(3, None), (4, ("Attendance this year so far is 90.0%", 1)), (20, ("is 50.0%", 2))],
)
def test_persistent_and_severe_absence(
    school: School, missed: int, expected: tuple[str, int] | None
) -> None:
    pupil = attendance_pupil(school, missed)
    reason = reasons_for(pupil, MONDAY).get("attendance")
    if expected is None:
        assert reason is None
        return
    assert reason is not None
    assert expected[0] in reason_text(reason)
    assert reason["level"] == expected[1]
    text = reason_text(reason)
    if expected[1] == 1:
        assert f"{missed} of 40 sessions missed" in text
        assert "missing 10% or more is persistent absence" in text
    else:
        assert "missing 50% or more is severe absence" in text


def test_attendance_waits_for_enough_sessions(school: School) -> None:
    pupil = PupilFactory(school=school)
    facts(
        pupil,
        days_of(school, D(2026, 11, 16), D(2026, 11, 20)),
        sessions_present=1,
        sessions_authorised=1,
    )
    assert "attendance" not in reasons_for(pupil, MONDAY)  # 10 sessions < 20


# --- Unauthorised absence --------------------------------------------------------------------


def test_ten_unauthorised_sessions_in_ten_school_weeks(school: School) -> None:
    pupil = PupilFactory(school=school)
    facts(pupil, days_of(school, AUTUMN_1[0], D(2026, 11, 20)))
    absent = [D(2026, 11, 16), D(2026, 11, 17), D(2026, 11, 18), D(2026, 11, 19)]
    facts(pupil, absent, sessions_present=0, sessions_unauthorised=2)
    facts(pupil, [D(2026, 11, 20)], sessions_present=1, sessions_unauthorised=1)
    assert "unauthorised" not in reasons_for(pupil, MONDAY)  # 9
    facts(pupil, [D(2026, 9, 3)], sessions_present=1, sessions_unauthorised=1)
    assert "unauthorised" not in reasons_for(pupil, MONDAY)  # the 10th is 11 school weeks ago
    facts(pupil, [D(2026, 10, 5)], sessions_present=1, sessions_unauthorised=1)
    reason = reasons_for(pupil, MONDAY)["unauthorised"]
    assert reason_text(reason) == (
        "10 unauthorised absences (half-day sessions) in the last 10 school weeks; "
        "most recently Fri 20 Nov"
    )
    # The newest five days, newest first; the rest summed up rather than listed.
    assert reason_evidence(reason) == [
        "Fri 20 Nov: 1 session",
        "Thu 19 Nov: 2 sessions",
        "Wed 18 Nov: 2 sessions",
        "Tue 17 Nov: 2 sessions",
        "Mon 16 Nov: 2 sessions",
        "Before that: 1 more session on 1 day",
    ]


def test_six_weeks_of_evidence_reads_as_the_newest_few_and_a_sum() -> None:
    days = [(D(2026, 10, 1) + dt.timedelta(days=i)).isoformat() for i in range(40)]
    reason = {
        "key": "unauthorised",
        "rule": "unauthorised",
        "args": {"dates": [(day, 2) for day in days]},
    }
    lines = reason_evidence(reason)
    assert len(lines) == 6
    assert lines[0] == "Mon 9 Nov: 2 sessions"
    assert lines[-1] == "Before that: 70 more sessions on 35 days"
    silent = {"key": "no_online", "rule": "no_online", "args": {"silent_days": days}}
    (line,) = reason_evidence(silent)
    assert line.startswith("School days without online activity: Mon 9 Nov, Sun 8 Nov")
    assert line.endswith("and 32 earlier days")
    homework = {
        "key": "homework_missing",
        "rule": "homework_missing",
        "args": {"items": [{"title": f"Task {i}", "due_on": days[i]} for i in range(9)]},
    }
    lines = reason_evidence(homework)
    assert lines[0] == "Task 8 (due Fri 9 Oct)"
    assert lines[-1] == "Before that: 4 more pieces not handed in"
    family = {
        "key": "family",
        "rule": "family",
        "args": {"sent": days[:7], "read": [False] * 7},
    }
    lines = reason_evidence(family)
    assert lines[0] == "Sent Wed 7 Oct, not read"
    assert lines[-1] == "Before that: 2 more messages without a reply"


# --- Homework --------------------------------------------------------------------------------


def test_three_pieces_of_homework_missing_in_two_weeks(pupil: Pupil) -> None:
    missing(pupil, "Fractions", D(2026, 11, 10))
    missing(pupil, "A poem about autumn", D(2026, 11, 12), subject="English")
    assert "homework_missing" not in reasons_for(pupil, MONDAY)
    missing(pupil, "Old piece", D(2026, 11, 2))  # three school weeks ago: outside the window
    assert "homework_missing" not in reasons_for(pupil, MONDAY)
    missing(pupil, "Cells", D(2026, 11, 18), subject="Science")
    missing(pupil, "Due today", MONDAY)  # not missing yet on Monday morning
    reason = reasons_for(pupil, MONDAY)["homework_missing"]
    assert reason_text(reason) == (
        "3 pieces of homework missing in 2 school weeks: Maths — Fractions (due Tue 10 Nov), "
        "English — A poem about autumn (due Thu 12 Nov), Science — Cells (due Wed 18 Nov)"
    )


# --- Drop against the pupil's own baseline ------------------------------------------------------


def test_attendance_drop_against_own_baseline(pupil: Pupil) -> None:
    recent = days_of(pupil.school, D(2026, 11, 9), D(2026, 11, 20))
    facts(pupil, recent[::2], sessions_present=1, sessions_authorised=1)  # 5 days at half
    reason = reasons_for(pupil, MONDAY)["drop:attendance"]
    assert reason_text(reason) == (
        "Attendance in the last 2 school weeks is 75.0% (15 of 20 sessions), down from 100.0% "
        "in the 6 weeks before"
    )


def test_online_drop_against_own_baseline(pupil: Pupil) -> None:
    recent = days_of(pupil.school, D(2026, 11, 9), D(2026, 11, 19))
    facts(pupil, recent, logins=0)  # online only on Fri 20 Nov: not five silent days
    found = reasons_for(pupil, MONDAY)
    assert "no_online" not in found
    assert reason_text(found["drop:online"]) == (
        "Online on 1 of the last 10 school days, down from 5 days a week in the 6 weeks before"
    )


def test_the_drop_rule_does_not_repeat_the_silence_rule(pupil: Pupil) -> None:
    facts(pupil, days_of(pupil.school, D(2026, 11, 9), D(2026, 11, 20)), logins=0)
    found = reasons_for(pupil, MONDAY)
    assert "no_online" in found
    assert "drop:online" not in found


# --- The family side -------------------------------------------------------------------------


def test_two_messages_unread_for_three_days(pupil: Pupil) -> None:
    message(pupil, D(2026, 11, 16))
    message(pupil, D(2026, 11, 21))  # two days before: not yet
    assert "family" not in reasons_for(pupil, MONDAY)
    message(pupil, D(2026, 11, 18))
    reason = reasons_for(pupil, MONDAY)["family"]
    assert reason_text(reason) == (
        "2 messages to home unread for 3 days or more (sent Mon 16 Nov, Wed 18 Nov)"
    )


def test_read_but_unanswered_and_read_later(pupil: Pupil) -> None:
    message(pupil, D(2026, 11, 16), read=D(2026, 11, 16), needs_reply=True)
    message(pupil, D(2026, 11, 17), read=D(2026, 11, 17))  # read, no reply wanted: fine
    message(pupil, D(2026, 11, 18), read=MONDAY)  # read only this morning: unread at evaluation
    reason = reasons_for(pupil, MONDAY)["family"]
    assert reason_text(reason).startswith("2 messages to home unread or unanswered")
    message(pupil, D(2026, 11, 10), replied=D(2026, 11, 11), needs_reply=True)
    assert reasons_for(pupil, MONDAY)["family"]["args"]["count"] == 2


def test_messages_older_than_four_weeks_are_left_alone(pupil: Pupil) -> None:
    message(pupil, D(2026, 10, 1))
    message(pupil, D(2026, 10, 2))
    assert "family" not in reasons_for(pupil, MONDAY)


def test_a_day_without_any_facts_is_not_silence(pupil: Pupil) -> None:
    """Monday's registers and log-ins are not in yet on Tuesday morning: nobody is silent."""
    facts(pupil, days_of(pupil.school, D(2026, 11, 17), D(2026, 11, 20)), logins=0)
    assert "no_online" not in reasons_for(pupil, D(2026, 11, 24))
