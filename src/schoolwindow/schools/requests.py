"""View helpers about schools: which school a page is about."""

from __future__ import annotations

from django.http import HttpRequest

from schoolwindow.core.errors import Refused
from schoolwindow.schools.models import School


def school_choice(request: HttpRequest, allowed: list[int]) -> tuple[School, list[School]]:
    """The school asked for (?school=), else the first the actor works at; 403 if none."""
    schools = list(School.objects.filter(pk__in=allowed).order_by("name"))
    if not schools:
        raise Refused
    wanted = request.GET.get("school", "") or request.POST.get("school", "")
    for school in schools:
        if str(school.pk) == wanted:
            return school, schools
    return schools[0], schools
