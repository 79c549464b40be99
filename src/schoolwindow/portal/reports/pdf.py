"""A report as a PDF, the way the project prints (messaging's letters, support's labels):
HTML rendered with WeasyPrint, imported only when a PDF is made (it is slow to import).

The headings are in the family's language when the interface is translated into it, English
otherwise; what staff wrote stays as they wrote it."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from schoolwindow.messaging.api import base_language, is_rtl
from schoolwindow.portal.reports.models import PupilReport
from schoolwindow.portal.reports.selectors import report_lines

# Interface languages with translations of the report's headings.
TRANSLATED_UI = {"pl"}


def heading_language(preferred: str) -> str:
    family = base_language(preferred or "en")
    return family if family in TRANSLATED_UI else "en-gb"


def report_html(report: PupilReport, *, language: str) -> str:
    ui = heading_language(language)
    with translation.override(ui):
        return render_to_string(
            "portal/reports/report_pdf.html",
            {
                "report": report,
                "lines": report_lines(report),
                "language": base_language(ui),
                "rtl": is_rtl(ui),
                "printed": timezone.localdate(),
            },
        )


def report_pdf(report: PupilReport, *, language: str) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=report_html(report, language=language)).write_pdf()
    return pdf


def report_filename(report: PupilReport) -> str:
    name = (
        "".join(ch for ch in report.pupil.display_name if ch.isascii() and ch.isalnum()) or "report"
    )
    return f"{name}-report-{report.run_id}.pdf"
