from __future__ import annotations

from fractions import Fraction

import pytest

from schoolwindow.engagement import codes
from schoolwindow.engagement.codes import (
    AttendanceTally,
    UnknownCode,
    absence_rate,
    attendance_rate,
    classify,
    is_persistently_absent,
    is_severely_absent,
)

EXPECTED = {
    "present": ["/", "\\", "L"],
    "elsewhere": ["K", "V", "P", "W", "B"],
    "authorised": ["C", "C1", "C2", "E", "I", "J1", "M", "R", "S", "T"],
    "unauthorised": ["G", "N", "O", "U"],
    "not_counted": ["D", "Q", "X", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "Z", "#"],
}


@pytest.mark.parametrize(
    ("code", "category"),
    [(code, category) for category, listed in EXPECTED.items() for code in listed],
)
def test_every_2024_code_has_its_category(code: str, category: str) -> None:
    assert classify(code) == category


def test_the_code_set_is_exactly_the_2024_set() -> None:
    assert sorted(codes.CODES) == sorted(code for listed in EXPECTED.values() for code in listed)


def test_codes_are_read_in_any_case_with_spaces_around() -> None:
    assert classify(" c1 ") == "authorised"
    assert classify("y7") == "not_counted"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("H", "code H was withdrawn in 2024 (was agreed family holiday): use C"),
        ("J", "use J1"),
        ("Y", "use Y1 to Y7"),
        ("A", "'A' is not a DfE register code (2024 set)"),
        ("", "is empty"),
    ],
)
def test_an_unknown_code_says_what_is_wrong(code: str, message: str) -> None:
    with pytest.raises(UnknownCode, match=message.replace("(", r"\(").replace(")", r"\)")):
        classify(code)


def test_rates_follow_the_dfe_definitions() -> None:
    assert attendance_rate(180, 171) == Fraction(95, 100)
    assert absence_rate(180, 9) == Fraction(5, 100)
    assert attendance_rate(0, 0) is None


@pytest.mark.parametrize(
    ("possible", "absent", "persistent", "severe"),
    [
        (100, 9, False, False),
        (100, 10, True, False),  # exactly 10 % is persistent absence
        (190, 19, True, False),
        (100, 49, True, False),
        (100, 50, True, True),  # exactly 50 % is severe absence
        (2, 1, True, True),
        (0, 0, False, False),
    ],
)
def test_persistent_and_severe_absence_thresholds(
    possible: int, absent: int, persistent: bool, severe: bool
) -> None:
    assert is_persistently_absent(possible, absent) is persistent
    assert is_severely_absent(possible, absent) is severe


def test_a_tally_leaves_not_counted_sessions_out_and_counts_elsewhere_as_present() -> None:
    # 20 sessions: 14 in school, 2 on a trip, 2 ill, 1 unexplained, and 1 at the pupil's other
    # (dual-registered) school, which is not a possible session here.
    marks = ["/"] * 7 + ["\\"] * 7 + ["V", "B", "I", "I", "O", "D"]

    tally = AttendanceTally.from_codes(marks)

    assert (tally.possible, tally.present, tally.absent, tally.not_counted) == (19, 16, 3, 1)
    assert tally.attendance_rate == Fraction(16, 19)
    assert tally.persistently_absent  # 3 of 19 is 15.8 %
    assert not tally.severely_absent


def test_impossible_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="not a valid count"):
        absence_rate(10, 11)
