"""`schoolwindow manage xapi_summary --school URN [--remap]`: what a school's platforms sent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from schoolwindow.engagement.xapi import xapi_statements_remap, xapi_statements_summary
from schoolwindow.schools.models import School


class Command(BaseCommand):
    help = "How many xAPI statements a school has, and why the unmapped ones are unmapped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", metavar="URN", required=True)
        parser.add_argument(
            "--remap",
            action="store_true",
            help="first map statements whose actors have since become pupils",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(urn=options["school"]).first()
        if school is None:
            raise CommandError(f"no school with URN {options['school']}")
        if options["remap"]:
            mapped = xapi_statements_remap(school_id=school.pk)
            self.stdout.write(f"{mapped:,} statements newly mapped to pupils.")
        self.stdout.write(xapi_statements_summary(school_id=school.pk).as_text())
