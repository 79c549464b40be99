"""Two tabs send the same family's survey at the same moment: one set of answers, and the other
is told it was already sent (the unique response per guardian and round decides)."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection, connections

from schoolwindow.core.once import AlreadyDone
from schoolwindow.core.permissions import Actor
from schoolwindow.homelife.links import invite_open, survey_token
from schoolwindow.homelife.models import ProfileAnswer, SurveyResponse
from schoolwindow.homelife.selectors import survey_children
from schoolwindow.homelife.services import Given, survey_submit
from tests.homelife.conftest import World, open_round
from tests.pages.conftest import build_pages_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers: run on PostgreSQL"
)
def test_two_tabs_sending_at_once_make_one_answer_set() -> None:
    world: World = build_pages_world()
    survey_round = open_round(world)
    token = survey_token(guardian_id=world.maria.pk, round_id=survey_round.pk)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def send() -> None:
        try:
            invite = invite_open(token)
            children = survey_children(invite)
            barrier.wait()
            survey_submit(
                actor=Actor(user=None, system_label="survey link"),
                invite=invite,
                children=children,
                answers=[Given(question="printer", value="yes")],
                once=uuid.uuid4(),
            )
            outcomes.append("sent")
        except AlreadyDone:
            outcomes.append("already")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already", "sent"]
    assert SurveyResponse.objects.count() == 1
    assert ProfileAnswer.objects.count() == 1
