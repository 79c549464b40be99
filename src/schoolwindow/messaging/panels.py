"""Messaging's panels on other apps' pages: the home page's blocks, the trust's figures, and a
child's recent messages on their parent's page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from schoolwindow.core.panels import (
    HOME,
    PARENT_HOME,
    PUPIL_PAGE,
    SCHOOL_FIGURES,
    Panel,
    SchoolFigure,
)
from schoolwindow.messaging import home


def register_messaging_panels() -> None:
    for name, template, context, order in (
        ("messaging-waiting", "messaging/home/_waiting.html", home.home_families_waiting, 25),
        ("messaging-praise", "messaging/home/_praise.html", home.home_praise, 30),
        ("messaging-unreachable", "messaging/home/_unreachable.html", home.home_unreachable, 40),
        ("messaging-letters", "messaging/home/_letters.html", home.home_letters, 20),
    ):
        HOME.register(Panel(name=name, template=template, context=context, order=order))
    PUPIL_PAGE.register(
        Panel(
            name="messaging-child-messages",
            template="messaging/home/_child_messages.html",
            context=home.child_messages_panel,
            order=20,
            modes=frozenset({"guardian"}),
        )
    )
    PARENT_HOME.register(
        Panel(
            name="messaging-parent-messages",
            template="messaging/home/_parent_messages.html",
            context=home.parent_home_messages,
            order=20,
            modes=frozenset({"guardian"}),
        )
    )
    PARENT_HOME.register(
        Panel(
            name="messaging-head-video",
            template="messaging/home/_head_video.html",
            context=home.parent_home_video,
            order=30,
            modes=frozenset({"guardian"}),
        )
    )
    SCHOOL_FIGURES.register(
        SchoolFigure(
            name="unreachable",
            label=_("Families we can't reach"),
            values=home.unreachable_figure,
            order=40,
        )
    )
