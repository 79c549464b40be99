"""Reading imports: only the runs of schools where the actor may import (office or leader)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from schoolwindow.connectors.models import ImportRun
from schoolwindow.core.capabilities import IMPORT_ROSTERS
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import Policy, policy_for
from schoolwindow.schools.models import School

RECENT_RUNS = 50


class ImportRunPolicy(Policy[ImportRun]):
    """Import runs of the schools where the actor may import (the office and leaders)."""

    model = ImportRun

    def scope(self, actor: Actor) -> Q:
        return Q(school_id__in=actor.schools_where(IMPORT_ROSTERS))


def actor_can_import(actor: Actor) -> bool:
    return actor.can_anywhere(IMPORT_ROSTERS)


def import_schools_for(*, actor: Actor) -> QuerySet[School]:
    return School.objects.filter(pk__in=actor.schools_where(IMPORT_ROSTERS)).order_by("name")


def import_runs_for(*, actor: Actor) -> QuerySet[ImportRun]:
    return policy_for(ImportRun).visible(actor).select_related("school", "created_by")[:RECENT_RUNS]


def import_run_get(*, actor: Actor, run_id: int) -> ImportRun:
    return policy_for(ImportRun).get(
        actor, pk=run_id, queryset=ImportRun.objects.select_related("school", "created_by")
    )
