from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from schoolwindow.connectors.models import ImportKind
from schoolwindow.connectors.services import UPLOAD_SUFFIXES
from schoolwindow.schools.models import School


class ImportUploadForm(forms.Form):
    school = forms.ModelChoiceField(
        queryset=School.objects.none(), label=_("School"), empty_label=None
    )
    kind = forms.ChoiceField(
        choices=ImportKind.choices,
        label=_("Kind of file"),
        widget=forms.RadioSelect,
        initial=ImportKind.ONEROSTER,
        help_text=_(
            "OneRoster: the zip your school's information system exports. "
            "Pupils and guardians CSV: one spreadsheet saved as CSV."
        ),
    )
    file = forms.FileField(label=_("File"))
    dry_run = forms.BooleanField(
        required=False,
        label=_("Only check the file and show what would change (nothing is saved)"),
    )

    def __init__(self, *args: Any, schools: QuerySet[School], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        school_field = self.fields["school"]
        assert isinstance(school_field, forms.ModelChoiceField)
        school_field.queryset = schools

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload, kind = cleaned.get("file"), cleaned.get("kind")
        if upload is not None and kind:
            suffix = UPLOAD_SUFFIXES[ImportKind(kind)]
            if not (upload.name or "").lower().endswith(suffix):
                self.add_error(
                    "file",
                    _("Choose a %(suffix)s file for this kind of import.") % {"suffix": suffix},
                )
        return cleaned
