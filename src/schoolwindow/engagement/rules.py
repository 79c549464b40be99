"""The explainable early-warning rules: each looks at a school's daily facts and says, in plain
words and with the records behind it, why a pupil may be going quiet.

Every rule works on all pupils of one school at once (`RuleInput`, loaded in a few queries by
`flags.py`) and returns `{pupil_id: Reason}`. A reason is stored as data (rule, key, level,
numbers, dates) and turned into words when shown (`reason_text`), so each reader gets it in
their own language. Only school days count as silence: the series holds school days only, and
a day on which the pupil was absent with permission for every session is skipped.

Defaults and where they come from:

- attendance: the DfE counts a pupil missing 10 % or more of possible sessions as persistently
  absent, 50 % or more as severely absent (academic year so far).
- unauthorised: 10 unauthorised sessions within 10 school weeks is the DfE's national threshold
  for considering a fixed penalty notice (2024) — long before that, a reason to talk.
- no_online: 5 school days (a school week) without logging in, joining a lesson or opening work.
- homework_missing: 3 pieces in 2 school weeks.
- drop: the last 2 school weeks against the 6 before them (the pupil's own baseline).
- family: 2 messages to home unread or unanswered for 3 days or more.
- risk: the learned score (risk.py) at 60 % or more, when the school has a trained model.

Apps above engagement add rules of their own without engagement knowing them: each registers a
`SignalSource` (`register_signal_source`) — a rule definition (settable like the rules here),
its severities, its words, and a loader that reads the whole school in a fixed number of
queries and says which pupils it has something to say about. Study groups register "missed
check-ins" this way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict, TypeVar

from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

# --- Rule definitions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    name: str
    label: str | Promise
    default: int
    minimum: int
    maximum: int
    unit: str | Promise = ""


@dataclass(frozen=True)
class RuleDef:
    key: str
    label: str | Promise
    help: str | Promise
    params: tuple[Param, ...]

    @property
    def defaults(self) -> dict[str, int]:
        return {param.name: param.default for param in self.params}


RULES: tuple[RuleDef, ...] = (
    RuleDef(
        "attendance",
        gettext_lazy("Attendance below the DfE thresholds"),
        gettext_lazy(
            "Sessions missed this academic year so far. The DfE counts 10% or more as "
            "persistent absence and 50% or more as severe absence."
        ),
        (
            Param("persistent_pct", gettext_lazy("Persistent absence from"), 10, 1, 50, "%"),
            Param("severe_pct", gettext_lazy("Severe absence from"), 50, 10, 100, "%"),
            Param(
                "min_sessions",
                gettext_lazy("Only once this many sessions were possible"),
                20,
                2,
                200,
                gettext_lazy("sessions"),
            ),
        ),
    ),
    RuleDef(
        "unauthorised",
        gettext_lazy("Unauthorised absence"),
        gettext_lazy(
            "Unauthorised sessions (half days) in a rolling number of school weeks. "
            "10 in 10 school weeks is the DfE's national threshold for a penalty notice."
        ),
        (
            Param("sessions", gettext_lazy("Sessions"), 10, 1, 100, gettext_lazy("sessions")),
            Param("weeks", gettext_lazy("Within"), 10, 1, 10, gettext_lazy("school weeks")),
        ),
    ),
    RuleDef(
        "no_online",
        gettext_lazy("No online activity"),
        gettext_lazy(
            "School days in a row without logging in, joining an online lesson or opening "
            "work. Weekends, holidays, closures and authorised absence do not count."
        ),
        (Param("days", gettext_lazy("School days"), 5, 1, 40, gettext_lazy("school days")),),
    ),
    RuleDef(
        "homework_missing",
        gettext_lazy("Homework missing"),
        gettext_lazy("Pieces of homework not handed in, due within a number of school weeks."),
        (
            Param("pieces", gettext_lazy("Pieces"), 3, 1, 30, gettext_lazy("pieces")),
            Param("weeks", gettext_lazy("Within"), 2, 1, 10, gettext_lazy("school weeks")),
        ),
    ),
    RuleDef(
        "drop",
        gettext_lazy("A drop against the pupil's own usual pattern"),
        gettext_lazy(
            "Attendance or online activity in the last school weeks, against the weeks before them."
        ),
        (
            Param("recent_weeks", gettext_lazy("Recent"), 2, 1, 4, gettext_lazy("school weeks")),
            Param(
                "baseline_weeks",
                gettext_lazy("Compared with the"),
                6,
                2,
                6,
                gettext_lazy("school weeks before"),
            ),
            Param(
                "attendance_points",
                gettext_lazy("Attendance fall of at least"),
                20,
                5,
                100,
                gettext_lazy("percentage points"),
            ),
            Param(
                "online_fall_pct",
                gettext_lazy("Online days fall by at least"),
                60,
                10,
                100,
                "%",
            ),
        ),
    ),
    RuleDef(
        "family",
        gettext_lazy("Messages to home not read or answered"),
        gettext_lazy(
            "Messages to the family (last four weeks) not read, or not answered when they "
            "asked for a reply, after a number of days."
        ),
        (
            Param("messages", gettext_lazy("Messages"), 2, 1, 20, gettext_lazy("messages")),
            Param("days", gettext_lazy("For at least"), 3, 1, 28, gettext_lazy("days")),
        ),
    ),
    RuleDef(
        "risk",
        gettext_lazy("Learned risk score"),
        gettext_lazy(
            "The school's own model, trained on past pupils. Used only when a model has been "
            "trained; always shown with its main reasons."
        ),
        (Param("threshold_pct", gettext_lazy("Flag from"), 60, 5, 99, "%"),),
    ),
)
RULES_BY_KEY: dict[str, RuleDef] = {rule.key: rule for rule in RULES}
SCHOOL_WEEK = 5  # school days
FAMILY_LOOKBACK_DAYS = 28
# Severity weights for ranking when there is no learned score: (level 1, level 2).
SEVERITY = {
    "attendance": (3, 5),
    "unauthorised": (3, 3),
    "no_online": (2, 3),
    "homework_missing": (2, 3),
    "drop": (2, 2),
    "family": (1, 2),
    "risk": (2, 3),
}


@dataclass(frozen=True)
class SignalContext:
    """What a signal source is given: one school on one morning, all its pupils at once."""

    school_id: int
    on_date: dt.date
    school_days: Sequence[dt.date]  # the school's school days before on_date, oldest first
    pupil_ids: Sequence[int]  # on roll
    params: Mapping[str, int]  # the source's settings for this school


# pupil → (level, args): what a source found; each becomes a Reason with the source's key.
Signals = dict[int, tuple[int, dict[str, Any]]]


@dataclass(frozen=True)
class SignalSource:
    """An early-warning rule that an app above engagement provides."""

    rule: RuleDef
    severity: tuple[int, int]  # (level 1, level 2), as SEVERITY
    load: Callable[[SignalContext], Signals]  # a fixed number of queries for the whole school
    text: Callable[[Mapping[str, Any]], str]  # the reason's words, in the active language
    evidence: Callable[[Mapping[str, Any]], list[str]] | None = None


SOURCES: dict[str, SignalSource] = {}


def register_signal_source(source: SignalSource) -> None:
    """Add a source (from the app's AppConfig.ready()): it is run with the rules each morning,
    shown on the rule settings page, and its reasons are worded from their data for each
    reader like every other reason."""
    key = source.rule.key
    if key in SEVERITY and key not in SOURCES:
        raise ValueError(f"{key} is already a rule")
    SOURCES[key] = source
    SEVERITY[key] = source.severity
    TEXT[key] = source.text
    RULES_BY_KEY[key] = source.rule


def rules_all() -> tuple[RuleDef, ...]:
    """The built-in rules, then those the apps above registered."""
    return RULES + tuple(source.rule for source in SOURCES.values())


@dataclass(frozen=True)
class RuleConfig:
    enabled: bool
    params: dict[str, int]


def rule_config(
    stored: Mapping[str, tuple[bool, Mapping[str, Any]]] | None = None,
) -> dict[str, RuleConfig]:
    """Every rule's effective settings: the school's own values over the defaults."""
    stored = stored or {}
    config: dict[str, RuleConfig] = {}
    for rule in rules_all():
        enabled, params = stored.get(rule.key, (True, {}))
        values = rule.defaults
        for param in rule.params:
            raw = params.get(param.name)
            if isinstance(raw, int) and param.minimum <= raw <= param.maximum:
                values[param.name] = raw
        config[rule.key] = RuleConfig(enabled=enabled, params=values)
    return config


# --- Inputs --------------------------------------------------------------------------------


def online(day: Any) -> bool:
    """Logged in, joined a lesson or opened work that day (facts.DayFacts or PupilDay)."""
    return bool(day.logins + day.lessons + day.activities > 0)


def excused(day: Any) -> bool:
    """Away with permission for every session: not a day of silence."""
    return bool(day.sessions_possible > 0 and day.sessions_authorised >= day.sessions_possible)


@dataclass(frozen=True)
class YearAttendance:
    possible: int
    present: int
    authorised: int
    unauthorised: int


@dataclass(frozen=True)
class MissingHomework:
    title: str
    subject: str
    due_on: dt.date


@dataclass(frozen=True)
class WaitingMessage:
    sent_on: dt.date
    read: bool  # read by the day of evaluation (then it is waiting for a reply)


@dataclass
class RuleInput:
    """Everything the rules need about one school on one day, for every pupil on roll."""

    on_date: dt.date
    days: list[dt.date]  # the school days of the window, oldest first, ending on or before on_date
    series: Mapping[int, Sequence[Any]]  # pupil → one facts.DayFacts per day in `days`
    year: dict[int, YearAttendance] = field(default_factory=dict)
    homework: dict[int, list[MissingHomework]] = field(default_factory=dict)  # in the window
    messages: dict[int, list[WaitingMessage]] = field(default_factory=dict)
    risk: dict[int, tuple[float, list[str]]] = field(default_factory=dict)
    # What each registered signal source found, by its key.
    extra: dict[str, Signals] = field(default_factory=dict)


def window_school_days(config: Mapping[str, RuleConfig]) -> int:
    """How many school days of daily facts the rules need."""
    drop = config["drop"].params
    weeks = max(
        config["unauthorised"].params["weeks"],
        drop["recent_weeks"] + drop["baseline_weeks"],
        config["homework_missing"].params["weeks"],
        6,  # the six-week sparkline
    )
    return max(weeks * SCHOOL_WEEK, config["no_online"].params["days"] + 30)


# --- Reasons -------------------------------------------------------------------------------


class Reason(TypedDict):
    rule: str  # the RuleDef key (settings)
    key: str  # unique within a flag: "drop:online"
    level: int  # 1, or 2 when it is markedly worse (severe absence, twice the silence…)
    severity: int
    args: dict[str, Any]  # what the words are made of; dates as ISO strings
    text: str  # the words in the default language, as first written (for history and exports)


def make_reason(rule: str, level: int, args: dict[str, Any], key: str = "") -> Reason:
    reason: Reason = {
        "rule": rule,
        "key": key or rule,
        "level": level,
        "severity": SEVERITY[rule][min(level, 2) - 1],
        "args": args,
        "text": "",
    }
    reason["text"] = reason_text(reason)
    return reason


def iso(day: dt.date) -> str:
    return day.isoformat()


def day_label(value: str | dt.date) -> str:
    """'Tue 4 Nov' in the reader's language."""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return date_format(day, "D j M")


def risk_label(probability: float) -> str:
    """A probability as people read it: '64%', never a false '100%' or '0%'."""
    if probability >= 0.995:
        return _("over 99%")
    if probability < 0.005:
        return _("under 1%")
    return number_format(probability * 100, 0) + "%"


def pct(value: float) -> str:
    return number_format(value, 1) + "%"


def weekly(value: float) -> str:
    """Days a week, rounded to a whole day, at least 'less than one'."""
    rounded = round(value)
    if rounded < 1:
        return _("less than one day a week")
    return ngettext("%(n)d day a week", "%(n)d days a week", rounded) % {"n": rounded}


def homework_label(item: Mapping[str, str]) -> str:
    title = f"{item['subject']} — {item['title']}" if item.get("subject") else item["title"]
    return _("%(title)s (due %(day)s)") % {"title": title, "day": day_label(item["due_on"])}


def reason_text(reason: Mapping[str, Any]) -> str:
    """The reason in plain words, in the active language."""
    renderer = TEXT.get(reason["key"]) or TEXT.get(reason["rule"])
    if renderer is None:
        return str(reason.get("text", ""))
    return renderer(reason["args"])


def text_attendance(a: Mapping[str, Any]) -> str:
    missed = ngettext(
        "%(missed)d of %(possible)d session missed",
        "%(missed)d of %(possible)d sessions missed",
        a["possible"],
    ) % {"missed": a["missed"], "possible": a["possible"]}
    if a["severe"]:
        meaning = _("missing %(threshold)s%% or more is severe absence") % {
            "threshold": a["threshold"]
        }
    else:
        meaning = _("missing %(threshold)s%% or more is persistent absence") % {
            "threshold": a["threshold"]
        }
    return _("Attendance this year so far is %(rate)s (%(missed)s); %(meaning)s") % {
        "rate": pct(a["rate"]),
        "missed": missed,
        "meaning": meaning,
    }


def text_unauthorised(a: Mapping[str, Any]) -> str:
    return ngettext(
        "%(n)d unauthorised absence (half-day session) in the last %(weeks)d school weeks; "
        "most recently %(day)s",
        "%(n)d unauthorised absences (half-day sessions) in the last %(weeks)d school weeks; "
        "most recently %(day)s",
        a["sessions"],
    ) % {"n": a["sessions"], "weeks": a["weeks"], "day": day_label(a["last"])}


def text_no_online(a: Mapping[str, Any]) -> str:
    if not a.get("last_active"):
        return ngettext(
            "No log-in or online work in the last %(n)d school day",
            "No log-in or online work in the last %(n)d school days",
            a["days"],
        ) % {"n": a["days"]}
    text = ngettext(
        "No log-in or online work since %(day)s — %(n)d school day",
        "No log-in or online work since %(day)s — %(n)d school days",
        a["days"],
    ) % {"day": day_label(a["last_active"]), "n": a["days"]}
    if a.get("usual") is not None:
        text += "; " + _("usually online %(usual)s") % {"usual": weekly(a["usual"])}
    return text


def text_homework(a: Mapping[str, Any]) -> str:
    items = a["items"]
    shown = ", ".join(homework_label(item) for item in items[:4])
    if len(items) > 4:
        shown += ", " + ngettext("and %(n)d more", "and %(n)d more", len(items) - 4) % {
            "n": len(items) - 4
        }
    return ngettext(
        "%(n)d piece of homework missing in %(weeks)d school weeks: %(items)s",
        "%(n)d pieces of homework missing in %(weeks)d school weeks: %(items)s",
        len(items),
    ) % {"n": len(items), "weeks": a["weeks"], "items": shown}


def text_drop_attendance(a: Mapping[str, Any]) -> str:
    return _(
        "Attendance in the last %(recent)d school weeks is %(now)s (%(present)d of %(possible)d "
        "sessions), down from %(before)s in the %(baseline)d weeks before"
    ) % {
        "recent": a["recent_weeks"],
        "now": pct(a["recent_rate"]),
        "present": a["present"],
        "possible": a["possible"],
        "before": pct(a["baseline_rate"]),
        "baseline": a["baseline_weeks"],
    }


def text_drop_online(a: Mapping[str, Any]) -> str:
    return ngettext(
        "Online on %(active)d of the last %(days)d school days, down from %(usual)s in the "
        "%(baseline)d weeks before",
        "Online on %(active)d of the last %(days)d school days, down from %(usual)s in the "
        "%(baseline)d weeks before",
        a["days"],
    ) % {
        "active": a["active"],
        "days": a["days"],
        "usual": weekly(a["usual"]),
        "baseline": a["baseline_weeks"],
    }


def text_family(a: Mapping[str, Any]) -> str:
    values = {
        "n": a["count"],
        "days": a["days"],
        "sent": ", ".join(day_label(day) for day in a["sent"][:4]),
    }
    if a["unanswered"] == 0:
        template = ngettext(
            "%(n)d message to home unread for %(days)d days or more (sent %(sent)s)",
            "%(n)d messages to home unread for %(days)d days or more (sent %(sent)s)",
            a["count"],
        )
    elif a["unread"] == 0:
        template = ngettext(
            "%(n)d message to home read but not answered for %(days)d days or more (sent %(sent)s)",
            "%(n)d messages to home read but not answered for %(days)d days or more (sent "
            "%(sent)s)",
            a["count"],
        )
    else:
        template = ngettext(
            "%(n)d message to home unread or unanswered for %(days)d days or more (sent %(sent)s)",
            "%(n)d messages to home unread or unanswered for %(days)d days or more (sent %(sent)s)",
            a["count"],
        )
    return template % values


def text_risk(a: Mapping[str, Any]) -> str:
    text = _("The school's early-warning model puts the chance of falling away at %(p)s") % {
        "p": risk_label(a["probability"])
    }
    if a.get("reasons"):
        text += " — " + _("mainly: %(reasons)s") % {"reasons": "; ".join(a["reasons"][:3])}
    return text


TEXT: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "attendance": text_attendance,
    "unauthorised": text_unauthorised,
    "no_online": text_no_online,
    "homework_missing": text_homework,
    "drop:attendance": text_drop_attendance,
    "drop:online": text_drop_online,
    "family": text_family,
    "risk": text_risk,
}


