"""Pupils, their families and the staff who work with them.

Sensitive safeguarding facts live apart from the pupil record (SafeguardingStatus, and the
restriction reason on GuardianLink) so that a template can never show them by accident:
only the DSL selectors read them, and every read is audited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Re-exported: a staff member's roles are read with the people models.
from schoolwindow.core.capabilities import Role as Role


class SendStatus(models.TextChoices):
    NONE = "", _("None")
    SUPPORT = "K", _("SEN support")
    EHCP = "E", _("Education, health and care plan")


class PupilStatus(models.TextChoices):
    ACTIVE = "active", _("On roll")
    LEFT = "left", _("Left")


class Channel(models.TextChoices):
    APP = "app", _("School Window app")
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    LETTER = "letter", _("Letter")


class Household(models.Model):
    """A home. Pupils of one household may attend different schools of the trust."""

    trust = models.ForeignKey("schools.Trust", on_delete=models.CASCADE, related_name="households")
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=16, blank=True)
    source_id = models.CharField(max_length=128, blank=True, default="")

    def __str__(self) -> str:
        return self.name


class Pupil(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="pupils")
    upn = models.CharField(_("UPN"), max_length=13, blank=True)
    legal_first_name = models.CharField(max_length=100)
    legal_last_name = models.CharField(max_length=100)
    preferred_first_name = models.CharField(max_length=100, blank=True)
    preferred_last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=16, blank=True)
    year_group = models.ForeignKey(
        "schools.YearGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="pupils"
    )
    disadvantaged = models.BooleanField(_("disadvantaged"), default=False)
    pupil_premium = models.BooleanField(_("pupil premium"), default=False)
    send_status = models.CharField(
        _("SEND"), max_length=1, choices=SendStatus.choices, blank=True, default=SendStatus.NONE
    )
    eal = models.BooleanField(_("English as an additional language"), default=False)
    home_language = models.CharField(max_length=64, blank=True)
    young_carer = models.BooleanField(default=False)
    looked_after = models.BooleanField(_("looked after"), default=False)
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="pupils"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pupil",
    )
    status = models.CharField(max_length=8, choices=PupilStatus.choices, default=PupilStatus.ACTIVE)
    email = models.EmailField(blank=True)
    # The pupil's own mobile, recorded by staff for texts to the pupil (a study group's daily
    # check-in); never written to by the roster imports.
    mobile = models.CharField(_("pupil's own mobile"), max_length=32, blank=True)
    # What the family told the school about food and health, changed only through
    # `pupil_health_notes_update` (the office accepts what a parent proposes). Medical notes are
    # shown only to staff with DETAILS_SEE_MEDICAL.
    dietary_notes = models.TextField(_("dietary notes"), blank=True)
    medical_notes = models.TextField(_("medical notes"), blank=True)
    source_id = models.CharField(max_length=128, blank=True, default="")
    source_hash = models.CharField(max_length=32, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["legal_last_name", "legal_first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "upn"], condition=~models.Q(upn=""), name="pupil_school_upn"
            ),
            models.UniqueConstraint(
                fields=["school", "source_id"],
                condition=~models.Q(source_id=""),
                name="pupil_school_source",
            ),
        ]
        indexes = [models.Index(fields=["school", "status", "year_group"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def first_name(self) -> str:
        return self.preferred_first_name or self.legal_first_name

    @property
    def last_name(self) -> str:
        return self.preferred_last_name or self.legal_last_name

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class SafeguardingStatus(models.Model):
    """Child-in-need and child-protection status: the DSL's eyes only."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="safeguarding")
    child_in_need = models.BooleanField(default=False)
    child_protection = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Safeguarding status of pupil {self.pupil_id}"


class Guardian(models.Model):
    """A parent or carer. Belongs to the trust, so one log-in covers children in several schools."""

    trust = models.ForeignKey("schools.Trust", on_delete=models.CASCADE, related_name="guardians")
    title = models.CharField(max_length=16, blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    # The postal address, for letters: the street lines in `address`, the postcode apart so a
    # letter can put it on its own line (and a school can find the families with none).
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=16, blank=True)
    preferred_language = models.CharField(max_length=16, default="en")
    preferred_channel = models.CharField(
        max_length=8, choices=Channel.choices, default=Channel.EMAIL
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="guardians"
    )
    # The family asked not to receive the weekly summaries.
    nudges_opt_out = models.BooleanField(_("no weekly summaries"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guardian",
    )
    source_id = models.CharField(max_length=128, blank=True, default="")
    source_hash = models.CharField(max_length=32, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "source_id"],
                condition=~models.Q(source_id=""),
                name="guardian_trust_source",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.title, self.first_name, self.last_name) if part)

    @property
    def postal_lines(self) -> list[str]:
        """The address a letter is sent to, one line each: the guardian's own, else their
        household's."""
        address, postcode = self.address.strip(), self.postcode.strip()
        if not address and self.household is not None:
            address, postcode = self.household.address.strip(), self.household.postcode.strip()
        lines = [line.strip() for line in address.splitlines() if line.strip()]
        if postcode and postcode not in lines:
            lines.append(postcode)
        return lines


