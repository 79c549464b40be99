"""How the audit log names people and pupils, and says the events `people` writes."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwindow.audit.describe import (
    EventKind,
    Names,
    Ref,
    name_of,
    ref,
    register_kind,
    register_namer,
    register_pupil_search,
)
from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.models import User
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.people.models import Guardian, Pupil, Staff
from schoolwindow.people.selectors import pupil_name_query


def ids(values: set[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit()]


def staff_name(title: str, first_name: str, last_name: str) -> str:
    """How a school speaks of its staff: "Mr Campbell" when a title is known."""
    return f"{title} {last_name}" if title else f"{first_name} {last_name}"


def users_named(values: set[str]) -> dict[str, str]:
    """A log-in by the name its person goes by: staff, then parents, then the account's name."""
    wanted = set(ids(values))
    names: dict[str, str] = {}
    for row in Staff.objects.filter(user_id__in=wanted).values(
        "user_id", "title", "first_name", "last_name"
    ):
        names.setdefault(
            str(row["user_id"]), staff_name(row["title"], row["first_name"], row["last_name"])
        )
    rest = wanted - {int(key) for key in names}
    for guardian in Guardian.objects.filter(user_id__in=rest):
        names.setdefault(str(guardian.user_id), guardian.display_name)
    rest -= {int(key) for key in names}
    for user in User.objects.filter(pk__in=rest):
        names[str(user.pk)] = user.get_full_name() or user.username
    return names


def staff_named(values: set[str]) -> dict[str, str]:
    rows = Staff.objects.filter(pk__in=ids(values)).values("pk", "title", "first_name", "last_name")
    return {
        str(row["pk"]): staff_name(row["title"], row["first_name"], row["last_name"])
        for row in rows
    }


def pupils_named(values: set[str]) -> dict[str, str]:
    return {str(pupil.pk): pupil.display_name for pupil in Pupil.objects.filter(pk__in=ids(values))}


def guardians_named(values: set[str]) -> dict[str, str]:
    return {str(g.pk): g.display_name for g in Guardian.objects.filter(pk__in=ids(values))}


def pupils_called(actor: Actor, text: str) -> QuerySet[Any]:
    return policy_for(Pupil).visible(actor).filter(pupil_name_query(text)).values("pk")


def target_ref(event: AuditEvent, model: type[Any], name: str) -> list[Ref]:
    return ref(name, event.object_id) if event.object_type == model._meta.label else []


def pupil_refs(event: AuditEvent) -> list[Ref]:
    return target_ref(event, Pupil, "pupil")


def pupil(event: AuditEvent, names: Names) -> str:
    return name_of(names, "pupil", event.object_id, event.object_label)


def guardian_refs(event: AuditEvent) -> list[Ref]:
    return target_ref(event, Guardian, "guardian")


def guardian(event: AuditEvent, names: Names) -> str:
    return name_of(names, "guardian", event.object_id, event.object_label)


KINDS = [
    EventKind(
        action="pupil.viewed",
        label=gettext_lazy("Opened a pupil's page"),
        sentence=lambda e, n, who: (
            _("%(who)s opened %(pupil)s's page") % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="safeguarding.viewed",
        label=gettext_lazy("Read safeguarding details"),
        sentence=lambda e, n, who: (
            _("%(who)s read %(pupil)s's safeguarding details") % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="guardian.restriction_reason_viewed",
        label=gettext_lazy("Saw why a parent may not be contacted"),
        sentence=lambda e, n, who: (
            _("%(who)s saw why a parent of %(pupil)s may not be contacted")
            % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="guardian.invited",
        label=gettext_lazy("Invited a parent"),
        sentence=lambda e, n, who: (
            _("%(who)s invited %(guardian)s to School Window")
            % {"who": who, "guardian": guardian(e, n)}
        ),
        refers_to=guardian_refs,
    ),
    EventKind(
        action="guardian.invitation_refused_restricted",
        label=gettext_lazy("Tried to invite a parent who may not be contacted"),
        sentence=lambda e, n, who: (
            _("%(who)s tried to invite %(guardian)s, who may not be contacted; nothing was sent")
            % {"who": who, "guardian": guardian(e, n)}
        ),
        refers_to=guardian_refs,
    ),
    EventKind(
        action="guardian.contact_changed",
        label=gettext_lazy("Changed a parent's contact details"),
        sentence=lambda e, n, who: (
            _("%(who)s changed the contact details of %(guardian)s")
            % {"who": who, "guardian": guardian(e, n)}
        ),
        refers_to=guardian_refs,
    ),
    EventKind(
        action="pupil.health_notes_changed",
        label=gettext_lazy("Changed a pupil's dietary or medical notes"),
        sentence=lambda e, n, who: (
            _("%(who)s changed the dietary or medical notes of %(pupil)s")
            % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="guardian.invitation_accepted",
        label=gettext_lazy("A parent set their password"),
        sentence=lambda e, n, who: (
            _("%(guardian)s accepted the invitation and set a password")
            % {"guardian": guardian(e, n)}
        ),
        refers_to=guardian_refs,
    ),
]


def register_people_audit_sentences() -> None:
    register_namer("user", users_named)
    register_namer("staff", staff_named)
    register_namer("pupil", pupils_named)
    register_namer("guardian", guardians_named)
    register_pupil_search(pupils_called)
    for kind in KINDS:
        register_kind(kind)
