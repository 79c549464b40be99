"""The demo trust: believable, complete, one working log-in per role, idempotent, quick."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterable

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Model
from django.test import RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice

from schoolwindow.core.models import AccountKind, User
from schoolwindow.demo.builder import DEMO_PASSWORD, DEMO_TRUST_SLUG, demo_build
from schoolwindow.demo.calendars import DemoCalendar
from schoolwindow.demo.identifiers import upn, upn_check_letter, upn_is_valid
from schoolwindow.demo.logins import LOGIN_USERNAMES, demo_logins_text, totp_code
from schoolwindow.engagement.models import (
    ActivityEvent,
    AttendanceMark,
    FamilyMessage,
    Flag,
    FlagEvent,
    Homework,
    HomeworkSubmission,
    PupilDay,
)
from schoolwindow.messaging.models import ContactLog, Delivery, Message, Nudge
from schoolwindow.people.models import (
    AdvocateAssignment,
    Channel,
    Enrolment,
    Guardian,
    GuardianLink,
    Household,
    Pupil,
    Role,
    SafeguardingStatus,
    Staff,
    StaffRole,
    TeachingAssignment,
    TrustOfficer,
)
from schoolwindow.schools.models import (
    AcademicYear,
    Closure,
    ClosureKind,
    Group,
    School,
    Term,
    Trust,
    YearGroup,
)

pytestmark = pytest.mark.django_db

ALL_MODELS: tuple[type[Model], ...] = (
    Trust,
    School,
    AcademicYear,
    Term,
    Closure,
    YearGroup,
    Group,
    Household,
    Pupil,
    SafeguardingStatus,
    Guardian,
    GuardianLink,
    Staff,
    StaffRole,
    Enrolment,
    TeachingAssignment,
    AdvocateAssignment,
    TrustOfficer,
    User,
    TOTPDevice,
    AttendanceMark,
    ActivityEvent,
    Homework,
    HomeworkSubmission,
    FamilyMessage,
    PupilDay,
    Flag,
    FlagEvent,
)


TODAY = dt.date(2026, 11, 23)  # the dates below are this day's (2026/27)


def row_counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in ALL_MODELS}


def year_ordinal_for(born: dt.date) -> int:
    """England: the year group in 2026/27 of a child born on this date (0 = Reception)."""
    school_year_of_birth = born.year if born.month >= 9 else born.year - 1
    return 2021 - school_year_of_birth


def test_the_demo_trust_is_believable_and_every_role_can_sign_in() -> None:
    # The roster at full size; the engagement history is tested in test_history.py.
    out = io.StringIO()
    result = demo_build(stdout=out, history=False, today=TODAY)

    assert result.created
    progress = out.getvalue()
    assert "schools and calendars" in progress
    assert "pupils" in progress
    assert "families" in progress

    trust = Trust.objects.get(slug=DEMO_TRUST_SLUG)
    primary = School.objects.get(trust=trust, phase="primary")
    secondary = School.objects.get(trust=trust, phase="secondary")
    assert (primary.urn, secondary.urn) == ("100001", "100002")
    assert 380 <= Pupil.objects.filter(school=primary).count() <= 420
    assert 1050 <= Pupil.objects.filter(school=secondary).count() <= 1150
    assert [(name, urn) for name, urn, _ in result.schools] == [
        (primary.name, "100001"),
        (secondary.name, "100002"),
    ]

    # Calendars: last year and this year, three terms each, closures on weekdays in term.
    for school in (primary, secondary):
        assert set(school.academic_years.values_list("name", flat=True)) == {
            "2025/26",
            "2026/27",
            "2027/28",
        }
        current = school.academic_years.get(name="2026/27")
        assert [(t.name, t.start, t.end) for t in current.terms.order_by("start")] == [
            ("Autumn", dt.date(2026, 9, 2), dt.date(2026, 12, 18)),
            ("Spring", dt.date(2027, 1, 5), dt.date(2027, 3, 26)),
            ("Summer", dt.date(2027, 4, 12), dt.date(2027, 7, 21)),
        ]
        terms = list(school.terms.all())
        for closure in school.closures.all():
            assert closure.date.weekday() < 5
            assert any(term.start <= closure.date <= term.end for term in terms)
        for year in DemoCalendar(TODAY).years:
            insets = school.closures.filter(
                kind=ClosureKind.INSET, date__range=(year.start, year.end)
            )
            assert insets.count() == 5
        assert school.closures.filter(kind=ClosureKind.HOLIDAY).exists()
        assert school.closures.filter(kind=ClosureKind.BANK_HOLIDAY).exists()

    # Year groups, classes and sets.
    assert list(primary.year_groups.values_list("code", flat=True)) == list("R123456")
    assert list(secondary.year_groups.values_list("code", flat=True)) == [
        "7",
        "8",
        "9",
        "10",
        "11",
    ]
    assert Group.objects.filter(school=primary, kind="registration").count() == 14
    assert Group.objects.filter(school=secondary, kind="registration").count() == 40
    assert set(
        Group.objects.filter(school=secondary, kind="teaching").values_list("subject", flat=True)
    ) == {"English", "Maths", "Science"}
    assert not Group.objects.filter(school__trust=trust, teaching_assignments__isnull=True).exists()
    # Each secondary pupil: a tutor group and one set per core subject; primary: one class.
    per_pupil = Counter(Enrolment.objects.values_list("pupil_id", flat=True))
    for pupil_id, school_id in Pupil.objects.values_list("pk", "school_id"):
        assert per_pupil[pupil_id] == (1 if school_id == primary.pk else 4)

    # Pupils: valid, unique UPNs; dates of birth that match their year groups.
    pupils = list(Pupil.objects.select_related("year_group"))
    upns = [pupil.upn for pupil in pupils]
    assert len(set(upns)) == len(upns)
    assert all(upn_is_valid(value) for value in upns)
    for pupil in pupils:
        assert pupil.date_of_birth is not None and pupil.year_group is not None
        assert year_ordinal_for(pupil.date_of_birth) == pupil.year_group.ordinal

    # Demographics close to an English town's.
    total = len(pupils)
    assert 0.2 <= sum(p.disadvantaged for p in pupils) / total <= 0.3
    assert 0.11 <= sum(p.send_status == "K" for p in pupils) / total <= 0.17
    assert 0.02 <= sum(p.send_status == "E" for p in pupils) / total <= 0.045
    assert sum(p.young_carer for p in pupils) >= 3
    assert sum(p.looked_after for p in pupils) >= 3
    assert SafeguardingStatus.objects.filter(child_in_need=True).count() >= 5
    assert SafeguardingStatus.objects.filter(child_protection=True).exists()
    home_languages = {p.home_language for p in pupils if p.eal}
    assert len(home_languages) >= 4
    assert "en" not in home_languages
    guardian_languages = set(Guardian.objects.values_list("preferred_language", flat=True))
    assert {"pl", "ur", "ro", "pa", "ar", "bn", "en"} <= guardian_languages
    assert Guardian.objects.filter(preferred_channel=Channel.LETTER).count() >= 10

    # Families: split families, single parents, grandparents, foster carers.
    split = (
        GuardianLink.objects.filter(parental_responsibility=True)
        .values("pupil")
        .annotate(
            homes=Count("guardian__household", distinct=True),
            lives=Count("lives_with_pupil", distinct=True),
        )
        .filter(homes__gte=2, lives=2)
    )
    assert split.count() >= 100
    relationships = set(GuardianLink.objects.values_list("relationship", flat=True))
    assert {"mother", "father", "step_parent", "grandparent", "foster_carer"} <= relationships
    looked_after = Pupil.objects.filter(looked_after=True)
    assert not looked_after.exclude(guardian_links__relationship="foster_carer").exists()
    # Siblings across both schools share a household and their guardians.
    cross_school = Household.objects.annotate(
        schools=Count("pupils__school", distinct=True)
    ).filter(schools=2)
    assert cross_school.count() >= 30

    # One guardian under a court order: restricted on every link, with a reason, details kept.
    restricted = GuardianLink.objects.filter(contact_restricted=True)
    assert restricted.exists()
    assert not restricted.filter(restriction_reason="").exists()
    restricted_guardians = Guardian.objects.filter(links__contact_restricted=True).distinct()
    assert restricted_guardians.count() == 1
    barred = restricted_guardians.get()
    assert barred.email and barred.phone and barred.address
    assert barred.user is None
    assert not GuardianLink.objects.filter(guardian=barred, contact_restricted=False).exists()

    # A family sharing one phone, no email, texts in Romanian.
    shared = (
        Guardian.objects.filter(phone__startswith="07700")
        .values("phone")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
    )
    assert shared.count() == 1
    sharing = Guardian.objects.filter(phone=shared.get()["phone"])
    assert {(g.email, g.preferred_channel, g.preferred_language) for g in sharing} == {
        ("", Channel.SMS, "ro")
    }
    assert sharing.values("household").distinct().count() == 1

    # Staff in every role at each school, a trust officer without pupil access.
    for school in (primary, secondary):
        held = set(StaffRole.objects.filter(school=school).values_list("role", flat=True))
        assert held == set(Role.values), school
    assert AdvocateAssignment.objects.filter(school=primary).exists()
    assert AdvocateAssignment.objects.filter(school=secondary).count() >= 50

    # One printed log-in per role, each of which works.
    assert [login.role for login in result.logins] == list(LOGIN_USERNAMES)
    request = RequestFactory().post("/login/")
    for login in result.logins:
        assert login.password == DEMO_PASSWORD
        user = authenticate(request, username=login.username, password=login.password)
        assert user is not None, login.role
        assert isinstance(user, User)
        if user.needs_two_factor:
            device = TOTPDevice.objects.get(user=user, confirmed=True)
            assert login.totp_key.replace(" ", "") and len(device.key) == 40
            assert device.verify_token(totp_code(device)), login.role
        else:
            assert login.totp_key == ""
    users = {login.role: User.objects.get(username=login.username) for login in result.logins}
    assert users["trust officer"].kind == AccountKind.TRUST
    assert TrustOfficer.objects.get(user=users["trust officer"]).pupil_access is False
    assert users["parent"].kind == AccountKind.GUARDIAN
    assert users["pupil"].kind == AccountKind.PUPIL
    for role in ("leader", "pastoral", "teacher", "advocate", "flo", "dsl", "office"):
        assert users[role].kind == AccountKind.STAFF
        assert StaffRole.objects.filter(staff__user=users[role], role=role).exists(), role

    # The parent has children in both schools; the other parent is the restricted one.
    parent = Guardian.objects.get(user=users["parent"])
    children = Pupil.objects.filter(guardian_links__guardian=parent)
    assert set(children.values_list("school__phase", flat=True)) == {"primary", "secondary"}
    assert set(
        GuardianLink.objects.filter(pupil__in=children, contact_restricted=True).values_list(
            "guardian_id", flat=True
        )
    ) == {barred.pk}

    # The pupil is in the secondary; the teacher teaches them and tutors their group.
    pupil = Pupil.objects.get(user=users["pupil"])
    assert pupil.school == secondary
    teacher_staff = Staff.objects.get(user=users["teacher"])
    taught = TeachingAssignment.objects.filter(staff=teacher_staff, group__enrolments__pupil=pupil)
    assert set(taught.values_list("group__kind", flat=True)) == {"registration", "teaching"}
    # The advocate's caseload includes the parent's secondary child.
    advocate_staff = Staff.objects.get(user=users["advocate"])
    caseload = Pupil.objects.filter(advocacies__staff=advocate_staff)
    assert 5 <= caseload.count() <= 30
    assert caseload.filter(guardian_links__guardian=parent).exists()
    # The family liaison officer works in both schools with one account.
    assert Staff.objects.filter(user=users["flo"]).count() == 2

    text = demo_logins_text(result)
    assert DEMO_PASSWORD in text
    assert "demo_code" in text
    for login in result.logins:
        assert login.username in text
        if login.totp_key:
            assert login.totp_key in text


def test_a_second_build_creates_nothing_and_prints_the_same_log_ins() -> None:
    first = demo_build(scale=0.1)
    before = row_counts()
    assert before["AttendanceMark"] and before["ActivityEvent"] and before["FamilyMessage"]
    out = io.StringIO()
    second = demo_build(stdout=out)
    assert not second.created
    assert row_counts() == before
    assert second.logins == first.logins
    assert "nothing to build" in out.getvalue()


def test_scaled_build_keeps_every_special_case() -> None:
    result = demo_build(scale=0.1, history=False)
    assert 120 <= Pupil.objects.count() <= 200
    parent = Guardian.objects.get(user__username=result.login("parent").username)
    schools = set(
        Pupil.objects.filter(guardian_links__guardian=parent).values_list(
            "school__phase", flat=True
        )
    )
    assert schools == {"primary", "secondary"}
    assert (
        GuardianLink.objects.filter(contact_restricted=True).exclude(restriction_reason="").exists()
    )
    assert len(set(Pupil.objects.filter(eal=True).values_list("home_language", flat=True))) >= 4


def test_demo_code_prints_the_current_code() -> None:
    result = demo_build(scale=0.1, history=False)
    out, err = io.StringIO(), io.StringIO()
    call_command("demo_code", result.login("dsl").username, stdout=out, stderr=err)
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    device = TOTPDevice.objects.get(user__username=result.login("dsl").username)
    assert device.verify_token(code)


def test_demo_code_refuses_accounts_outside_the_demo_trust() -> None:
    demo_build(scale=0.1, history=False)
    other_trust = Trust.objects.create(name="Another Trust", slug="another-trust")
    school = School.objects.create(trust=other_trust, urn="999999", name="Another School")
    outsider = User.objects.create_user(username="teacher@another.example", kind="staff")
    Staff.objects.create(school=school, user=outsider, first_name="Ann", last_name="Other")
    TOTPDevice.objects.create(user=outsider, name="app", confirmed=True)
    with pytest.raises(CommandError, match="not an account of the demo trust"):
        call_command("demo_code", outsider.username, stdout=io.StringIO())
    with pytest.raises(CommandError, match="not an account of the demo trust"):
        call_command("demo_code", "nobody@example.org", stdout=io.StringIO())
    with pytest.raises(CommandError, match="no two-factor device"):
        call_command("demo_code", LOGIN_USERNAMES["parent"], stdout=io.StringIO())


def test_upn_check_letter() -> None:
    value = upn(la_code=938, establishment=2001, year=2026, serial=7)
    assert value[1:] == "938200126007"
    assert upn_is_valid(value)
    # Any single changed digit changes the check letter (weights 2 to 13 are coprime with 23).
    for position in range(1, 13):
        digit = value[position]
        other = "0" if digit != "0" else "1"
        changed = value[:position] + other + value[position + 1 :]
        assert not upn_is_valid(changed)
    with pytest.raises(ValueError):
        upn_check_letter("123")


class _RollBack(Exception):
    pass


def _digest(rows: Iterable[tuple[object, ...]]) -> str:
    """A hash of rows in a stable order, with links (which carry row ids) left out."""
    text = sorted(re.sub(r"https?://\S+", "<link>", repr(row)) for row in rows)
    return hashlib.sha256(repr(text).encode()).hexdigest()


def _fingerprint() -> list[tuple[object, ...]]:
    pupils = Pupil.objects.order_by("upn").values_list(
        "upn", "legal_first_name", "legal_last_name", "date_of_birth", "send_status", "eal"
    )
    guardians = Guardian.objects.order_by("email", "first_name", "last_name", "phone").values_list(
        "first_name", "last_name", "email", "phone", "preferred_language", "preferred_channel"
    )
    history = [
        hashlib.sha256(repr(list(rows)).encode()).hexdigest()
        for rows in (
            AttendanceMark.objects.order_by("pupil__upn", "date", "session").values_list(
                "pupil__upn", "date", "session", "code"
            ),
            ActivityEvent.objects.order_by("pupil__upn", "occurred_at", "kind").values_list(
                "pupil__upn", "occurred_at", "kind"
            ),
            HomeworkSubmission.objects.order_by("homework__source_id", "pupil__upn").values_list(
                "homework__source_id", "pupil__upn", "status", "submitted_at", "score"
            ),
        )
    ]
    # Rows keyed by id (the messaging app's "delivery:ID" facts, its copies) are compared by
    # what they say: ids differ between builds on PostgreSQL, whose sequences do not roll back.
    messaging = [
        _digest(
            FamilyMessage.objects.values_list(
                "pupil__upn", "sent_at", "delivered_at", "read_at", "replied_at", "needs_reply"
            )
        ),
        _digest(
            Message.objects.values_list(
                "conversation__subject", "conversation__pupil__upn", "created_at", "body",
                "language", "translation", "tone",
            )
        ),
        _digest(
            Delivery.objects.values_list(
                "guardian__email", "channel", "status", "language", "body", "queued_at",
                "sent_at", "delivered_at", "read_at", "replied_at", "bounced_at", "failed_at",
            )
        ),
        _digest(
            ContactLog.objects.values_list(
                "pupil__upn", "kind", "outcome", "tone", "happened_at", "notes"
            )
        ),
        _digest(Nudge.objects.values_list("pupil__upn", "guardian__email", "body")),
    ]  # fmt: skip
    return [*pupils, *guardians, tuple(history), tuple(messaging)]


def test_the_build_is_deterministic() -> None:
    try:
        with transaction.atomic():
            demo_build(scale=0.1)
            first = _fingerprint()
            raise _RollBack
    except _RollBack:
        pass
    assert not Trust.objects.filter(slug=DEMO_TRUST_SLUG).exists()
    demo_build(scale=0.1)
    assert _fingerprint() == first
