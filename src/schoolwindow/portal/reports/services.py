"""Writes for progress reports: templates and runs set up, reports written, reviewed,
approved, published and resent; a family opens, acknowledges and replies.

Each service checks the actor, locks what it checks, writes and audits in one transaction.
Families hear of a report through messaging's public interface only (messaging/api.py), which
sends each parent a copy by their own channel and in their language.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import REPORTS_MANAGE, REPORTS_WRITE
from schoolwindow.core.errors import Invalid, NotFound, Refused
from schoolwindow.core.once import AlreadyDone, content_token, once_claim, once_done
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.messaging import api as messaging
from schoolwindow.people.actors import actor_for
from schoolwindow.people.contact import contactable_links
from schoolwindow.portal.reports import selectors
from schoolwindow.portal.reports.models import (
    PupilReport,
    Reach,
    ReportReading,
    ReportRun,
    ReportStatus,
    ReportTemplate,
)
from schoolwindow.portal.reports.policies import MANAGE, WRITE
from schoolwindow.schools.models import YearGroup

MAX_COMMENT = 2000
MAX_SUBJECTS = 30
MAX_SCALE = 8
MAX_RUNS = 8  # runs planned in one go (six half-terms, and room to spare)
MAX_RESENDS = 3  # times one family is sent the same report again
MAX_REPLY = 2000


def _lines(raw: str, *, field: str, most: int, what: str) -> list[str]:
    items = list(dict.fromkeys(line.strip()[:80] for line in raw.splitlines() if line.strip()))
    if not items:
        raise Invalid(_("Enter at least one %(what)s, one a line.") % {"what": what}, field=field)
    if len(items) > most:
        raise Invalid(_("Enter at most %(most)d, one a line.") % {"most": most}, field=field)
    return items


def template_create(
    *,
    actor: Actor,
    school_id: int,
    name: str,
    subjects: str,
    attainment_scale: str,
    effort_scale: str,
    once: uuid.UUID | None = None,
) -> ReportTemplate:
    """A school's report template: subjects and the two scales, each given one a line."""
    actor.require(REPORTS_MANAGE, school_id)
    name = name.strip()[:120]
    if not name:
        raise Invalid(_("Give the template a name."), field="name")
    subject_list = _lines(subjects, field="subjects", most=MAX_SUBJECTS, what=_("subject"))
    attainment = _lines(attainment_scale, field="attainment_scale", most=MAX_SCALE, what=_("step"))
    effort = _lines(effort_scale, field="effort_scale", most=MAX_SCALE, what=_("step"))
    if len(attainment) < 2 or len(effort) < 2:
        field = "attainment_scale" if len(attainment) < 2 else "effort_scale"
        raise Invalid(_("A scale needs at least two steps."), field=field)
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("This template was already saved."))
        if ReportTemplate.objects.filter(school_id=school_id, name=name).exists():
            raise Invalid(_("The school already has a template with that name."), field="name")
        template = ReportTemplate.objects.create(
            school_id=school_id,
            name=name,
            subjects=subject_list,
            attainment_scale=attainment,
            effort_scale=effort,
        )
        audit_record(actor=actor, action="reports.template_created", target=template)
        once_done(claim, reverse("portal_reports:staff"))
    return template


@dataclass(frozen=True)
class PlannedRun:
    name: str
    writing_opens: dt.date
    writing_closes: dt.date
    publish_on: dt.date


