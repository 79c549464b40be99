from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.test import Client

from schoolwindow.engagement.models import ActivityEvent, XapiStatement
from schoolwindow.engagement.xapi import xapi_source_create, xapi_statements_summary
from tests.factories import PupilFactory, SchoolFactory

pytestmark = pytest.mark.django_db
URL = "/xapi/statements"
LOGGED_IN = "http://adlnet.gov/expapi/verbs/logged-in"


class Platform:
    """A learning platform with a key, posting statements as a real one would."""

    def __init__(self, school: Any, name: str = "Oak Learning") -> None:
        self.source, secret = xapi_source_create(school=school, name=name)
        token = base64.b64encode(f"{self.source.key_id}:{secret}".encode()).decode()
        self.headers: dict[str, Any] = {
            "HTTP_AUTHORIZATION": f"Basic {token}",
            "HTTP_X_EXPERIENCE_API_VERSION": "1.0.3",
        }
        self.client = Client()

    def post(self, body: Any, **headers: str) -> Any:
        data = body if isinstance(body, bytes) else json.dumps(body)
        return self.client.post(
            URL, data, content_type="application/json", **{**self.headers, **headers}
        )

    def put(self, statement_id: str, body: Any) -> Any:
        return self.client.put(
            f"{URL}?statementId={statement_id}",
            json.dumps(body),
            content_type="application/json",
            **self.headers,
        )


def statement(email: str = "ada@example.org", verb: object = LOGGED_IN, **extra: Any) -> dict:
    return {
        "actor": {"objectType": "Agent", "mbox": f"mailto:{email}"},
        "verb": {"id": verb, "display": {"en-GB": "logged in"}},
        "object": {"id": "https://learn.example.org/course/7"},
        "timestamp": "2025-09-01T07:30:00Z",
        **extra,
    }


@pytest.fixture
def school():
    return SchoolFactory()


@pytest.fixture
def platform(school):
    return Platform(school)


@pytest.fixture
def pupil(school):
    return PupilFactory(school=school, email="Ada@Example.org")


def test_a_statement_from_a_pupil_becomes_a_log_in(platform, pupil):
    statement_id = str(uuid.uuid4())

    response = platform.post(statement(id=statement_id))

    assert response.status_code == 200
    assert response.json() == [statement_id]
    assert response["X-Experience-API-Version"] == "1.0.3"
    kept = XapiStatement.objects.get()
    assert (kept.pupil_id, kept.mapped_kind, kept.actor_key) == (
        pupil.pk,
        "login",
        "mbox:ada@example.org",
    )
    event = ActivityEvent.objects.get()
    assert (event.pupil_id, event.kind, event.external_id) == (pupil.pk, "login", statement_id)
    assert event.date == dt.date(2025, 9, 1)
    assert event.source == "Oak Learning"


def test_an_array_gets_ids_in_order_and_ids_are_made_when_missing(platform, pupil):
    given = str(uuid.uuid4())

    response = platform.post([statement(), statement(id=given)])

    assert response.status_code == 200
    made, echoed = response.json()
    assert echoed == given
    assert uuid.UUID(made)
    assert XapiStatement.objects.count() == 2


def test_sending_again_creates_nothing(platform, pupil):
    batch = [statement(id=str(uuid.uuid4())) for _ in range(3)]
    platform.post(batch)

    response = platform.post(batch)

    assert response.status_code == 200
    assert XapiStatement.objects.count() == 3
    assert ActivityEvent.objects.count() == 3


def test_a_known_id_with_other_content_is_a_conflict(platform, pupil):
    statement_id = str(uuid.uuid4())
    platform.post(statement(id=statement_id))
    other = statement(id=statement_id, verb="http://adlnet.gov/expapi/verbs/completed")

    response = platform.post([statement(), other])

    assert response.status_code == 409
    assert "statement 2: id" in response.json()["error"]
    assert XapiStatement.objects.count() == 1  # the first statement of the batch is not kept


