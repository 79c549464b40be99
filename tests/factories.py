"""Factories for tests: real rows in a real database, built the way the services build them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeVar

import factory
from django.db.models import Model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from schoolwindow.core.models import AccountKind, User
from schoolwindow.people.models import (
    Guardian,
    GuardianLink,
    Pupil,
    Staff,
    StaffRole,
    TrustOfficer,
)
from schoolwindow.schools.models import Group, School, Trust, YearGroup

PASSWORD = "correct horse battery staple"

M = TypeVar("M", bound=Model)


class ModelFactory(factory.django.DjangoModelFactory[M]):
    """A factory whose call, `PupilFactory(...)`, is typed as the model it makes."""

    class Meta:
        abstract = True

    if TYPE_CHECKING:
        # FactoryMetaClass.__call__ makes the row but is untyped, so mypy would read the call as
        # making the factory; it takes a call's type from __new__, which never runs here.
        def __new__(cls, *args: Any, **kwargs: Any) -> M: ...  # type: ignore[misc]


class TrustFactory(ModelFactory[Trust]):
    class Meta:
        model = Trust

    name = factory.Sequence(lambda n: f"Riverside Learning Trust {n}")
    slug = factory.Sequence(lambda n: f"trust-{n}")


class SchoolFactory(ModelFactory[School]):
    class Meta:
        model = School

    trust = factory.SubFactory(TrustFactory)
    urn = factory.Sequence(lambda n: f"{140000 + n}")
    name = factory.Sequence(lambda n: f"Oakfield School {n}")
    phase = "secondary"


class YearGroupFactory(ModelFactory[YearGroup]):
    class Meta:
        model = YearGroup

    school = factory.SubFactory(SchoolFactory)
    code = "7"
    name = "Year 7"
    ordinal = 7


class GroupFactory(ModelFactory[Group]):
    class Meta:
        model = Group

    school = factory.SubFactory(SchoolFactory)
    kind = "registration"
    name = factory.Sequence(lambda n: f"7R{n}")


class UserFactory(ModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@example.org")
    email = factory.LazyAttribute(lambda u: u.username)
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    kind = AccountKind.STAFF

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save()


class PupilFactory(ModelFactory[Pupil]):
    class Meta:
        model = Pupil

    school = factory.SubFactory(SchoolFactory)
    upn = factory.Sequence(lambda n: f"A{800000000000 + n}")
    legal_first_name = factory.Sequence(lambda n: f"Pupil{n}")
    legal_last_name = "Nowak"
    date_of_birth = dt.date(2013, 5, 1)


class GuardianFactory(ModelFactory[Guardian]):
    class Meta:
        model = Guardian

    trust = factory.SubFactory(TrustFactory)
    first_name = factory.Sequence(lambda n: f"Parent{n}")
    last_name = "Nowak"
    email = factory.Sequence(lambda n: f"parent{n}@example.org")
    phone = "07700 900123"


def staff_member(school: School, *roles: str, totp: bool = True, **user_fields: Any) -> Staff:
    """A staff member with a log-in, the given roles and (by default) a confirmed TOTP device."""
    user = UserFactory(kind=AccountKind.STAFF, **user_fields)
    staff = Staff.objects.create(
        school=school, user=user, first_name=user.first_name, last_name=user.last_name
    )
    for role in roles:
        StaffRole.objects.create(school=school, staff=staff, role=role)
    if totp:
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return staff


def trust_officer_of(trust: Trust, *, pupil_access: bool = False, **user_fields: Any) -> User:
    """A trust officer's log-in with a confirmed TOTP device."""
    user = UserFactory(kind=AccountKind.TRUST, **user_fields)
    TrustOfficer.objects.create(trust=trust, user=user, pupil_access=pupil_access)
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def guardian_of(pupil: Pupil, *, with_login: bool = True, **fields: Any) -> Guardian:
    link_fields = {
        key: fields.pop(key)
        for key in ("relationship", "contact_restricted", "restriction_reason", "lives_with_pupil")
        if key in fields
    }
    guardian = GuardianFactory(trust=pupil.school.trust, **fields)
    if with_login:
        guardian.user = UserFactory(kind=AccountKind.GUARDIAN, email=guardian.email)
        guardian.save(update_fields=["user"])
    GuardianLink.objects.create(school=pupil.school, pupil=pupil, guardian=guardian, **link_fields)
    return guardian


def totp_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
