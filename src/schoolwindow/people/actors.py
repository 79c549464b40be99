"""Building the Actor for a signed-in user: people knows where roles and family links live."""

from __future__ import annotations

from schoolwindow.core.models import AccountKind, User
from schoolwindow.core.permissions import Actor
from schoolwindow.people.models import Guardian, Pupil, StaffRole, TrustOfficer


def actor_for(user: User | None, *, ip_address: str | None = None, user_agent: str = "") -> Actor:
    """Build the Actor for a user with one small query."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Actor(user=None, ip_address=ip_address, user_agent=user_agent)
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
