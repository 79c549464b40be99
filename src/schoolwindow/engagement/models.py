"""Engagement: signals in (attendance, online activity, homework, family contact), daily facts
per pupil, flags with their reasons, and the triage that answers them.

The flow is one way: raw signals → PupilDay facts → rule results and risk score → Flag.
Every table is school-owned and every unique constraint starts with school.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# --- Signals -------------------------------------------------------------------------------


def unconstrained_fk(to: str, *, indexed: bool = False) -> models.ForeignKey[Any, Any]:
    """A link from a signal or fact table, which holds tens of millions of rows written in bulk
    by code that has already resolved every school and pupil: no database-level foreign key (each
    check costs as much as writing the row, and a database sharded by school could not keep the
    pupil one anyway) and, unless `indexed`, no index of its own (the table's composite index,
    which starts with it, serves it). Deleting a school or pupil still deletes these rows (the
    ORM does).
    """
    return models.ForeignKey(
        to, on_delete=models.CASCADE, related_name="+", db_index=indexed, db_constraint=False
    )


class Session(models.TextChoices):
    AM = "AM", _("Morning")
    PM = "PM", _("Afternoon")


class AttendanceCategory(models.TextChoices):
    """How the DfE (2024) counts a register code."""

    PRESENT = "present", _("Present")
    ELSEWHERE = "elsewhere", _("Attending an approved activity elsewhere")
    AUTHORISED = "authorised", _("Authorised absence")
    UNAUTHORISED = "unauthorised", _("Unauthorised absence")
    NOT_COUNTED = "not_counted", _("Not counted")


class AttendanceMark(models.Model):
    school = unconstrained_fk("schools.School")
    pupil = unconstrained_fk("people.Pupil")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    code = models.CharField(max_length=2)
    category = models.CharField(max_length=16, choices=AttendanceCategory.choices)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # Pupil first: it also serves a pupil's marks and deleting a pupil.
            models.UniqueConstraint(
                fields=["pupil", "date", "session", "school"], name="attendancemark_unique"
            ),
        ]
        indexes = [models.Index(fields=["school", "date"])]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.date} {self.session} {self.code}"


class ActivityKind(models.TextChoices):
    LOGIN = "login", _("Logged in to the learning platform")
    LESSON = "lesson", _("Attended an online lesson")
    LAUNCHED = "launched", _("Opened a learning activity")
    COMPLETED = "completed", _("Completed a learning activity")


class ActivityEvent(models.Model):
    """One piece of online activity (from CSV or xAPI)."""

    school = unconstrained_fk("schools.School")
    pupil = unconstrained_fk("people.Pupil")
    occurred_at = models.DateTimeField()
    date = models.DateField()  # the school-local date of occurred_at
    kind = models.CharField(max_length=16, choices=ActivityKind.choices)
    source = models.CharField(max_length=64, blank=True)
    # Idempotency: the xAPI statement id, the CSV's event id, or (for CSV rows without one) a
    # digest of pupil, time, kind and source, so importing the same file twice adds nothing.
    external_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "external_id"],
                condition=~models.Q(external_id=""),
                name="activityevent_school_external",
            ),
        ]
        indexes = [
            models.Index(fields=["pupil", "date"]),  # a pupil's timeline; deleting a pupil
            # Daily facts read one school's events for a range of days.
            models.Index(fields=["school", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.kind} {self.occurred_at:%Y-%m-%d %H:%M}"


class Homework(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(
        "schools.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200)
    subject = models.CharField(max_length=120, blank=True)
    set_on = models.DateField()
    due_on = models.DateField()
    max_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    source_id = models.CharField(max_length=128)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "source_id"], name="homework_school_source"),
        ]
        indexes = [models.Index(fields=["school", "due_on"])]  # daily facts count by due date

    def __str__(self) -> str:
        return self.title


class HomeworkStatus(models.TextChoices):
    SET = "set", _("Set, not yet due")
    ON_TIME = "on_time", _("Handed in on time")
    LATE = "late", _("Handed in late")
    MISSING = "missing", _("Not handed in")


class HomeworkSubmission(models.Model):
    school = unconstrained_fk("schools.School", indexed=True)
    homework = models.ForeignKey(
        Homework, on_delete=models.CASCADE, related_name="submissions", db_index=False
    )
    pupil = unconstrained_fk("people.Pupil")
    status = models.CharField(max_length=8, choices=HomeworkStatus.choices)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["homework", "pupil", "school"], name="homeworksubmission_unique"
            ),
        ]
        indexes = [models.Index(fields=["pupil", "school"])]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.homework_id} {self.status}"


class FamilyMessage(models.Model):
    """A message from school to a pupil's family and what became of it.

    Filled from a file until the messaging capability writes it directly.
    """

    school = unconstrained_fk("schools.School")
    pupil = unconstrained_fk("people.Pupil")
    guardian = models.ForeignKey(
        "people.Guardian", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    needs_reply = models.BooleanField(default=False)
    source_id = models.CharField(max_length=128)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "source_id"], name="familymessage_school_source"
            ),
        ]
        indexes = [
            models.Index(fields=["pupil", "sent_at"]),
            # Daily facts count what was sent, read and answered on each day.
            models.Index(fields=["school", "sent_at"]),
            models.Index(fields=["school", "read_at"]),
            models.Index(fields=["school", "replied_at"]),
        ]

    def __str__(self) -> str:
        return f"message {self.source_id} to family of {self.pupil_id}"


# --- xAPI ----------------------------------------------------------------------------------


class XapiSource(models.Model):
    """A learning platform allowed to send statements. Only a hash of its key is kept."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    key_id = models.CharField(max_length=32, unique=True)  # the Basic-auth username
    secret_hash = models.CharField(max_length=128)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="xapisource_school_name"),
        ]

    def __str__(self) -> str:
        return self.name


