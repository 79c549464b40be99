"""The coverage chart: horizontal bars drawn on the server as inline SVG, with a text
alternative; the same numbers are in the table beneath it on the page."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from schoolwindow.engagement.charts import fmt, percent_text
from schoolwindow.support.advocates.selectors import CoverageGroup

# Both at least 3:1 against white; "on track" also differs by being the thinner bar.
WITH_ADVOCATE = "#0b5394"
ON_TRACK = "#8a4b00"
GRID = "#6b7480"
LABEL_WIDTH = 150
BAR_WIDTH = 200
ROW = 34


def coverage_svg(groups: Sequence[CoverageGroup]) -> SafeString:
    height = ROW * len(groups) + 24
    width = LABEL_WIDTH + BAR_WIDTH + 50
    lines = [
        _("%(group)s: %(advocate)s with an advocate, %(track)s on track")
        % {
            "group": g.label,
            "advocate": percent_text(g.with_advocate_pct),
            "track": percent_text(g.on_track_pct),
        }
        for g in groups
    ]
    label = _("Vulnerable learners with an advocate and on track, by group. ") + "; ".join(lines)
    parts = [
        f'<svg class="coverage-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    x0 = LABEL_WIDTH
    for pct in (0, 50, 100):
        x = x0 + BAR_WIDTH * pct / 100
        parts.append(
            f'<line x1="{fmt(x)}" y1="0" x2="{fmt(x)}" y2="{height - 18}" stroke="{GRID}" '
            f'stroke-width="0.5"/><text x="{fmt(x)}" y="{height - 4}" font-size="10" '
            f'text-anchor="middle" fill="#333">{pct}%</text>'
        )
    for i, g in enumerate(groups):
        y = i * ROW + 4
        parts.append(
            f'<text x="{x0 - 6}" y="{y + 15}" font-size="11" text-anchor="end" '
            f'fill="#222">{escape(g.label)}</text>'
        )
        advocate = BAR_WIDTH * (g.with_advocate_pct or 0) / 100
        track = BAR_WIDTH * (g.on_track_pct or 0) / 100
        parts.append(
            f'<rect x="{x0}" y="{y}" width="{fmt(advocate)}" height="14" fill="{WITH_ADVOCATE}"/>'
            f'<rect x="{x0}" y="{y + 16}" width="{fmt(track)}" height="8" fill="{ON_TRACK}"/>'
            f'<text x="{fmt(x0 + advocate + 4)}" y="{y + 12}" font-size="10" '
            f'fill="#222">{escape(percent_text(g.with_advocate_pct))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
