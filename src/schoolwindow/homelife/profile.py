"""The current profile, derived from the answer rows: which answer counts for each question.

The rule, in one place:

1. An answer from a home visit (face to face) that is not out of date outranks any later answer
   from the survey, a phone call or the pupil: the page then says what the other source said and
   that we use the visit.
2. Otherwise the newest answer counts.

An answer is out of date (stale) when it is older than the school's `stale_after_days`; the
profile is stale when even its newest current answer is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from schoolwindow.homelife.models import FACE_TO_FACE, ProfileAnswer
from schoolwindow.homelife.questions import Question


@dataclass(frozen=True)
class CurrentAnswer:
    question: Question
    answer: ProfileAnswer
    shown: str
    stale: bool
    # A newer answer from another source that disagrees and was outranked (a survey tick the
    # visit contradicted), for the page to say so.
    outranked: ProfileAnswer | None = None
    outranked_shown: str = ""

    @property
    def detail(self) -> str:
        return self.answer.detail


def chosen(
    answers: Sequence[ProfileAnswer], *, stale_before: dt.datetime
) -> tuple[ProfileAnswer, ProfileAnswer | None]:
    """The answer that counts among one question's answers (newest first), and the newer one it
    outranked where they disagree."""
    newest = answers[0]
    if newest.source in FACE_TO_FACE:
        return newest, None
    visit = next(
        (a for a in answers if a.source in FACE_TO_FACE and a.recorded_at >= stale_before), None
    )
    if visit is None:
        return newest, None
    disagreeing = next(
        (
            a
            for a in answers
            if a.recorded_at > visit.recorded_at
            and a.source not in FACE_TO_FACE
            and (a.value, a.detail) != (visit.value, visit.detail)
        ),
        None,
    )
    return visit, disagreeing


def current_answers(
    answers: Iterable[ProfileAnswer], *, stale_before: dt.datetime, questions: Sequence[Question]
) -> list[CurrentAnswer]:
    """The current answer to each of `questions` that has one, in the question set's order.
    `answers` must come newest first."""
    by_question: dict[str, list[ProfileAnswer]] = {}
    for answer in answers:
        by_question.setdefault(answer.question, []).append(answer)
    found = []
    for question in questions:
        rows = by_question.get(question.key)
        if not rows:
            continue
        answer, outranked = chosen(rows, stale_before=stale_before)
        found.append(
            CurrentAnswer(
                question=question,
                answer=answer,
                shown=question.show(answer.value),
                stale=answer.recorded_at < stale_before,
                outranked=outranked,
                outranked_shown=question.show(outranked.value) if outranked else "",
            )
        )
    return found


def as_initial(current: Iterable[CurrentAnswer]) -> dict[str, tuple[str, str]]:
    """question key → (value, detail), to prefill a form."""
    return {entry.question.key: (entry.answer.value, entry.answer.detail) for entry in current}
