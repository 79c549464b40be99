"""Engagement's panels on other apps' pages: the pupil page, and the home page's blocks."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolwindow.core.panels import (
    HOME,
    PARENT_HOME,
    PUPIL_PAGE,
    SCHOOL_FIGURES,
    Panel,
    ParentHomeSubject,
    SchoolFigure,
)
from schoolwindow.core.permissions import Actor
from schoolwindow.engagement import home
from schoolwindow.engagement.selectors import pupil_timeline_get
from schoolwindow.people.models import Pupil


def pupil_timeline_panel(actor: Actor, pupil: Pupil) -> dict[str, Any] | None:
    return {"timeline": pupil_timeline_get(actor=actor, pupil=pupil)}


def pupil_week_panel(actor: Actor, pupil: Pupil) -> dict[str, Any] | None:
    """A parent's view of their child's week: attendance, homework due and missing."""
    return {"week": home.pupil_week(pupil, timezone.localdate(), with_missing=True)}


def parent_home_week(actor: Actor, subject: ParentHomeSubject) -> dict[str, Any] | None:
    """The parent's home: this child's week (the same reading as on the child's page)."""
    return {"week": home.pupil_week(subject.child, subject.today, with_missing=True)}


def register_engagement_panels() -> None:
    PARENT_HOME.register(
        Panel(
            name="engagement-week",
            template="engagement/home/_child_week.html",
            context=parent_home_week,
            order=10,
            modes=frozenset({"guardian"}),
        )
    )
    PUPIL_PAGE.register(
        Panel(
            name="engagement-timeline",
            template="engagement/_timeline.html",
            context=pupil_timeline_panel,
            order=10,
        )
    )
    PUPIL_PAGE.register(
        Panel(
            name="engagement-week",
            template="engagement/home/_child_week.html",
            context=pupil_week_panel,
            order=5,
            modes=frozenset({"guardian"}),
        )
    )
    for name, template, context, order in (
        ("engagement-new-flags", "engagement/home/_new_flags.html", home.home_new_flags, 10),
        ("engagement-my-flags", "engagement/home/_my_flags.html", home.home_my_flags, 20),
        (
            "engagement-contacts-due",
            "engagement/home/_contacts_due.html",
            home.home_contacts_due,
            30,
        ),
        ("engagement-glance", "engagement/home/_glance.html", home.home_school_glance, 10),
    ):
        HOME.register(Panel(name=name, template=template, context=context, order=order))
    HOME.register(
        Panel(
            name="engagement-pupil-week",
            template="engagement/home/_pupil_week.html",
            context=home.home_pupil_week,
            order=10,
            modes=frozenset({"pupil"}),
        )
    )
    SCHOOL_FIGURES.register(
        SchoolFigure(
            name="attendance",
            label=_("Attendance this week"),
            values=home.attendance_this_week_figure,
            order=20,
        )
    )
    SCHOOL_FIGURES.register(
        SchoolFigure(
            name="flags-open",
            label=_("On the watchlist"),
            values=home.flags_open_figure,
            order=30,
        )
    )
