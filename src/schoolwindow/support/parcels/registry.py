"""Everything parcels register when the app is ready: the policies, the audit sentences and
the source of the support timeline's parcel entries."""

from __future__ import annotations


def register_parcels() -> None:
    from schoolwindow.core.policy import register
    from schoolwindow.support.parcels.audit_sentences import register_parcel_audit_sentences
    from schoolwindow.support.parcels.policies import (
        DeliveryRoundPolicy,
        PackingListPolicy,
        ParcelRequestPolicy,
    )
    from schoolwindow.support.parcels.selectors import timeline_entries
    from schoolwindow.support.timeline import register_timeline_source

    register(ParcelRequestPolicy())
    register(DeliveryRoundPolicy())
    register(PackingListPolicy())
    register_parcel_audit_sentences()
    register_timeline_source("parcels", timeline_entries)
