"""The loan agreement a family accepts: the school's own text per kind, or a sensible default."""

from __future__ import annotations

from django.utils.translation import gettext as _

from schoolwindow.support.loans.models import AgreementTemplate, Kind


def default_agreement(kind: str) -> str:
    common = _(
        "We are lending this to your child so they can keep learning at home. It stays the "
        "school's, and we ask you to:\n"
        "- keep it safe, dry and at home, and use it for school work;\n"
        "- tell us straight away if it is lost, stolen or damaged, so we can help;\n"
        "- bring it back, with its charger and case, by the date we agree or when asked.\n"
        "Accidents happen: telling us early never counts against your child."
    )
    online = _(
        "Staying safe online: set it up in a shared room rather than a bedroom; keep passwords "
        "private; the school's filtering stays switched on; talk to your child about who they "
        "talk to online; and tell us, or call Childline on 0800 1111, if anything online "
        "worries you or your child."
    )
    if kind in (Kind.LAPTOP, Kind.TABLET, Kind.DONGLE, Kind.SIM):
        return f"{common}\n\n{online}"
    return common


def agreement_for(school_id: int, kind: str) -> tuple[str, int]:
    """The agreement's text and version for this school and kind (version 0: the default)."""
    template = AgreementTemplate.objects.filter(school_id=school_id, kind=kind).first()
    if template is None:
        return default_agreement(kind), 0
    return template.text, template.version