T = TypeVar("T")

# A flag's page lists the newest few records behind each reason and sums up the rest: six
# weeks of dated lines would bury the ones that matter.
EVIDENCE_LINES = 5
EVIDENCE_DAYS = 8


def newest_first(items: Sequence[T], limit: int) -> tuple[list[T], list[T]]:
    """The newest `limit` of items stored oldest first, newest first; and the older rest."""
    shown = list(reversed(items[-limit:])) if limit else []
    return shown, list(items[: max(0, len(items) - limit)])


def day_list(days: Sequence[str]) -> str:
    """'Tue 4 Nov, Mon 3 Nov and 6 more days' from days stored oldest first."""
    shown, rest = newest_first(days, EVIDENCE_DAYS)
    text = ", ".join(day_label(day) for day in shown)
    if rest:
        text += " " + ngettext("and %(n)d earlier day", "and %(n)d earlier days", len(rest)) % {
            "n": len(rest)
        }
    return text


def reason_evidence(reason: Mapping[str, Any]) -> list[str]:
    """The records behind a reason for the flag's page: the newest few, the rest summed up."""
    a = reason["args"]
    key = reason["key"]
    lines: list[str] = []
    if key == "attendance":
        lines.append(
            _(
                "%(possible)d possible sessions: %(present)d present, %(auth)d authorised "
                "absence, %(unauth)d unauthorised absence"
            )
            % {
                "possible": a["possible"],
                "present": a["present"],
                "auth": a["authorised"],
                "unauth": a["unauthorised"],
            }
        )
        if a.get("recent_absences"):
            lines.append(
                _("Recent days with an absence: %(days)s")
                % {"days": day_list(sorted(a["recent_absences"]))}
            )
    elif key == "unauthorised":
        shown, rest = newest_first(a["dates"], EVIDENCE_LINES)
        lines.extend(
            ngettext("%(day)s: %(n)d session", "%(day)s: %(n)d sessions", n)
            % {"day": day_label(day), "n": n}
            for day, n in shown
        )
        if rest:
            sessions = sum(n for _day, n in rest)
            lines.append(
                ngettext(
                    "Before that: %(sessions)d more session on %(days)d day",
                    "Before that: %(sessions)d more sessions on %(days)d days",
                    len(rest),
                )
                % {"sessions": sessions, "days": len(rest)}
            )
    elif key == "no_online":
        if a.get("silent_days"):
            lines.append(
                _("School days without online activity: %(days)s")
                % {"days": day_list(sorted(a["silent_days"]))}
            )
        if a.get("excused_days"):
            lines.append(
                _("Not counted (authorised absence): %(days)s")
                % {"days": day_list(sorted(a["excused_days"]))}
            )
    elif key == "homework_missing":
        shown, rest = newest_first(a["items"], EVIDENCE_LINES)
        lines.extend(homework_label(item) for item in shown)
        if rest:
            lines.append(
                ngettext(
                    "Before that: %(n)d more piece not handed in",
                    "Before that: %(n)d more pieces not handed in",
                    len(rest),
                )
                % {"n": len(rest)}
            )
    elif key == "family":
        sent = list(zip(a["sent"], a["read"], strict=False))
        shown_sent, rest_sent = newest_first(sent, EVIDENCE_LINES)
        lines.extend(
            (_("Sent %(day)s, not read") if not read else _("Sent %(day)s, read, no reply"))
            % {"day": day_label(day)}
            for day, read in shown_sent
        )
        if rest_sent:
            lines.append(
                ngettext(
                    "Before that: %(n)d more message without a reply",
                    "Before that: %(n)d more messages without a reply",
                    len(rest_sent),
                )
                % {"n": len(rest_sent)}
            )
    elif key == "risk":
        lines.extend(a.get("reasons", []))
    else:
        source = SOURCES.get(reason["rule"])
        if source is not None and source.evidence is not None:
            lines.extend(source.evidence(a))
    return lines