def runs_schedule(
    *,
    actor: Actor,
    template_id: int,
    year_group_ids: list[int],
    runs: list[PlannedRun],
    once: uuid.UUID | None = None,
) -> list[ReportRun]:
    """Plan several runs at once (the year's half-terms) for these year groups."""
    template = policy_for(ReportTemplate).get(actor, pk=template_id, action=MANAGE)
    years = list(YearGroup.objects.filter(school_id=template.school_id, pk__in=year_group_ids))
    if not years:
        raise Invalid(_("Choose at least one year group."), field="year_groups")
    if not runs:
        raise Invalid(_("Fill in at least one report run."))
    if len(runs) > MAX_RUNS:
        raise Invalid(_("Plan at most eight runs at a time."))
    names = [run.name for run in runs]
    if len(set(names)) != len(names):
        raise Invalid(_("Give each run its own name."))
    for run in runs:
        if not run.writing_opens <= run.writing_closes <= run.publish_on:
            raise Invalid(
                _(
                    "%(name)s: writing must open before it closes, and close on or before the "
                    "day the reports go to families."
                )
                % {"name": run.name}
            )
    made = []
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("These runs were already planned."))
        taken = set(
            ReportRun.objects.filter(school_id=template.school_id, name__in=names).values_list(
                "name", flat=True
            )
        )
        if taken:
            raise Invalid(
                _("The school already has a run called %(name)s.") % {"name": sorted(taken)[0]}
            )
        for run in runs:
            created = ReportRun.objects.create(
                school_id=template.school_id,
                template=template,
                name=run.name,
                writing_opens=run.writing_opens,
                writing_closes=run.writing_closes,
                publish_on=run.publish_on,
            )
            created.year_groups.set(years)
            made.append(created)
        audit_record(
            actor=actor,
            action="reports.runs_planned",
            target=template,
            detail={"runs": names, "year_groups": [year.code for year in years]},
        )
        once_done(claim, reverse("portal_reports:staff"))
    return made


def _clean_lines(template: ReportTemplate, lines: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Only the template's subjects, marks on its scales, comments cut to size."""
    clean: dict[str, Any] = {}
    for subject in template.subjects:
        line = lines.get(subject) or {}
        entry: dict[str, Any] = {"comment": str(line.get("comment") or "").strip()[:MAX_COMMENT]}
        for mark, scale in (
            ("attainment", template.attainment_scale),
            ("effort", template.effort_scale),
        ):
            value = line.get(mark)
            if value in (None, ""):
                entry[mark] = None
                continue
            if not isinstance(value, int) or not 1 <= value <= len(scale):
                raise Invalid(_("Choose one of the steps given."), field=f"{subject}-{mark}")
            entry[mark] = value
        clean[subject] = entry
    return clean


def _complete(report: PupilReport, template: ReportTemplate) -> None:
    for subject in template.subjects:
        line = report.lines.get(subject) or {}
        if not line.get("attainment") or not line.get("effort"):
            raise Invalid(
                _("%(subject)s: choose the attainment and the effort.") % {"subject": subject},
                field=f"{subject}-attainment",
            )
    if not report.general_comment.strip():
        raise Invalid(_("Write the general comment."), field="general_comment")


def report_save(
    *,
    actor: Actor,
    run_id: int,
    pupil_id: int,
    lines: dict[str, dict[str, Any]],
    general_comment: str,
    submit: bool = False,
    today: dt.date | None = None,
) -> PupilReport:
    """Save a pupil's report as a draft, or send it for review (`submit`)."""
    today = today or timezone.localdate()
    run = selectors.run_get(actor=actor, run_id=run_id)
    pupil, _existing = selectors.report_for_writing(actor=actor, run=run, pupil_id=pupil_id)
    if not actor.can(REPORTS_WRITE, run.school_id):
        raise Refused
    leader = actor.can(REPORTS_MANAGE, run.school_id)
    clean = _clean_lines(run.template, lines)
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run.pk)
        if run.is_published:
            raise Invalid(_("These reports have gone to families and can no longer be changed."))
        if not leader and today < run.writing_opens:
            raise Invalid(
                _("Writing opens on %(day)s.") % {"day": run.writing_opens.strftime("%d/%m/%Y")}
            )
        if not leader and today > run.writing_closes:
            raise Invalid(
                _("Writing closed on %(day)s. Ask a leader to reopen the report.")
                % {"day": run.writing_closes.strftime("%d/%m/%Y")}
            )
        report, _created = PupilReport.objects.select_for_update().get_or_create(
            run=run, pupil=pupil, defaults={"school_id": run.school_id}
        )
        policy_for(PupilReport).check(actor, WRITE, report)
        if report.status == ReportStatus.APPROVED:
            raise Invalid(_("This report is approved. A leader can send it back to change it."))
        if report.status == ReportStatus.SUBMITTED and not leader:
            raise Invalid(_("This report is waiting for review and cannot be changed now."))
        report.lines = clean
        report.general_comment = general_comment.strip()[:MAX_COMMENT]
        report.written_by_id = actor.staff_ids.get(run.school_id)
        if submit:
            _complete(report, run.template)
            report.status = ReportStatus.SUBMITTED
        report.save()
        audit_record(
            actor=actor,
            action="reports.submitted" if submit else "reports.saved",
            target=report,
            detail={"run": run.name},
        )
    return report


