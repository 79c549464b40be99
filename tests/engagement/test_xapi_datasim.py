"""The xAPI endpoint against a real statement set: Yet Analytics' DATASIM output (2,814 statements,
Apache-2.0), kept in ../shared/data beside the project, not in it."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from schoolwindow.engagement.models import ActivityEvent, XapiStatement
from schoolwindow.engagement.xapi import xapi_statements_remap, xapi_statements_summary
from tests.engagement.test_xapi_statements import Platform
from tests.factories import PupilFactory, SchoolFactory

DATASIM = Path(__file__).resolve().parents[3] / "shared" / "data" / "xapi-datasim"
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not DATASIM.is_dir(),
        reason=f"the shared xAPI sample data is not here ({DATASIM}); CI has it",
    ),
]


def statements() -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads((DATASIM / "tccc_dev_statements.json").read_text())
    return loaded


def test_the_datasim_set_is_kept_and_a_resend_creates_nothing() -> None:
    school = SchoolFactory()
    # Two of the six simulated learners are our pupils: their activity maps, the rest is kept.
    alice = PupilFactory(school=school, email="alice@example.org")
    bob = PupilFactory(school=school, email="Bob@Example.org")
    platform = Platform(school)
    sent = statements()

    response = platform.post((DATASIM / "tccc_dev_statements.json").read_bytes())
    again = platform.post((DATASIM / "tccc_dev_statements.json").read_bytes())

    assert response.status_code == again.status_code == 200
    assert response.json() == [s["id"] for s in sent] == again.json()
    assert XapiStatement.objects.count() == 2814
    mapped_verbs = {
        "http://adlnet.gov/expapi/verbs/interacted",
        "https://w3id.org/xapi/video/verbs/played",
        "http://adlnet.gov/expapi/verbs/initialized",
        "http://activitystrea.ms/start",
        "http://activitystrea.ms/submit",
        "http://adlnet.gov/expapi/verbs/completed",
    }
    ours = {"mailto:alice@example.org": alice.pk, "mailto:bob@example.org": bob.pk}
    expected = Counter(
        ours[s["actor"]["mbox"]]
        for s in sent
        if s["actor"]["mbox"] in ours and s["verb"]["id"] in mapped_verbs
    )
    assert Counter(ActivityEvent.objects.values_list("pupil_id", flat=True)) == expected
    summary = xapi_statements_summary(school_id=school.pk)
    assert summary.stored == 2814
    assert summary.unmapped == 2814 - sum(expected.values())
    assert set(summary.unused_verbs) == {
        "https://w3id.org/xapi/video/verbs/seeked",
        "https://w3id.org/xapi/video/verbs/paused",
        "http://adlnet.gov/expapi/verbs/terminated",
        "http://id.tincanapi.com/verb/skipped",
    }
    assert "2,814 statements stored" in summary.as_text()


def test_statements_map_once_their_actors_become_pupils() -> None:
    school = SchoolFactory()
    platform = Platform(school)
    platform.post(statements()[:300])
    assert not ActivityEvent.objects.exists()

    PupilFactory(school=school, email="steve@example.org")  # e.g. a later roster import
    mapped = xapi_statements_remap(school_id=school.pk)

    assert mapped > 0
    assert ActivityEvent.objects.count() == mapped
    assert xapi_statements_remap(school_id=school.pk) == 0


@pytest.mark.parametrize("name", ["simple_statement.json", "long_statement.json"])
def test_the_single_sample_statements_are_accepted(name: str) -> None:
    platform = Platform(SchoolFactory())

    response = platform.post((DATASIM / name).read_bytes())

    assert response.status_code == 200, response.content
    assert XapiStatement.objects.get().mapped_kind == ""
