"""Details families keep up to date: a parent proposes a change to their contact details or to
a child's dietary or medical notes, and the office accepts or rejects it. A proposal never
changes the record; accepting writes it through people's services (people/services.py).

A parent who looks and finds nothing to change says so: that is a `DetailsCheck` too, shown to
the office with its date, and it quietens the "check your details" reminder until the school's
next round.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Field(models.TextChoices):
    # The parent's own contact details (people.Guardian, one row across the trust).
    EMAIL = "email", _("Email address")
    PHONE = "phone", _("Phone number")
    ADDRESS = "address", _("Address")
    POSTCODE = "postcode", _("Postcode")
    LANGUAGE = "preferred_language", _("Language for messages")
    CHANNEL = "preferred_channel", _("How the school contacts you")
    # One child's notes (people.Pupil).
    DIETARY = "dietary_notes", _("Dietary needs")
    MEDICAL = "medical_notes", _("Medical needs")


GUARDIAN_FIELDS = (
    Field.EMAIL,
    Field.PHONE,
    Field.ADDRESS,
    Field.POSTCODE,
    Field.LANGUAGE,
    Field.CHANNEL,
)
CHILD_FIELDS = (Field.DIETARY, Field.MEDICAL)


class ChangeStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for the school")
    ACCEPTED = "accepted", _("Updated by the school")
    REJECTED = "rejected", _("Not changed by the school")
    REPLACED = "replaced", _("Replaced by a later change")


class DetailsChange(models.Model):
    """One field a parent wants changed. At most one waits per parent, child and field: a
    second proposal for the same field replaces the first (the service says so)."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    guardian = models.ForeignKey("people.Guardian", on_delete=models.CASCADE, related_name="+")
    # The child whose notes these are; empty for the parent's own contact details.
    pupil = models.ForeignKey(
        "people.Pupil", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    field = models.CharField(max_length=24, choices=Field.choices)
    old_value = models.TextField(blank=True)  # what the record said when the parent asked
    new_value = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.WAITING
    )
    # Why the office did not make the change, in words for the family (optional).
    reason = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["guardian", "pupil", "field"],
                condition=models.Q(status="waiting", pupil__isnull=False),
                name="details_one_waiting_child_field",
            ),
            models.UniqueConstraint(
                fields=["guardian", "field"],
                condition=models.Q(status="waiting", pupil__isnull=True),
                name="details_one_waiting_contact_field",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status", "created_at"]),
            models.Index(fields=["guardian", "status"]),
        ]

    def __str__(self) -> str:
        return f"details change {self.guardian_id} {self.pupil_id} {self.field} {self.status}"

    @property
    def is_medical(self) -> bool:
        return self.field == Field.MEDICAL


class CheckKind(models.TextChoices):
    UNCHANGED = "unchanged", _("Nothing has changed")
    CHANGED = "changed", _("Sent changes")


class DetailsCheck(models.Model):
    """A parent looked at what the school holds for one child (and their own contact details)
    and either confirmed it or sent changes."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    guardian = models.ForeignKey("people.Guardian", on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=CheckKind.choices)
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-checked_at", "-id"]
        indexes = [
            models.Index(fields=["school", "kind", "checked_at"]),
            models.Index(fields=["guardian", "pupil", "checked_at"]),
        ]

    def __str__(self) -> str:
        return f"details check {self.guardian_id} {self.pupil_id} {self.kind}"


class DetailsSettings(models.Model):
    """A school's choices: how often families are asked to check, and the staff who hear of a
    new or changed medical note."""

    school = models.OneToOneField("schools.School", on_delete=models.CASCADE, related_name="+")
    check_every_days = models.PositiveSmallIntegerField(default=365)
    alert_staff = models.ManyToManyField("people.Staff", blank=True, related_name="+")

    def __str__(self) -> str:
        return f"details settings {self.school_id}"


class MedicalAlert(models.Model):
    """A named member of staff told of a new or changed medical note (on their home page until
    they mark it read)."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    change = models.ForeignKey(DetailsChange, on_delete=models.CASCADE, related_name="alerts")
    staff = models.ForeignKey("people.Staff", on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["change", "staff"], name="details_alert_once"),
        ]
        indexes = [models.Index(fields=["staff", "read_at"])]

    def __str__(self) -> str:
        return f"medical alert {self.staff_id} {self.pupil_id}"
