"""The loans lists' table rows, drawn in Python: fifty rows of a template loop cost ~15 ms of
variable lookups; the same HTML built here costs a fraction (docs/benchmarks.md, Issue 11)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django import template
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from schoolwindow.support.loans.models import Condition, Item, ItemStatus, Kind, Loan

register = template.Library()

DAY = "j M Y"


def day(value: dt.date | dt.datetime) -> str:
    return date_format(value, DAY)


@register.simple_tag
def loan_rows(loans: Iterable[Loan], today: dt.date) -> SafeString:
    prefix = reverse("loans:loans")
    kinds = dict(Kind.choices)
    conditions = dict(Condition.choices)
    overdue = format_html(' <span class="tag alert">{}</span>', _("overdue"))
    waiting = format_html('<span class="tag">{}</span>', _("waiting"))
    online, paper = _("accepted online"), _("signed on paper")
    rows = []
    for loan in loans:
        pupil = loan.pupil
        year = pupil.year_group.name if pupil.year_group else ""
        late = overdue if loan.returned_at is None and loan.due_on < today else ""
        agreement = online if loan.accepted_at else paper if loan.paper_signed_on else waiting
        returned = (
            f"{day(loan.returned_at)} · {conditions.get(loan.condition_in, '')}"
            if loan.returned_at
            else "—"
        )
        rows.append(
            (
                prefix,
                loan.pk,
                pupil.display_name,
                year,
                loan.item.asset_tag,
                kinds.get(loan.item.kind, ""),
                day(loan.lent_at),
                day(loan.due_on),
                late,
                agreement,
                returned,
            )
        )
    # Each cell names its column (data-label) for the card-per-row table on a phone.
    labels = (_("Item"), _("Lent"), _("Due back"), _("Agreement"), _("Returned"))
    return format_html_join(
        "\n",
        '<tr><th scope="row"><a href="{}{}/">{}</a> <span class="muted">{}</span></th>'
        '<td data-label="{}">{} <span class="muted">{}</span></td><td data-label="{}">{}</td>'
        '<td data-label="{}">{}{}</td><td data-label="{}">{}</td><td data-label="{}">{}</td></tr>',
        (
            (
                *row[:4],
                labels[0],
                *row[4:6],
                labels[1],
                row[6],
                labels[2],
                *row[7:9],
                labels[3],
                row[9],
                labels[4],
                row[10],
            )
            for row in rows
        ),
    )


@register.simple_tag
def item_rows(items: Iterable[Item], for_pupil: str = "") -> SafeString:
    item_prefix = reverse("loans:inventory") + "items/"
    loan_prefix = reverse("loans:loans")
    kinds = dict(Kind.choices)
    conditions = dict(Condition.choices)
    statuses = dict(ItemStatus.choices)
    lend_word = _("Lend")
    pupil_query = f"?pupil={for_pupil}" if for_pupil.isdigit() else ""
    rows = []
    for item in items:
        lend = (
            format_html(
                ' <a href="{}{}/lend/{}">{}<span class="visually-hidden"> {}</span></a>',
                item_prefix,
                item.pk,
                pupil_query,
                lend_word,
                item.asset_tag,
            )
            if item.status == ItemStatus.AVAILABLE
            else ""
        )
        open_loans = getattr(item, "open_loans", [])
        holder = (
            format_html_join(
                ", ",
                '<a href="{}{}/">{}</a>',
                ((loan_prefix, loan.pk, loan.pupil.display_name) for loan in open_loans),
            )
            if open_loans
            else "—"
        )
        rows.append(
            (
                item_prefix,
                item.pk,
                item.asset_tag,
                kinds.get(item.kind, ""),
                item.model_name or "—",
                conditions.get(item.condition, ""),
                statuses.get(item.status, ""),
                lend,
                holder,
            )
        )
    labels = (_("Kind"), _("Model"), _("Condition"), _("Status"), _("With"))
    return format_html_join(
        "\n",
        '<tr><th scope="row"><a href="{}{}/">{}</a></th><td data-label="{}">{}</td>'
        '<td data-label="{}">{}</td><td data-label="{}">{}</td><td data-label="{}">{}{}</td>'
        '<td data-label="{}">{}</td></tr>',
        (
            (
                *row[:3],
                labels[0],
                row[3],
                labels[1],
                row[4],
                labels[2],
                row[5],
                labels[3],
                *row[6:8],
                labels[4],
                row[8],
            )
            for row in rows
        ),
    )
