"""{% load watchlist %}: the Watchlist link, and the parts of watchlist rows drawn as HTML."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import date, floatformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from schoolwindow.core.capabilities import WATCHLIST_IN_MENU
from schoolwindow.core.permissions import Actor
from schoolwindow.engagement import charts
from schoolwindow.engagement.selectors import Timeline, WatchRow

register = template.Library()


@register.filter
def sees_watchlist(actor: Actor | None) -> bool:
    """Pastoral leads, leaders, DSLs, family liaison officers and advocates."""
    if actor is None or not actor.is_authenticated:
        return False
    return actor.can_anywhere(WATCHLIST_IN_MENU)


@register.filter
def sparkline(row: WatchRow) -> SafeString:
    """The flag's last six weeks as a small chart."""
    return charts.sparkline_svg(row.flag.trend or {})


@register.filter
def assign_options(row: WatchRow) -> SafeString:
    """The <option>s of the "assign to" list, the current person selected."""
    selected = row.flag.assigned_to_id
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((pk, " selected" if pk == selected else "", name) for pk, name in row.assign_choices),
    )


@register.filter
def timeline_chart(timeline: Timeline) -> SafeString:
    return charts.timeline_svg(timeline.weeks, title_id=f"timeline-title-{timeline.pupil_id}")


WEEK_ROW = (
    '<tr><th scope="row">{}</th><td class="num">{}</td><td class="num">{}</td>'
    '<td class="num">{}/{}</td><td class="num">{}</td><td class="num">{}{}</td>'
    '<td class="num">{}</td></tr>'
)


NO_SCHOOL_ROW = '<tr><th scope="row">{}</th><td class="num">0</td><td colspan="5">{}</td></tr>'


def week_row(week: charts.TimelineWeek) -> str:
    if not week.school_days:
        # A week without school is a gap in the chart and says so here, not a week of zeros.
        return format_html(NO_SCHOOL_ROW, date(week.start, "D j M"), gettext("No school"))
    return format_html(
        WEEK_ROW,
        date(week.start, "D j M"),
        week.school_days,
        week_attendance(week),
        week.online_days,
        week.expected_days,
        week.logins,
        week.handed_in,
        week_late(week),
        week.missing,
    )


def week_attendance(week: charts.TimelineWeek) -> str:
    if week.attendance is None:
        return "—"
    return f"{floatformat(week.attendance, 0)}% ({week.present}/{week.possible})"


def week_late(week: charts.TimelineWeek) -> str:
    if not week.late:
        return ""
    return " ({})".format(gettext("%(n)s late") % {"n": week.late})


@register.filter
def timeline_rows(timeline: Timeline) -> SafeString:
    """The table's rows, one per week: drawn here, not by a template loop, because a term has
    a dozen weeks of seven cells each. Counts are whole numbers below a thousand, which
    Django's localisation would leave as they are (no thousands separator is set)."""
    return SafeString("".join(week_row(week) for week in timeline.weeks))
