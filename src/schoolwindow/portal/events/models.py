"""School events with families' replies, and parents' evenings with their slots and the
appointments parents book.

Every row a calendar shows (an event, an appointment) carries a random `uid` (nothing about the
child, the family or the school in it) and a `sequence` raised by every change, so phone
calendars subscribed to a feed replace their copy; a cancelled one stays, marked cancelled.

A slot is never booked twice: the database keeps at most one live appointment (held or booked)
per slot (`appointment_one_per_slot`), and the service locks the slot row before looking. A hold
is an appointment with `held_until`; once that time has passed the slot counts as free and the
next parent to hold it releases the stale hold in the same locked transaction — no job needed.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def new_uid() -> str:
    return secrets.token_hex(16)


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class Audience(models.TextChoices):
    SCHOOL = "school", _("The whole school")
    YEARS = "years", _("Chosen year groups")
    GROUPS = "groups", _("Chosen classes or groups")


class Event(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=140)
    description = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.SCHOOL)
    year_groups = models.ManyToManyField("schools.YearGroup", blank=True, related_name="+")
    groups = models.ManyToManyField("schools.Group", blank=True, related_name="+")
    cancelled = models.BooleanField(default=False)
    uid = models.CharField(max_length=32, default=new_uid, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["school", "starts_at"])]

    def __str__(self) -> str:
        return f"event {self.pk} at school {self.school_id}"


class Reply(models.TextChoices):
    YES = "yes", _("Yes, we are coming")
    NO = "no", _("No, we cannot come")


class Rsvp(models.Model):
    """One family's reply to an event: the parent who answered, and how many will come."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    guardian = models.ForeignKey("people.Guardian", on_delete=models.CASCADE, related_name="+")
    reply = models.CharField(max_length=3, choices=Reply.choices)
    people = models.PositiveSmallIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "guardian"], name="rsvp_one_per_family"),
        ]

    def __str__(self) -> str:
        return f"rsvp {self.event_id} {self.guardian_id} {self.reply}"


class Evening(models.Model):
    """A parents' evening: a day, the hours, the slot length, who is in it, and when booking
    opens; each slot closes `close_minutes` before it starts."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=140)
    date = models.DateField()
    starts = models.TimeField()
    ends = models.TimeField()
    slot_minutes = models.PositiveSmallIntegerField(default=10)
    opens_at = models.DateTimeField()
    close_minutes = models.PositiveIntegerField(default=24 * 60)
    year_groups = models.ManyToManyField("schools.YearGroup", blank=True, related_name="+")
    location = models.CharField(max_length=200, blank=True)
    cancelled = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "starts", "id"]
        indexes = [models.Index(fields=["school", "date"])]

    def __str__(self) -> str:
        return f"evening {self.pk} on {self.date}"


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    VIDEO = "video", _("By video")


class EveningTeacher(models.Model):
    """A teacher taking part: how families may meet them, and the video link when by video."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    evening = models.ForeignKey(Evening, on_delete=models.CASCADE, related_name="teachers")
    staff = models.ForeignKey("people.Staff", on_delete=models.CASCADE, related_name="+")
    in_person = models.BooleanField(default=True)
    phone = models.BooleanField(default=False)
    video = models.BooleanField(default=False)
    video_url = models.URLField(blank=True)
    room = models.CharField(max_length=60, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evening", "staff"], name="evening_teacher_once"),
        ]

    def __str__(self) -> str:
        return f"teacher {self.staff_id} at evening {self.evening_id}"

    @property
    def modes(self) -> list[str]:
        chosen = [(Mode.IN_PERSON, self.in_person), (Mode.PHONE, self.phone)]
        chosen.append((Mode.VIDEO, self.video))
        return [str(mode) for mode, on in chosen if on]


class Slot(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    evening = models.ForeignKey(Evening, on_delete=models.CASCADE, related_name="slots")
    teacher = models.ForeignKey(EveningTeacher, on_delete=models.CASCADE, related_name="slots")
    staff = models.ForeignKey("people.Staff", on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["teacher", "starts_at"], name="slot_once_per_time"),
        ]
        indexes = [models.Index(fields=["evening", "staff", "starts_at"])]

    def __str__(self) -> str:
        return f"slot {self.pk} {self.starts_at}"


class AppointmentStatus(models.TextChoices):
    HELD = "held", _("Held while you confirm")
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")


LIVE = [AppointmentStatus.HELD, AppointmentStatus.BOOKED]


class Appointment(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    evening = models.ForeignKey(Evening, on_delete=models.CASCADE, related_name="appointments")
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="appointments")
    staff = models.ForeignKey("people.Staff", on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="+")
    guardian = models.ForeignKey("people.Guardian", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=9, choices=AppointmentStatus.choices, default=AppointmentStatus.HELD
    )
    held_until = models.DateTimeField(null=True, blank=True)
    mode = models.CharField(max_length=9, choices=Mode.choices, default=Mode.IN_PERSON)
    interpreter_language = models.CharField(max_length=40, blank=True)
    uid = models.CharField(max_length=32, default=new_uid, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slot__starts_at", "id"]
        constraints = [
            # Never two live appointments in one slot, whoever tries at the same moment.
            models.UniqueConstraint(
                fields=["slot"], condition=Q(status__in=LIVE), name="appointment_one_per_slot"
            ),
            # One parent, one child, one teacher: one booked appointment (the other parent may
            # book their own, or join this one). A hold may sit beside it while the parent
            # changes the time; confirming the hold cancels the old booking.
            models.UniqueConstraint(
                fields=["evening", "pupil", "staff", "guardian"],
                condition=Q(status=AppointmentStatus.BOOKED),
                name="appointment_one_per_parent_teacher",
            ),
        ]
        indexes = [models.Index(fields=["evening", "pupil", "status"])]

    def __str__(self) -> str:
        return f"appointment {self.pk} {self.status}"


class Attendee(models.Model):
    """A second parent who joined an appointment the other parent booked (shared, not two)."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="joined")
    guardian = models.ForeignKey("people.Guardian", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appointment", "guardian"], name="attendee_once"),
        ]

    def __str__(self) -> str:
        return f"attendee {self.guardian_id} of {self.appointment_id}"


class CalendarFeed(models.Model):
    """A private iCalendar address: a parent's (events they said yes to and their appointments)
    or a member of staff's (their appointments). Replacing the token makes the old address 404."""

    guardian = models.OneToOneField(
        "people.Guardian", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    staff = models.OneToOneField(
        "people.Staff", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(guardian__isnull=False, staff__isnull=True)
                | Q(guardian__isnull=True, staff__isnull=False),
                name="calendar_feed_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"calendar feed {self.pk}"
