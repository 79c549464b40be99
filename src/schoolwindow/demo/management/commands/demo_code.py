"""Print the current two-factor code of a demo account: `schoolwindow manage demo_code USERNAME`."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from schoolwindow.core.models import User
from schoolwindow.demo.logins import DEMO_TRUST_NAME, totp_code, user_in_demo_trust


class Command(BaseCommand):
    help = "Print the current six-digit two-factor code of an account in the demo trust."
    # It reads two rows: no need to load every URL and template first.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", help="e.g. teacher@riverside.demo")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        user = User.objects.filter(username=username).first()
        # The same answer whether the account is missing or real but not a demo one.
        if user is None or not user_in_demo_trust(user):
            raise CommandError(
                f"{username} is not an account of the demo trust ({DEMO_TRUST_NAME}): "
                "demo_code only works for demo accounts."
            )
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            raise CommandError(
                f"{username} has no two-factor device (parents and pupils need none)."
            )
        now = time.time()
        self.stdout.write(totp_code(device, at=now))
        remaining = int(device.step - (now - device.t0) % device.step)
        self.stderr.write(f"(valid for about {remaining} more seconds)")
