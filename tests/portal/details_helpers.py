"""Rows for the details tests, in the portal's world (tests/portal/conftest.py)."""

from __future__ import annotations

from schoolwindow.portal.details.models import DetailsChange, DetailsSettings
from tests.pages.conftest import World


def change_for(
    world: World, *, field: str = "phone", new: str = "07700 900222", child: bool = False
) -> DetailsChange:
    pupil = world.ada if child else None
    old = str(getattr(world.ada if child else world.maria, field))
    return DetailsChange.objects.create(
        school=world.oakfield,
        guardian=world.maria,
        pupil=pupil,
        field=field,
        old_value=old,
        new_value=new,
    )


def name_alert_staff(world: World, *roles: str) -> DetailsSettings:
    chosen, _created = DetailsSettings.objects.get_or_create(school=world.oakfield)
    chosen.alert_staff.set([world.staff[role] for role in roles])
    return chosen


def form_values(world: World, **changes: str) -> dict[str, str]:
    """The details form as Maria would send it for Ada, with `changes` made."""
    values = {
        "email": world.maria.email,
        "phone": world.maria.phone,
        "address": world.maria.address,
        "postcode": world.maria.postcode,
        "preferred_language": world.maria.preferred_language,
        "preferred_channel": world.maria.preferred_channel,
        "dietary_notes": world.ada.dietary_notes,
        "medical_notes": world.ada.medical_notes,
    }
    values.update(changes)
    return values
