"""What calls and referrals add to the house: their policies, audit sentences, the timeline's
source for calls and referrals, the pupil page's "Support" panel and the flag page's "Help since
this flag opened", and the owner's "Calls and referrals due" on the home page. Called once
from SupportConfig.ready()."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.urls import reverse
from django.utils import timezone

from schoolwindow.core.panels import FLAG_PAGE, HOME, PUPIL_PAGE, Panel
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import register
from schoolwindow.engagement.models import FlagStatus
from schoolwindow.engagement.selectors import FlagInfo, can_triage
from schoolwindow.people.models import Pupil
from schoolwindow.support.actions import selectors
from schoolwindow.support.actions.audit_sentences import register_actions_audit_sentences
from schoolwindow.support.actions.home import home_actions_due
from schoolwindow.support.actions.models import (
    ActionKind,
    ReferralType,
    SupportAction,
    action_ref,
)
from schoolwindow.support.actions.policies import actions_policies
from schoolwindow.support.timeline import SupportEntry, register_timeline_source

PANEL_ROWS = 5
FIELDS = (
    "pk",
    "kind",
    "referral_type",
    "summary",
    "pupil_id",
    "on",
    "owner__title",
    "owner__first_name",
    "owner__last_name",
    "due",
    "status",
    "outcome",
    "flag_id",
)


def actions_source(
    *, school_id: int, pupil_ids: Collection[int] | None = None, since: dt.date | None = None
) -> list[SupportEntry]:
    """Calls and referrals as timeline entries: one query for any number of pupils, read as
    plain rows (a year of calls is hundreds of rows; model instances cost more than the page)."""
    found = SupportAction.objects.filter(school_id=school_id)
    if pupil_ids is not None:
        found = found.filter(pupil_id__in=list(pupil_ids))
    if since is not None:
        found = found.filter(on__gte=since)
    referral_types = dict(ReferralType.choices)
    # One reverse() for every row: the link differs only by the id.
    url = reverse("actions:action", kwargs={"action_id": 1}).removesuffix("1/") + "{}/"
    entries = []
    for row in found.order_by("-on", "-pk").values(*FIELDS):
        title = row["summary"]
        if row["kind"] == ActionKind.REFERRAL and row["referral_type"]:
            title = f"{referral_types[row['referral_type']]}: {title}"
        owner = (row["owner__title"], row["owner__first_name"], row["owner__last_name"])
        entries.append(
            SupportEntry(
                kind=row["kind"],
                ref=action_ref(row["kind"], row["pk"]),
                pupil_id=row["pupil_id"],
                on=row["on"],
                title=title,
                owner=" ".join(part for part in owner if part),
                due=row["due"],
                status=row["status"],
                outcome=row["outcome"],
                flag_id=row["flag_id"],
                url=url.format(row["pk"]),
            )
        )
    return entries


def pupil_support_panel(actor: Actor, pupil: Pupil) -> dict[str, Any] | None:
    if not selectors.may_see_support(actor, pupil.school_id):
        return None
    # One query per kind of help: the short list leaves out which flag each answered.
    rows = selectors.pupil_timeline(
        pupil=pupil, today=timezone.localdate(), limit=PANEL_ROWS, flags=False
    )
    return {"pupil": pupil, "rows": rows}


def flag_help_panel(actor: Actor, flag: FlagInfo) -> dict[str, Any] | None:
    """The flag page's "Help since this flag opened", with the way to resolve it with that help."""
    if not selectors.may_see_support(actor, flag.school_id):
        return None
    rows = selectors.help_since_flag(flag=flag, today=timezone.localdate())
    return {
        "flag": flag,
        "rows": rows,
        "may_resolve": flag.status != FlagStatus.RESOLVED and can_triage(actor, flag),
    }


def register_actions() -> None:
    for policy in actions_policies():
        register(policy)
    register_actions_audit_sentences()
    register_timeline_source("actions", actions_source)
    PUPIL_PAGE.register(
        Panel(
            name="support-timeline",
            template="support/actions/_pupil_panel.html",
            context=pupil_support_panel,
            order=30,
        )
    )
    FLAG_PAGE.register(
        Panel(
            name="support-help-since-flag",
            template="support/actions/_flag_panel.html",
            context=flag_help_panel,
            order=10,
        )
    )
    HOME.register(
        Panel(
            name="support-actions-due",
            template="support/actions/home/_due.html",
            context=home_actions_due,
            order=25,
        )
    )