# --- The rules -----------------------------------------------------------------------------

Results = dict[int, list[Reason]]


def rule_attendance(data: RuleInput, params: Mapping[str, int], out: Results) -> None:
    for pupil_id, year in data.year.items():
        if year.possible < params["min_sessions"]:
            continue
        missed = year.authorised + year.unauthorised
        absence = 100.0 * missed / year.possible
        if absence < params["persistent_pct"]:
            continue
        severe = absence >= params["severe_pct"]
        series = data.series.get(pupil_id, [])
        recent = [
            iso(day.date)
            for day in series[-SCHOOL_WEEK * 2 :]
            if day.sessions_authorised + day.sessions_unauthorised > 0
        ]
        args = {
            "rate": round(100.0 * year.present / year.possible, 1),
            "possible": year.possible,
            "present": year.present,
            "missed": missed,
            "authorised": year.authorised,
            "unauthorised": year.unauthorised,
            "severe": severe,
            "threshold": params["severe_pct"] if severe else params["persistent_pct"],
            "recent_absences": recent,
        }
        out.setdefault(pupil_id, []).append(make_reason("attendance", 2 if severe else 1, args))


def rule_unauthorised(data: RuleInput, params: Mapping[str, int], out: Results) -> None:
    days = params["weeks"] * SCHOOL_WEEK
    for pupil_id, series in data.series.items():
        window = series[-days:]
        total = sum(day.sessions_unauthorised for day in window)
        if total < params["sessions"]:
            continue
        dates = [(iso(day.date), day.sessions_unauthorised) for day in window]
        dates = [(day, n) for day, n in dates if n]
        args = {"sessions": total, "weeks": params["weeks"], "last": dates[-1][0], "dates": dates}
        out.setdefault(pupil_id, []).append(make_reason("unauthorised", 1, args))


