"""The one permission layer: who is acting, and which records they may see.

Every selector and service takes an Actor. An Actor is built once per request from the
user's linked records, so permission checks cost no extra queries on the hot path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from schoolwindow.core.models import AccountKind, User
from schoolwindow.people.models import Role

# Roles that see every pupil of their school (the basic record, never the DSL-only facts).
WHOLE_SCHOOL_ROLES = frozenset({Role.LEADER, Role.PASTORAL, Role.DSL, Role.OFFICE, Role.FLO})
STAFF_ROLES = frozenset(Role)


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

    def has_any_role(self, *roles: str) -> bool:
        return any(self.has_role(school_id, *roles) for school_id in self.school_roles)

    def schools_with_role(self, *roles: str) -> list[int]:
        return [sid for sid, held in self.school_roles.items() if held & set(roles)]

    def is_dsl_at(self, school_id: int) -> bool:
        return self.has_role(school_id, Role.DSL)

    def require_role(self, school_id: int, *roles: str) -> None:
        if not self.has_role(school_id, *roles):
            raise PermissionDenied

    def pupil_scope(self) -> Q:
        """A filter on Pupil that keeps exactly the pupils this actor may see."""
        scope = Q(pk__in=[])
        whole = self.schools_with_role(*WHOLE_SCHOOL_ROLES)
        if whole:
            scope |= Q(school_id__in=whole)
        teaching = [sid for sid in self.schools_with_role(Role.TEACHER) if sid not in whole]
        if teaching:
            staff = [self.staff_ids[sid] for sid in teaching]
            scope |= Q(
                school_id__in=teaching,
                enrolments__active=True,
                enrolments__group__teaching_assignments__staff_id__in=staff,
            )
        advocating = [sid for sid in self.schools_with_role(Role.ADVOCATE) if sid not in whole]
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


def actor_for(user: User | None, *, ip_address: str | None = None, user_agent: str = "") -> Actor:
    """Build the Actor for a user with a few small queries."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Actor(user=None, ip_address=ip_address, user_agent=user_agent)
    from schoolwindow.people.models import Guardian, Pupil, StaffRole, TrustOfficer

    # Each kind of account is linked to one kind of record, so one query builds the Actor.
    school_roles: dict[int, set[str]] = {}
    staff_ids: dict[int, int] = {}
    trusts: list[tuple[int, bool]] = []
    guardian_id = None
    pupil_id = None
    if user.kind == AccountKind.STAFF:
        for school_id, staff_id, role in StaffRole.objects.filter(
            staff__user=user, staff__active=True
        ).values_list("school_id", "staff_id", "role"):
            school_roles.setdefault(school_id, set()).add(role)
            staff_ids[school_id] = staff_id
    elif user.kind == AccountKind.TRUST:
        trusts = list(
            TrustOfficer.objects.filter(user=user).values_list("trust_id", "pupil_access")
        )
    elif user.kind == AccountKind.GUARDIAN:
        guardian_id = Guardian.objects.filter(user=user).values_list("pk", flat=True).first()
    elif user.kind == AccountKind.PUPIL:
        pupil_id = Pupil.objects.filter(user=user).values_list("pk", flat=True).first()
    return Actor(
        user=user,
        kind=user.kind,
        school_roles={sid: frozenset(roles) for sid, roles in school_roles.items()},
        staff_ids=staff_ids,
        guardian_id=guardian_id,
        pupil_id=pupil_id,
        trust_ids=frozenset(tid for tid, _ in trusts),
        trust_pupil_access=frozenset(tid for tid, granted in trusts if granted),
        ip_address=ip_address,
        user_agent=user_agent[:300],
    )
