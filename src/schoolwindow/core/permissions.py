"""Who is acting. Every selector and service takes an Actor.

An Actor is built once per request (by `people.actors.actor_for`, which knows where staff roles,
guardians and pupils are stored) from the user's linked records, so permission checks cost no
extra queries on the hot path. What an Actor may do at a school is asked by capability
(`core/capabilities.py`); which records it may see is asked of the policy for that kind of record
(`core/policy.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schoolwindow.core.capabilities import (
    SAFEGUARDING,
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


ANONYMOUS = Actor(user=None)


def system_actor(label: str) -> Actor:
    """The actor for work no person triggered; audit rows name `label` instead of a person."""
    return Actor(user=None, system_label=label)
