"""Advocates for vulnerable learners: who counts as vulnerable, the cadence of contact, and the
quick record of a meeting with the pupil.

The assignment itself (`people.AdvocateAssignment`) belongs to `people`, because the pupil
policy reads it (an advocate sees their caseload). Contact with the family is not stored here:
any call, meeting or visit in messaging's contact log, and any message a parent wrote about the
pupil, counts (`messaging.api.family_contact_last`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The school's defaults when it has chosen nothing.
DEFAULT_CASELOAD_LIMIT = 10
DEFAULT_PUPIL_EVERY_DAYS = 7
DEFAULT_FAMILY_EVERY_DAYS = 14


class AdvocacySettings(models.Model):
    """Which pupil categories make a learner vulnerable at this school, the caseload limit, and
    how often an advocate should be in touch."""

    school = models.OneToOneField("schools.School", on_delete=models.CASCADE, related_name="+")
    counts_looked_after = models.BooleanField(_("looked after"), default=True)
    # Off unless the school chooses it: child-in-need and protection status are the DSL's
    # (people.SafeguardingStatus), and the register is read by leaders and pastoral leads too.
    # The DSL can instead designate a pupil with a reason in plain words.
    counts_safeguarding = models.BooleanField(
        _("known to the safeguarding lead (child in need or protection plan)"), default=False
    )
    counts_ehcp = models.BooleanField(_("education, health and care plan"), default=True)
    counts_send_support = models.BooleanField(_("SEN support"), default=False)
    counts_young_carer = models.BooleanField(_("young carer"), default=True)
    counts_disadvantaged = models.BooleanField(_("disadvantaged"), default=False)
    caseload_limit = models.PositiveSmallIntegerField(
        _("pupils an advocate may have"), default=DEFAULT_CASELOAD_LIMIT
    )
    pupil_every_days = models.PositiveSmallIntegerField(
        _("days between contacts with the pupil"), default=DEFAULT_PUPIL_EVERY_DAYS
    )
    family_every_days = models.PositiveSmallIntegerField(
        _("days between contacts with the family"), default=DEFAULT_FAMILY_EVERY_DAYS
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"advocacy settings of {self.school_id}"


class CaseloadLimit(models.Model):
    """One advocate's own limit, instead of the school's."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey("people.Staff", on_delete=models.CASCADE, related_name="+")
    limit = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "staff"], name="caseloadlimit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id}: {self.limit}"


class VulnerableDesignation(models.Model):
    """A member of staff's judgement that a pupil needs an advocate, in plain words, for a
    time. It adds to the categories; it never removes a pupil they put on the register."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="+")
    designated_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"))
    starts = models.DateField(_("from"))
    ends = models.DateField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts", "-id"]
        indexes = [models.Index(fields=["school", "pupil"])]

    def __str__(self) -> str:
        return f"designation of {self.pupil_id}"


class PupilCadence(models.Model):
    """How often to be in touch with this pupil and family, where it differs from the school's
    cadence (empty: the school's)."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="+")
    pupil_every_days = models.PositiveSmallIntegerField(null=True, blank=True)
    family_every_days = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "pupil"], name="pupilcadence_unique"),
        ]

    def __str__(self) -> str:
        return f"cadence of {self.pupil_id}"


class AdvocateContactKind(models.TextChoices):
    MET = "met", _("Met the pupil")
    CHECK_IN = "check_in", _("A short check-in with the pupil")
    ONLINE = "online", _("Spoke with the pupil online or by phone")


class AdvocateContact(models.Model):
    """Time with the pupil themselves (contact with the family is in messaging's log)."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=AdvocateContactKind.choices)
    happened_at = models.DateTimeField()
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_at", "-id"]
        indexes = [models.Index(fields=["school", "pupil", "-happened_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.happened_at:%Y-%m-%d}"
