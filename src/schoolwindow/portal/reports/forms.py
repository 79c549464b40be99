"""Forms for progress reports: a template, the year's runs, a pupil's report, a leader's
note, and a parent's reply."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from schoolwindow.portal.reports.models import ReportTemplate
from schoolwindow.portal.reports.services import MAX_COMMENT, MAX_REPLY, MAX_RUNS, PlannedRun
from schoolwindow.schools.models import YearGroup

PLAN_ROWS = 6


class TemplateForm(forms.Form):
    school = forms.TypedChoiceField(label=_("School"), coerce=int)
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("For example, Key Stage 3"))
    subjects = forms.CharField(
        label=_("Subjects, one a line"), widget=forms.Textarea(attrs={"rows": 8})
    )
    attainment_scale = forms.CharField(
        label=_("Attainment steps, one a line, lowest first"),
        widget=forms.Textarea(attrs={"rows": 4}),
        initial="Working towards\nWorking at the expected standard\nWorking beyond",
    )
    effort_scale = forms.CharField(
        label=_("Effort steps, one a line, lowest first"),
        widget=forms.Textarea(attrs={"rows": 4}),
        initial="Needs to try harder\nGood\nExcellent",
    )

    def __init__(self, *args: Any, schools: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = schools


def _date(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ScheduleForm(forms.Form):
    template = forms.TypedChoiceField(label=_("Template"), coerce=int)
    year_groups = forms.TypedMultipleChoiceField(
        label=_("Year groups"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        templates: list[ReportTemplate],
        years: list[YearGroup],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        template = self.fields["template"]
        assert isinstance(template, forms.TypedChoiceField)
        template.choices = [(t.pk, f"{t.name} · {t.school.name}") for t in templates]
        year_field = self.fields["year_groups"]
        assert isinstance(year_field, forms.TypedMultipleChoiceField)
        year_field.choices = [(year.pk, year.name) for year in years]
        for n in range(1, PLAN_ROWS + 1):
            self.fields[f"name_{n}"] = forms.CharField(
                label=_("Name"), required=False, max_length=120
            )
            self.fields[f"opens_{n}"] = _date(_("Writing opens"))
            self.fields[f"closes_{n}"] = _date(_("Writing closes"))
            self.fields[f"publish_{n}"] = _date(_("Families get it on"))

    def rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"{box}_{n}"] for box in ("name", "opens", "closes", "publish")]
            for n in range(1, PLAN_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        planned = []
        for n in range(1, PLAN_ROWS + 1):
            name = (data.get(f"name_{n}") or "").strip()
            dates: list[dt.date | None] = [
                data.get(f"{box}_{n}") for box in ("opens", "closes", "publish")
            ]
            if not name and not any(dates):
                continue
            if not name:
                self.add_error(f"name_{n}", _("Give this run a name"))
            for box, value in zip(("opens", "closes", "publish"), dates, strict=True):
                if value is None and f"{box}_{n}" not in self.errors:
                    self.add_error(f"{box}_{n}", _("Enter the date"))
            if name and all(dates):
                opens, closes, publish = dates
                assert opens and closes and publish
                planned.append(PlannedRun(name, opens, closes, publish))
        if not planned and not self.errors:
            raise forms.ValidationError(_("Fill in at least one report run."))
        data["planned"] = planned[:MAX_RUNS]
        return data


class WriteForm(forms.Form):
    """One fieldset a subject (attainment, effort, comment), then the general comment."""

    general_comment = forms.CharField(
        label=_("General comment"),
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, template: ReportTemplate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.template = template
        attainment = [("", _("Not chosen yet"))] + [
            (str(n), label) for n, label in enumerate(template.attainment_scale, 1)
        ]
        effort = [("", _("Not chosen yet"))] + [
            (str(n), label) for n, label in enumerate(template.effort_scale, 1)
        ]
        for n, _subject in enumerate(template.subjects):
            self.fields[f"s{n}_attainment"] = forms.ChoiceField(
                label=_("Attainment"), choices=attainment, required=False
            )
            self.fields[f"s{n}_effort"] = forms.ChoiceField(
                label=_("Effort"), choices=effort, required=False
            )
            self.fields[f"s{n}_comment"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=MAX_COMMENT,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    @staticmethod
    def initial_from(
        template: ReportTemplate, lines: dict[str, Any], general: str
    ) -> dict[str, Any]:
        initial: dict[str, Any] = {"general_comment": general}
        for n, subject in enumerate(template.subjects):
            line = lines.get(subject) or {}
            initial[f"s{n}_attainment"] = str(line.get("attainment") or "")
            initial[f"s{n}_effort"] = str(line.get("effort") or "")
            initial[f"s{n}_comment"] = line.get("comment") or ""
        return initial

    def subjects(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (subject, [self[f"s{n}_{box}"] for box in ("attainment", "effort", "comment")])
            for n, subject in enumerate(self.template.subjects)
        ]

    def lines(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        out = {}
        for n, subject in enumerate(self.template.subjects):
            out[subject] = {
                "attainment": int(data[f"s{n}_attainment"]) if data[f"s{n}_attainment"] else None,
                "effort": int(data[f"s{n}_effort"]) if data[f"s{n}_effort"] else None,
                "comment": data[f"s{n}_comment"],
            }
        return out

    def field_for(self, service_field: str) -> str | None:
        """The form field a service's `Subject-attainment` error belongs on."""
        subject, _sep, box = service_field.rpartition("-")
        if subject in self.template.subjects:
            return f"s{self.template.subjects.index(subject)}_{box}"
        return service_field if service_field in self.fields else None


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What should the writer change?"),
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply to the school"),
        max_length=MAX_REPLY,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
