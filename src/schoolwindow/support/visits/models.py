"""Home visits and what they leave behind.

A visit is an offer to the family, never enforcement: `agreement` records whether the family
was asked and what they said, and a declined visit is simply declined, not failed.

What staff see of a visit and what only the DSL reads are kept in separate tables: a concern
raised in a visit is a `VisitConcern`, read through one audited selector under the
SAFEGUARDING capability; the visit itself carries only `concern_passed`.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

# The profile questions asked face to face; the keys are what `visit_profile_answers` returns
# and what homelife's answer service stores under the source "home visit". The labels are lazy
# translations.
PROFILE_QUESTIONS: tuple[tuple[str, Any], ...] = (
    ("devices", _("Devices for schoolwork (what, how many, shared with whom and when)")),
    ("internet", _("Internet at home (broadband, mobile data only, none; any data limit)")),
    ("printer", _("A printer")),
    ("quiet_place", _("A quiet place to study")),
    ("adult_help", _("An adult who can help, and when")),
    ("study_buddy", _("An older sibling or study buddy")),
    ("languages", _("Languages spoken at home")),
    ("preferred_contact", _("How the family would like us to contact them")),
)
PROFILE_KEYS = tuple(key for key, _label in PROFILE_QUESTIONS)


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Visited")
    CANCELLED = "cancelled", _("Cancelled")


class Agreement(models.TextChoices):
    NOT_YET = "not_yet", _("Not asked yet")
    AGREED = "agreed", _("The family agreed")
    DECLINED = "declined", _("The family said no, thank you")


class HomeVisit(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="home_visits")
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The watchlist flag the visit answers, when it was planned from one.
    flag = models.ForeignKey(
        "engagement.Flag", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=45)
    # Always two people: the lead and either a second member of staff (who may be the
    # interpreter) or a named interpreter from outside the school.
    lead = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="+")
    second = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    second_interprets = models.BooleanField(default=False)
    interpreter_name = models.CharField(max_length=120, blank=True)
    interpreter_language = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=12, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    agreement = models.CharField(
        max_length=12, choices=Agreement.choices, default=Agreement.NOT_YET
    )
    # How and when the family was asked ("phone call on Monday", "online").
    agreement_how = models.CharField(max_length=200, blank=True)
    cancel_reason = models.TextField(blank=True)
    # RFC 5545 SEQUENCE: raised by every service that changes the visit, so calendars replace
    # their copy of the event.
    sequence = models.PositiveIntegerField(default=0)
    # What was recorded on the day.
    profile_answers = models.JSONField(default=dict, blank=True)
    family_wellbeing = models.TextField(blank=True)
    reflection = models.TextField(blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    concern_passed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["school", "starts_at"], name="visit_school_starts"),
            models.Index(fields=["lead", "starts_at"], name="visit_lead_starts"),
            models.Index(fields=["second", "starts_at"], name="visit_second_starts"),
            models.Index(fields=["pupil", "starts_at"], name="visit_pupil_starts"),
        ]

    def __str__(self) -> str:
        return f"Home visit {self.pk}"


class VisitAction(models.Model):
    """An action agreed with the family in a visit: a line, an owner, a due date."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    visit = models.ForeignKey(HomeVisit, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(max_length=300)
    owner = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.text[:60]


class VisitConcern(models.Model):
    """A safeguarding concern raised in a visit. Read only by the DSL, every read audited."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    visit = models.OneToOneField(HomeVisit, on_delete=models.CASCADE, related_name="concern")
    text = models.TextField()
    raised_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    # When a DSL first read it; unread concerns are on the DSL's home page.
    read_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Concern from home visit {self.visit_id}"


class VisitCalendar(models.Model):
    """A member of staff's private iCalendar feed: the URL carries the school and a token."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey("people.Staff", on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "staff"], name="visit_calendar_staff"),
            models.UniqueConstraint(fields=["school", "token"], name="visit_calendar_token"),
        ]

    def __str__(self) -> str:
        return f"Visit calendar of staff {self.staff_id}"
