"""Reading imports: only the runs of schools where the actor may import (office or leader)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from schoolwindow.connectors.models import ImportRun
from schoolwindow.core.permissions import Actor
from schoolwindow.people.models import Role
from schoolwindow.schools.models import School

# Who may import at a school: the office, which keeps the records, and the school's leaders.
IMPORT_ROLES = (Role.OFFICE, Role.LEADER)
RECENT_RUNS = 50


def actor_can_import(actor: Actor) -> bool:
    return bool(actor.schools_with_role(*IMPORT_ROLES))


def import_schools_for(*, actor: Actor) -> QuerySet[School]:
    return School.objects.filter(pk__in=actor.schools_with_role(*IMPORT_ROLES)).order_by("name")


def import_runs_for(*, actor: Actor) -> QuerySet[ImportRun]:
    return ImportRun.objects.filter(
        school_id__in=actor.schools_with_role(*IMPORT_ROLES)
    ).select_related("school", "created_by")[:RECENT_RUNS]


def import_run_get(*, actor: Actor, run_id: int) -> ImportRun:
    runs = ImportRun.objects.filter(school_id__in=actor.schools_with_role(*IMPORT_ROLES))
    return get_object_or_404(runs.select_related("school", "created_by"), pk=run_id)
