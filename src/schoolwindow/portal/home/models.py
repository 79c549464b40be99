"""The head's message to families: a short note, and a link to a video on the school's own
video platform (the portal never embeds a third party's player, so a parent's phone fetches
nothing from elsewhere until they choose to watch)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HeadMessage(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=120)
    # What the head says, in words: for those who can't watch, and what a screen reader reads.
    body = models.TextField(_("message"))
    video_url = models.URLField(_("link to the video"), blank=True)
    posted_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    posted_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-posted_at", "-id"]
        indexes = [models.Index(fields=["school", "-posted_at"])]

    def __str__(self) -> str:
        return self.title
