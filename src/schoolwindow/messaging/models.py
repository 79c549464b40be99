"""Talking with families: conversations, messages, and what became of each copy sent.

The data flows one way: a Message is written with one Delivery per recipient in the same
transaction (the outbox); the worker sends deliveries and records their fate; each change to a
family's delivery is copied into engagement.FamilyMessage, which feeds the early warning.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schoolwindow.people.models import Channel


class ConversationKind(models.TextChoices):
    CONVERSATION = "conversation", _("Conversation")
    BROADCAST = "broadcast", _("Announcement")
    POSITIVE = "positive", _("Positive note")
    NUDGE = "nudge", _("Weekly summary")
    # Texts to pupils' phones (a study group's daily check-in): no family and no staff member
    # takes part, and no inbox lists them.
    PUPIL_TEXTS = "pupil_texts", _("Texts to pupils")


class Conversation(models.Model):
    """Staff and one or more guardians, about a pupil or about nothing in particular."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(
        "people.Pupil", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200)
    kind = models.CharField(
        max_length=16, choices=ConversationKind.choices, default=ConversationKind.CONVERSATION
    )
    created_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The time of the newest message: what inboxes sort by.
    last_message_at = models.DateTimeField(db_index=True)
    closed = models.BooleanField(default=False)
    # A family's own conversation with the school that answers an announcement (announcements
    # are one-way: an answer to one never goes into it, nor to the other families).
    in_answer_to = models.ForeignKey(
        "Broadcast", null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )

    class Meta:
        indexes = [models.Index(fields=["school", "-last_message_at"])]

    def __str__(self) -> str:
        return self.subject


