"""Kit the school lends, the loans, the families' agreements and each item's history."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    LAPTOP = "laptop", _("Laptop")
    TABLET = "tablet", _("Tablet")
    DONGLE = "dongle", _("Dongle")
    SIM = "sim", _("SIM card")
    INSTRUMENT = "instrument", _("Musical instrument")
    OTHER = "other", _("Other kit")


# Kinds that carry a data plan and an expiry date.
CONNECTIVITY = frozenset({Kind.DONGLE, Kind.SIM})


class Condition(models.TextChoices):
    GOOD = "good", _("good")
    FAIR = "fair", _("fair")
    DAMAGED = "damaged", _("damaged")
    BROKEN = "broken", _("broken")


# Conditions that, found at a return, are reported to the family.
DAMAGE = frozenset({Condition.DAMAGED, Condition.BROKEN})


class ItemStatus(models.TextChoices):
    AVAILABLE = "available", _("available")
    ON_LOAN = "on_loan", _("on loan")
    IN_REPAIR = "in_repair", _("in repair")
    LOST = "lost", _("lost")
    RETIRED = "retired", _("retired")


class Item(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    asset_tag = models.CharField(_("asset tag"), max_length=40)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    model_name = models.CharField(_("model"), max_length=120, blank=True)
    serial = models.CharField(_("serial number"), max_length=80, blank=True)
    condition = models.CharField(
        _("condition"), max_length=8, choices=Condition.choices, default=Condition.GOOD
    )
    # Kept by the services: on loan exactly while an open Loan exists.
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.AVAILABLE
    )
    data_plan = models.CharField(_("data plan"), max_length=120, blank=True)
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["asset_tag", "id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "asset_tag"], name="loanitem_school_tag"),
        ]
        indexes = [models.Index(fields=["school", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.asset_tag} ({self.get_kind_display()})"


class AgreementTemplate(models.Model):
    """A school's loan agreement for one kind of item; `version` rises with every edit."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField()
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "kind"], name="loanagreement_school_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"


class Loan(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="loans")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="loans")
    lent_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lent_at = models.DateTimeField()
    due_on = models.DateField()
    condition_out = models.CharField(max_length=8, choices=Condition.choices)
    notes_out = models.TextField(blank=True)
    # The agreement as it stood when the item was lent; what the family accepts.
    agreement_text = models.TextField()
    agreement_version = models.PositiveIntegerField(default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_name = models.CharField(max_length=200, blank=True)  # exactly as typed
    accepted_by = models.ForeignKey(
        "people.Guardian", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paper_signed_on = models.DateField(null=True, blank=True)
    paper_recorded_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreement_reminders = models.PositiveSmallIntegerField(default=0)
    agreement_reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_reminders = models.PositiveSmallIntegerField(default=0)
    overdue_reminded_on = models.DateField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_to = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    condition_in = models.CharField(max_length=8, choices=Condition.choices, blank=True)
    notes_in = models.TextField(blank=True)
    damage_conversation = models.ForeignKey(
        "messaging.Conversation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A charge for damage, in pence; never for a disadvantaged family unless a leader overrode.
    charge_pence = models.PositiveIntegerField(null=True, blank=True)
    charge_override_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-lent_at", "-id"]
        constraints = [
            # The rule the whole app rests on: an item is out on one loan at most. The service
            # locks the item too, but the database has the last word when two staff race.
            models.UniqueConstraint(
                fields=["school", "item"],
                condition=Q(returned_at__isnull=True),
                name="loan_one_open_per_item",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "returned_at", "due_on"]),
            models.Index(fields=["pupil", "lent_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.pupil_id}"

    @property
    def is_open(self) -> bool:
        return self.returned_at is None

    @property
    def charge_display(self) -> str:
        return f"£{self.charge_pence / 100:.2f}" if self.charge_pence else ""

    @property
    def agreement_settled(self) -> bool:
        return self.accepted_at is not None or self.paper_signed_on is not None


class PhotoStage(models.TextChoices):
    ITEM = "item", _("the item")
    OUT = "out", _("at hand-over")
    BACK = "back", _("at return")


class ItemPhoto(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="photos")
    loan = models.ForeignKey(
        Loan, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    stage = models.CharField(max_length=4, choices=PhotoStage.choices, default=PhotoStage.ITEM)
    image = models.FileField(upload_to="loans/%Y/%m/")
    taken_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.image.name or ""


class EventKind(models.TextChoices):
    ADDED = "added", _("Added to the inventory")
    IMPORTED = "imported", _("Changed by an import")
    EDITED = "edited", _("Details corrected")
    LENT = "lent", _("Lent")
    RETURNED = "returned", _("Returned")
    STATUS = "status", _("Status changed")
    PHOTO = "photo", _("Photo added")
    AGREED = "agreed", _("Agreement accepted")
    DAMAGE = "damage", _("Damage reported to the family")
    CHARGE = "charge", _("Charge recorded")


class ItemEvent(models.Model):
    """One line of an item's history (and, with a pupil, of the pupil's loan history)."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="events")
    loan = models.ForeignKey(
        Loan, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    pupil = models.ForeignKey(
        "people.Pupil", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    at = models.DateTimeField()
    by_label = models.CharField(max_length=200, blank=True)
    condition = models.CharField(max_length=8, choices=Condition.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["item", "at"]),
            models.Index(fields=["pupil", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.kind}"
