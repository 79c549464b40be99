"""Care packages and food parcels.

A school keeps named packing lists ("Food parcel — family of 4"). A member of staff asks for a
parcel for a family (`ParcelRequest`): the list is copied onto the request as its own items, so
changing a list later never changes a parcel already asked for. It is packed item by item,
put on a volunteer driver's `DeliveryRound`, and confirmed delivered (or not) by staff after the
round or by the driver from their phone.

A request is on at most one round: the round is a field of the request, and a stop's place on
a round is unique. The address and the name for the door are never copied here: they are read
when the driver's sheet is drawn, through `people.contact`, so a contact restriction added
after the request still keeps that guardian off the sheet.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ParcelKind(models.TextChoices):
    FOOD = "food", _("Food parcel")
    CARE = "care", _("Care package")


class ParcelStatus(models.TextChoices):
    REQUESTED = "requested", _("Asked for")
    PACKED = "packed", _("Packed")
    OUT = "out", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    NOT_DELIVERED = "not_delivered", _("Not delivered")
    CANCELLED = "cancelled", _("Cancelled")


# A parcel in one of these is finished: nothing more is packed, planned or confirmed.
FINISHED = (ParcelStatus.DELIVERED, ParcelStatus.NOT_DELIVERED, ParcelStatus.CANCELLED)


class PackingList(models.Model):
    """A school's named list of what goes in a parcel; `items` is [{"name", "quantity"}]."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=8, choices=ParcelKind.choices, default=ParcelKind.FOOD)
    items = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="packinglist_school_name"),
        ]

    def __str__(self) -> str:
        return self.name


class DeliveryRound(models.Model):
    """One volunteer driver's round on one day; its stops are the requests on it, in order."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    driver_name = models.CharField(max_length=120)
    driver_phone = models.CharField(max_length=32, blank=True)
    # Whom the driver rings when something is wrong at a door.
    staff_contact = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="+")
    # Part of the driver's link: a new nonce makes every earlier link stop working.
    link_nonce = models.CharField(max_length=32)
    planned_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        indexes = [models.Index(fields=["school", "day"], name="parcelround_school_day")]

    def __str__(self) -> str:
        return f"Delivery round {self.pk} on {self.day}"


class ParcelRequest(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The guardian the parcel is taken to, chosen when it was asked for among those the school
    # may contact; the sheet checks again (see the module's note).
    contact = models.ForeignKey(
        "people.Guardian", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The watchlist flag the parcel answers, when it was asked for from one.
    flag = models.ForeignKey(
        "engagement.Flag", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=ParcelKind.choices, default=ParcelKind.FOOD)
    packing_list = models.ForeignKey(
        PackingList, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField()
    dietary_notes = models.CharField(max_length=300, blank=True)
    # For the driver: "ring the side door", "leave with the neighbour at 14".
    delivery_notes = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=16, choices=ParcelStatus.choices, default=ParcelStatus.REQUESTED
    )
    requested_by = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    packed_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    packed_at = models.DateTimeField(null=True, blank=True)
    round = models.ForeignKey(
        DeliveryRound, null=True, blank=True, on_delete=models.SET_NULL, related_name="stops"
    )
    stop_number = models.PositiveSmallIntegerField(null=True, blank=True)
    # Who said it was delivered or not: a member of staff, or the driver in their own words.
    confirmed_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_by_name = models.CharField(max_length=160, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmation_note = models.CharField(max_length=300, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One place per stop on a round (a request has one round by being a field of it).
            models.UniqueConstraint(
                fields=["round", "stop_number"],
                condition=Q(round__isnull=False),
                name="parcel_round_stop_once",
            ),
            # Out for delivery means on a round.
            models.CheckConstraint(
                condition=~Q(status=ParcelStatus.OUT) | Q(round__isnull=False),
                name="parcel_out_on_a_round",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status", "requested_at"], name="parcel_school_status"),
        ]

    def __str__(self) -> str:
        return f"Parcel {self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


class ParcelPupil(models.Model):
    """A pupil a parcel is for (a family's parcel may be for two or three siblings)."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(ParcelRequest, on_delete=models.CASCADE, related_name="pupils")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "pupil"], name="parcelpupil_once"),
        ]
        indexes = [models.Index(fields=["pupil"], name="parcelpupil_pupil")]

    def __str__(self) -> str:
        return f"pupil {self.pupil_id} of parcel {self.request_id}"


class ParcelItem(models.Model):
    """A line of a parcel's own packing list, ticked when it is in the box."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(ParcelRequest, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=120)
    quantity = models.PositiveSmallIntegerField(default=1)
    packed = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.name}"
