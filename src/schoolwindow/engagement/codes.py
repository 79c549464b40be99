"""The DfE attendance register codes and how the DfE counts them.

The code set is the one in "Working together to improve school attendance" (DfE, August 2024),
in use from 19 August 2024 under the School Attendance (Pupil Registration) (England)
Regulations 2024. Each code falls in one category:

- present: in school at registration (``/`` ``\\`` ``L``);
- attending elsewhere: an approved educational activity (``K V P W B``) — it counts as
  attendance, so for every figure here it is a present session;
- authorised or unauthorised absence: both are absence;
- not counted: not a possible session at all (``D`` — attending the other school the pupil is
  registered at, which records that session; ``X``, ``Z``, ``#``; ``Q`` and ``Y1`` to ``Y7``, unable
  to attend for reasons outside the family's control).

Absence rate = (authorised + unauthorised) ÷ possible sessions, where possible sessions are
every session not "not counted". A pupil is persistently absent at 10 % or more, severely
absent at 50 % or more — the DfE's definitions, with the boundaries included.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from schoolwindow.engagement.models import AttendanceCategory

PRESENT = AttendanceCategory.PRESENT
ELSEWHERE = AttendanceCategory.ELSEWHERE
AUTHORISED = AttendanceCategory.AUTHORISED
UNAUTHORISED = AttendanceCategory.UNAUTHORISED
NOT_COUNTED = AttendanceCategory.NOT_COUNTED

# code → (category, what it means), grouped as the guidance groups them.
CODES: dict[str, tuple[AttendanceCategory, str]] = {
    "/": (PRESENT, "present (morning)"),
    "\\": (PRESENT, "present (afternoon)"),
    "L": (PRESENT, "late, arrived before the register closed"),
    "K": (ELSEWHERE, "attending education provision arranged by the local authority"),
    "V": (ELSEWHERE, "attending an educational visit or trip"),
    "P": (ELSEWHERE, "participating in a supervised sporting activity"),
    "W": (ELSEWHERE, "attending work experience"),
    "B": (ELSEWHERE, "attending any other approved educational activity"),
    "C1": (AUTHORISED, "leave of absence: regulated performance or employment abroad"),
    "M": (AUTHORISED, "leave of absence: medical or dental appointment"),
    "J1": (AUTHORISED, "leave of absence: interview for employment or admission"),
    "S": (AUTHORISED, "leave of absence: study leave"),
    "C2": (AUTHORISED, "leave of absence: temporary part-time timetable"),
    "C": (AUTHORISED, "leave of absence: exceptional circumstances"),
    "T": (AUTHORISED, "parent travelling for occupational purposes"),
    "R": (AUTHORISED, "religious observance"),
    "I": (AUTHORISED, "illness (not medical or dental appointment)"),
    "E": (AUTHORISED, "suspended or permanently excluded, no alternative provision made"),
    "G": (UNAUTHORISED, "holiday not granted by the school"),
    "N": (UNAUTHORISED, "reason for absence not yet established"),
    "O": (UNAUTHORISED, "absent in other or unknown circumstances"),
    "U": (UNAUTHORISED, "arrived after the register closed"),
    "D": (NOT_COUNTED, "attending the session at another setting where the pupil is registered"),
    "X": (NOT_COUNTED, "not required to be in school (non-compulsory school age)"),
    "Q": (NOT_COUNTED, "unable to attend: lack of access arrangements"),
    "Y1": (NOT_COUNTED, "unable to attend: transport normally provided not available"),
    "Y2": (NOT_COUNTED, "unable to attend: widespread disruption to travel"),
    "Y3": (NOT_COUNTED, "unable to attend: part of the school premises closed"),
    "Y4": (NOT_COUNTED, "unable to attend: whole school site unexpectedly closed"),
    "Y5": (NOT_COUNTED, "unable to attend: criminal justice detention"),
    "Y6": (NOT_COUNTED, "unable to attend: public health guidance or law"),
    "Y7": (NOT_COUNTED, "unable to attend: any other unavoidable cause"),
    "Z": (NOT_COUNTED, "prospective pupil not on the admission register"),
    "#": (NOT_COUNTED, "planned whole or partial school closure"),
}

# Codes that a register exported from before August 2024 may still hold: say what replaced them.
WITHDRAWN: dict[str, str] = {
    "F": "withdrawn in 2024 (was agreed extended family holiday): use C or G",
    "H": "withdrawn in 2024 (was agreed family holiday): use C",
    "J": "withdrawn in 2024 (was interview): use J1",
    "Y": "withdrawn in 2024 (was exceptional closure): use Y1 to Y7",
}

PERSISTENT_ABSENCE = Fraction(1, 10)
SEVERE_ABSENCE = Fraction(1, 2)

ABSENCE = frozenset({AUTHORISED, UNAUTHORISED})
ATTENDANCE = frozenset({PRESENT, ELSEWHERE})


class UnknownCode(ValueError):
    """A register code that is not one of the DfE's 2024 codes."""