class XapiStatement(models.Model):
    """Every statement received, mapped or not, kept by its id so a resend creates nothing."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(XapiSource, on_delete=models.CASCADE, related_name="statements")
    statement_id = models.UUIDField()
    verb = models.CharField(max_length=255)
    actor_key = models.CharField(max_length=255)  # mbox, account name, …
    pupil = models.ForeignKey(
        "people.Pupil", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    timestamp = models.DateTimeField()
    stored_at = models.DateTimeField(auto_now_add=True)
    mapped_kind = models.CharField(max_length=16, blank=True)  # ActivityKind, or "" if unmapped
    raw = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "statement_id"], name="xapistatement_school_id"
            ),
        ]
        indexes = [models.Index(fields=["school", "verb"])]

    def __str__(self) -> str:
        return str(self.statement_id)


# --- Daily facts ---------------------------------------------------------------------------


class PupilDay(models.Model):
    """Everything known about one pupil on one school day: the input to rules and the model."""

    school = unconstrained_fk("schools.School")
    pupil = unconstrained_fk("people.Pupil")
    date = models.DateField()
    sessions_possible = models.SmallIntegerField(default=0)
    sessions_present = models.SmallIntegerField(default=0)  # present or attending elsewhere
    sessions_authorised = models.SmallIntegerField(default=0)
    sessions_unauthorised = models.SmallIntegerField(default=0)
    logins = models.SmallIntegerField(default=0)
    lessons = models.SmallIntegerField(default=0)
    activities = models.SmallIntegerField(default=0)  # launched or completed
    homework_due = models.SmallIntegerField(default=0)
    homework_on_time = models.SmallIntegerField(default=0)
    homework_late = models.SmallIntegerField(default=0)
    homework_missing = models.SmallIntegerField(default=0)
    messages_sent = models.SmallIntegerField(default=0)
    messages_read = models.SmallIntegerField(default=0)
    messages_answered = models.SmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pupil", "date", "school"], name="pupilday_unique"),
        ]
        indexes = [models.Index(fields=["school", "date"])]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.date}"


# The counts a PupilDay holds, in the model's order: what facts, rules and the risk score read.
FACT_FIELDS: tuple[str, ...] = tuple(
    field.name
    for field in PupilDay._meta.concrete_fields
    if isinstance(field, models.SmallIntegerField)
)


# --- Rules, scores and flags -----------------------------------------------------------------


class RuleSetting(models.Model):
    """A school's own threshold for one rule; absent means the evidence-based default."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=48)
    enabled = models.BooleanField(default=True)
    params = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "rule"], name="rulesetting_school_rule"),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.rule}"