def _report_to_review(actor: Actor, report_id: int) -> PupilReport:
    visible = policy_for(PupilReport).visible(actor)
    report = (
        visible.select_for_update().select_related("run__template").filter(pk=report_id).first()
    )
    if report is None:
        raise NotFound
    policy_for(PupilReport).check(actor, MANAGE, report)
    if report.run.is_published:
        raise Invalid(_("These reports have gone to families and can no longer be changed."))
    return report


def report_return(*, actor: Actor, report_id: int, note: str) -> PupilReport:
    """A leader sends a report back to its writer with a note of what to change."""
    note = note.strip()[:MAX_COMMENT]
    if not note:
        raise Invalid(_("Write a note saying what to change."), field="note")
    with transaction.atomic():
        report = _report_to_review(actor, report_id)
        if report.status not in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
            raise Invalid(_("Only a report sent for review can be sent back."))
        report.status = ReportStatus.RETURNED
        report.return_note = note
        report.approved_by = None
        report.approved_at = None
        report.save(
            update_fields=["status", "return_note", "approved_by", "approved_at", "updated_at"]
        )
        audit_record(actor=actor, action="reports.returned", target=report)
    return report


def report_approve(*, actor: Actor, report_id: int) -> PupilReport:
    """A leader approves a complete report sent for review."""
    with transaction.atomic():
        report = _report_to_review(actor, report_id)
        if report.status == ReportStatus.APPROVED:
            raise AlreadyDone(_("This report was already approved."))
        if report.status != ReportStatus.SUBMITTED:
            raise Invalid(_("Only a report sent for review can be approved."))
        _complete(report, report.run.template)
        report.status = ReportStatus.APPROVED
        report.return_note = ""
        report.approved_by_id = actor.staff_ids.get(report.school_id)
        report.approved_at = timezone.now()
        report.save(
            update_fields=["status", "return_note", "approved_by", "approved_at", "updated_at"]
        )
        audit_record(actor=actor, action="reports.approved", target=report)
    return report


def _notice(report: PupilReport, run: ReportRun, name: str) -> tuple[str, str]:
    url = settings.SITE_URL + reverse(
        "portal_reports:family_report", kwargs={"report_id": report.pk}
    )
    subject = _("Progress report: %(run)s") % {"run": run.name}
    body = _(
        "%(name)s's progress report is ready. You can read it, download it and reply here: %(url)s"
    ) % {"name": name, "url": url}
    return subject, body


