"""Praise: sending a phrasebook praise phrase to a pupil's families."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _

from schoolwindow.core.errors import Invalid, NotFound
from schoolwindow.core.permissions import Actor
from schoolwindow.messaging.conversations.services import conversation_start
from schoolwindow.messaging.delivery.services import guardian_ids_for_pupil
from schoolwindow.messaging.models import (
    Conversation,
    ConversationKind,
    Tone,
)
from schoolwindow.messaging.translation.phrasebook import PHRASES, Phrase
from schoolwindow.people.models import Pupil

# --- Praise ---------------------------------------------------------------------------------


def praise_phrases() -> list[Phrase]:
    """The phrasebook's praise, in its order: the templates a teacher picks from."""
    return [phrase for phrase in PHRASES if phrase.category == "praise" and "en" in phrase.texts]


def praise_phrase(key: str) -> Phrase:
    for phrase in praise_phrases():
        if phrase.key == key:
            return phrase
    raise Invalid(_("Choose one of the praise messages."), field="phrase")


def praise_send(
    *, actor: Actor, pupil_id: int, phrase_key: str, once: uuid.UUID | None = None
) -> list[Conversation]:
    """Send a praise phrase about a child to each parent or carer who may be contacted.

    One conversation per guardian (separately), so a split family each get their own. The
    permission and restriction checks are conversation_start's.
    """
    phrase = praise_phrase(phrase_key)
    pupil = Pupil.objects.select_related("school").filter(pk=pupil_id).first()
    if pupil is None:
        raise NotFound
    guardian_ids = guardian_ids_for_pupil(pupil.school_id, pupil.pk)
    if not guardian_ids:
        raise Invalid(
            _("There is no parent or carer we can write to about %(child)s.")
            % {"child": pupil.first_name}
        )
    body = phrase.texts["en"].format(child=pupil.first_name, school=pupil.school.name)
    return conversation_start(
        actor=actor,
        school_id=pupil.school_id,
        pupil_id=pupil.pk,
        guardian_ids=guardian_ids,
        subject=_("Good news about %(child)s") % {"child": pupil.first_name},
        body=body,
        separately=True,
        tone=Tone.POSITIVE,
        phrase_key=phrase.key,
        kind=ConversationKind.POSITIVE,
        once=once,
        repeated=_("This praise for %(child)s was already sent.") % {"child": pupil.first_name},
    )
