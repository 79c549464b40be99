"""Everything the needs part registers when the app is ready: its policies, audit sentences
and its panel on the pupil page."""

from __future__ import annotations


def register_needs() -> None:
    from schoolwindow.core.panels import PUPIL_PAGE, Panel
    from schoolwindow.core.policy import register
    from schoolwindow.support.needs.audit_sentences import register_needs_audit_sentences
    from schoolwindow.support.needs.panels import pupil_needs_panel
    from schoolwindow.support.needs.policies import needs_policies

    register_needs_audit_sentences()
    for policy in needs_policies():
        register(policy)
    PUPIL_PAGE.register(
        Panel(
            name="needs",
            template="support/needs/_pupil_panel.html",
            context=pupil_needs_panel,
            order=35,
        )
    )
