"""How the audit log says what loans wrote, in plain words."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwindow.audit.describe import EventKind, Names, Ref, name_of, ref, register_kind
from schoolwindow.audit.models import AuditEvent


def pupil_refs(event: AuditEvent) -> list[Ref]:
    return ref("pupil", event.pupil_id) if event.pupil_id is not None else []


def pupil(event: AuditEvent, names: Names) -> str:
    return name_of(names, "pupil", event.pupil_id, _("a pupil"))


def about_pupil(action: str, label: str, words: str) -> EventKind:
    """A kind whose sentence is "<who> <words, naming the pupil>"."""

    def sentence(event: AuditEvent, names: Names, who: str) -> str:
        return _(words) % {"who": who, "pupil": pupil(event, names)}

    return EventKind(
        action=action, label=gettext_lazy(label), sentence=sentence, refers_to=pupil_refs
    )


def about_item(action: str, label: str, words: str) -> EventKind:
    def sentence(event: AuditEvent, names: Names, who: str) -> str:
        return _(words) % {"who": who, "item": event.object_label or _("an item")}

    return EventKind(action=action, label=gettext_lazy(label), sentence=sentence)


# The words are marked for translation here and translated when the sentence is made.
KINDS = [
    about_pupil("loans.lent", "Lent kit", "%(who)s lent kit to %(pupil)s"),
    about_pupil("loans.returned", "Took kit back", "%(who)s took back the kit lent to %(pupil)s"),
    about_pupil(
        "loans.agreement_accepted",
        "Accepted a loan agreement",
        "%(who)s accepted the loan agreement for %(pupil)s",
    ),
    about_pupil(
        "loans.agreement_paper",
        "Recorded a paper loan agreement",
        "%(who)s recorded the paper loan agreement for %(pupil)s",
    ),
    about_pupil(
        "loans.agreement_reminded",
        "Reminded a family about a loan agreement",
        "%(who)s reminded %(pupil)s's family about the loan agreement",
    ),
    about_pupil(
        "loans.overdue_reminded",
        "Reminded a family about overdue kit",
        "%(who)s reminded %(pupil)s's family that kit is overdue",
    ),
    about_pupil(
        "loans.charge", "Recorded a charge for damage", "%(who)s recorded a charge for %(pupil)s"
    ),
    about_pupil(
        "loans.charge_override",
        "Overrode the no-charge rule",
        "%(who)s charged %(pupil)s's family although the pupil is disadvantaged",
    ),
    about_item("loans.item_added", "Added kit to the inventory", "%(who)s added %(item)s"),
    about_item(
        "loans.item_status", "Changed kit's status", "%(who)s changed the status of %(item)s"
    ),
    about_item(
        "loans.item_edited", "Corrected kit's details", "%(who)s corrected the details of %(item)s"
    ),
    about_item("loans.photo_added", "Added a photo of kit", "%(who)s added a photo of %(item)s"),
    EventKind(
        action="loans.inventory_imported",
        label=gettext_lazy("Imported the loan inventory"),
        sentence=lambda e, n, who: (
            _("%(who)s imported the loan inventory from %(file)s")
            % {"who": who, "file": e.detail.get("file", "?")}
        ),
    ),
    EventKind(
        action="loans.agreement_edited",
        label=gettext_lazy("Edited a loan agreement"),
        sentence=lambda e, n, who: _("%(who)s edited a loan agreement") % {"who": who},
    ),
]

# For makemessages: the sentence templates above, as literals it can find.
_WORDS = [
    gettext_lazy("%(who)s lent kit to %(pupil)s"),
    gettext_lazy("%(who)s took back the kit lent to %(pupil)s"),
    gettext_lazy("%(who)s accepted the loan agreement for %(pupil)s"),
    gettext_lazy("%(who)s recorded the paper loan agreement for %(pupil)s"),
    gettext_lazy("%(who)s reminded %(pupil)s's family about the loan agreement"),
    gettext_lazy("%(who)s reminded %(pupil)s's family that kit is overdue"),
    gettext_lazy("%(who)s recorded a charge for %(pupil)s"),
    gettext_lazy("%(who)s charged %(pupil)s's family although the pupil is disadvantaged"),
    gettext_lazy("%(who)s added %(item)s"),
    gettext_lazy("%(who)s changed the status of %(item)s"),
    gettext_lazy("%(who)s corrected the details of %(item)s"),
    gettext_lazy("Corrected kit's details"),
    gettext_lazy("%(who)s added a photo of %(item)s"),
    gettext_lazy("Lent kit"),
    gettext_lazy("Took kit back"),
    gettext_lazy("Accepted a loan agreement"),
    gettext_lazy("Recorded a paper loan agreement"),
    gettext_lazy("Reminded a family about a loan agreement"),
    gettext_lazy("Reminded a family about overdue kit"),
    gettext_lazy("Recorded a charge for damage"),
    gettext_lazy("Overrode the no-charge rule"),
    gettext_lazy("Added kit to the inventory"),
    gettext_lazy("Changed kit's status"),
    gettext_lazy("Added a photo of kit"),
]


def register_loans_audit_sentences() -> None:
    for kind in KINDS:
        register_kind(kind)
