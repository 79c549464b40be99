"""Writes to people records. Each takes the acting user and writes its own audit row."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import INVITE_PARENTS
from schoolwindow.core.errors import Invalid, Refused
from schoolwindow.core.models import AccountKind, User
from schoolwindow.core.permissions import Actor
from schoolwindow.people.actors import actor_for
from schoolwindow.people.contact import contactable, restricted
from schoolwindow.people.models import Guardian, GuardianInvitation

INVITATION_LIFETIME = dt.timedelta(days=14)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def guardian_invitation_create(*, actor: Actor, guardian: Guardian) -> str:
    """Email a guardian a link to set their password. Returns the link (shown to staff once)."""
    school_ids = set(guardian.links.values_list("school_id", flat=True))
    if not any(actor.can(INVITE_PARENTS, school_id) for school_id in school_ids):
        raise Refused
    if not guardian.email:
        raise Invalid(_("This parent or carer has no email address."), field="email")
    if (
        guardian.links.filter(restricted()).exists()
        and not guardian.links.filter(contactable()).exists()
    ):
        audit_record(actor=actor, action="guardian.invitation_refused_restricted", target=guardian)
        raise Refused(
            _("%(name)s must not be contacted, so no invitation was sent. Speak to the DSL.")
            % {"name": guardian.display_name}
        )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        GuardianInvitation.objects.create(
            trust_id=guardian.trust_id,
            guardian=guardian,
            email=guardian.email,
            token_hash=token_hash(token),
            created_by=actor.user,
            expires_at=timezone.now() + INVITATION_LIFETIME,
        )
        audit_record(actor=actor, action="guardian.invited", target=guardian)
    link = settings.SITE_URL + reverse("invitation_accept", kwargs={"token": token})
    with translation.override(guardian.preferred_language or "en-gb"):
        send_mail(
            subject=_("Your School Window account"),
            message=_(
                "Hello %(name)s,\n\nYour child's school uses School Window to keep in touch. "
                "Open this link to choose your password (it works for 14 days):\n\n%(link)s\n\n"
                "If you were not expecting this email, you can ignore it."
            )
            % {"name": guardian.display_name, "link": link},
            from_email=None,
            recipient_list=[guardian.email],
        )
    return link


def guardian_invitation_find(*, token: str) -> GuardianInvitation | None:
    return (
        GuardianInvitation.objects.select_related("guardian")
        .filter(
            token_hash=token_hash(token),
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


@transaction.atomic
def guardian_invitation_accept(*, invitation: GuardianInvitation, password: str) -> User:
    guardian = Guardian.objects.select_for_update().get(pk=invitation.guardian_id)
    user = guardian.user
    if user is None:
        user = User(
            username=invitation.email.lower(),
            email=invitation.email.lower(),
            first_name=guardian.first_name,
            last_name=guardian.last_name,
            kind=AccountKind.GUARDIAN,
            language=guardian.preferred_language if guardian.preferred_language != "en" else "",
        )
        if User.objects.filter(username=user.username).exists():
            user.username = f"{user.username}#{guardian.pk}"
    user.set_password(password)
    user.save()
    guardian.user = user
    guardian.save(update_fields=["user"])
    GuardianInvitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    audit_record(actor=actor_for(user), action="guardian.invitation_accepted", target=guardian)
    return user