def test_put_with_a_statement_id(platform, pupil):
    statement_id = str(uuid.uuid4())

    first = platform.put(statement_id, statement())
    again = platform.put(statement_id, statement())
    other = platform.put(statement_id, statement(verb="http://adlnet.gov/expapi/verbs/passed"))

    assert (first.status_code, again.status_code, other.status_code) == (204, 204, 409)
    assert str(XapiStatement.objects.get().statement_id) == statement_id


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([statement(), statement(), {"actor": statement()["actor"]}], "statement 3: 'verb' is"),
        ([statement(verb={"display": {}})], "statement 1: 'verb.id' must be an IRI"),
        ([{**statement(), "verb": {"display": {}}}], "statement 1: 'verb.id' is required"),
        ([statement(id="not-a-uuid")], "statement 1: 'id' must be a UUID"),
        ([statement(colour="blue")], "statement 1: 'colour' is not a statement property"),
        ([statement(result={"score": None})], "statement 1: 'result.score' must not be null"),
        ([statement(timestamp="last tuesday")], "statement 1: 'timestamp' must be an ISO 8601"),
        ([{**statement(), "actor": {"name": "Ada"}}], "'actor' needs exactly one of mbox"),
        ([{**statement(), "actor": {"mbox": "ada@example.org"}}], "must be a mailto: address"),
        ([statement(version="2.0.0")], "statement 1: 'version' '2.0.0' is not a 1.0.x version"),
        ([], "a non-empty array"),
        (b"{not json", "the body is not JSON"),
    ],
)
def test_a_bad_statement_is_a_400_that_says_what_is_wrong(platform, pupil, body, message):
    response = platform.post(body)

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not XapiStatement.objects.exists()


def test_credentials_are_required(platform):
    no_credentials = Client().post(
        URL, "{}", content_type="application/json", HTTP_X_EXPERIENCE_API_VERSION="1.0.3"
    )
    wrong = Client().post(
        URL,
        json.dumps(statement()),
        content_type="application/json",
        HTTP_AUTHORIZATION="Basic "
        + base64.b64encode(f"{platform.source.key_id}:x".encode()).decode(),
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
    )
    platform.source.active = False
    platform.source.save()
    revoked = platform.post(statement())

    assert [no_credentials.status_code, wrong.status_code, revoked.status_code] == [401] * 3
    assert no_credentials["WWW-Authenticate"].startswith("Basic")
    assert not XapiStatement.objects.exists()


@pytest.mark.parametrize("version", ["", "0.95", "2.0.0"])
def test_the_version_header_is_required(platform, version):
    response = platform.post(statement(), HTTP_X_EXPERIENCE_API_VERSION=version)

    assert response.status_code == 400
    assert "X-Experience-API-Version" in response.json()["error"]


def test_statements_of_unknown_actors_and_unused_verbs_are_kept_and_counted(
    platform, pupil, school
):
    platform.post(
        [
            statement(),
            statement(email="stranger@example.org"),
            statement(verb="https://w3id.org/xapi/video/verbs/paused"),
            statement(verb="https://w3id.org/xapi/video/verbs/paused"),
        ]
    )

    summary = xapi_statements_summary(school_id=school.pk)

    assert (summary.stored, summary.unmapped, summary.unknown_actor) == (4, 3, 1)
    assert summary.as_text() == (
        "4 statements stored, 3 not mapped: 1 from actors who are not pupils of the school; "
        "2 with verbs not used: paused x 2."
    )
    assert ActivityEvent.objects.count() == 1


def test_an_account_name_is_matched_to_a_upn(platform, school):
    pupil = PupilFactory(school=school)
    actor = {"account": {"homePage": "https://learn.example.org", "name": pupil.upn.lower()}}

    platform.post({**statement(), "actor": actor})

    assert XapiStatement.objects.get().pupil_id == pupil.pk


def test_a_voiding_statement_withdraws_the_activity(platform, pupil):
    statement_id = str(uuid.uuid4())
    platform.post(statement(id=statement_id))
    voiding = {
        **statement(verb="http://adlnet.gov/expapi/verbs/voided"),
        "object": {"objectType": "StatementRef", "id": statement_id},
    }

    response = platform.post(voiding)

    assert response.status_code == 200
    assert not ActivityEvent.objects.exists()
    assert XapiStatement.objects.count() == 2


def test_the_school_of_the_key_is_the_school(platform, school):
    PupilFactory(school=SchoolFactory(), email="ada@example.org")  # same address, other school

    platform.post(statement())

    assert XapiStatement.objects.get().pupil_id is None


def test_about_says_the_version():
    assert Client().get("/xapi/about").json() == {"version": ["1.0.3"]}


def test_put_refuses_an_id_other_than_the_parameter(platform, pupil):
    response = platform.put(str(uuid.uuid4()), statement(id=str(uuid.uuid4())))

    assert response.status_code == 400
    assert "differs from the statementId parameter" in response.json()["error"]


def test_one_id_twice_in_a_batch_is_kept_once_or_refused(platform, pupil):
    statement_id = str(uuid.uuid4())
    same = platform.post([statement(id=statement_id), statement(id=statement_id)])
    other = platform.post(
        [statement(id=statement_id), statement(id=statement_id, verb=LOGGED_IN + "x")]
    )

    assert same.status_code == 200
    assert same.json() == [statement_id, statement_id]
    assert other.status_code == 400
    assert "is also statement 1's" in other.json()["error"]
    assert XapiStatement.objects.count() == 1