# Online days a week below which a pupil is not "someone who usually logs in".
USUAL_ONLINE_MINIMUM = 1.0


def rule_no_online(data: RuleInput, params: Mapping[str, int], out: Results) -> Results:
    """Returns the pupils it flagged (so the drop rule does not say the same thing twice)."""
    flagged: Results = {}
    # A school whose pupils show no online activity at all has no platform feeding us.
    if not any(online(day) for series in data.series.values() for day in series):
        return flagged
    for pupil_id, series in data.series.items():
        silent_days: list[dt.date] = []
        excused_days: list[dt.date] = []
        last_index = None
        for index in range(len(series) - 1, -1, -1):
            day = series[index]
            if online(day):
                last_index = index
                break
            if excused(day):
                excused_days.append(day.date)
            else:
                silent_days.append(day.date)
        # Silence means something only from a pupil who usually logs in: one never seen online
        # (no account, a primary child who learns on paper) or online less than once a week is
        # not "going quiet" by this measure, and the other rules still watch them.
        if len(silent_days) < params["days"] or last_index is None:
            continue
        usual = None
        last_active = iso(series[last_index].date)
        before = [d for d in series[max(0, last_index - 29) : last_index + 1] if not excused(d)]
        if len(before) >= SCHOOL_WEEK:
            usual = SCHOOL_WEEK * sum(1 for d in before if online(d)) / len(before)
            if usual < USUAL_ONLINE_MINIMUM:
                continue
        args = {
            "days": len(silent_days),
            "last_active": last_active,
            "usual": usual,
            "silent_days": [iso(day) for day in reversed(silent_days)][-15:],
            "excused_days": [iso(day) for day in reversed(excused_days)],
        }
        level = 2 if len(silent_days) >= 2 * params["days"] else 1
        reason = make_reason("no_online", level, args)
        out.setdefault(pupil_id, []).append(reason)
        flagged[pupil_id] = [reason]
    return flagged


