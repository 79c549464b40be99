"""Weekly summaries for families: prepared automatically, sent only after a person approves.

On Friday the scheduler prepares a batch: for each child with something to tell (sessions
missed, homework not handed in, homework due next week), one short factual summary per
guardian who may be contacted and has not opted out. The named approver (or, when none is
named, a leader or the pastoral lead) previews every summary, edits or skips any, and approves;
only then does each go out as a conversation of its own. Nothing is sent before approval.

The wording states facts and offers help. It never blames: no "failed", "poor", "must".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from schoolwindow.audit.services import audit_record
from schoolwindow.core.permissions import Actor
from schoolwindow.engagement.models import (
    AttendanceCategory,
    AttendanceMark,
    Homework,
    HomeworkStatus,
    HomeworkSubmission,
)
from schoolwindow.messaging.models import (
    ConversationKind,
    Delivery,
    Message,
    Nudge,
    NudgeBatch,
    NudgeBatchStatus,
)
from schoolwindow.messaging.quiet import settings_for
from schoolwindow.messaging.services import (
    MAX_BODY,
    ContactRestricted,
    conversation_start,
    guardian_is_restricted,
)
from schoolwindow.people.models import Enrolment, GuardianLink, Pupil, PupilStatus
from schoolwindow.schools.models import GroupKind, School

# Who approves when the school has named nobody.
DEFAULT_APPROVER_ROLES = ("leader", "pastoral")
PRESENT = (AttendanceCategory.PRESENT, AttendanceCategory.ELSEWHERE)
COUNTED = (
    AttendanceCategory.PRESENT,
    AttendanceCategory.ELSEWHERE,
    AttendanceCategory.AUTHORISED,
    AttendanceCategory.UNAUTHORISED,
)
# Listed in a summary at most; more are counted.
MAX_ITEMS = 5


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


# --- Who approves ----------------------------------------------------------------------------


def approver_id(school_id: int) -> int | None:
    return settings_for(school_id).nudge_approver_id


def may_approve(actor: Actor, school_id: int) -> bool:
    """The named approver; when nobody is named, a leader or the pastoral lead."""
    staff_id = actor.staff_ids.get(school_id)
    if staff_id is None:
        return False
    named = approver_id(school_id)
    if named is not None:
        return staff_id == named
    return actor.has_role(school_id, *DEFAULT_APPROVER_ROLES)


def may_view(actor: Actor, school_id: int) -> bool:
    """Leaders and the pastoral lead may look at a batch; the approver too, whoever they are."""
    return may_approve(actor, school_id) or actor.has_role(school_id, *DEFAULT_APPROVER_ROLES)


def schools_for_nudges(actor: Actor) -> list[int]:
    return [school_id for school_id in sorted(actor.staff_ids) if may_view(actor, school_id)]


# --- The facts of a week ---------------------------------------------------------------------


@dataclass
class PupilWeek:
    sessions_possible: int = 0
    sessions_present: int = 0
    missing: list[str] | None = None
    coming_up: list[tuple[str, str]] | None = None  # (title, due date ISO)
    class_name: str = ""
    class_full: int = 0  # classmates (with marks) in for every session
    class_size: int = 0
    class_present_avg: float = 0.0

    def has_news(self) -> bool:
        missed_sessions = self.sessions_possible > self.sessions_present
        return bool(missed_sessions or self.missing or self.coming_up)

    def as_facts(self) -> dict[str, object]:
        return {
            "sessions_possible": self.sessions_possible,
            "sessions_present": self.sessions_present,
            "missing": list(self.missing or []),
            "coming_up": [list(item) for item in self.coming_up or []],
            "class_name": self.class_name,
            "class_full": self.class_full,
            "class_size": self.class_size,
            "class_present_avg": round(self.class_present_avg, 1),
        }


def week_facts(school_id: int, week_starting: dt.date) -> dict[int, PupilWeek]:
    """Each active pupil's week: attendance (with their class), homework missing and due next."""
    friday = week_starting + dt.timedelta(days=4)
    next_monday = week_starting + dt.timedelta(days=7)
    next_sunday = week_starting + dt.timedelta(days=13)
    pupils = dict(
        Pupil.objects.filter(school_id=school_id, status=PupilStatus.ACTIVE).values_list(
            "pk", "year_group_id"
        )
    )
    weeks: dict[int, PupilWeek] = {pupil_id: PupilWeek() for pupil_id in pupils}
    # Attendance this week.
    marks = (
        AttendanceMark.objects.filter(
            school_id=school_id, date__range=(week_starting, friday), category__in=COUNTED
        )
        .values("pupil_id")
        .annotate(possible=Count("id"), present=Count("id", filter=Q(category__in=PRESENT)))
    )
    for row in marks:
        week = weeks.get(row["pupil_id"])
        if week is not None:
            week.sessions_possible = row["possible"]
            week.sessions_present = row["present"]
    # The class to compare with: the registration group, else the year group.
    registration = dict(
        Enrolment.objects.filter(
            school_id=school_id, active=True, group__kind=GroupKind.REGISTRATION
        )
        .order_by("pupil_id", "group_id")
        .values_list("pupil_id", "group_id")
    )
    group_names = dict(
        Enrolment.objects.filter(
            school_id=school_id, active=True, group__kind=GroupKind.REGISTRATION
        )
        .values_list("group_id", "group__name")
        .distinct()
    )
    cohorts: dict[tuple[str, int], list[int]] = defaultdict(list)
    for pupil_id, year_group_id in pupils.items():
        if pupil_id in registration:
            cohorts[("group", registration[pupil_id])].append(pupil_id)
        elif year_group_id is not None:
            cohorts[("year", year_group_id)].append(pupil_id)
    for (kind, cohort_id), members in cohorts.items():
        marked = [weeks[m] for m in members if weeks[m].sessions_possible]
        if not marked:
            continue
        full = sum(1 for w in marked if w.sessions_present == w.sessions_possible)
        average = sum(w.sessions_present for w in marked) / len(marked)
        for member in members:
            week = weeks[member]
            week.class_full = full
            week.class_size = len(marked)
            week.class_present_avg = average
            week.class_name = group_names.get(cohort_id, "") if kind == "group" else ""
    # Homework due this week and not handed in.
    missing = (
        HomeworkSubmission.objects.filter(
            school_id=school_id,
            status=HomeworkStatus.MISSING,
            homework__due_on__range=(week_starting, friday),
        )
        .order_by("homework__due_on", "homework__title")
        .values_list("pupil_id", "homework__title", "homework__subject")
    )
    for pupil_id, title, subject in missing:
        week = weeks.get(pupil_id)
        if week is not None:
            week.missing = (week.missing or []) + [_item(title, subject)]
    # Homework due next week, for the groups each pupil is in (not yet handed in).
    upcoming = list(
        Homework.objects.filter(
            school_id=school_id, due_on__range=(next_monday, next_sunday), group__isnull=False
        )
        .order_by("due_on", "title")
        .values_list("pk", "group_id", "title", "subject", "due_on")
    )
    if upcoming:
        members_of: dict[int, list[int]] = defaultdict(list)
        for group_id, pupil_id in Enrolment.objects.filter(
            school_id=school_id, active=True, group_id__in={row[1] for row in upcoming}
        ).values_list("group_id", "pupil_id"):
            members_of[group_id].append(pupil_id)
        handed_in = set(
            HomeworkSubmission.objects.filter(
                school_id=school_id,
                homework_id__in=[row[0] for row in upcoming],
                status__in=(HomeworkStatus.ON_TIME, HomeworkStatus.LATE),
            ).values_list("homework_id", "pupil_id")
        )
        for homework_id, group_id, title, subject, due_on in upcoming:
            for pupil_id in members_of.get(group_id, []):
                week = weeks.get(pupil_id)
                if week is None or (homework_id, pupil_id) in handed_in:
                    continue
                week.coming_up = (week.coming_up or []) + [
                    (_item(title, subject), due_on.isoformat())
                ]
    return weeks


