from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    STAFF = "staff", _("Staff")
    GUARDIAN = "guardian", _("Parent or carer")
    PUPIL = "pupil", _("Pupil")
    TRUST = "trust", _("Trust officer")


class User(AbstractUser):
    """A log-in. What it may see comes from the records linked to it (Staff, Guardian, Pupil)."""

    kind = models.CharField(max_length=16, choices=AccountKind.choices, default=AccountKind.STAFF)
    email = models.EmailField(_("email address"), blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=16, blank=True, default="")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def needs_two_factor(self) -> bool:
        return self.kind in {AccountKind.STAFF, AccountKind.TRUST}


class ScheduledRun(models.Model):
    """A periodic job that has been started for a date. The unique row makes it run once,
    however many workers on however many machines are watching the clock."""

    job = models.CharField(max_length=64)
    run_date = models.DateField()
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "run_date"], name="scheduledrun_once"),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.run_date}"


class UsedForm(models.Model):
    """A form that created something, by the one-time token written into it (`core/once.py`).

    The unique token is what makes a double tap, a resubmitted form or a second tab holding the
    same form create one record: the second insert fails in the database, whichever request
    gets there second, and that request is told where the first one's result is."""

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.token)
