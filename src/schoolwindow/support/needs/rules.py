"""The rules: a pupil's current home-learning answers → the needs they show. Pure functions, no
queries: the selectors fetch a whole school's answers at once and call these for each pupil.

Which answer is current (a visit outranks a survey tick, else the newest) is homelife's rule,
`homelife.profile.current_answers`; these rules only read its result.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DEVICE = "device"
CONNECTION = "connection"
QUIET = "quiet"
HELP = "help"
LANGUAGE = "language"


@dataclass(frozen=True)
class Need:
    key: str
    label: str | Promise  # what is missing
    action: str | Promise  # the help that meets it
    rule: str | Promise  # the rule in words, for the settings page


NEEDS: tuple[Need, ...] = (
    Need(
        DEVICE,
        _("A device of their own"),
        _("Lend a laptop"),
        _("No device, only a phone, or a device shared with others → lend a laptop or tablet."),
    ),
    Need(
        CONNECTION,
        _("An internet connection"),
        _("Lend a dongle or data SIM"),
        _("No internet, or mobile data only with a limit → lend a dongle or data SIM."),
    ),
    Need(
        QUIET,
        _("A quiet place to study"),
        _("Offer a study room or group"),
        _("No quiet place to study at home → a study room or a study group."),
    ),
    Need(
        HELP,
        _("Someone to help"),
        _("Assign an advocate"),
        _("No adult who can help and no study buddy → a study buddy or an advocate."),
    ),
    Need(
        LANGUAGE,
        _("Messages in the home language"),
        _("Set the family's language"),
        _("A home language other than English → send the family's messages in it."),
    ),
)
BY_KEY: dict[str, Need] = {need.key: need for need in NEEDS}
KEYS: tuple[str, ...] = tuple(need.key for need in NEEDS)

# Devices a pupil can do school work on; a phone alone is not enough.
WORK_DEVICES = frozenset({"laptop", "desktop", "tablet"})
SHARED = frozenset({"adults", "children"})
# Words in a "languages at home" answer that name no other language.
_NOT_A_LANGUAGE = frozenset({"english", "and", "only", "just", "mostly", "some", "a", "bit", "of"})


def other_language(text: str) -> bool:
    """Whether a free-text "languages at home" answer names a language besides English."""
    words = [w for w in re.split(r"[^\w]+", text.lower()) if w]
    return any(w not in _NOT_A_LANGUAGE for w in words)


def needs_from(answers: Mapping[str, tuple[str, str]], enabled: frozenset[str]) -> list[str]:
    """The needs (keys, in NEEDS order) that a pupil's current answers show, among the enabled
    rules. `answers` maps question key → (value, detail); a question not answered shows
    nothing (we do not guess a need from silence)."""
    found: set[str] = set()

    def value(key: str) -> str:
        return answers.get(key, ("", ""))[0]

    devices = value("devices")
    if devices:
        codes = set(devices.split(","))
        if "none" in codes or not codes & WORK_DEVICES:
            found.add(DEVICE)
    if value("device_count") == "0" or value("device_sharing") in SHARED:
        found.add(DEVICE)
    internet = value("internet")
    if internet == "none" or (internet == "mobile" and answers["internet"][1].strip()):
        found.add(CONNECTION)
    if value("quiet_place") == "no":
        found.add(QUIET)
    if value("adult_help") == "no" and value("study_buddy") in ("", "no"):
        found.add(HELP)
    if other_language(value("languages")):
        found.add(LANGUAGE)
    return [key for key in KEYS if key in found and key in enabled]