class Participant(models.Model):
    """One member of a conversation: a member of staff or a guardian, never both."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    staff = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    guardian = models.ForeignKey(
        "people.Guardian", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(staff__isnull=True) & Q(guardian__isnull=False))
                | (Q(staff__isnull=False) & Q(guardian__isnull=True)),
                name="participant_staff_xor_guardian",
            ),
            models.UniqueConstraint(
                fields=["school", "conversation", "staff"],
                condition=Q(staff__isnull=False),
                name="participant_unique_staff",
            ),
            models.UniqueConstraint(
                fields=["school", "conversation", "guardian"],
                condition=Q(guardian__isnull=False),
                name="participant_unique_guardian",
            ),
        ]
        indexes = [
            models.Index(fields=["staff", "conversation"]),
            models.Index(fields=["guardian", "conversation"]),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}: staff {self.staff_id} guardian {self.guardian_id}"


class Tone(models.TextChoices):
    NEUTRAL = "neutral", _("Information")
    POSITIVE = "positive", _("Positive")
    CONCERN = "concern", _("Concern")


class Message(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author_staff = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_guardian = models.ForeignKey(
        "people.Guardian", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"))
    # The language the author wrote in (staff write in English).
    language = models.CharField(max_length=16, default="en")
    # For a family's reply in another language: the English staff read, and how it was made.
    translation = models.TextField(blank=True)
    translation_method = models.CharField(max_length=32, blank=True)
    tone = models.CharField(max_length=16, choices=Tone.choices, default=Tone.NEUTRAL)
    urgent = models.BooleanField(default=False)
    # Whether the family should answer: drives the "unanswered" family-side signal.
    needs_reply = models.BooleanField(default=False)
    # Which phrasebook entry the body came from, when it did (exact translations exist for it).
    phrase_key = models.CharField(max_length=64, blank=True)
    broadcast = models.ForeignKey(
        "Broadcast", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["conversation", "created_at"])]

    def __str__(self) -> str:
        return self.body[:60]


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to send")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    REPLIED = "replied", _("Replied")
    BOUNCED = "bounced", _("Bounced")
    FAILED = "failed", _("Failed")
    LETTER = "letter", _("Letter to print")
    PRINTED = "printed", _("Letter printed")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses a delivery can still leave by being sent.
PENDING_STATUSES = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING)


class Delivery(models.Model):
    """One copy of a message to one recipient by one channel: the outbox row and its fate.

    Written in the same transaction as its Message. `idempotency_key` is sent with the copy
    (the email's Message-ID, the SMS provider's client reference), so a copy re-sent after a
    crash is recognisable as the same message.
    """

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    guardian = models.ForeignKey(
        "people.Guardian", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    staff = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The child this copy is about, for the early-warning signal (None for staff copies).
    pupil = models.ForeignKey(
        "people.Pupil", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A text to a pupil (delivery/texts.py) sent to this guardian's phone: cancelled unsent if
    # the guardian comes under a contact restriction about the pupil before it goes.
    phone_of = models.ForeignKey(
        "people.Guardian", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    address = models.CharField(max_length=254, blank=True)  # email address or phone number
    language = models.CharField(max_length=16, default="en")
    subject = models.CharField(max_length=200, blank=True)
    # Exactly what the recipient received, in their language.
    body = models.TextField()
    translation_method = models.CharField(max_length=32, blank=True)
    status = models.CharField(
        max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    queued_at = models.DateTimeField(auto_now_add=True)
    # Not before this time (quiet hours, scheduled broadcasts, retry back-off).
    not_before = models.DateTimeField(db_index=True)
    # Set when a worker claims the row; a claim older than the lease is taken over.
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    # A letter's PDF was downloaded; it stays a letter (waiting) until someone says it was posted.
    letter_downloaded_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=64)
    # The secret in this copy's reply address (reply+TOKEN@…) and its read link.
    reply_token = models.CharField(max_length=32)
    provider_id = models.CharField(max_length=128, blank=True)
    # The copy this one replaces after it bounced or went unread (email → SMS → letter).
    fallback_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="fallbacks"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "idempotency_key"], name="delivery_school_idempotency"
            ),
            models.UniqueConstraint(
                fields=["school", "reply_token"], name="delivery_school_reply_token"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "not_before"]),
            models.Index(fields=["reply_token"]),
            models.Index(fields=["provider_id"]),
            models.Index(fields=["message", "guardian"]),
            models.Index(fields=["school", "guardian", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.channel} to {self.address or self.guardian_id}: {self.status}"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES


class Attachment(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    broadcast = models.ForeignKey(
        "Broadcast", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to="messaging/attachments/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.name


class AudienceKind(models.TextChoices):
    SCHOOL = "school", _("Every family in the school")
    YEAR = "year", _("A year group")
    GROUP = "group", _("A class or group")
    LIST = "list", _("Chosen pupils' families")


class BroadcastStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    QUEUED = "queued", _("Sending")
    CANCELLED = "cancelled", _("Cancelled")


class Broadcast(models.Model):
    """One announcement to many families, such as the head's weekly video."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    audience = models.CharField(max_length=8, choices=AudienceKind.choices)
    year_group = models.ForeignKey(
        "schools.YearGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    group = models.ForeignKey(
        "schools.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pupil_ids = models.JSONField(default=list, blank=True)  # a hand-made list
    urgent = models.BooleanField(default=False)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    video = models.FileField(upload_to="messaging/video/%Y/%m/", blank=True)
    video_poster = models.ImageField(upload_to="messaging/video/%Y/%m/", blank=True)
    video_link = models.URLField(blank=True)
    status = models.CharField(
        max_length=12, choices=BroadcastStatus.choices, default=BroadcastStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["school", "-created_at"])]

    def __str__(self) -> str:
        return self.subject


class ContactKind(models.TextChoices):
    CALL = "call", _("Phone call")
    MEETING = "meeting", _("Meeting")
    VISIT = "visit", _("Home visit")
    OTHER = "other", _("Other contact")


class ContactOutcome(models.TextChoices):
    SPOKE = "spoke", _("Spoke with the family")
    MESSAGE_LEFT = "message_left", _("Left a message")
    NO_ANSWER = "no_answer", _("No answer")
    NOBODY_HOME = "nobody_home", _("Nobody at home")
    WRONG_NUMBER = "wrong_number", _("Number or address no longer right")