def _tell_families(
    *, actor: Actor, run: ReportRun, reports: list[PupilReport], resend: bool = False
) -> int:
    """Tell each report's family through messaging; a family with nobody the school may
    contact is marked so (the leader sees them as not received). Returns the number told."""
    pupil_ids = [report.pupil_id for report in reports]
    guardians: dict[int, list[int]] = defaultdict(list)
    for pupil_id, guardian_id in (
        contactable_links(school_id=run.school_id, pupil_id__in=pupil_ids)
        .order_by("contact_priority", "guardian_id")
        .values_list("pupil_id", "guardian_id")
    ):
        guardians[pupil_id].append(guardian_id)
    told = 0
    for report in reports:
        if not guardians.get(report.pupil_id):
            report.reach = Reach.NO_CONTACT
            continue
        subject, body = _notice(report, run, report.pupil.display_name)
        message = messaging.family_message_queue(
            actor=actor,
            school_id=run.school_id,
            pupil_id=report.pupil_id,
            guardian_ids=guardians[report.pupil_id],
            subject=subject,
            body=body,
        )
        report.reach = Reach.SENT
        report.message_id = message.pk
        # A reply continues the first conversation; a resend is only a reminder.
        if not resend or report.conversation_id is None:
            report.conversation_id = message.conversation_id
        if resend:
            report.resends += 1
        told += 1
    PupilReport.objects.bulk_update(
        reports, ["reach", "message_id", "conversation_id", "resends"], batch_size=500
    )
    return told


@dataclass(frozen=True)
class Published:
    reports: int


def run_publish(*, actor: Actor, run_id: int, once: uuid.UUID | None = None) -> Published:
    """Publish a run: every pupil's report must be approved. The families may read their
    report from this moment; they are told through messaging by the worker, just after this
    commits (`reports_tell`), in batches: telling 1,500 families is 1,500 conversations."""
    run = selectors.run_get(actor=actor, run_id=run_id, action=MANAGE)
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("These reports were already published."))
        run = ReportRun.objects.select_for_update().select_related("template").get(pk=run.pk)
        if run.is_published:
            raise AlreadyDone(_("These reports were already published."))
        pupils = selectors.run_pupils(run)
        waiting = pupils.exclude(
            pk__in=PupilReport.objects.filter(run=run, status=ReportStatus.APPROVED).values(
                "pupil_id"
            )
        ).count()
        if waiting:
            raise Invalid(
                _("%(count)d reports are not approved yet. Approve every report before publishing.")
                % {"count": waiting}
            )
        now = timezone.now()
        published = PupilReport.objects.filter(
            run=run, status=ReportStatus.APPROVED, pupil_id__in=pupils.values("pk")
        ).update(published_at=now, reach="")
        if not published:
            raise Invalid(_("There are no reports to publish."))
        run.published_at = now
        run.published_by = actor.user
        run.save(update_fields=["published_at", "published_by"])
        audit_record(
            actor=actor, action="reports.published", target=run, detail={"reports": published}
        )
        once_done(claim, reverse("portal_reports:run", kwargs={"run_id": run.pk}))
        transaction.on_commit(lambda: _enqueue_tell(run.pk))
    return Published(reports=published)


def _enqueue_tell(run_id: int) -> None:
    from schoolwindow.portal.reports.tasks import reports_tell_task

    reports_tell_task.enqueue(run_id)


@dataclass(frozen=True)
class Told:
    told: int
    no_contact: int


TELL_BATCH = 100


def reports_tell(*, run_id: int, batch: int = TELL_BATCH) -> Told:
    """Tell the families of a published run's reports not yet told, as the leader who
    published it, a batch to a transaction: a crash or a second worker leaves nothing told
    twice and nothing forgotten (the next run of the job carries on)."""
    run = ReportRun.objects.select_related("template", "published_by").get(pk=run_id)
    if run.published_at is None or run.published_by is None:
        return Told(told=0, no_contact=0)
    actor = actor_for(run.published_by)
    told = no_contact = 0
    while True:
        with transaction.atomic():
            reports = list(
                PupilReport.objects.select_for_update()
                .filter(run=run, published_at__isnull=False, reach="")
                .select_related("pupil")
                .order_by("pk")[:batch]
            )
            if not reports:
                break
            sent = _tell_families(actor=actor, run=run, reports=reports)
        told += sent
        no_contact += len(reports) - sent
    return Told(told=told, no_contact=no_contact)


@dataclass(frozen=True)
class Resent:
    sent: int
    capped: int  # families already sent it MAX_RESENDS times
    no_contact: int


