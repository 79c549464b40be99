"""`schoolwindow manage studygroup_texts [--date YYYY-MM-DD]`: queue the day's study-group
check-in texts now (the scheduler does it each school morning). Safe to run again: a member
already texted that day is not texted twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from schoolwindow.support.studygroups.texts import checkin_texts_queue


class Command(BaseCommand):
    help = "Queue the day's study-group check-in texts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", metavar="YYYY-MM-DD", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as error:
            raise CommandError(f"--date: {error}") from error
        result = checkin_texts_queue(today=day)
        self.stdout.write(
            f"{result.queued} texts queued, {result.already} already queued, "
            f"{result.no_number} members with no number to text."
        )
