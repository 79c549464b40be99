"""One chart per kind of help: the share recovered among pupils who got it and among flagged
pupils who did not, as two horizontal bars drawn on the server (inline SVG with a text
alternative). The table beneath it on the page has the same numbers and both group sizes."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from schoolwindow.engagement.charts import fmt, percent_text
from schoolwindow.support.outcomes.recovery import KindOutcome

# Both at least 3:1 against white (the bars) and 4.5:1 (the words beside them).
HELPED = "#0b5394"
COMPARISON = "#6b4e00"
GRID = "#6b7480"
LABEL_WIDTH = 130
BAR_WIDTH = 190
ROW = 30


def outcome_svg(outcome: KindOutcome, kind_label: str) -> SafeString:
    rows = [
        (
            _("Got this help (%(n)s)") % {"n": outcome.helped_n},
            outcome.helped_pct,
            HELPED,
        ),
        (
            _("Did not (%(n)s)") % {"n": outcome.comparison_n},
            outcome.comparison_pct,
            COMPARISON,
        ),
    ]
    label = _(
        "%(kind)s: recovered %(helped)s of %(hn)s pupils who got it, %(other)s of %(cn)s "
        "flagged pupils who did not."
    ) % {
        "kind": kind_label,
        "helped": percent_text(outcome.helped_pct),
        "hn": outcome.helped_n,
        "other": percent_text(outcome.comparison_pct),
        "cn": outcome.comparison_n,
    }
    height = ROW * len(rows) + 22
    width = LABEL_WIDTH + BAR_WIDTH + 44
    parts = [
        f'<svg class="outcome-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    x0 = LABEL_WIDTH
    for pct in (0, 50, 100):
        x = x0 + BAR_WIDTH * pct / 100
        parts.append(
            f'<line x1="{fmt(x)}" y1="0" x2="{fmt(x)}" y2="{height - 16}" stroke="{GRID}" '
            f'stroke-width="0.5"/><text x="{fmt(x)}" y="{height - 3}" font-size="10" '
            f'text-anchor="middle" fill="#333">{pct}%</text>'
        )
    for i, (words, pct_value, colour) in enumerate(rows):
        y = i * ROW + 4
        bar = BAR_WIDTH * (pct_value or 0) / 100
        parts.append(
            f'<text x="{x0 - 6}" y="{y + 13}" font-size="11" text-anchor="end" '
            f'fill="#222">{escape(words)}</text>'
            f'<rect x="{x0}" y="{y}" width="{fmt(bar)}" height="18" fill="{colour}"/>'
            f'<text x="{fmt(x0 + bar + 4)}" y="{y + 13}" font-size="10" '
            f'fill="#222">{escape(percent_text(pct_value))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
