"""`schoolwindow manage loans_export --school URN [--output PATH]`: the loan inventory as CSV,
in the columns `loans_import` reads back."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from schoolwindow.core.permissions import system_actor
from schoolwindow.schools.models import School
from schoolwindow.support.loans.csvio import inventory_export


class Command(BaseCommand):
    help = "Export a school's loan inventory as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", metavar="URN", required=True)
        parser.add_argument("--output", "-o", metavar="PATH", default="-")

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(urn=options["school"]).first()
        if school is None:
            raise CommandError(f"no school with URN {options['school']}")
        actor = system_actor("command line export")
        if options["output"] == "-":
            count = inventory_export(actor=actor, school_id=school.pk, out=sys.stdout)
        else:
            with open(options["output"], "w", encoding="utf-8", newline="") as out:
                count = inventory_export(actor=actor, school_id=school.pk, out=out)
        self.stderr.write(f"{count} items exported.")