def rule_homework(data: RuleInput, params: Mapping[str, int], out: Results) -> None:
    first_day = data.days[-params["weeks"] * SCHOOL_WEEK :][:1]
    if not first_day:
        return
    since = first_day[0]
    for pupil_id, items in data.homework.items():
        due = sorted(
            (item for item in items if since <= item.due_on <= data.on_date),
            key=lambda item: item.due_on,
        )
        if len(due) < params["pieces"]:
            continue
        args = {
            "weeks": params["weeks"],
            "items": [
                {"title": item.title, "subject": item.subject, "due_on": iso(item.due_on)}
                for item in due
            ],
        }
        level = 2 if len(due) >= 2 * params["pieces"] else 1
        out.setdefault(pupil_id, []).append(make_reason("homework_missing", level, args))


def rule_drop(
    data: RuleInput, params: Mapping[str, int], out: Results, skip_online: Iterable[int]
) -> None:
    recent_days = params["recent_weeks"] * SCHOOL_WEEK
    baseline_days = params["baseline_weeks"] * SCHOOL_WEEK
    skip = set(skip_online)
    any_online = any(online(day) for series in data.series.values() for day in series)
    for pupil_id, series in data.series.items():
        if len(series) < recent_days + 2 * SCHOOL_WEEK:
            continue
        recent = series[-recent_days:]
        baseline = series[-(recent_days + baseline_days) : -recent_days]
        common = {
            "recent_weeks": params["recent_weeks"],
            "baseline_weeks": len(baseline) // SCHOOL_WEEK,
        }
        # Attendance.
        r_possible = sum(d.sessions_possible for d in recent)
        b_possible = sum(d.sessions_possible for d in baseline)
        if r_possible >= 4 and b_possible >= 10:
            r_present = sum(d.sessions_present for d in recent)
            r_rate = 100.0 * r_present / r_possible
            b_rate = 100.0 * sum(d.sessions_present for d in baseline) / b_possible
            if b_rate - r_rate >= params["attendance_points"]:
                args = {
                    **common,
                    "recent_rate": round(r_rate, 1),
                    "baseline_rate": round(b_rate, 1),
                    "present": r_present,
                    "possible": r_possible,
                }
                out.setdefault(pupil_id, []).append(
                    make_reason("drop", 1, args, key="drop:attendance")
                )
        # Online activity, on the days the pupil was expected.
        if not any_online or pupil_id in skip:
            continue
        r_days = [d for d in recent if not excused(d)]
        b_days = [d for d in baseline if not excused(d)]
        if len(r_days) < SCHOOL_WEEK or len(b_days) < 2 * SCHOOL_WEEK:
            continue
        r_active = sum(1 for d in r_days if online(d))
        b_rate_online = sum(1 for d in b_days if online(d)) / len(b_days)
        usual = SCHOOL_WEEK * b_rate_online
        if usual < 1:
            continue  # too little to call a drop
        if r_active / len(r_days) <= b_rate_online * (1 - params["online_fall_pct"] / 100):
            args = {**common, "active": r_active, "days": len(r_days), "usual": round(usual, 1)}
            out.setdefault(pupil_id, []).append(make_reason("drop", 1, args, key="drop:online"))