def reports_resend(
    *, actor: Actor, run_id: int, reach: str, once: uuid.UUID | None = None
) -> Resent:
    """Send the report again to the families of this run who have not received, opened or
    acknowledged it (`reach`), at most MAX_RESENDS times each."""
    if reach not in ("not_received", "not_opened", "not_acknowledged"):
        raise Invalid(_("Choose who to send it to again."), field="reach")
    run = selectors.run_get(actor=actor, run_id=run_id, action=MANAGE)
    if not run.is_published:
        raise Invalid(_("These reports have not been published yet."))
    rows = selectors.run_rows(actor=actor, run=run, filters=selectors.RunFilters(reach=reach))
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("These reports were already sent again."))
        reports = list(
            PupilReport.objects.select_for_update()
            .filter(run=run, published_at__isnull=False, pupil_id__in=rows.values("pk"))
            .select_related("pupil")
            .order_by("pk")
        )
        allowed = [report for report in reports if report.resends < MAX_RESENDS]
        capped = len(reports) - len(allowed)
        told = _tell_families(actor=actor, run=run, reports=allowed, resend=True)
        audit_record(
            actor=actor,
            action="reports.resent",
            target=run,
            detail={"reach": reach, "sent": told, "capped": capped},
        )
        once_done(claim, reverse("portal_reports:run", kwargs={"run_id": run.pk}))
    return Resent(sent=told, capped=capped, no_contact=len(allowed) - told)


# --- Families -------------------------------------------------------------------------------


def _guardian_report(actor: Actor, report_id: int) -> PupilReport:
    if actor.guardian_id is None:
        raise NotFound
    return selectors.family_report_get(actor=actor, report_id=report_id)


def report_open(*, actor: Actor, report_id: int) -> ReportReading:
    """A parent opened the report: recorded once (the first time)."""
    report = _guardian_report(actor, report_id)
    assert actor.guardian_id is not None
    with transaction.atomic():
        reading, created = ReportReading.objects.get_or_create(
            report=report,
            guardian_id=actor.guardian_id,
            defaults={"school_id": report.school_id, "opened_at": timezone.now()},
        )
        if created:
            audit_record(actor=actor, action="reports.opened", target=report)
    return reading


def report_acknowledge(*, actor: Actor, report_id: int) -> ReportReading:
    """A parent says they have read the report. A second time changes nothing."""
    reading = report_open(actor=actor, report_id=report_id)
    with transaction.atomic():
        reading = ReportReading.objects.select_for_update().get(pk=reading.pk)
        if reading.acknowledged_at is not None:
            raise AlreadyDone(_("You have already told the school you read this report."))
        reading.acknowledged_at = timezone.now()
        reading.save(update_fields=["acknowledged_at"])
        audit_record(actor=actor, action="reports.acknowledged", target=reading.report)
    return reading


def report_reply(*, actor: Actor, report_id: int, body: str, once: uuid.UUID | None = None) -> int:
    """A parent replies to the report: their words go into the conversation the report was
    announced in (messaging), which the school answers like any other. Returns its id."""
    report = _guardian_report(actor, report_id)
    body = body.strip()
    if not body:
        raise Invalid(_("Write your reply."), field="body")
    if len(body) > MAX_REPLY:
        raise Invalid(_("Keep your reply under 2,000 characters."), field="body")
    if report.conversation_id is None:
        raise Invalid(_("Replies to this report go to the school office. Please contact them."))
    reading = report_open(actor=actor, report_id=report_id)
    with transaction.atomic():
        # Two tabs with the same words send one reply.
        same = once_claim(
            content_token("report-reply", report.pk, actor.guardian_id, body),
            actor=actor,
            repeated=_("This reply was already sent."),
        )
        message = messaging.family_reply(
            actor=actor, conversation_id=report.conversation_id, body=body, once=once
        )
        ReportReading.objects.filter(pk=reading.pk).update(replied_at=timezone.now())
        audit_record(actor=actor, action="reports.replied", target=report)
        once_done(same, reverse("portal_reports:family_report", kwargs={"report_id": report.pk}))
    return int(message.conversation_id)