class ContactLog(models.Model):
    """A call, meeting or visit, shown in the same timeline as messages."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(
        "people.Pupil", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    guardian = models.ForeignKey(
        "people.Guardian", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    staff = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=ContactKind.choices)
    outcome = models.CharField(max_length=16, choices=ContactOutcome.choices)
    tone = models.CharField(max_length=16, choices=Tone.choices, default=Tone.NEUTRAL)
    happened_at = models.DateTimeField()
    notes = models.TextField(blank=True)
    # The early-warning flag this contact answers, when it was logged from the watchlist.
    flag = models.ForeignKey(
        "engagement.Flag", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_at", "-id"]
        indexes = [
            models.Index(fields=["school", "pupil", "-happened_at"]),
            models.Index(fields=["school", "guardian", "-happened_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.happened_at:%Y-%m-%d}"


class MessagingSettings(models.Model):
    """A school's own choices for messaging; defaults suit most schools."""

    school = models.OneToOneField("schools.School", on_delete=models.CASCADE, related_name="+")
    quiet_from = models.TimeField(_("quiet hours start"), default=dt.time(19, 0))
    quiet_until = models.TimeField(_("quiet hours end"), default=dt.time(7, 30))
    # An email unread after this many hours is followed by a text message.
    unread_fallback_hours = models.PositiveSmallIntegerField(default=48)
    # A family with no positive contact for this many school days is listed.
    positive_gap_school_days = models.PositiveSmallIntegerField(default=20)
    # Who previews and approves the weekly summaries.
    nudge_approver = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"messaging settings for {self.school_id}"


class NudgeBatchStatus(models.TextChoices):
    DRAFT = "draft", _("Waiting for approval")
    APPROVED = "approved", _("Approved and sent")
    DISCARDED = "discarded", _("Discarded")


class NudgeBatch(models.Model):
    """One week's summaries for families, prepared automatically, sent only once approved."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    week_starting = models.DateField()
    prepared_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=12, choices=NudgeBatchStatus.choices, default=NudgeBatchStatus.DRAFT
    )
    approved_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # Children with no summary and why, counted when it was prepared: {"no_news": n, ...}.
    not_prepared = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "week_starting"], name="nudgebatch_week")
        ]

    def __str__(self) -> str:
        return f"summaries for week of {self.week_starting}"


class Nudge(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    batch = models.ForeignKey(NudgeBatch, on_delete=models.CASCADE, related_name="nudges")
    guardian = models.ForeignKey("people.Guardian", on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    # The facts behind the summary, so an edited text can still be checked against them.
    facts = models.JSONField(default=dict)
    edited = models.BooleanField(default=False)
    skipped = models.BooleanField(default=False)
    # Held back by the approver: not sent with the rest, decided one by one.
    held = models.BooleanField(default=False)
    # Why a person should read it before it goes (keys of summaries.services.LOOK_REASONS),
    # and whether there is any reason: the approver is shown these, the rest are sampled.
    look = models.JSONField(default=list, blank=True)
    needs_look = models.BooleanField(default=False)
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "batch", "guardian", "pupil"], name="nudge_unique"
            )
        ]
        indexes = [models.Index(fields=["batch", "needs_look"], name="nudge_batch_look")]

    def __str__(self) -> str:
        return f"nudge {self.pupil_id} → {self.guardian_id}"


class InboundKind(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")


class InboundOutcome(models.TextChoices):
    REPLY = "reply", _("Added to a conversation")
    BOUNCE = "bounce", _("Bounce report")
    STATUS = "status", _("Delivery report")
    UNMATCHED = "unmatched", _("Could not be matched")
    REFUSED = "refused", _("Refused")
    # Claimed by a handler another app registered (`messaging.api.register_inbound_sms_handler`).
    HANDLED = "handled", _("Answered a text from School Window")


class Inbound(models.Model):
    """Everything that came in from outside, kept as received.

    Before it is matched, an inbound message has no school, so its uniqueness is per channel
    and external id (the email's Message-ID, the provider's message id): a message piped or
    posted twice is stored once and acted on once.
    """

    kind = models.CharField(max_length=8, choices=InboundKind.choices)
    external_id = models.CharField(max_length=255)
    received_at = models.DateTimeField(auto_now_add=True)
    sender = models.CharField(max_length=254, blank=True)
    raw = models.TextField()
    outcome = models.CharField(max_length=12, choices=InboundOutcome.choices)
    detail = models.CharField(max_length=300, blank=True)
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "external_id"], name="inbound_external_id")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.external_id}: {self.outcome}"
