"""Forms that create something do it once: a double tap, a resubmitted form and a second tab
holding the same form make one record, and the repeat is told it was already done.

Each such form carries a one-time token (`{% load once %}{% once_field %}` writes a fresh UUID
into a hidden field each time the form is drawn). The service that creates the record claims
the token inside its own transaction, as its first write (`once_claim`), and says where the
result is before it commits (`once_done`). `UsedForm.token` is unique, so the database decides
which of two attempts wins, on SQLite and PostgreSQL alike: the loser's insert fails (on
PostgreSQL it waits for the winner's commit first) and it raises `AlreadyDone` with the winner's
link. An attempt that fails rolls its claim back with everything else, so the person can put it
right and send the same form again.

A form posted without a token (an old page, a script) is not protected, and not refused.

Where two separately opened tabs could each write the same thing (an announcement), the service
also claims a `content_token` made from what was written, so the second is told it was done.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from schoolwindow.core.models import UsedForm
from schoolwindow.core.permissions import Actor

FIELD = "once"


class AlreadyDone(Exception):
    """This form (or this thing) was dealt with already; `url` shows the result, if known."""

    def __init__(self, message: str = "", *, url: str = "") -> None:
        self.message = message or _("This was already done.")
        self.url = url
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


def new_token() -> str:
    return str(uuid.uuid4())


def form_token(data: Mapping[str, Any]) -> uuid.UUID | None:
    """The token a posted form carries; None when it has none (or not a valid one)."""
    raw = data.get(FIELD, "")
    if not isinstance(raw, str) or not raw:
        return None
    try:
        return uuid.UUID(raw[:36])
    except ValueError:
        return None


def form_token_for(data: Mapping[str, Any], *parts: object) -> uuid.UUID | None:
    """The token of one of several things a form can create (a row's button among many): the
    same button twice is one, each other button a token of its own."""
    token = form_token(data)
    if token is None:
        return None
    return uuid.uuid5(token, ":".join(str(part) for part in parts))


# The namespace of tokens made from what a form says rather than drawn with it.
CONTENT = uuid.UUID("5c7f0a52-1d1b-4c59-9a43-0d6f4f0d3a11")


def content_token(*parts: object) -> uuid.UUID:
    """A token from what was written: the same thing written in two tabs claims one token,
    where each tab's drawn token would let both through."""
    return uuid.uuid5(CONTENT, "\x1f".join(str(part) for part in parts))


def once_claim(token: uuid.UUID | None, *, actor: Actor, repeated: str = "") -> UsedForm | None:
    """Claim the form's token in the caller's transaction; AlreadyDone if it was used.

    `repeated` is what to tell the person the second time ("This message was already sent.").
    """
    if token is None:
        return None
    try:
        # A savepoint: on PostgreSQL a failed insert would otherwise spoil the whole transaction.
        with transaction.atomic():
            return UsedForm.objects.create(token=token, user=actor.user)
    except IntegrityError:
        used = UsedForm.objects.filter(token=token).first()
        # Only the person who sent it is shown where it went.
        mine = used is not None and actor.user is not None and used.user_id == actor.user.pk
        raise AlreadyDone(repeated, url=used.url if mine and used is not None else "") from None


def once_done(claim: UsedForm | None, url: str) -> None:
    """Where the result is, for whoever sends the same form again."""
    if claim is None:
        return
    claim.url = url[:300]
    claim.save(update_fields=["url"])


def already_done(request: HttpRequest, done: AlreadyDone, *, fallback: str) -> HttpResponse:
    """The answer to a repeat: say so, and show what the first attempt made."""
    messages.info(request, done.message)
    return redirect(done.url or fallback)