def _item(title: str, subject: str) -> str:
    return f"{subject}: {title}" if subject and subject.lower() not in title.lower() else title


# --- The words -------------------------------------------------------------------------------


def _list(items: Sequence[str]) -> str:
    shown = list(items[:MAX_ITEMS])
    text = "; ".join(shown)
    more = len(items) - len(shown)
    if more:
        text += " " + ngettext("(and %(n)d more)", "(and %(n)d more)", more) % {"n": more}
    return text


def nudge_text(child: str, week: PupilWeek) -> str:
    """The summary, in plain English: facts, then an offer of help. No blame."""
    with translation.override("en-gb"):
        parts: list[str] = []
        if week.sessions_possible:
            if week.sessions_present == week.sessions_possible:
                parts.append(
                    _("This week %(child)s was in school for all %(n)d sessions.")
                    % {"child": child, "n": week.sessions_possible}
                )
            else:
                parts.append(
                    _("This week %(child)s was in school for %(present)d of %(n)d sessions.")
                    % {
                        "child": child,
                        "present": week.sessions_present,
                        "n": week.sessions_possible,
                    }
                )
                if week.class_size > 1:
                    if week.class_full * 2 > week.class_size:
                        parts.append(
                            _("Most of %(child)s's class were in for all %(n)d.")
                            % {"child": child, "n": week.sessions_possible}
                        )
                    else:
                        parts.append(
                            _("On average, the class were in for %(avg)s sessions.")
                            % {"avg": f"{week.class_present_avg:.0f}"}
                        )
        if week.missing:
            count = len(week.missing)
            parts.append(
                ngettext(
                    "One piece of homework has not been handed in yet: %(items)s.",
                    "%(n)d pieces of homework have not been handed in yet: %(items)s.",
                    count,
                )
                % {"n": count, "items": _list(week.missing)}
            )
        if week.coming_up:
            items = [
                _("%(title)s (due %(day)s)") % {"title": title, "day": _day_label(day)}
                for title, day in week.coming_up
            ]
            parts.append(_("Coming up next week: %(items)s.") % {"items": _list(items)})
        parts.append(
            _(
                "If anything at home makes school or homework hard right now, just reply — "
                "we are here to help."
            )
        )
        return " ".join(parts)


