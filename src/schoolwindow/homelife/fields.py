"""Reading answers out of a posted form and drawing questions back into one.

The survey (one question a screen) and the staff's phone form (every question on one page) use
the same names: a question's value is posted as `<name>` (several values for a multiple
choice), its follow-up words as `<name>-detail`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from schoolwindow.core.errors import Invalid
from schoolwindow.homelife.questions import CHOICE, MULTI, Question


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    checked: bool
    id: str


@dataclass
class QuestionField:
    """One question as a form draws it."""

    name: str
    question: Question
    ask: str
    value: str = ""
    detail: str = ""
    error: str = ""
    options: list[Option] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def grouped(self) -> bool:
        """Radios and checkboxes sit in a fieldset with a legend."""
        return self.question.kind in (CHOICE, MULTI)


def posted(data: QueryDict, name: str, asked: Question) -> tuple[str, str]:
    if asked.kind == MULTI:
        value = ",".join(code for code in data.getlist(name) if code)
    else:
        value = data.get(name, "")
    return value, data.get(f"{name}-detail", "")


def draw(
    name: str, asked: Question, ask: str, value: str = "", detail: str = "", error: str = ""
) -> QuestionField:
    picked = set(value.split(",")) if asked.kind == MULTI else {value}
    return QuestionField(
        name=name,
        question=asked,
        ask=ask,
        value=value,
        detail=detail,
        error=error,
        options=[
            Option(code=code, label=str(label), checked=code in picked, id=f"{name}-{code}")
            for code, label in asked.choices
        ],
    )


def check(asked: Question, value: str, detail: str) -> tuple[str, str, str]:
    """(value, detail, "") when the answer is good, else (what was sent, detail, the problem)."""
    try:
        clean_value, clean_detail = asked.clean(value, detail)
    except Invalid as problem:
        return value, detail, problem.message
    return clean_value, clean_detail, ""


def as_pairs(stored: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """Answers kept in the session (JSON lists) back as (value, detail) pairs."""
    found = {}
    for key, pair in stored.items():
        if isinstance(pair, list | tuple) and len(pair) == 2:
            found[key] = (str(pair[0]), str(pair[1]))
    return found
