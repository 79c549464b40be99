"""Progress reports: a school's templates, the runs it schedules (which years, when staff
write, when families get them), one report per pupil per run, and what each family did with it
(opened, acknowledged, replied).

A report's subjects and marks are kept as JSON on the report: they are always read and written
whole, and a template's subjects may change between runs without rewriting old reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportTemplate(models.Model):
    """What a school's report holds: its subjects, and the plain-words scales it marks
    attainment and effort on (lowest first)."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    subjects = models.JSONField(default=list)  # ["English", "Maths", …]
    attainment_scale = models.JSONField(default=list)  # ["Working towards", "Expected", …]
    effort_scale = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="report_template_name_unique")
        ]

    def __str__(self) -> str:
        return f"report template {self.name}"


class ReportRun(models.Model):
    """One round of reports: for these year groups, written between two dates, sent on a day."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(ReportTemplate, on_delete=models.PROTECT, related_name="runs")
    name = models.CharField(max_length=120)
    year_groups = models.ManyToManyField("schools.YearGroup", related_name="+")
    writing_opens = models.DateField()
    writing_closes = models.DateField()
    publish_on = models.DateField()
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["publish_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="report_run_name_unique")
        ]

    def __str__(self) -> str:
        return f"report run {self.name}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Being written")
    SUBMITTED = "submitted", _("Waiting for review")
    RETURNED = "returned", _("Sent back to the writer")
    APPROVED = "approved", _("Approved")


class Reach(models.TextChoices):
    """How the news of a published report went out to the family."""

    SENT = "sent", _("Sent")
    NO_CONTACT = "no_contact", _("No way to contact the family")


class PupilReport(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(ReportRun, on_delete=models.CASCADE, related_name="reports")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="+")
    # {"English": {"attainment": 2, "effort": 3, "comment": "…"}}: positions on the scales, 1-based.
    lines = models.JSONField(default=dict)
    general_comment = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    written_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_note = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when the run is published: the families may read it from then on.
    published_at = models.DateTimeField(null=True, blank=True)
    reach = models.CharField(max_length=10, choices=Reach.choices, blank=True)
    # The messaging message that told the family (the last one, after a resend), and the
    # conversation a parent's reply continues. Ids only: messaging's tables are its own.
    message_id = models.BigIntegerField(null=True, blank=True)
    conversation_id = models.BigIntegerField(null=True, blank=True)
    resends = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["run_id", "pupil_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "pupil"], name="pupil_report_once_per_run")
        ]
        indexes = [
            models.Index(fields=["run", "status"]),
            models.Index(fields=["pupil", "published_at"]),
        ]

    def __str__(self) -> str:
        return f"report {self.run_id} {self.pupil_id}"


class ReportReading(models.Model):
    """A parent opened a report (and, later, said they read it)."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(PupilReport, on_delete=models.CASCADE, related_name="readings")
    guardian = models.ForeignKey("people.Guardian", on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "guardian"], name="report_reading_once")
        ]

    def __str__(self) -> str:
        return f"reading {self.report_id} {self.guardian_id}"
