"""The demo's printed log-ins: one account per role, read back from the database.

The TOTP keys are fixed (derived from the username), so the printed keys keep working after a
rebuild; they protect nothing but a demo. `schoolwindow manage demo_code USERNAME` prints the
current code for any of them.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from schoolwindow.accounts.services import totp_secret_for_display
from schoolwindow.core.models import User
from schoolwindow.people.models import Guardian, GuardianLink, Pupil, Staff, TrustOfficer
from schoolwindow.schools.models import School, Trust

DEMO_TRUST_SLUG = "riverside-learning-trust"
DEMO_TRUST_NAME = "Riverside Learning Trust"
DEMO_PASSWORD = "school-window-demo"
DEMO_DOMAIN = "riverside.demo"

# role → username, in the order they are printed
LOGIN_USERNAMES: dict[str, str] = {
    "leader": f"leader@{DEMO_DOMAIN}",
    "pastoral": f"pastoral@{DEMO_DOMAIN}",
    "teacher": f"teacher@{DEMO_DOMAIN}",
    "advocate": f"advocate@{DEMO_DOMAIN}",
    "flo": f"flo@{DEMO_DOMAIN}",
    "dsl": f"dsl@{DEMO_DOMAIN}",
    "office": f"office@{DEMO_DOMAIN}",
    "trust officer": f"trust@{DEMO_DOMAIN}",
    "parent": f"parent@{DEMO_DOMAIN}",
    "pupil": f"pupil@{DEMO_DOMAIN}",
}


# What the printed table calls each log-in: the role's name as staff say it, never its code.
ROLE_WORDS: dict[str, str] = {
    "leader": "School leader",
    "pastoral": "Pastoral lead",
    "teacher": "Teacher",
    "advocate": "Advocate",
    "flo": "Family liaison officer",
    "dsl": "Safeguarding lead",
    "office": "Office",
    "trust officer": "Trust officer",
    "parent": "Parent",
    "pupil": "Pupil",
}


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str
    name: str
    description: str  # job and school, or children and their schools
    totp_key: str  # base32, as typed into an authenticator app; "" when no second factor


@dataclass(frozen=True)
class DemoResult:
    trust_id: int
    trust_name: str
    created: bool
    seconds: float
    schools: tuple[tuple[str, str, int], ...]  # name, URN, pupils on roll
    logins: tuple[DemoLogin, ...]

    def login(self, role: str) -> DemoLogin:
        return next(login for login in self.logins if login.role == role)


def demo_totp_key(username: str) -> str:
    """The fixed 20-byte TOTP key (40 hex digits, as TOTPDevice stores it) of a demo account."""
    return hashlib.sha1(f"school-window-demo-totp:{username}".encode()).hexdigest()


def totp_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The device's current six-digit code (or the code at Unix time `at`)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def user_in_demo_trust(user: User) -> bool:
    slug = DEMO_TRUST_SLUG
    return (
        Staff.objects.filter(user=user, school__trust__slug=slug).exists()
        or TrustOfficer.objects.filter(user=user, trust__slug=slug).exists()
        or Guardian.objects.filter(user=user, trust__slug=slug).exists()
        or Pupil.objects.filter(user=user, school__trust__slug=slug).exists()
    )


def demo_result(trust: Trust, *, created: bool, seconds: float) -> DemoResult:
    schools = tuple(
        (school.name, school.urn, school.on_roll)
        for school in School.objects.filter(trust=trust)
        .annotate(on_roll=Count("pupils"))
        .order_by("urn")
    )
    return DemoResult(
        trust_id=trust.pk,
        trust_name=trust.name,
        created=created,
        seconds=seconds,
        schools=schools,
        logins=tuple(demo_logins(trust)),
    )


def demo_logins(trust: Trust) -> list[DemoLogin]:
    users = {
        user.username: user for user in User.objects.filter(username__in=LOGIN_USERNAMES.values())
    }
    devices = {
        device.user_id: device
        for device in TOTPDevice.objects.filter(user__in=users.values(), confirmed=True)
    }
    logins: list[DemoLogin] = []
    for role, username in LOGIN_USERNAMES.items():
        user = users.get(username)
        if user is None:
            continue
        name, description = describe(user, trust)
        device = devices.get(user.pk)
        logins.append(
            DemoLogin(
                role=role,
                username=username,
                password=DEMO_PASSWORD,
                name=name,
                description=description,
                totp_key=totp_secret_for_display(device) if device is not None else "",
            )
        )
    return logins


def describe(user: User, trust: Trust) -> tuple[str, str]:
    staff = list(
        Staff.objects.filter(user=user, school__trust=trust).select_related("school").order_by("pk")
    )
    if staff:
        schools = " and ".join(member.school.name for member in staff)
        return staff[0].display_name, f"{staff[0].job_title}, {schools}"
    guardian = Guardian.objects.filter(user=user, trust=trust).first()
    if guardian is not None:
        links = GuardianLink.objects.filter(guardian=guardian).select_related(
            "pupil__school", "pupil__year_group"
        )
        children = [
            f"{link.pupil.first_name} ({link.pupil.year_group}, {link.pupil.school.name})"
            for link in links.order_by("pupil__date_of_birth")
        ]
        return guardian.display_name, "Parent of " + " and ".join(children)
    pupil = (
        Pupil.objects.filter(user=user, school__trust=trust)
        .select_related("school", "year_group")
        .first()
    )
    if pupil is not None:
        return pupil.display_name, f"{pupil.year_group}, {pupil.school.name}"
    if TrustOfficer.objects.filter(user=user, trust=trust).exists():
        return user.get_full_name(), f"Director of education, {trust.name} (figures only)"
    return user.get_full_name(), ""


def demo_logins_text(result: DemoResult) -> str:
    lines = [
        "",
        f"{result.trust_name} is ready:",
        *(f"  {name} (URN {urn}): {pupils:,} pupils" for name, urn, pupils in result.schools),
        "",
        f"Sign in at {settings.SITE_URL}/ as any of these. Every password is: {DEMO_PASSWORD}",
        "",
    ]
    rows = [("Role", "Username", "TOTP key (staff)", "Who")]
    rows += [
        (
            ROLE_WORDS[login.role],
            login.username,
            login.totp_key or "-",
            f"{login.name}: {login.description}" if login.description else login.name,
        )
        for login in result.logins
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    for row in rows:
        lines.append(
            "  "
            + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
            + "  "
            + row[3]
        )
    example = LOGIN_USERNAMES["teacher"]
    lines += [
        "",
        "Staff and the trust officer also need a six-digit code: type their TOTP key into an",
        "authenticator app (Aegis, Google Authenticator, 1Password…), or print the current code:",
        f"  uv run schoolwindow manage demo_code {example}",
        "",
    ]
    return "\n".join(lines)