# --- Preparing a batch -----------------------------------------------------------------------


def nudges_prepare(school_id: int, week_starting: dt.date) -> NudgeBatch:
    """The week's draft batch, with one nudge per guardian per child with news. Idempotent.

    A batch that exists is kept: nudges already in it (and any edits) stay as they are, and only
    missing ones are added while it is still a draft. Nothing is sent here.
    """
    week_starting = week_start(week_starting)
    batch = NudgeBatch.objects.filter(school_id=school_id, week_starting=week_starting).first()
    if batch is None:
        try:
            with transaction.atomic():
                batch = NudgeBatch.objects.create(school_id=school_id, week_starting=week_starting)
        except IntegrityError:  # prepared at the same moment by another worker
            batch = NudgeBatch.objects.get(school_id=school_id, week_starting=week_starting)
    if batch.status != NudgeBatchStatus.DRAFT:
        return batch
    weeks = week_facts(school_id, week_starting)
    with_news = {pupil_id: week for pupil_id, week in weeks.items() if week.has_news()}
    if not with_news:
        return batch
    links = (
        GuardianLink.objects.filter(
            school_id=school_id,
            pupil_id__in=list(with_news),
            contact_restricted=False,
            guardian__nudges_opt_out=False,
        )
        .select_related("pupil")
        .only("guardian_id", "pupil_id", "pupil__legal_first_name", "pupil__preferred_first_name")
        .order_by("pupil_id", "contact_priority", "guardian_id")
    )
    existing = set(Nudge.objects.filter(batch=batch).values_list("guardian_id", "pupil_id"))
    nudges = []
    for link in links:
        if (link.guardian_id, link.pupil_id) in existing:
            continue
        week = with_news[link.pupil_id]
        nudges.append(
            Nudge(
                school_id=school_id,
                batch=batch,
                guardian_id=link.guardian_id,
                pupil_id=link.pupil_id,
                body=nudge_text(link.pupil.first_name, week),
                facts=week.as_facts(),
            )
        )
    Nudge.objects.bulk_create(nudges, ignore_conflicts=True)
    return batch


@task()
def nudges_prepare_task(run_date: str) -> int:
    """The scheduler's Friday job: prepare this week's batch for every school."""
    week_starting = week_start(dt.date.fromisoformat(run_date))
    prepared = 0
    for school_id in School.objects.values_list("pk", flat=True).order_by("pk"):
        batch = nudges_prepare(school_id, week_starting)
        prepared += Nudge.objects.filter(batch=batch).count()
    return prepared


# --- Reviewing and approving -----------------------------------------------------------------


def batch_for(actor: Actor, batch_id: int) -> NudgeBatch:
    batch = NudgeBatch.objects.select_related("school", "approved_by").filter(pk=batch_id).first()
    if batch is None or not may_view(actor, batch.school_id):
        raise PermissionDenied
    return batch


def nudge_edit(*, actor: Actor, batch: NudgeBatch, edits: dict[int, tuple[str, bool]]) -> int:
    """Save edited texts and skips: {nudge id: (text, skipped)}. Returns how many changed."""
    if not may_approve(actor, batch.school_id):
        raise PermissionDenied
    if batch.status != NudgeBatchStatus.DRAFT:
        raise ValueError(_("This week's summaries have already been dealt with."))
    changed = []
    for nudge in Nudge.objects.filter(batch=batch, pk__in=list(edits)):
        text, skipped = edits[nudge.pk]
        text = text.strip()
        if not text and not skipped:
            raise ValueError(_("A summary can't be empty: skip it instead."))
        if len(text) > MAX_BODY:
            raise ValueError(_("That summary is too long."))
        if text and text != nudge.body.strip():
            nudge.body = text
            nudge.edited = True
        if skipped != nudge.skipped:
            nudge.skipped = skipped
        changed.append(nudge)
    with transaction.atomic():
        Nudge.objects.bulk_update(changed, ["body", "edited", "skipped"])
    return len(changed)


