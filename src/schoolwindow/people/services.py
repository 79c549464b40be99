"""Writes to people records. Each takes the acting user and writes its own audit row."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import DETAILS_REVIEW, DETAILS_SEE_MEDICAL, INVITE_PARENTS
from schoolwindow.core.errors import Invalid, NotFound, Refused
from schoolwindow.core.models import AccountKind, User
from schoolwindow.core.permissions import Actor
from schoolwindow.people.actors import actor_for
from schoolwindow.people.contact import contactable, restricted
from schoolwindow.people.models import Channel, Guardian, GuardianInvitation, GuardianLink, Pupil

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


# --- Details the school holds about a family --------------------------------------------------
#
# Parents propose changes in the portal; the office accepts them there, and the change is
# written here (the portal never writes people's tables). Only the fields below may change this
# way; the roster import still owns names and links.

GUARDIAN_CONTACT_FIELDS = (
    "email",
    "phone",
    "address",
    "postcode",
    "preferred_language",
    "preferred_channel",
)
PUPIL_HEALTH_FIELDS = ("dietary_notes", "medical_notes")
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})?")
LIMITS = {"email": 254, "phone": 32, "postcode": 16, "preferred_language": 16}


def guardian_contact_clean(field: str, value: str) -> str:
    """The value as it will be stored, or Invalid naming the field (shared with the portal's
    form, so a proposal that would not be accepted is refused when it is made)."""
    if field not in GUARDIAN_CONTACT_FIELDS:
        raise Invalid(_("That detail cannot be changed here."), field=field)
    value = value.strip()
    if field == "address":
        value = "\n".join(line.strip() for line in value.splitlines() if line.strip())[:500]
    if field == "postcode":
        value = value.upper()
    if field in LIMITS and len(value) > LIMITS[field]:
        raise Invalid(_("This is too long."), field=field)
    if field == "email" and value:
        try:
            validate_email(value)
        except ValidationError:
            raise Invalid(_("Enter an email address like name@example.com."), field=field) from None
    if field == "phone" and value and not all(c.isdigit() or c in " +()-" for c in value):
        raise Invalid(_("Enter a phone number using numbers only."), field=field)
    if field == "preferred_channel" and value not in Channel.values:
        raise Invalid(_("Choose how the school should contact you."), field=field)
    if field == "preferred_language" and not LANGUAGE_CODE.fullmatch(value.lower()):
        raise Invalid(_("Choose a language from the list."), field=field)
    if field == "preferred_language":
        value = value.lower()
    return value


def guardian_contact_update(
    *, actor: Actor, guardian_id: int, school_id: int, changes: Mapping[str, str]
) -> Guardian:
    """Write contact details a school accepted for one of its families, audited (the fields that
    changed, never their values: the audit log is read more widely than the record)."""
    actor.require(DETAILS_REVIEW, school_id)
    cleaned = {field: guardian_contact_clean(field, value) for field, value in changes.items()}
    with transaction.atomic():
        linked = GuardianLink.objects.filter(school_id=school_id).values("guardian_id")
        guardian = (
            Guardian.objects.select_for_update().filter(pk=guardian_id, pk__in=linked).first()
        )
        if guardian is None:
            raise NotFound
        for field, value in cleaned.items():
            setattr(guardian, field, value)
        guardian.save(update_fields=[*cleaned, "updated_at"])
        audit_record(
            actor=actor,
            action="guardian.contact_changed",
            target=guardian,
            school_id=school_id,
            detail={"fields": sorted(cleaned)},
        )
    return guardian


def pupil_health_notes_update(*, actor: Actor, pupil_id: int, changes: Mapping[str, str]) -> Pupil:
    """Write a pupil's dietary or medical notes as the school accepted them, audited (which
    notes changed, never what they say)."""
    for field in changes:
        if field not in PUPIL_HEALTH_FIELDS:
            raise Invalid(_("That detail cannot be changed here."), field=field)
    with transaction.atomic():
        pupil = (
            Pupil.objects.select_for_update()
            .filter(pk=pupil_id, school_id__in=actor.schools_where(DETAILS_REVIEW))
            .first()
        )
        if pupil is None:
            raise NotFound
        if "medical_notes" in changes:
            actor.require(DETAILS_SEE_MEDICAL, pupil.school_id)
        for field, value in changes.items():
            setattr(pupil, field, value.strip()[:2000])
        pupil.save(update_fields=[*changes, "updated_at"])
        audit_record(
            actor=actor,
            action="pupil.health_notes_changed",
            target=pupil,
            detail={"fields": sorted(changes)},
        )
    return pupil
