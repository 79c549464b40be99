"""The portfolio: a pupil's work as posts (photos, a video, a document or just words) from
school and from home, with comments both ways, and the family's image consent for the child.

A post is about one pupil (its subject). A teacher's post is published at once; a pupil's
waits for a teacher to approve it; a family's too when the school says so. Files live in the
storage (core/uploads.py) under random names and are served only through the portfolio's
own view, after its policy said yes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuthorKind(models.TextChoices):
    STAFF = "staff", _("School")
    PUPIL = "pupil", _("Pupil")
    FAMILY = "family", _("Home")


class PostStatus(models.TextChoices):
    PUBLISHED = "published", _("Shared")
    WAITING = "waiting", _("Waiting for a teacher")
    RETURNED = "returned", _("Not shared")


class PostKind(models.TextChoices):
    TEXT = "text", _("Words only")
    PHOTO = "photo", _("Photos")
    VIDEO = "video", _("Video")
    DOCUMENT = "document", _("Document")


class PortfolioPost(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_kind = models.CharField(max_length=8, choices=AuthorKind.choices)
    # The name shown, as it was when posted (no join to staff, pupil or guardian per row).
    author_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=PostKind.choices, default=PostKind.TEXT)
    title = models.CharField(max_length=120)
    body = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=PostStatus.choices, default=PostStatus.PUBLISHED
    )
    # The first photo's small copy, kept on the post so lists need no second query.
    thumbnail = models.CharField(max_length=255, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "portal_portfolio_post"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["pupil", "status", "-created_at"]),
            models.Index(fields=["school", "status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"portfolio post {self.pk} about {self.pupil_id}"


class PortfolioFile(models.Model):
    post = models.ForeignKey(PortfolioPost, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=10, choices=PostKind.choices)
    name = models.CharField(max_length=255)  # in the storage
    thumbnail = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "portal_portfolio_file"
        ordering = ["post", "position", "id"]

    def __str__(self) -> str:
        return f"portfolio file {self.pk} of post {self.post_id}"


class PortfolioTag(models.Model):
    """Another child who appears in a post's photos (only with their family's consent)."""

    post = models.ForeignKey(PortfolioPost, on_delete=models.CASCADE, related_name="tags")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "portal_portfolio_tag"
        constraints = [
            models.UniqueConstraint(fields=["post", "pupil"], name="portfolio_tag_once"),
        ]

    def __str__(self) -> str:
        return f"tag {self.pupil_id} in {self.post_id}"


class PortfolioComment(models.Model):
    post = models.ForeignKey(PortfolioPost, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_kind = models.CharField(max_length=8, choices=AuthorKind.choices)
    author_name = models.CharField(max_length=200)
    body = models.TextField()
    hidden = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "portal_portfolio_comment"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["post", "created_at"])]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.post_id}"


class ImageConsent(models.Model):
    """What a child's family said about photos and videos of the child. No row: not asked yet,
    which counts as no for school posts (a family's own posts from home are theirs to share)."""

    pupil = models.OneToOneField("people.Pupil", on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    own_portfolio = models.BooleanField(default=False)
    others_posts = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_office = models.BooleanField(default=False)  # given on paper or the phone
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "portal_portfolio_consent"

    def __str__(self) -> str:
        return f"image consent of {self.pupil_id}"


class PortfolioSettings(models.Model):
    school = models.OneToOneField("schools.School", on_delete=models.CASCADE, related_name="+")
    home_posts_need_approval = models.BooleanField(default=False)

    class Meta:
        db_table = "portal_portfolio_settings"

    def __str__(self) -> str:
        return f"portfolio settings {self.school_id}"


__all__ = [
    "ImageConsent",
    "PortfolioComment",
    "PortfolioFile",
    "PortfolioPost",
    "PortfolioSettings",
    "PortfolioTag",
]
