"""How the audit log says what happened in the portfolio."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwindow.audit.describe import EventKind, register_kind
from schoolwindow.portal.absence.audit_sentences import pupil, pupil_refs

KINDS = [
    EventKind(
        action="portfolio.posted",
        label=gettext_lazy("Posted to a portfolio"),
        sentence=lambda e, n, who: (
            _("%(who)s posted to the portfolio of %(pupil)s") % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="portfolio.approved",
        label=gettext_lazy("Shared a pupil's portfolio post"),
        sentence=lambda e, n, who: (
            _("%(who)s shared a post by %(pupil)s") % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="portfolio.returned",
        label=gettext_lazy("Did not share a pupil's portfolio post"),
        sentence=lambda e, n, who: (
            _("%(who)s did not share a post by %(pupil)s") % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="portfolio.commented",
        label=gettext_lazy("Commented in a portfolio"),
        sentence=lambda e, n, who: (
            _("%(who)s commented on a post in the portfolio of %(pupil)s")
            % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="portfolio.comment_hidden",
        label=gettext_lazy("Hid a portfolio comment"),
        sentence=lambda e, n, who: (
            _("%(who)s hid a comment in the portfolio of %(pupil)s")
            % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="portfolio.consent_recorded",
        label=gettext_lazy("Recorded image consent"),
        sentence=lambda e, n, who: (
            _("%(who)s recorded whether photos of %(pupil)s may be shown")
            % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="portfolio.settings_changed",
        label=gettext_lazy("Changed the portfolio settings"),
        sentence=lambda e, n, who: (
            _("%(who)s changed whether home posts need approval") % {"who": who}
        ),
    ),
]


def register_portfolio_audit_sentences() -> None:
    for kind in KINDS:
        register_kind(kind)