def rule_family(data: RuleInput, params: Mapping[str, int], out: Results) -> None:
    cutoff = data.on_date - dt.timedelta(days=params["days"])
    for pupil_id, messages in data.messages.items():
        waiting = sorted(
            (m for m in messages if m.sent_on <= cutoff), key=lambda message: message.sent_on
        )
        if len(waiting) < params["messages"]:
            continue
        unread = sum(1 for m in waiting if not m.read)
        args = {
            "count": len(waiting),
            "days": params["days"],
            "unread": unread,
            "unanswered": len(waiting) - unread,
            "sent": [iso(m.sent_on) for m in waiting],
            "read": [m.read for m in waiting],
        }
        level = 2 if len(waiting) >= 2 * params["messages"] else 1
        out.setdefault(pupil_id, []).append(make_reason("family", level, args))


def rule_risk(data: RuleInput, params: Mapping[str, int], out: Results) -> None:
    threshold = params["threshold_pct"] / 100
    for pupil_id, (probability, reasons) in data.risk.items():
        if probability < threshold:
            continue
        args = {"probability": round(probability, 3), "reasons": list(reasons)[:3]}
        level = 2 if probability >= (1 + threshold) / 2 else 1
        out.setdefault(pupil_id, []).append(make_reason("risk", level, args))


def rules_run(data: RuleInput, config: Mapping[str, RuleConfig]) -> Results:
    """Run every enabled rule; each pupil's reasons in the order of RULES."""
    out: Results = {}

    def on(key: str) -> bool:
        return config[key].enabled

    if on("attendance"):
        rule_attendance(data, config["attendance"].params, out)
    if on("unauthorised"):
        rule_unauthorised(data, config["unauthorised"].params, out)
    silent: Results = {}
    if on("no_online"):
        silent = rule_no_online(data, config["no_online"].params, out)
    if on("homework_missing"):
        rule_homework(data, config["homework_missing"].params, out)
    if on("drop"):
        rule_drop(data, config["drop"].params, out, skip_online=silent)
    if on("family"):
        rule_family(data, config["family"].params, out)
    if on("risk"):
        rule_risk(data, config["risk"].params, out)
    for key in SOURCES:
        if key in config and on(key):
            for pupil_id, (level, args) in sorted(data.extra.get(key, {}).items()):
                out.setdefault(pupil_id, []).append(make_reason(key, level, args))
    return out


def severity_of(reasons: Sequence[Mapping[str, Any]]) -> int:
    return sum(int(reason.get("severity", 1)) for reason in reasons)
