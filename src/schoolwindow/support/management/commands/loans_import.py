"""`schoolwindow manage loans_import PATH --school URN [--dry-run]`: the loan inventory from CSV.

The columns are in docs/data-formats.md ("Loan inventory"). A bad row names the file, line and
column and nothing is written; importing the same file again changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from schoolwindow.core.permissions import system_actor
from schoolwindow.schools.models import School
from schoolwindow.support.loans.csvio import InventoryError, inventory_import


class Command(BaseCommand):
    help = "Import a school's loan inventory (laptops, tablets, dongles, SIMs, kit) from CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--school", metavar="URN", required=True)
        parser.add_argument("--dry-run", action="store_true", help="check only, save nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(urn=options["school"]).first()
        if school is None:
            raise CommandError(f"no school with URN {options['school']}")
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            with path.open("rb") as stream:
                result = inventory_import(
                    actor=system_actor("command line import"),
                    school_id=school.pk,
                    stream=stream,
                    file_name=path.name,
                    dry_run=options["dry_run"],
                )
        except InventoryError as problem:
            raise CommandError(f"{problem} Nothing was imported.") from None
        verb = "would be" if options["dry_run"] else "were"
        self.stdout.write(
            f"{result.created} new, {result.updated} changed, {result.unchanged} unchanged "
            f"items {verb} saved."
        )
