"""Who is acting. Every selector and service takes an Actor.

An Actor is built once per request (by `people.actors.actor_for`, which knows where staff roles,
guardians and pupils are stored) from the user's linked records, so permission checks cost no
extra queries on the hot path. What an Actor may do at a school is asked by capability
(`core/capabilities.py`); which records it may see is asked of the policy for that kind of record
(`core/policy.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from schoolwindow.core.capabilities import (
    SAFEGUARDING,
    SEE_CASELOAD,
    SEE_OWN_CLASSES,
    SEE_WHOLE_SCHOOL,
    Capability,
)
from schoolwindow.core.errors import Refused
from schoolwindow.core.models import User


@dataclass(frozen=True)
class Actor:
    user: User | None
    kind: str = ""
    # school id → roles held there
    school_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    # school id → Staff id
    staff_ids: dict[int, int] = field(default_factory=dict)
    guardian_id: int | None = None
    pupil_id: int | None = None
    trust_ids: frozenset[int] = frozenset()
    trust_pupil_access: frozenset[int] = frozenset()
    # Where the request came from, for the audit log.
    ip_address: str | None = None
    user_agent: str = ""
    # Work with no person behind it (a job, the outbox, an import run by the clock) says so in
    # the audit log under this name.
    system_label: str = ""

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def is_staff_member(self) -> bool:
        return bool(self.school_roles)

    @property
    def is_guardian(self) -> bool:
        return self.guardian_id is not None

    @property
    def is_pupil(self) -> bool:
        return self.pupil_id is not None

    @property
    def is_trust_officer(self) -> bool:
        return bool(self.trust_ids)

    @property
    def school_ids(self) -> frozenset[int]:
        return frozenset(self.school_roles)

    def roles_at(self, school_id: int) -> frozenset[str]:
        return self.school_roles.get(school_id, frozenset())

    def has_role(self, school_id: int, *roles: str) -> bool:
        return bool(self.roles_at(school_id) & set(roles))

    def can(self, capability: Capability, school_id: int) -> bool:
        """May this actor do `capability` at this school?"""
        return bool(self.roles_at(school_id) & capability.roles)

    def can_anywhere(self, capability: Capability) -> bool:
        return any(held & capability.roles for held in self.school_roles.values())

    def schools_where(self, capability: Capability) -> list[int]:
        """The schools where this actor may do `capability`."""
        return [sid for sid, held in self.school_roles.items() if held & capability.roles]

    def require(self, capability: Capability, school_id: int) -> None:
        if not self.can(capability, school_id):
            raise Refused

    def is_dsl_at(self, school_id: int) -> bool:
        return self.can(SAFEGUARDING, school_id)

    # TODO(messaging-split): the two below go once messaging asks by capability and policy.
    def has_any_role(self, *roles: str) -> bool:
        return any(self.has_role(school_id, *roles) for school_id in self.school_roles)

    def schools_with_role(self, *roles: str) -> list[int]:
        return [sid for sid, held in self.school_roles.items() if held & set(roles)]

    def pupil_scope(self) -> Q:
        """A filter on Pupil that keeps exactly the pupils this actor may see."""
        scope = Q(pk__in=[])
        whole = self.schools_where(SEE_WHOLE_SCHOOL)
        if whole:
            scope |= Q(school_id__in=whole)
        teaching = [sid for sid in self.schools_where(SEE_OWN_CLASSES) if sid not in whole]
        if teaching:
            staff = [self.staff_ids[sid] for sid in teaching]
            scope |= Q(
                school_id__in=teaching,
                enrolments__active=True,
                enrolments__group__teaching_assignments__staff_id__in=staff,
            )
        advocating = [sid for sid in self.schools_where(SEE_CASELOAD) if sid not in whole]
        if advocating:
            staff = [self.staff_ids[sid] for sid in advocating]
            scope |= Q(
                school_id__in=advocating,
                advocacies__staff_id__in=staff,
                advocacies__ended__isnull=True,
            )
        if self.trust_pupil_access:
            scope |= Q(school__trust_id__in=self.trust_pupil_access)
        if self.guardian_id is not None:
            # A guardian under a contact restriction for a child does not see that child.
            scope |= Q(
                guardian_links__guardian_id=self.guardian_id,
                guardian_links__contact_restricted=False,
            )
        if self.pupil_id is not None:
            scope |= Q(pk=self.pupil_id)
        return scope


ANONYMOUS = Actor(user=None)


def system_actor(label: str) -> Actor:
    """The actor for work no person triggered; audit rows name `label` instead of a person."""
    return Actor(user=None, system_label=label)
