"""Everything the advocates part registers when the app is ready: its policies, its home
blocks and its panel on the pupil page."""

from __future__ import annotations


def register_advocates() -> None:
    from schoolwindow.core.panels import HOME, PUPIL_PAGE, Panel
    from schoolwindow.core.policy import register
    from schoolwindow.support.advocates.audit_sentences import register_advocate_audit_sentences
    from schoolwindow.support.advocates.home import (
        home_my_overdue,
        home_school_overdue,
        pupil_advocacy_panel,
    )
    from schoolwindow.support.advocates.policies import advocacy_policies

    register_advocate_audit_sentences()
    for policy in advocacy_policies():
        register(policy)
    HOME.register(
        Panel(
            name="advocates-my-overdue",
            template="support/advocates/home/_overdue.html",
            context=home_my_overdue,
            order=25,
        )
    )
    HOME.register(
        Panel(
            name="advocates-school-overdue",
            template="support/advocates/home/_overdue.html",
            context=home_school_overdue,
            order=26,
        )
    )
    PUPIL_PAGE.register(
        Panel(
            name="advocacy",
            template="support/advocates/_pupil_panel.html",
            context=pupil_advocacy_panel,
            order=30,
        )
    )