class Relationship(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    PARENT = "parent", _("Parent")
    STEP_PARENT = "step_parent", _("Step-parent")
    GRANDPARENT = "grandparent", _("Grandparent")
    CARER = "carer", _("Carer")
    FOSTER_CARER = "foster_carer", _("Foster carer")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    RELATIVE = "relative", _("Other relative")
    OTHER = "other", _("Other")


class GuardianLink(models.Model):
    """How one guardian stands to one pupil. A contact restriction is about this child."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="guardian_links")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="links")
    relationship = models.CharField(
        max_length=16, choices=Relationship.choices, default=Relationship.PARENT
    )
    parental_responsibility = models.BooleanField(default=True)
    lives_with_pupil = models.BooleanField(default=True)
    contact_priority = models.SmallIntegerField(default=1)
    contact_restricted = models.BooleanField(default=False)
    # Only the DSL reads the reason (people.selectors.guardian_restriction_reason_get).
    restriction_reason = models.TextField(blank=True)
    source_id = models.CharField(max_length=128, blank=True, default="")

    class Meta:
        ordering = ["contact_priority", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "pupil", "guardian"], name="guardianlink_school_pupil_guardian"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guardian_id} → {self.pupil_id} ({self.relationship})"


class Staff(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_records",
    )
    title = models.CharField(max_length=16, blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    job_title = models.CharField(max_length=120, blank=True)
    active = models.BooleanField(default=True)
    source_id = models.CharField(max_length=128, blank=True, default="")
    source_hash = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name_plural = "staff"
        constraints = [
            models.UniqueConstraint(
                fields=["school", "source_id"],
                condition=~models.Q(source_id=""),
                name="staff_school_source",
            ),
            models.UniqueConstraint(
                fields=["school", "user"],
                condition=models.Q(user__isnull=False),
                name="staff_school_user",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.title, self.first_name, self.last_name) if part)


class StaffRole(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=16, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "staff", "role"], name="staffrole_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.role}"


class Enrolment(models.Model):
    """A pupil in a class or teaching group."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey("schools.Group", on_delete=models.CASCADE, related_name="enrolments")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="enrolments")
    active = models.BooleanField(default=True)
    source_id = models.CharField(max_length=128, blank=True, default="")
    source_hash = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "group", "pupil"], name="enrolment_unique"),
        ]
        indexes = [models.Index(fields=["school", "pupil"])]

    def __str__(self) -> str:
        return f"{self.pupil_id} in {self.group_id}"


class TeachingAssignment(models.Model):
    """A member of staff who teaches or tutors a group."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(
        "schools.Group", on_delete=models.CASCADE, related_name="teaching_assignments"
    )
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="teaching_assignments")
    primary = models.BooleanField(default=True)
    source_id = models.CharField(max_length=128, blank=True, default="")
    source_hash = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "group", "staff"], name="teachingassignment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} teaches {self.group_id}"


class AdvocateAssignment(models.Model):
    """An adult advocate for a vulnerable learner: the advocate's caseload."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="advocacies")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="advocacies")
    started = models.DateField()
    ended = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "staff", "pupil", "started"], name="advocacy_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} advocates for {self.pupil_id}"


class TrustOfficer(models.Model):
    """Sees a trust's figures; pupil-level records only when pupil_access is granted."""

    trust = models.ForeignKey("schools.Trust", on_delete=models.CASCADE, related_name="officers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trust_roles"
    )
    pupil_access = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["trust", "user"], name="trustofficer_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.trust_id}"


class GuardianInvitation(models.Model):
    """A one-time link that lets a parent set a password. Only the token's hash is stored."""

    trust = models.ForeignKey("schools.Trust", on_delete=models.CASCADE, related_name="+")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Invitation for guardian {self.guardian_id}"
