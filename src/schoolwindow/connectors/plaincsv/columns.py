"""The columns of the pupils-and-guardians CSV (documented for schools in docs/data-formats.md)."""

from __future__ import annotations

import re

from schoolwindow.people.models import Channel, Relationship, SendStatus

PUPIL_REQUIRED = ("upn", "legal_first_name", "legal_last_name")
PUPIL_OPTIONAL = (
    "school_urn",
    "status",
    "preferred_first_name",
    "preferred_last_name",
    "date_of_birth",
    "gender",
    "year",
    "registration_group",
    "email",
    "disadvantaged",
    "pupil_premium",
    "send",
    "eal",
    "home_language",
    "young_carer",
    "looked_after",
)
GUARDIAN_FIELDS = (
    "title",
    "first_name",
    "last_name",
    "relationship",
    "email",
    "phone",
    "address",
    "postcode",
    "language",
    "channel",
    "parental_responsibility",
    "lives_with",
)
GUARDIAN_SLOTS = (1, 2, 3)
PUPIL_FLAGS = ("disadvantaged", "pupil_premium", "eal", "young_carer", "looked_after")

UPN_RE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
SEND_VALUES = {
    "": SendStatus.NONE,
    "N": SendStatus.NONE,
    "K": SendStatus.SUPPORT,
    "E": SendStatus.EHCP,
}
STATUSES = {"": "active", "active": "active", "on roll": "active", "left": "left"}
TRUE_WORDS = ("y", "yes", "true", "1")
FALSE_WORDS = ("", "n", "no", "false", "0")

# Relationship words as schools write them → our choices ("Mum" and "Dad" included).
RELATIONSHIP_WORDS: dict[str, str] = {
    **{choice.value: choice.value for choice in Relationship},
    **{str(choice.label).lower(): choice.value for choice in Relationship},
    "mum": Relationship.MOTHER,
    "dad": Relationship.FATHER,
    "stepmother": Relationship.STEP_PARENT,
    "stepfather": Relationship.STEP_PARENT,
    "step-parent": Relationship.STEP_PARENT,
    "grandmother": Relationship.GRANDPARENT,
    "grandfather": Relationship.GRANDPARENT,
    "foster carer": Relationship.FOSTER_CARER,
    "guardian": Relationship.CARER,
    "aunt": Relationship.RELATIVE,
    "uncle": Relationship.RELATIVE,
}
CHANNEL_WORDS: dict[str, str] = {
    **{choice.value: choice.value for choice in Channel},
    "text": Channel.SMS,
    "text message": Channel.SMS,
    "post": Channel.LETTER,
}


def guardian_column(slot: int, field: str) -> str:
    return f"guardian{slot}_{field}"
