"""Printable QR labels: an A4 sheet of labels whose code opens the item's page.

The code holds the page's absolute address (SITE_URL), so any phone camera opens it; the
page asks the person to sign in, and shows the item only to staff who lend kit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import segno
from django.template.loader import render_to_string

from schoolwindow.support.loans.models import Item
from schoolwindow.support.loans.services import item_url


def qr_svg_uri(url: str) -> str:
    """The QR code of `url` as an SVG data URI (medium error correction: labels get scuffed)."""
    return str(segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=2))


def labels_html(
    items: Sequence[Item], *, school_name: str, encode: Callable[[str], str] = qr_svg_uri
) -> str:
    labels = []
    for item in items:
        url = item_url(item)
        labels.append({"item": item, "url": url, "qr": encode(url)})
    return render_to_string(
        "support/loans/labels.html", {"labels": labels, "school_name": school_name}
    )


def labels_pdf(
    items: Sequence[Item], *, school_name: str, encode: Callable[[str], str] = qr_svg_uri
) -> bytes:
    # WeasyPrint is loaded only when a sheet is printed: it is slow to import.
    from weasyprint import HTML

    pdf: bytes = HTML(string=labels_html(items, school_name=school_name, encode=encode)).write_pdf()
    return pdf