def normalise(code: str) -> str:
    """The code as the guidance writes it: trimmed, letters in capitals."""
    return code.strip().upper()


def classify(code: str) -> AttendanceCategory:
    """The category of a register code, or UnknownCode saying what is wrong with it."""
    key = normalise(code)
    found = CODES.get(key)
    if found is not None:
        return found[0]
    if not key:
        raise UnknownCode("is empty: every session needs a register code")
    if key in WITHDRAWN:
        raise UnknownCode(f"code {key} was {WITHDRAWN[key]}")
    raise UnknownCode(f"'{code.strip()}' is not a DfE register code (2024 set)")


def describe(code: str) -> str:
    """What a code means, in the guidance's words, shortened."""
    return CODES[normalise(code)][1]


def counts_as_possible(category: str) -> bool:
    return category != NOT_COUNTED


@dataclass(frozen=True)
class AttendanceTally:
    """Sessions of one pupil over a period, counted as the DfE counts them."""

    present: int = 0  # in school or attending elsewhere
    authorised: int = 0
    unauthorised: int = 0
    not_counted: int = 0

    @classmethod
    def from_codes(cls, codes: list[str]) -> AttendanceTally:
        counts = dict.fromkeys(AttendanceCategory.values, 0)
        for code in codes:
            counts[classify(code)] += 1
        return cls(
            present=counts[PRESENT] + counts[ELSEWHERE],
            authorised=counts[AUTHORISED],
            unauthorised=counts[UNAUTHORISED],
            not_counted=counts[NOT_COUNTED],
        )

    @property
    def possible(self) -> int:
        return self.present + self.authorised + self.unauthorised

    @property
    def absent(self) -> int:
        return self.authorised + self.unauthorised

    @property
    def attendance_rate(self) -> Fraction | None:
        return attendance_rate(self.possible, self.present)

    @property
    def absence_rate(self) -> Fraction | None:
        return absence_rate(self.possible, self.absent)

    @property
    def persistently_absent(self) -> bool:
        return is_persistently_absent(self.possible, self.absent)

    @property
    def severely_absent(self) -> bool:
        return is_severely_absent(self.possible, self.absent)


# Rates are exact fractions, so a pupil exactly on a threshold is on it, however the rate was
# reached or combined; float(rate) gives a number for display.


def attendance_rate(possible: int, present: int) -> Fraction | None:
    """Share of possible sessions attended (present or attending elsewhere); None if none."""
    _check(possible, present)
    return Fraction(present, possible) if possible else None


def absence_rate(possible: int, absent: int) -> Fraction | None:
    """Share of possible sessions missed (authorised + unauthorised); None if none possible."""
    _check(possible, absent)
    return Fraction(absent, possible) if possible else None


def is_persistently_absent(possible: int, absent: int) -> bool:
    """The DfE's persistent absence: missing 10 % or more of possible sessions."""
    rate = absence_rate(possible, absent)
    return rate is not None and rate >= PERSISTENT_ABSENCE


def is_severely_absent(possible: int, absent: int) -> bool:
    """The DfE's severe absence: missing 50 % or more of possible sessions."""
    rate = absence_rate(possible, absent)
    return rate is not None and rate >= SEVERE_ABSENCE


def _check(possible: int, part: int) -> None:
    if possible < 0 or part < 0 or part > possible:
        raise ValueError(f"{part} sessions out of {possible} possible is not a valid count")
