"""Consent and trip forms: a request the school sends to the families of a class, a year, a
group or chosen pupils; the pupils it is for (fixed when it is sent); each holder of parental
responsibility's answer per child; the reminders sent. A pupil's status (given, refused,
waiting, not asked) is worked out on reading (selectors.py), never stored, so a contact
restriction set later takes effect at once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    GROUP = "group", _("A class or group")
    YEAR = "year", _("A year group")
    LIST = "list", _("Chosen pupils")


class Rule(models.TextChoices):
    ONE = "one", _("One parent or carer with parental responsibility is enough")
    ALL = "all", _("Every parent or carer with parental responsibility must agree")


class Answer(models.TextChoices):
    YES = "yes", _("Yes, I give consent")
    NO = "no", _("No, I do not give consent")


class ConsentRequest(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    description = models.TextField()
    is_trip = models.BooleanField(default=True)
    event_date = models.DateField(null=True, blank=True)  # the day of the trip, if it is one
    deadline = models.DateField()  # answers are taken until the end of this day
    cost_pence = models.PositiveIntegerField(null=True, blank=True)
    payment_link = models.URLField(blank=True)  # the school's own payment provider
    rule = models.CharField(max_length=3, choices=Rule.choices, default=Rule.ONE)
    audience = models.CharField(max_length=5, choices=Audience.choices)
    year_group = models.ForeignKey(
        "schools.YearGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    group = models.ForeignKey(
        "schools.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-deadline", "-id"]
        indexes = [models.Index(fields=["school", "deadline"])]

    def __str__(self) -> str:
        return f"consent request {self.pk} {self.title}"

    @property
    def cost(self) -> str:
        return (
            ""
            if self.cost_pence is None
            else f"£{self.cost_pence // 100}.{self.cost_pence % 100:02d}"
        )


class ConsentPupil(models.Model):
    """A pupil the request is for, and whether the office has recorded the payment."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(ConsentRequest, on_delete=models.CASCADE, related_name="pupils")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="+")
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "request", "pupil"], name="consent_pupil_once"
            )
        ]
        indexes = [models.Index(fields=["pupil", "request"])]

    def __str__(self) -> str:
        return f"consent {self.request_id} pupil {self.pupil_id}"


class ConsentAnswer(models.Model):
    """One holder of parental responsibility's answer for one child: given on the portal, or on
    the phone to the office (who, when and by whom kept). Changed in place until the deadline;
    every change is in the audit log."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(ConsentRequest, on_delete=models.CASCADE, related_name="answers")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="+")
    guardian = models.ForeignKey("people.Guardian", on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=3, choices=Answer.choices)
    note = models.TextField(blank=True)  # for the day: medicine, allergies, collection
    answered_at = models.DateTimeField()
    by_phone = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)  # raised on each change (two tabs)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "request", "pupil", "guardian"], name="consent_answer_once"
            )
        ]
        indexes = [models.Index(fields=["request", "pupil"])]

    def __str__(self) -> str:
        return f"consent {self.request_id} pupil {self.pupil_id} guardian {self.guardian_id}"


class ConsentReminder(models.Model):
    """A reminder to one family (guardian) about one request: at most one a day, and a few in
    all (services.REMINDER_CAP). Recorded when staff press "remind"; the message itself is
    queued by a task after the commit, so one press for a whole school answers at once."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(ConsentRequest, on_delete=models.CASCADE, related_name="reminders")
    guardian = models.ForeignKey("people.Guardian", on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Written by the task that queues the message (services.consent_reminders_send), after
    # the staff member's press has counted and recorded the reminder.
    queued_at = models.DateTimeField(null=True, blank=True)
    failed = models.BooleanField(default=False)  # messaging refused (e.g. no way to reach)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "request", "guardian", "sent_on"], name="consent_reminder_daily"
            )
        ]

    def __str__(self) -> str:
        return f"consent {self.request_id} reminder {self.guardian_id} {self.sent_on}"