@dataclass(frozen=True)
class ApprovalResult:
    sent: int
    skipped: int
    not_sent: int  # opted out or restricted since the batch was prepared, or out of reach


def nudges_approve(*, actor: Actor, batch: NudgeBatch) -> ApprovalResult:
    """Approve the batch: each nudge not skipped goes out as its own conversation (audited)."""
    if not may_approve(actor, batch.school_id):
        raise PermissionDenied
    sent = skipped = not_sent = 0
    with transaction.atomic():
        locked = NudgeBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != NudgeBatchStatus.DRAFT:
            raise ValueError(_("This week's summaries have already been dealt with."))
        nudges = list(
            Nudge.objects.filter(batch=locked)
            .select_related("guardian", "pupil")
            .order_by("pupil_id", "guardian_id")
        )
        site = getattr(settings, "SITE_URL", "").rstrip("/")
        for nudge in nudges:
            if nudge.skipped:
                skipped += 1
                continue
            if nudge.guardian.nudges_opt_out or guardian_is_restricted(
                locked.school_id, nudge.guardian_id, nudge.pupil_id
            ):
                not_sent += 1
                continue
            try:
                with transaction.atomic():
                    conversation = conversation_start(
                        actor=actor,
                        school_id=locked.school_id,
                        pupil_id=nudge.pupil_id,
                        guardian_ids=[nudge.guardian_id],
                        subject=_("This week for %(child)s") % {"child": nudge.pupil.first_name},
                        body=nudge.body,
                        kind=ConversationKind.NUDGE,
                    )[0]
            except (ContactRestricted, PermissionDenied):
                not_sent += 1
                continue
            message = Message.objects.filter(conversation=conversation).first()
            nudge.message = message
            _add_opt_out_link(message, nudge, site)
            sent += 1
        Nudge.objects.bulk_update(nudges, ["message"])
        locked.status = NudgeBatchStatus.APPROVED
        locked.approved_by_id = actor.staff_ids.get(locked.school_id)
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at"])
        audit_record(
            actor=actor,
            action="messaging.nudges_approved",
            target=locked,
            detail={"sent": sent, "skipped": skipped, "not_sent": not_sent},
        )
    return ApprovalResult(sent=sent, skipped=skipped, not_sent=not_sent)


def _add_opt_out_link(message: Message | None, nudge: Nudge, site: str) -> None:
    """Each copy ends with a link to stop the summaries; the copy's own token is the key."""
    if message is None:
        return
    language = nudge.guardian.preferred_language
    ui = language if language in {code for code, _name in settings.LANGUAGES} else "en-gb"
    for delivery in Delivery.objects.filter(message=message, guardian_id=nudge.guardian_id):
        link = site + reverse("families:nudges_stop", kwargs={"token": delivery.reply_token})
        with translation.override(ui):
            line = _("To stop these weekly summaries, open %(link)s") % {"link": link}
        delivery.body = f"{delivery.body}\n\n{line}"
        delivery.save(update_fields=["body"])


def nudges_discard(*, actor: Actor, batch: NudgeBatch) -> None:
    if not may_approve(actor, batch.school_id):
        raise PermissionDenied
    with transaction.atomic():
        updated = NudgeBatch.objects.filter(pk=batch.pk, status=NudgeBatchStatus.DRAFT).update(
            status=NudgeBatchStatus.DISCARDED
        )
        if not updated:
            raise ValueError(_("This week's summaries have already been dealt with."))
        audit_record(actor=actor, action="messaging.nudges_discarded", target=batch)


# --- Opting out ------------------------------------------------------------------------------


def opt_out_set(*, guardian_id: int, opt_out: bool) -> None:
    from schoolwindow.people.models import Guardian

    Guardian.objects.filter(pk=guardian_id).update(nudges_opt_out=opt_out)


def nudge_delivery_by_token(token: str) -> Delivery | None:
    """A nudge copy by its reply token: the key of the opt-out link (works without signing in)."""
    if not token or len(token) > 64:
        return None
    return (
        Delivery.objects.filter(
            reply_token=token,
            guardian__isnull=False,
            message__conversation__kind=ConversationKind.NUDGE,
        )
        .select_related("guardian")
        .first()
    )


def _day_label(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day:%A} {day.day} {day:%B}"
