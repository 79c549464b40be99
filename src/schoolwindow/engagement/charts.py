"""Small charts drawn on the server as inline SVG: no JavaScript, no CDN, nothing to download.

Each chart is an image with a text alternative (role="img" and an aria-label); the timeline also
comes with a data table (see templates/engagement/_timeline.html). Colours: attendance in the
brand blue, online activity in dark amber with a dashed line (so the two differ without colour),
homework missing in red text — all at least 3:1 against white.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

ATTENDANCE = "#0b5394"
ONLINE = "#8a4b00"
MISSING = "#a4262c"
GRID = "#6b7480"


def fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def polyline_segments(points: Sequence[tuple[float, float] | None]) -> list[str]:
    """Split a series at its gaps (weeks without school) into SVG point lists."""
    segments: list[str] = []
    current: list[str] = []
    for point in points:
        if point is None:
            if current:
                segments.append(" ".join(current))
            current = []
        else:
            current.append(f"{fmt(point[0])},{fmt(point[1])}")
    if current:
        segments.append(" ".join(current))
    return segments


def percent_text(value: float | None) -> str:
    return "—" if value is None else number_format(value, 0) + "%"


def online_pct(online: int | None, days: int) -> float | None:
    if online is None or not days:
        return None
    return 100.0 * online / days


def sparkline_description(trend: Mapping[str, Any]) -> str:
    """The chart's text alternative: a week without school days says so (the chart leaves a
    gap there, it does not fall to zero)."""
    days = list(trend.get("school_days") or [])
    no_school = _("no school")

    def closed(i: int) -> bool:
        return i < len(days) and not days[i]

    attendance = ", ".join(
        no_school if closed(i) else percent_text(v)
        for i, v in enumerate(trend.get("attendance") or [])
    )
    online = ", ".join(
        no_school if closed(i) else "—" if value is None else f"{value}/{days[i]}"
        for i, value in enumerate(trend.get("online") or [])
        if i < len(days)
    )
    return _(
        "Last six weeks, oldest first. Attendance: %(attendance)s. Days online: %(online)s."
    ) % {"attendance": attendance, "online": online}


def sparkline_svg(trend: Mapping[str, Any], *, width: int = 120, height: int = 32) -> SafeString:
    """Two lines over six weeks: attendance % (solid) and share of days online (dashed)."""
    attendance = list(trend.get("attendance") or [])
    if not attendance:
        return mark_safe("")
    online = list(trend.get("online") or [])
    days = list(trend.get("school_days") or [])
    n = len(attendance)
    pad = 3.0
    step = (width - 2 * pad) / max(n - 1, 1)

    def y(value: float) -> float:
        return height - pad - (height - 2 * pad) * max(0.0, min(value, 100.0)) / 100.0

    att_points = [
        None if value is None else (pad + i * step, y(value)) for i, value in enumerate(attendance)
    ]
    online_points = []
    for i in range(n):
        share = online_pct(online[i] if i < len(online) else None, days[i] if i < len(days) else 0)
        online_points.append(None if share is None else (pad + i * step, y(share)))
    label = escape(sparkline_description(trend))
    parts = [
        f'<svg class="sparkline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} '
        f'{height}" width="{width}" height="{height}" role="img" aria-label="{label}">',
        f'<line x1="0" y1="{fmt(y(90))}" x2="{width}" y2="{fmt(y(90))}" stroke="{GRID}" '
        'stroke-width="0.5" stroke-dasharray="1 2"/>',
    ]
    for segment in polyline_segments(online_points):
        parts.append(
            f'<polyline points="{segment}" fill="none" stroke="{ONLINE}" stroke-width="1.5" '
            'stroke-dasharray="3 2"/>'
        )
    for segment in polyline_segments(att_points):
        parts.append(
            f'<polyline points="{segment}" fill="none" stroke="{ATTENDANCE}" stroke-width="2"/>'
        )
    for segment in polyline_segments(online_points) + polyline_segments(att_points):
        if " " not in segment:  # a week alone between gaps: a line of one point draws nothing
            x, y_ = segment.split(",")
            parts.append(f'<circle cx="{x}" cy="{y_}" r="1.5" fill="{GRID}"/>')
    last = next((p for p in reversed(att_points) if p is not None), None)
    if last is not None:
        parts.append(
            f'<circle cx="{fmt(last[0])}" cy="{fmt(last[1])}" r="2.5" fill="{ATTENDANCE}"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


# --- The pupil's engagement timeline -----------------------------------------------------------


@dataclass(frozen=True)
class TimelineWeek:
    start: dt.date
    school_days: int
    possible: int
    present: int
    expected_days: int  # school days not excused by authorised absence
    online_days: int
    logins: int
    homework_due: int
    handed_in: int
    late: int
    missing: int

    @property
    def attendance(self) -> float | None:
        return 100.0 * self.present / self.possible if self.possible else None

    @property
    def online_share(self) -> float | None:
        return 100.0 * self.online_days / self.expected_days if self.expected_days else None


def timeline_description(weeks: Sequence[TimelineWeek]) -> str:
    taught = [week for week in weeks if week.school_days]
    if not taught:
        return _("No school days yet this term.")
    rates = [week.attendance for week in taught if week.attendance is not None]
    parts = [
        ngettext(
            "Engagement by week this term (%(n)d week).",
            "Engagement by week this term (%(n)d weeks).",
            len(taught),
        )
        % {"n": len(taught)}
    ]
    if rates:
        parts.append(
            _("Attendance from %(first)s in the first week to %(last)s in the latest.")
            % {"first": percent_text(rates[0]), "last": percent_text(rates[-1])}
        )
    last = taught[-1]
    parts.append(
        _("Online on %(online)d of %(days)d days in the latest week.")
        % {"online": last.online_days, "days": last.expected_days}
    )
    missing = sum(week.missing for week in taught)
    parts.append(
        ngettext(
            "%(n)d piece of homework missing this term.",
            "%(n)d pieces of homework missing this term.",
            missing,
        )
        % {"n": missing}
    )
    parts.append(_("The table below has every figure."))
    return " ".join(parts)


def timeline_svg(weeks: Sequence[TimelineWeek], *, title_id: str = "timeline-title") -> SafeString:
    """Weekly bars for attendance %, a dashed line for days online %, homework missing below."""
    if not weeks:
        return mark_safe("")
    left, right, top, plot_h = 40.0, 8.0, 10.0, 120.0
    col = max(28.0, min(56.0, 560.0 / len(weeks)))
    width = left + right + col * len(weeks)
    height = top + plot_h + 52.0

    def y(value: float) -> float:
        return top + plot_h - plot_h * max(0.0, min(value, 100.0)) / 100.0

    label = escape(timeline_description(weeks))
    title = escape(_("Engagement by week"))
    parts = [
        f'<svg class="timeline-chart" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {fmt(width)} {fmt(height)}" role="img" aria-label="{label}">',
        f'<title id="{escape(title_id)}">{title}</title>',
    ]
    for value in (0, 50, 90, 100):
        dash = ' stroke-dasharray="2 3"' if value == 90 else ""
        parts.append(
            f'<line x1="{fmt(left)}" y1="{fmt(y(value))}" x2="{fmt(width - right)}" '
            f'y2="{fmt(y(value))}" stroke="{GRID}" stroke-width="0.5"{dash}/>'
        )
        parts.append(
            f'<text x="{fmt(left - 4)}" y="{fmt(y(value) + 3)}" font-size="9" '
            f'text-anchor="end" fill="#1b1f24">{value}%</text>'
        )
    online_points: list[tuple[float, float] | None] = []
    for i, week in enumerate(weeks):
        x = left + i * col
        rate = week.attendance
        if rate is not None:
            bar_y = y(rate)
            parts.append(
                f'<rect x="{fmt(x + col * 0.18)}" y="{fmt(bar_y)}" width="{fmt(col * 0.64)}" '
                f'height="{fmt(top + plot_h - bar_y)}" fill="{ATTENDANCE}" fill-opacity="0.85"/>'
            )
        share = week.online_share
        online_points.append(None if share is None else (x + col / 2, y(share)))
        parts.append(
            f'<text x="{fmt(x + col / 2)}" y="{fmt(top + plot_h + 14)}" font-size="9" '
            f'text-anchor="middle" fill="#1b1f24">{escape(date_format(week.start, "j M"))}</text>'
        )
        if week.missing:
            parts.append(
                f'<text x="{fmt(x + col / 2)}" y="{fmt(top + plot_h + 30)}" font-size="10" '
                f'font-weight="700" text-anchor="middle" fill="{MISSING}">{week.missing}</text>'
            )
    for segment in polyline_segments(online_points):
        parts.append(
            f'<polyline points="{segment}" fill="none" stroke="{ONLINE}" stroke-width="2" '
            'stroke-dasharray="5 3"/>'
        )
    for point in online_points:
        if point is not None:
            parts.append(
                f'<circle cx="{fmt(point[0])}" cy="{fmt(point[1])}" r="3" fill="#fff" '
                f'stroke="{ONLINE}" stroke-width="1.5"/>'
            )
    parts.append(
        f'<text x="{fmt(left - 4)}" y="{fmt(top + plot_h + 30)}" font-size="9" '
        f'text-anchor="end" fill="{MISSING}">{escape(_("Missing"))}</text>'
    )
    parts.append(
        f'<text x="{fmt(left)}" y="{fmt(height - 4)}" font-size="9" fill="#1b1f24">'
        f"{escape(_('Bars: attendance. Dashed line: days online. Red: homework missing.'))}"
        "</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))
