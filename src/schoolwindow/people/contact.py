"""Who may be contacted: the one place that reads the contact restriction.

A guardian under a contact restriction for a pupil (a court order, say) must never be written
to about that pupil, must not see the pupil, and staff see only that they must not be
contacted — never why. Every other module asks here: for the links through which a family may
be reached, for the restricted ones (to refuse and audit), or for a `Q` to put in a larger
query. Nothing else filters on `GuardianLink.contact_restricted`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from schoolwindow.people.models import GuardianLink


def contactable(path: str = "") -> Q:
    """A filter keeping contactable links; `path` leads from the queried model to the link."""
    return Q(**{f"{path}contact_restricted": False})


def restricted(path: str = "") -> Q:
    """A filter keeping restricted links; `path` leads from the queried model to the link."""
    return Q(**{f"{path}contact_restricted": True})


def contactable_links(**filters: Any) -> QuerySet[GuardianLink]:
    """Links through which the school may contact a family, the restriction reason not loaded."""
    return GuardianLink.objects.filter(contactable(), **filters).defer("restriction_reason")


def restricted_links(**filters: Any) -> QuerySet[GuardianLink]:
    """Links the school must not use. Callers refuse, cancel or tell the DSL; never send."""
    return GuardianLink.objects.filter(restricted(), **filters)


def guardians_contactable(*, school_id: int, pupil_id: int) -> QuerySet[GuardianLink]:
    """The guardians of a pupil who may be contacted, as their links, first contact first."""
    return contactable_links(school_id=school_id, pupil_id=pupil_id).order_by(
        "contact_priority", "guardian_id"
    )


def links_contactable_first(**filters: Any) -> QuerySet[GuardianLink]:
    """All the links (restricted ones too, to show as "do not contact"), contactable first."""
    return (
        GuardianLink.objects.filter(**filters)
        .defer("restriction_reason")
        .order_by("contact_restricted", "contact_priority", "guardian_id")
    )


def may_contact(link: GuardianLink) -> bool:
    return not link.contact_restricted