class RiskModel(models.Model):
    """A calibrated model trained on one school's own history."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    trained_at = models.DateTimeField(auto_now_add=True)
    train_from = models.DateField()
    train_to = models.DateField()
    n_train = models.PositiveIntegerField()
    metrics = models.JSONField(default=dict)
    feature_names = models.JSONField(default=list)
    payload = models.BinaryField()  # the fitted estimator (joblib)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"risk model {self.pk} for {self.school_id}"


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SNOOZED = "snoozed", _("Snoozed")
    RESOLVED = "resolved", _("Resolved")


class FlagOutcome(models.TextChoices):
    RE_ENGAGED = "re_engaged", _("Re-engaged")
    SUPPORT_IN_PLACE = "support_in_place", _("Support in place")
    FAMILY_CONTACTED = "family_contacted", _("Family contacted")
    NO_CONCERN = "no_concern", _("No concern")
    LEFT_SCHOOL = "left_school", _("Left the school")


class Flag(models.Model):
    """A pupil on the watchlist: one open flag per pupil, carrying every current reason."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="flags")
    status = models.CharField(max_length=8, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    opened_on = models.DateField()
    last_evaluated_on = models.DateField()
    # Each reason: {"rule": key, "text": plain words, "evidence": [...], "severity": int}
    reasons = models.JSONField(default=list)
    severity = models.SmallIntegerField(default=0)  # number and weight of reasons, for ranking
    risk = models.FloatField(null=True, blank=True)  # calibrated probability, 0 to 1
    risk_reasons = models.JSONField(default=list, blank=True)
    worsened_on = models.DateField(null=True, blank=True)
    woken_on = models.DateField(null=True, blank=True)  # back from snooze
    # The date all reasons went (the flag stays until a person resolves it).
    clear_since = models.DateField(null=True, blank=True)
    close_suggested = models.BooleanField(default=False)
    # Weekly figures for the last six weeks, for the watchlist sparkline (see flags.py).
    trend = models.JSONField(default=dict, blank=True)
    assigned_to = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    snoozed_until = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=32, blank=True, choices=FlagOutcome.choices)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "pupil"],
                condition=~models.Q(status="resolved"),
                name="flag_one_live_per_pupil",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status", "-severity"]),
            models.Index(fields=["school", "pupil"]),
        ]

    def __str__(self) -> str:
        return f"flag {self.pk} on {self.pupil_id} ({self.status})"


class FlagEventKind(models.TextChoices):
    OPENED = "opened", _("Flag raised")
    WORSENED = "worsened", _("New reason")
    ASSIGNED = "assigned", _("Assigned")
    NOTE = "note", _("Note")
    SNOOZED = "snoozed", _("Snoozed")
    WOKEN = "woken", _("Snooze ended")
    RESOLVED = "resolved", _("Resolved")
    REOPENED = "reopened", _("Reopened")
    CONTACT = "contact", _("Contact with family")
    CLEARED = "cleared", _("No reasons left")
    SUGGESTION = "suggestion", _("Suggestion")


class FlagEvent(models.Model):
    """The history of a flag: what the system saw and what people did."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=FlagEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["school", "flag", "kind"])]

    def __str__(self) -> str:
        return f"{self.flag_id} {self.kind}"


class DigestSent(models.Model):
    """One morning digest to one member of staff for one date: sent at most once."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey("people.Staff", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    flag_count = models.PositiveIntegerField(default=0)
    # What this digest reported ("flag id:change:date"), so the next one does not repeat it.
    items = models.JSONField(default=list, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "staff", "date"], name="digest_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"digest {self.date} to {self.staff_id}"
