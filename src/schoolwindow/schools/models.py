"""Trusts, schools and their calendars: the tenancy every other record hangs from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Trust(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    source_id = models.CharField(max_length=128, blank=True, default="")

    def __str__(self) -> str:
        return self.name


class Phase(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    SECONDARY = "secondary", _("Secondary")
    ALL_THROUGH = "all-through", _("All-through")
    SPECIAL = "special", _("Special")


class School(models.Model):
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="schools")
    urn = models.CharField(_("URN"), max_length=16, unique=True)
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=16, choices=Phase.choices, default=Phase.SECONDARY)
    # Printed on letters to families, with the phone number to reply on.
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=16, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    source_id = models.CharField(max_length=128, blank=True, default="", db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def postal_lines(self) -> list[str]:
        lines = [line.strip() for line in self.address.splitlines() if line.strip()]
        if self.postcode.strip():
            lines.append(self.postcode.strip())
        return lines


class AcademicYear(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="academic_years")
    name = models.CharField(max_length=32)  # "2026/27"
    start = models.DateField()
    end = models.DateField()
    source_id = models.CharField(max_length=128, blank=True, default="")

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="academicyear_school_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="terms")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=64)
    start = models.DateField()
    end = models.DateField()
    source_id = models.CharField(max_length=128, blank=True, default="")
    source_hash = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year", "name"], name="term_school_year_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.academic_year}"


class ClosureKind(models.TextChoices):
    INSET = "inset", _("INSET (staff training) day")
    CLOSURE = "closure", _("School closed")
    BANK_HOLIDAY = "bank_holiday", _("Bank holiday")
    HOLIDAY = "holiday", _("Holiday")


class Closure(models.Model):
    """A weekday inside a term when pupils are not expected in school."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField()
    kind = models.CharField(max_length=16, choices=ClosureKind.choices)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "date"], name="closure_school_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class YearGroup(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="year_groups")
    code = models.CharField(max_length=8)  # "R", "1" … "13"
    name = models.CharField(max_length=32)
    ordinal = models.SmallIntegerField(default=0)

    class Meta:
        ordering = ["ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["school", "code"], name="yeargroup_school_code"),
        ]

    def __str__(self) -> str:
        return self.name


class GroupKind(models.TextChoices):
    REGISTRATION = "registration", _("Registration class / tutor group")
    TEACHING = "teaching", _("Teaching group")
    OTHER = "other", _("Other group")


class Group(models.Model):
    """A class: a primary class or secondary tutor group, or a subject teaching group."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="groups")
    kind = models.CharField(max_length=16, choices=GroupKind.choices, default=GroupKind.TEACHING)
    name = models.CharField(max_length=120)
    code = models.CharField(max_length=64, blank=True)
    subject = models.CharField(max_length=120, blank=True)
    year_group = models.ForeignKey(
        YearGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="groups"
    )
    term = models.ForeignKey(
        Term, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    active = models.BooleanField(default=True)
    source_id = models.CharField(max_length=128, blank=True, default="")
    source_hash = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "source_id"],
                condition=~models.Q(source_id=""),
                name="group_school_source",
            ),
        ]

    def __str__(self) -> str:
        return self.name
