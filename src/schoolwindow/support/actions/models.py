"""A call or a referral, and the help linked to a watchlist flag when it was resolved."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schoolwindow.support.timeline import EntryStatus, SupportKind


class ActionKind(models.TextChoices):
    """The kinds of help this part keeps (the others are kept by their own parts)."""

    CALL = SupportKind.CALL.value, _("Call")
    REFERRAL = SupportKind.REFERRAL.value, _("Referral")


class ReferralType(models.TextChoices):
    EARLY_HELP = "early_help", _("Early help")
    FOOD_BANK = "food_bank", _("Food bank voucher")
    OTHER_AGENCY = "other_agency", _("Another agency")


class SupportAction(models.Model):
    """One call with the family or one referral for the pupil, with who owns it and how it went."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(
        "people.Pupil", on_delete=models.CASCADE, related_name="support_actions"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ActionKind.choices)
    referral_type = models.CharField(
        _("referral to"), max_length=16, choices=ReferralType.choices, blank=True
    )
    summary = models.CharField(_("what it is about"), max_length=200)
    on = models.DateField(_("date"))
    owner = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="+")
    due = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=EntryStatus.choices, default=EntryStatus.PLANNED
    )
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    # The watchlist flag it answers; the flag may be resolved or gone later, the call stays.
    flag = models.ForeignKey(
        "engagement.Flag", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["school", "pupil", "on"], name="supportaction_pupil_on"),
            models.Index(fields=["school", "owner", "status"], name="supportaction_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} for {self.pupil_id}"

    @property
    def ref(self) -> str:
        return action_ref(self.kind, self.pk)

    def overdue(self, today: dt.date) -> bool:
        open_ = self.status in (EntryStatus.PLANNED, EntryStatus.IN_PROGRESS)
        return open_ and self.due is not None and self.due < today


def action_ref(kind: str, pk: int) -> str:
    """The timeline's ref of a call or referral: unique across every kind ("call:12")."""
    return f"{kind}:{pk}"


class FlagLink(models.Model):
    """One piece of help (of any kind, by its timeline ref) counted as answering a flag, linked
    when the flag was resolved. One per flag and ref: resolving twice links nothing twice."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    flag = models.ForeignKey("engagement.Flag", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=SupportKind.choices)
    ref = models.CharField(max_length=64)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "flag", "ref"], name="flaglink_flag_ref"),
        ]

    def __str__(self) -> str:
        return f"flag {self.flag_id} ← {self.ref}"
