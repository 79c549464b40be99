"""The roster's shared helpers: the context's generator and plan, and creating accounts."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from schoolwindow.core.models import AccountKind, User
from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.logins import LOGIN_USERNAMES, demo_totp_key
from schoolwindow.demo.names import ascii_slug

SET_SUBJECTS = (("English", "En"), ("Maths", "Ma"), ("Science", "Sc"))
SETS_PER_YEAR = 8


class RosterWriter:
    """What the roster's parts share: the context's generator and plan, and the accounts."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.say = ctx.say
        self.scale = ctx.scale
        self.rng = ctx.rng
        self.plan = ctx.plan
        self.password_hash = ctx.password_hash
        self.usernames = ctx.usernames
        self.emails = ctx.emails
        self.trust = ctx.trust
        self.primary, self.secondary = ctx.primary, ctx.secondary
        self.year_groups = ctx.year_groups
        self.school_for_ordinal = ctx.school_for_ordinal
        self.classes = ctx.classes
        self.sets = ctx.sets
        self.special = ctx.special
        self.special_guardians = ctx.special_guardians

    # ----------------------------------------------------------------- accounts

    def username(self, first: str, last: str, domain: str) -> str:
        base = f"{ascii_slug(first)}.{ascii_slug(last)}"
        username = f"{base}@{domain}"
        number = 2
        while username in self.usernames:
            username = f"{base}{number}@{domain}"
            number += 1
        return username

    def user(self, kind: str, username: str, *, first: str, last: str, email: str = "") -> User:
        if username in self.usernames:
            raise ValueError(f"username {username} used twice")
        self.usernames.add(username)
        user = User(
            username=username,
            email=email or username,
            first_name=first,
            last_name=last,
            kind=kind,
            password=self.password_hash,
        )
        self.plan.users.append(user)
        if kind in (AccountKind.STAFF, AccountKind.TRUST) and username in LOGIN_USERNAMES.values():
            self.plan.devices.append(
                TOTPDevice(
                    user=user,
                    name="Authenticator app (demo)",
                    confirmed=True,
                    key=demo_totp_key(username),
                )
            )
        return user
