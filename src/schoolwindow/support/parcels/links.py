"""The volunteer driver's link: signed, expiring, and no account.

A driver is not a member of staff and has no log-in. The round's page gives a link the school
sends them (by text, say); it carries the round and the round's nonce, signed with the site's
secret (salted for this use). It opens the driver's stops — the name for the door, address and
phone, nothing about why — and one tap per stop says "delivered" or "nobody in". It stops
working at the end of the day after the round, or at once when staff make a new link (a new
nonce), so a forwarded or lost link does not stay open.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from schoolwindow.support.parcels.models import DeliveryRound

SALT = "schoolwindow.support.parcels.driver"
# A link is good until the end of the day after its round (a late round, a next-day tap).
DAYS_AFTER = 1
# And never longer than this after it was made, whatever the round's day.
MAX_AGE = dt.timedelta(days=21)


class LinkBroken(Exception):
    """Altered, replaced by a newer link, or for a round that is gone."""


class LinkExpired(Exception):
    """The round's day has passed."""


def new_nonce() -> str:
    return secrets.token_hex(8)


def driver_token(delivery_round: DeliveryRound) -> str:
    return signing.dumps(
        {"r": delivery_round.pk, "n": delivery_round.link_nonce}, salt=SALT, compress=False
    )


def driver_path(delivery_round: DeliveryRound) -> str:
    return reverse("parcels:driver", args=[driver_token(delivery_round)])


def driver_url(delivery_round: DeliveryRound) -> str:
    return settings.SITE_URL + driver_path(delivery_round)


def round_of_token(token: str, *, today: dt.date | None = None) -> DeliveryRound:
    """The round a driver's link stands for; LinkBroken or LinkExpired otherwise."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
        round_id, nonce = int(payload["r"]), str(payload["n"])
    except signing.SignatureExpired:
        raise LinkExpired from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise LinkBroken from None
    found = DeliveryRound.objects.filter(pk=round_id).select_related("staff_contact").first()
    if found is None or not secrets.compare_digest(found.link_nonce, nonce):
        raise LinkBroken
    if (today or timezone.localdate()) > found.day + dt.timedelta(days=DAYS_AFTER):
        raise LinkExpired
    return found
