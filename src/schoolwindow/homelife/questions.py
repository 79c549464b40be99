"""The question set: one list that the survey, the staff's phone form, a home visit and the
profile page all use, so an answer means the same thing whoever recorded it.

A question is about the household (`HOUSEHOLD`) or about one pupil (`PUPIL`). Its value is a
choice's code (`CHOICE`), several codes joined by commas (`MULTI`), a whole number (`NUMBER`)
or the family's own words (`TEXT`); `detail` names an optional follow-up in the family's words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from schoolwindow.core.errors import Invalid

HOUSEHOLD = "household"
PUPIL = "pupil"

CHOICE = "choice"
MULTI = "multi"
NUMBER = "number"
TEXT = "text"

MAX_DEVICES = 20


@dataclass(frozen=True)
class Question:
    key: str
    about: str
    kind: str
    label: str | Promise  # short, for staff and the check-answers page
    ask: str | Promise  # the question as a family reads it; pupil questions take %(name)s
    choices: tuple[tuple[str, str | Promise], ...] = ()
    hint: str | Promise = ""
    detail: str | Promise = ""  # the follow-up's label; empty when there is none
    detail_hint: str | Promise = ""

    def ask_about(self, name: str) -> str:
        return str(self.ask) % {"name": name} if self.about == PUPIL else str(self.ask)

    def show(self, value: str) -> str:
        """The value in words."""
        labels = dict(self.choices)
        if self.kind == CHOICE:
            return str(labels.get(value, value))
        if self.kind == MULTI:
            return ", ".join(str(labels.get(code, code)) for code in value.split(",") if code)
        return value

    def clean(self, value: str, detail: str = "") -> tuple[str, str]:
        """The value as stored, or Invalid naming the question's field."""
        value = (value or "").strip()
        detail = " ".join((detail or "").split())[:300]
        codes = {code for code, _label in self.choices}
        if not value:
            raise Invalid(gettext("Answer this question to go on."), field=self.key)
        if self.kind == CHOICE and value not in codes:
            raise Invalid(gettext("Choose one of the answers."), field=self.key)
        if self.kind == MULTI:
            picked = [code for code, _label in self.choices if code in set(value.split(","))]
            if not picked or len(picked) != len(set(value.split(","))):
                raise Invalid(gettext("Choose one of the answers."), field=self.key)
            if "none" in picked and len(picked) > 1:
                raise Invalid(
                    gettext("Choose “none” on its own, or the devices you have."),
                    field=self.key,
                )
            value = ",".join(picked)
        if self.kind == NUMBER:
            if not value.isdigit() or int(value) > MAX_DEVICES:
                raise Invalid(
                    gettext("Enter a number from 0 to %(most)s.") % {"most": MAX_DEVICES},
                    field=self.key,
                )
            value = str(int(value))
        if self.kind == TEXT:
            value = " ".join(value.split())[:300]
        return value, detail if self.detail else ""


YES_NO = (("yes", _("Yes")), ("no", _("No")))
YES_SOMETIMES_NO = (("yes", _("Yes")), ("sometimes", _("Sometimes")), ("no", _("No")))

QUESTIONS: tuple[Question, ...] = (
    Question(
        key="devices",
        about=HOUSEHOLD,
        kind=MULTI,
        label=_("Devices"),
        ask=_("Which devices can your children use for school work at home?"),
        hint=_("Select all that apply."),
        choices=(
            ("laptop", _("Laptop")),
            ("desktop", _("Desktop computer")),
            ("tablet", _("Tablet")),
            ("smartphone", _("Smartphone")),
            ("none", _("None of these")),
        ),
    ),
    Question(
        key="device_count",
        about=HOUSEHOLD,
        kind=NUMBER,
        label=_("How many devices"),
        ask=_("How many devices can your children use for school work?"),
        hint=_("Count laptops, computers and tablets. Enter 0 if there are none."),
    ),
    Question(
        key="device_sharing",
        about=HOUSEHOLD,
        kind=CHOICE,
        label=_("Sharing"),
        ask=_("Do the children share the devices with anyone?"),
        choices=(
            ("own", _("No, the children have their own")),
            ("children", _("They share them with each other")),
            ("adults", _("They share them with adults, for work or study")),
        ),
        detail=_("Who uses them, and when? (optional)"),
        detail_hint=_("For example: one laptop, used by mum for work 9 to 5."),
    ),
    Question(
        key="internet",
        about=HOUSEHOLD,
        kind=CHOICE,
        label=_("Internet"),
        ask=_("What internet do you have at home?"),
        choices=(
            ("broadband", _("Broadband or Wi-Fi")),
            ("mobile", _("Mobile data only")),
            ("none", _("No internet")),
        ),
        detail=_("Is there a data limit? (optional)"),
        detail_hint=_("For example: 10 GB a month."),
    ),
    Question(
        key="printer",
        about=HOUSEHOLD,
        kind=CHOICE,
        label=_("Printer"),
        ask=_("Do you have a printer at home?"),
        choices=YES_NO,
    ),
    Question(
        key="languages",
        about=HOUSEHOLD,
        kind=TEXT,
        label=_("Languages at home"),
        ask=_("Which languages do you speak at home?"),
        hint=_("For example: Polish and English."),
    ),
    Question(
        key="contact",
        about=HOUSEHOLD,
        kind=CHOICE,
        label=_("Best way to reach the family"),
        ask=_("How would you like the school to contact you?"),
        choices=(
            ("app", _("In the School Window app")),
            ("email", _("Email")),
            ("sms", _("Text message")),
            ("phone", _("Phone call")),
            ("letter", _("Letter")),
        ),
    ),
    Question(
        key="quiet_place",
        about=PUPIL,
        kind=CHOICE,
        label=_("A quiet place to study"),
        ask=_("Does %(name)s have a quiet place to study at home?"),
        choices=YES_SOMETIMES_NO,
    ),
    Question(
        key="adult_help",
        about=PUPIL,
        kind=CHOICE,
        label=_("An adult who can help"),
        ask=_("Is there an adult at home who can help %(name)s with school work?"),
        choices=YES_SOMETIMES_NO,
        detail=_("When can they help? (optional)"),
        detail_hint=_("For example: weekday evenings after 6."),
    ),
    Question(
        key="study_buddy",
        about=PUPIL,
        kind=CHOICE,
        label=_("An older sibling or study buddy"),
        ask=_("Is there an older brother or sister, or a friend, who studies with %(name)s?"),
        choices=(
            ("sibling", _("Yes, an older brother or sister")),
            ("friend", _("Yes, a friend")),
            ("no", _("No")),
        ),
        detail=_("Who? (optional)"),
    ),
)

BY_KEY: dict[str, Question] = {question.key: question for question in QUESTIONS}
HOUSEHOLD_QUESTIONS: tuple[Question, ...] = tuple(q for q in QUESTIONS if q.about == HOUSEHOLD)
PUPIL_QUESTIONS: tuple[Question, ...] = tuple(q for q in QUESTIONS if q.about == PUPIL)


def question(key: str) -> Question:
    try:
        return BY_KEY[key]
    except KeyError:
        raise Invalid(gettext("There is no such question."), field="question") from None


def ordered(keys: Sequence[str]) -> list[Question]:
    wanted = set(keys)
    return [q for q in QUESTIONS if q.key in wanted]
