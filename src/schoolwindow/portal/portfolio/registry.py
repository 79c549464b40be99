"""Everything the portfolio registers when the app is ready: its policies, audit sentences and
the parent's home section "New in the portfolio".

No PARENT_WAITING source: a comment from school is news, not a task, and the home section
already shows the newest posts; nothing in the portfolio waits on the parent."""

from __future__ import annotations


def register_portfolio() -> None:
    from schoolwindow.core.panels import PARENT_HOME, Panel
    from schoolwindow.core.policy import register
    from schoolwindow.portal.portfolio.audit_sentences import register_portfolio_audit_sentences
    from schoolwindow.portal.portfolio.panels import home_section
    from schoolwindow.portal.portfolio.policies import (
        PortfolioCommentPolicy,
        PortfolioPostPolicy,
    )

    register(PortfolioPostPolicy())
    register(PortfolioCommentPolicy())
    register_portfolio_audit_sentences()
    PARENT_HOME.register(
        Panel(
            name="portfolio",
            template="portal/portfolio/_home.html",
            context=home_section,
            order=40,
            modes=frozenset({"guardian"}),
        )
    )
